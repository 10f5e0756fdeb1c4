"""The feedback call to a citizen whose complaint was marked resolved: "press 1 if solved, 2 if not"."""
from __future__ import annotations

from chalicelib.domain.complaint_number import spoken_groups
from chalicelib.i18n import catalog
from chalicelib.routing import ivr
from chalicelib.telephony.call_script import CallScript, say, url
from chalicelib.telephony.carriers import render

MAX_TRIES = 3


def path(number: str, attempt: int) -> str:
    return f"/voice/feedback/{number}/{attempt}"


def question(number: str, language: str, district_name: str, attempt: int, retry_key: str | None = None) -> str:
    """The question; on the first try with the introduction, on later ones after `retry_key`'s words."""
    speech = catalog(language)
    vr = CallScript()
    if retry_key:
        if attempt > MAX_TRIES:
            return ivr.closing(language, "feedback_no_answer")
        say(vr, speech.text(retry_key), speech)
    action = url(path(number, attempt))
    gather = vr.gather(action, timeout=8, num_digits=1)
    if attempt == 1:
        spoken = ", ".join(spoken_groups(number))
        say(gather, speech.text("feedback_intro", district=district_name, number=spoken), speech)
    say(gather, speech.text("feedback_question"), speech)
    vr.redirect(action)
    return render(vr)

