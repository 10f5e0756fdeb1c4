"""An officer hears a complaint's recording: a page that asks for their mobile number, then plays it.

The audio is fetched from Twilio with our credentials and inlined in the page, so the recording URL
is never shown and the response is plain HTML (no binary media types to configure on API Gateway).
"""
from __future__ import annotations

import base64
import html
import logging
import urllib.request

from chalice.app import Request, Response

from chalicelib import recording_links, settings, wiring
from chalicelib.telephony.signature import parse_form

log = logging.getLogger(__name__)

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


def _phone(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    return f"+91{digits[-10:]}" if len(digits) >= 10 else text


def open_link(request: Request, token: str) -> Response:
    try:
        number, phone = recording_links.verify(token)
    except recording_links.BadLink as error:
        message = "यह लिंक समाप्त हो गया है / This link has expired." if str(error) == "expired" else \
            "यह लिंक सही नहीं है / This link is not valid."
        return _page("—", f"<p>{message}</p>", 403 if str(error) != "expired" else 410)
    if request.method == "GET":
        return _page(number, _FORM.format(error=""))
    if _phone(parse_form(request.raw_body).get("phone", "")) != phone:
        error = "<p>यह नंबर इस लिंक का नहीं है / Not the number this link was sent to.</p>"
        return _page(number, _FORM.format(error=error), 403)
    ticket = wiring.ticket_store().get(number)
    if ticket is None or not ticket.recording_url:
        return _page(number, "<p>रिकॉर्डिंग नहीं मिली / No recording.</p>", 404)
    audio, content_type = _fetch(ticket.recording_url)
    source = f"data:{content_type};base64,{base64.b64encode(audio).decode()}"
    return _page(number, f'<audio controls autoplay src="{source}"></audio>')


def _fetch(recording_url: str) -> tuple[bytes, str]:
    if not recording_url.startswith(("https://", "http://127.0.0.1")):
        raise ValueError(f"refusing to fetch a recording from {recording_url[:40]}")
    request = urllib.request.Request(recording_url + (".mp3" if "api.twilio.com" in recording_url else ""))  # noqa: S310 (scheme checked above)
    credentials = f"{settings.twilio_account_sid()}:{settings.twilio_auth_token()}".encode()
    request.add_header("Authorization", "Basic " + base64.b64encode(credentials).decode())
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (scheme checked above)
        return response.read(), response.headers.get("Content-Type", "audio/mpeg").split(";")[0]
