"""TwiML of an operators-mode hotline: ring the operators on duty, then the IVR's recorded intake.

The Dial's action carries, in its path, the index of the next operator to ring (in-turn order), so the
step after an unanswered ring needs no state of its own. The Dial records from the answer, both parties
on their own channel, and its recording status goes to the IVR's recording-status route, which attaches
it to the ticket the operator registers for this CallSid.
"""
from __future__ import annotations

from chalicelib.domain.district import District, OperatorRing
from chalicelib.domain.roster import Operator
from chalicelib.i18n import catalog
from chalicelib.routing import ivr
from chalicelib.telephony.call_script import CallScript, say, url
from chalicelib.telephony.carriers import render

OPERATORS = f"{ivr.VOICE}/operators"
# Twilio's DialCallStatus values for "nobody took the call": ring the next one, or fall back to the IVR.
NOT_ANSWERED = frozenset({"no-answer", "busy", "failed"})


def dial_action_path(next_index: int) -> str:
    return f"{OPERATORS}/after/{next_index}"


def whisper_path(district_code: str, call_sid: str) -> str:
    return f"{OPERATORS}/answered/{district_code}/{call_sid}"


def ring(district: District, policy: OperatorRing, operators: tuple[Operator, ...], start: int, call_sid: str,
         announce: bool) -> str:
    """Ring everyone on duty at once, or (in turn) the operator at `start`; `announce` says the recording notice.
    `policy`: the hotline's, or on a state number the state file's (its executives, or the district's operators)."""
    vr = CallScript()
    speech = catalog(district.default_language)
    if announce:
        say(vr, speech.text("operators_connecting"), speech)
    simultaneous = policy.order == "simultaneous"
    ringing = operators if simultaneous else operators[start:start + 1]
    next_index = len(operators) if simultaneous else start + 1
    vr.dial(tuple(str(operator.phone) for operator in ringing), action=url(dial_action_path(next_index)),
            timeout=policy.answer_seconds, whisper_url=url(whisper_path(district.code, call_sid)),
            recording_status_callback=url(ivr.RECORDING_STATUS_PATH))
    return render(vr)


def to_intake(district: District) -> str:
    """Nobody answered: the caller records the complaint through the IVR's menus."""
    vr = CallScript()
    speech = catalog(district.default_language)
    say(vr, speech.text("operators_busy"), speech)
    ivr.intake_menu(vr, district)
    return render(vr)


def call_over(district: District) -> str:
    """An operator took the call and it ended: thank the caller, hang up."""
    vr = CallScript()
    speech = catalog(district.default_language)
    say(vr, speech.text("goodbye"), speech)
    vr.hangup()
    return render(vr)


def whisper(district: District, caller: str) -> str:
    """Heard by the operator alone before the caller is connected."""
    vr = CallScript()
    speech = catalog(district.default_language)
    digits = " ".join(caller[-4:]) if caller else "?"
    say(vr, speech.text("operator_whisper", digits=digits), speech)
    return render(vr)
