"""The state number's one step of its own: which district? Then the district's IVR, unchanged.

The question's <Gather> and the <Redirect> after it share /state/{attempt}, like the district IVR's
menus. A valid code redirects to the voice webhook with ?district=<CODE>: the district's greeting and
every step after it (written by anyone) build their URLs with twiml.url(), which carries the choice on.
"""
from __future__ import annotations

from urllib.parse import urlencode

from chalicelib.domain.state_line import StateLine
from chalicelib.i18n import catalog
from chalicelib.routing.ivr import GATHER_TIMEOUT_SECONDS, MAX_ATTEMPTS, VOICE
from chalicelib.telephony.call_script import CallScript, say, url
from chalicelib.telephony.carriers import render

STATE_STEP = f"{VOICE}/state"
INCOMING = f"{VOICE}/incoming"


def _spelled(key: str) -> str:
    return " ".join(key)  # "0 1": read digit by digit, as keyed


def _question(vr: CallScript, state: StateLine, attempt: int) -> None:
    action = url(f"{STATE_STEP}/{attempt}")
    gather = vr.gather(action, timeout=GATHER_TIMEOUT_SECONDS, num_digits=state.key_length)
    for lang in state.languages:
        speech = catalog(lang)
        options = " ".join(speech.text("state_district_option", district=d.names.get(lang) or d.code,
                                       key=_spelled(d.key)) for d in state.menu())
        text = speech.text("state_district_question", digits=state.key_length)
        say(gather, f"{text} {options}".strip(), speech)
    vr.redirect(action)


def district_question(state: StateLine) -> str:
    """What a caller of the state number hears first."""
    vr = CallScript()
    lang = state.languages[0]
    say(vr, catalog(lang).text("state_welcome", state=state.name_in(lang)), catalog(lang))
    _question(vr, state, attempt=1)
    return render(vr)


def district_step(state: StateLine, attempt: int, digits: str | None) -> str:
    """The caller keyed in a code (or nothing): on to the district, asked again, or a polite goodbye."""
    code = state.district_for_key(digits)
    vr = CallScript()
    if code:
        vr.redirect(url(f"{INCOMING}?{urlencode({'district': code})}"))
        return render(vr)
    if attempt >= MAX_ATTEMPTS:
        for lang in state.languages:
            speech = catalog(lang)
            say(vr, f"{speech.text('state_no_district')} {speech.text('goodbye')}", speech)
        vr.hangup()
        return render(vr)
    speech = catalog(state.languages[0])
    say(vr, speech.text("wrong_key" if digits else "no_input"), speech)
    _question(vr, state, attempt + 1)
    return render(vr)
