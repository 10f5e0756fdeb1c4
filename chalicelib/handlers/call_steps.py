"""What every voice step shares: the attempt in its URL, our line and the citizen's number, the call's
district, and the answer for a call whose district we do not know.

The step modules (voice.py, voice_status.py, state_line.py, callback_requests.py, callback_call.py,
operators.py) import this one and nothing of each other's, except voice.py, which runs the incoming call's
checks through them.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from chalicelib import wiring
from chalicelib.domain.district import District
from chalicelib.routing import ivr
from chalicelib.telephony.twiml import carry

log = logging.getLogger(__name__)

Form = dict[str, str]
Params = dict[str, str]
Step = Callable[[Form, Params], str]
DistrictStep = Callable[[Form, Params, District], str]


class BadRequest(ValueError):
    """A URL or form no call of ours would send (a forged or stale request): the webhook apologises."""


def attempt(params: Params) -> int:
    """The try at this menu, from the step's URL (1 to ivr.MAX_ATTEMPTS)."""
    raw = params.get("attempt", "")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= ivr.MAX_ATTEMPTS:
        raise BadRequest(f"attempt {raw!r}")
    return int(raw)


def line_and_caller(form: Form) -> tuple[str, str]:
    """Our number and the citizen's. On a call we placed (a callback), Twilio's From is our line."""
    if form.get("Direction", "").startswith("outbound"):
        return form.get("From", ""), form.get("To", "")
    return form.get("To", ""), form.get("From", "")


def call_district(form: Form, params: Params) -> District | None:
    """The district the call is for: its line's, or for a state number, the one chosen in the call."""
    line, _caller = line_and_caller(form)
    if not line or not form.get("CallSid"):
        raise BadRequest("To and CallSid are required")
    return wiring.directory().district_for_line(line) or chosen_district(line, params)


def chosen_district(line: str, params: Params) -> District | None:
    """The district chosen on a state number, which every URL built from here on carries; None when the
    line is no state number's or the chosen district is not one of the state's (a forged URL)."""
    directory = wiring.directory()
    state = directory.state_for_line(line)
    if state is None:
        return None
    code = params.get("district")
    if code is None or not state.serves(code):
        log.warning("state number %s: district %r is not one of %s's", line, code, state.code)
        return None
    district = directory.district(code)
    if district is not None:
        carry("district", district.code)
    return district


def district_required(step: DistrictStep) -> Step:
    """The step runs with the call's district; a call whose line is no district's hears the unknown number."""
    @wraps(step)
    def with_district(form: Form, params: Params) -> str:
        district = call_district(form, params)
        if district is None:
            return ivr.unknown_number()
        return step(form, params, district)

    return with_district


def recording_heard(form: Form) -> bool:
    """Twilio's Record ended with audio: a recording, its URL and a length above zero."""
    duration = form.get("RecordingDuration", "0")
    return bool(form.get("RecordingSid") and form.get("RecordingUrl")) and duration.isdigit() and int(duration) > 0
