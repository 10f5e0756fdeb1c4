"""The district's page for asking a sign-language video call: `GET /video/ask/{district}` shows a form (a mobile
number and the call's language), `POST` books the call (operations/video_booking.py) and says the link was sent
to that phone — never the link itself: only the phone's owner may open the call, and the page may be someone
else's screen. A refusal is said in words.

Server-rendered, no script: Hindi first (`?lang=en` switches), large inputs and buttons, a page a cheap Android
phone's browser opens on a slow network. The phone's daily cap (`video_calls.per_day`) bounds what the form can
send to any one number.
"""
from __future__ import annotations

import base64
import hashlib
import html
from typing import TYPE_CHECKING

from chalice.app import Request, Response

from chalicelib import wiring
from chalicelib.domain.district import typed_phone
from chalicelib.i18n import Catalog, catalog

if TYPE_CHECKING:
    from chalicelib.domain.district import District

_STYLE = ("body{font-family:sans-serif;font-size:1.2rem;line-height:1.5;max-width:30rem;margin:1rem auto;"
          "padding:0 1rem;color:#111;background:#fff}h1{font-size:1.6rem}"
          "label{display:block;margin:1rem 0 .3rem;font-weight:bold}"
          "input[type=tel]{font-size:1.5rem;padding:.7rem;width:100%;box-sizing:border-box;border:2px solid #333}"
          "fieldset{border:0;padding:0;margin:1rem 0}fieldset label{font-weight:normal;margin:.4rem 0;"
          "padding:.6rem;border:2px solid #333;border-radius:.4rem}input[type=radio]{transform:scale(1.6);"
          "margin-right:.8rem}button,.button{display:block;font-size:1.4rem;padding:1rem;width:100%;"
          "margin:1.2rem 0;border:0;border-radius:.4rem;background:#0b5394;color:#fff;text-align:center;"
          "text-decoration:none}.error{color:#a00;font-weight:bold}.done{font-size:1.4rem}nav{text-align:right}"
          "nav a{font-size:1.2rem;padding:.5rem}")
# The page's one inline style, allowed by its hash: no script, no other origin, no framing.
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
}
_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>{style}</style></head><body>{switch}<h1>{title}</h1>{body}</body></html>"""


def ask_page(request: Request, code: str) -> Response:
    """GET: the form; POST: the booking, and what became of it."""
    district = wiring.directory().district(code.upper())
    page_language = _page_language(request, district)
    if district is None:
        return _page(catalog(page_language), f"<p>{_text(catalog(page_language), 'video_web_no_district')}</p>",
                     404)
    if request.method == "GET":
        return _form_page(district, page_language)
    return _book(request, district, page_language)


def _book(request: Request, district: District, page_language: str) -> Response:
    from chalicelib import settings
    from chalicelib.domain.chat_intake import refusal_key, written_time
    from chalicelib.domain.district import is_reachable
    from chalicelib.domain.notices import dialled
    from chalicelib.domain.video_calls import VideoRefused
    from chalicelib.operations.video_booking import request_video
    from chalicelib.telephony.signature import parse_form

    form = parse_form(request.raw_body)
    language = form.get("language", "")
    language = language if language in district.languages else page_language
    words = catalog(language)
    phone = typed_phone(form.get("phone", ""))
    if phone is None or not is_reachable(phone):
        error = f'<p class="error" role="alert">{_text(words, "video_web_bad_phone")}</p>'
        return _form_page(district, language, error=error, typed=form.get("phone", ""), status=400)
    try:
        # The short link base where there is one: a Hindi SMS with the link must fit two segments.
        booked = request_video(district, phone, language, "web", calls=wiring.video_calls(),
                               dispatcher=wiring.dispatcher(), clock=wiring.clock(),
                               link_base=settings.short_link_base_url())
    except VideoRefused as refused:
        said = words.text(refusal_key(refused.code), most=refused.values.get("most", district.video.per_day))
        return _page(words, f'<p class="error" role="alert">{html.escape(said)}</p>{_back(words, language)}',
                     409 if refused.code == "video_cap" else 200)
    shown = html.escape(dialled(phone))
    if booked.now:
        said = words.text("video_web_sent_now", phone=shown)
    else:
        said = words.text("video_web_sent_later", phone=shown, time=html.escape(
            written_time(words, booked.call.slot_at)))
    return _page(words, f'<p class="done" role="status">{said}</p>')


def _form_page(district: District, language: str, *, error: str = "", typed: str = "",
               status: int = 200) -> Response:
    """The form, or, where the district takes no video call just now, why not."""
    from chalicelib.domain.chat_intake import refusal_key
    from chalicelib.domain.video_calls import signers

    words = catalog(language)
    switch = _switch(district, language)
    if not district.video.enabled or not signers(district):
        code = "video_off" if not district.video.enabled else "no_signer"
        return _page(words, f"<p>{_text(words, refusal_key(code))}</p>", 200, switch)
    choices = "".join(
        f'<label><input type="radio" name="language" value="{lang}"{" checked" if lang == language else ""}>'
        f'{_text(catalog(lang), "video_web_language_name")}</label>' for lang in district.languages)
    body = (f"<p>{_text(words, 'video_web_intro')}</p>{error}"
            f'<form method="post" action="?lang={language}">'
            f'<label for="phone">{_text(words, "video_web_phone")}</label>'
            f'<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required maxlength="20" '
            f'value="{html.escape(typed[:20])}">'
            f"<fieldset><legend><b>{_text(words, 'video_web_language')}</b></legend>{choices}</fieldset>"
            f'<button type="submit">{_text(words, "video_web_submit")}</button></form>')
    return _page(words, body, status, switch)


def _switch(district: District, language: str) -> str:
    """Links to the page in the district's other languages, each named in its own words."""
    links = [f'<a href="?lang={lang}" lang="{lang}">{_text(catalog(lang), "video_web_language_name")}</a>'
             for lang in district.languages if lang != language]
    return f"<nav>{' '.join(links)}</nav>" if links else ""


def _back(words: Catalog, language: str) -> str:
    return f'<a class="button" href="?lang={language}">{_text(words, "video_web_back")}</a>'


def _page_language(request: Request, district: District | None) -> str:
    query: dict[str, str] = dict(request.query_params or {})
    asked = query.get("lang", "")
    languages = district.languages if district else ("hi", "en")
    return asked if asked in languages else languages[0]


def _page(words: Catalog, body: str, status: int = 200, switch: str = "") -> Response:
    return Response(_PAGE.format(lang=words.language, title=_text(words, "video_web_title"), style=_STYLE,
                                 switch=switch, body=body), status_code=status, headers=dict(_HEADERS))


def _text(words: Catalog, key: str) -> str:
    return html.escape(words.text(key))
