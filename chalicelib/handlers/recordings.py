"""An officer hears a complaint's recording: a page that asks for their mobile number, then plays it.

The audio is fetched from Twilio with our credentials and inlined in the page, so the recording URL
is never shown and the response is plain HTML (no binary media types to configure on API Gateway).
A link takes five wrong numbers in 15 minutes, then refuses every number until that window ends
(operations/recording_link_access.py; the count is in DynamoDB, so it holds across containers).
"""
from __future__ import annotations

import base64
import html
import logging
import re

from chalice.app import Request, Response

from chalicelib import recording_links, wiring
from chalicelib.domain.district import typed_phone
from chalicelib.domain.ports import RecordingTooLarge
from chalicelib.i18n import catalog
from chalicelib.operations.recording_link_access import WINDOW, check_officer_phone
from chalicelib.telephony.signature import parse_form

log = logging.getLogger(__name__)

_DISTRICT_CODE = re.compile(r"[^A-Z].*$")  # a complaint number's district code is its leading letters

_PAGE = """<!doctype html><html lang="hi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{number}</title>
<style>body{{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}}
input,button{{font-size:1.2rem;padding:.5rem;width:100%;margin:.3rem 0}}</style></head><body>
<h1>{number}</h1>{body}</body></html>"""
_FORM = """<form method="post"><label>अपना मोबाइल नंबर / Your mobile number
<input name="phone" inputmode="tel" autocomplete="tel" required></label>
<button type="submit">सुनें / Listen</button></form>{error}"""


def _page(number: str, body: str, status: int = 200) -> Response:
    return Response(_PAGE.format(number=html.escape(number), body=body), status_code=status,
                    headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"})


# Lambda answers at most 6 MB and base64 makes the audio a third larger: above this the page could
# not be sent at all.
MAX_AUDIO_BYTES = 4 * 1024 * 1024

_LINK_REFUSED = {
    "expired": (410, "यह लिंक समाप्त हो गया है / This link has expired."),
    "forged": (403, "यह लिंक सही नहीं है / This link is not valid."),
    "malformed": (400, "यह लिंक सही नहीं है / This link is not valid."),
}


def _locked(number: str) -> Response:
    """Too many wrong numbers on this link: a pause, said in the district's language (the one its officers'
    messages use), and nothing else — not even the complaint number."""
    district = wiring.directory().district(_DISTRICT_CODE.sub("", number))
    words = catalog(district.default_language if district else "hi")
    minutes = int(WINDOW.total_seconds() // 60)
    response = _page("—", f"<p>{html.escape(words.text('recording_link_locked', minutes=minutes))}</p>", 429)
    response.headers["Retry-After"] = str(int(WINDOW.total_seconds()))
    return response


def open_link(request: Request, token: str) -> Response:
    try:
        number, phone = recording_links.verify(token)
    except recording_links.BadLink as error:
        status, message = _LINK_REFUSED.get(str(error), _LINK_REFUSED["forged"])
        return _page("—", f"<p>{message}</p>", status)
    if request.method == "GET":
        return _page(number, _FORM.format(error=""))
    typed = typed_phone(parse_form(request.raw_body).get("phone", ""))
    access = check_officer_phone(recording_links.attempts_key(token), typed, phone, wiring.link_attempts(),
                                 wiring.clock().now())
    if access == "locked":
        return _locked(number)
    if access == "wrong_number":
        refusal = "<p>यह नंबर इस लिंक का नहीं है / Not the number this link was sent to.</p>"
        return _page(number, _FORM.format(error=refusal), 403)
    ticket = wiring.ticket_store().get(number)
    if ticket is None or not ticket.recording_url:
        return _page(number, "<p>रिकॉर्डिंग नहीं मिली / No recording.</p>", 404)
    try:
        audio, content_type = wiring.recording_audio().fetch_audio(ticket.recording_url, MAX_AUDIO_BYTES)
    except RecordingTooLarge:
        log.warning("ticket %s: recording too large to play in the page", number)
        return _page(number, "<p>रिकॉर्डिंग इतनी बड़ी है कि यहाँ नहीं चल सकती; कृपया कंट्रोल रूम से सुनें। / "
                             "The recording is too large to play here; please ask the control room to play it.</p>",
                     502)
    except Exception:
        log.exception("ticket %s: could not fetch the recording", number)
        failure = ("<p>रिकॉर्डिंग अभी नहीं मिल पाई; थोड़ी देर बाद फिर कोशिश करें। / "
                   "The recording could not be fetched just now; please try again in a little while.</p>")
        return _page(number, _FORM.format(error=failure), 502)
    source = f"data:{content_type};base64,{base64.b64encode(audio).decode()}"
    return _page(number, f'<audio controls autoplay src="{source}"></audio>')

