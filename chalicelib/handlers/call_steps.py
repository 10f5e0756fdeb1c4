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
from chalicelib.telephony.call_script import carry

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
        keep_consent(params)
        return step(form, params, district)

    return with_district


def keep_consent(params: Params) -> None:
    """What the new-complaint check learnt of the caller's answer on WhatsApp updates (domain/consent.py) goes
    on in every later URL of the call, whichever steps come between it and the recording."""
    from chalicelib.domain.consent import URL_PARAM, from_token

    token = params.get(URL_PARAM)
    if token and from_token(token).known:
        carry(URL_PARAM, token)


def carry_consent(token: str | None) -> None:
    """From this step on, the call's URLs carry what the caller answered before (`yes@…`, `no@…`); None: no
    answer found, nothing carried, and the recording's step asks (domain/consent.py)."""
    from chalicelib.domain.consent import URL_PARAM

    if token:
        carry(URL_PARAM, token)


# Bounds on the numbers a carrier's form carries: Twilio ends a call after 24 hours at most, a <Record> after
# its maxLength (a hotline's record_max_seconds, at most 3600), a <Gather> takes what a keypad can key.
CALL_MAX_SECONDS = 24 * 3600
RECORD_MARGIN_SECONDS = 60  # the beep, the key that ends it, the carrier's rounding
RECORD_CEILING_SECONDS = 3600  # the district file's ceiling on record_max_seconds (domain/district.py)
MAX_DIGITS = 20  # the longest thing keyed: a complaint number's digits (12), with room for a slip
_KEYPAD = frozenset("0123456789*#")


def form_number(raw: str | None, maximum: int) -> int | None:
    """A count the carrier wrote (seconds, a try): ASCII digits from 0 to `maximum`; None for anything else."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(maximum)):
        return None
    value = int(raw)
    return value if value <= maximum else None


def keyed_digits(form: Form) -> str | None:
    """The keys pressed at a <Gather>: keypad characters, at most MAX_DIGITS; None when nothing (or nothing a
    keypad sends) was pressed, which every menu treats as no key."""
    digits = form.get("Digits")
    if not digits or len(digits) > MAX_DIGITS or not set(digits) <= _KEYPAD:
        return None
    return digits


def record_max_seconds(district: District, line: str) -> int:
    """The longest recording a <Record> on this line can make, with the margin: the hotline's own, or the outage
    step's (which could not read the hotline) when that is longer, so a recording made during an outage is
    still heard once the database is back."""
    hotline = district.hotline_for_line(line)
    longest = max(hotline.record_max_seconds, ivr.OUTAGE_RECORD_SECONDS) if hotline else RECORD_CEILING_SECONDS
    return longest + RECORD_MARGIN_SECONDS


def recording_seconds(form: Form, maximum: int) -> int | None:
    """RecordingDuration, when it is a length a recording of at most `maximum` seconds can have."""
    return form_number(form.get("RecordingDuration"), maximum)


def recording_url(form: Form) -> str | None:
    """RecordingUrl when it is the carrier's URL of this form's RecordingSid in our account; None otherwise (the
    recording is then kept without it, and nothing is ever fetched from what the form said)."""
    from chalicelib.telephony.recording_urls import carrier_recording_url

    url = carrier_recording_url(form.get("RecordingUrl"), form.get("RecordingSid"))
    if url is None and form.get("RecordingUrl"):
        log.warning("call %s: RecordingUrl is not the carrier's URL of recording %s: ignored",
                    form.get("CallSid"), form.get("RecordingSid"))
    return url


def recording_heard(form: Form, max_seconds: int = RECORD_CEILING_SECONDS + RECORD_MARGIN_SECONDS) -> bool:
    """Twilio's Record ended with audio: a recording, its URL and a length above zero, within what the <Record>
    allows (a longer one is no recording of ours)."""
    seconds = recording_seconds(form, max_seconds)
    return bool(form.get("RecordingSid") and form.get("RecordingUrl")) and seconds is not None and seconds > 0


def timeline_call_status(form: Form, number: str, kind: str) -> None:
    """A call we placed about a ticket (a feedback call, an officer's ring) ringing, answered or unanswered, on
    its timeline as `<kind>_<status>`; a replayed callback adds nothing."""
    from chalicelib.domain.clock import iso
    from chalicelib.domain.ticket import TimelineEntry
    from chalicelib.telephony.call_script import current_carrier

    if form.get("CallSid") and form.get("CallStatus"):
        wiring.ticket_store().add_timeline(TimelineEntry(
            complaint_number=number, at=iso(wiring.clock().now()), actor_type="system",
            actor_id=current_carrier.get(), action=f"{kind}_{form['CallStatus']}", channel="ivr",
            detail={"call_sid": form["CallSid"],
                    "duration": str(form_number(form.get("CallDuration"), CALL_MAX_SECONDS) or 0)}),
            once_key=f"{kind.replace('_', '-')}#{form['CallSid']}#{form['CallStatus']}")
