"""Placing a call once per due call, however often its event arrives (a retry, a redrive from the DLQ).

A call whose placing went unanswered by the carrier (a timeout) may be ringing: its claim is held with the
attempt, and the retry asks the carrier for that call before placing another (as domain/delivery.py does).
"""
from __future__ import annotations

from chalicelib.domain.ports import Attempt, Claims, Dialer, OutcomeUnknown


def place_once(key: str, tried: Attempt, status_path: str, dialer: Dialer, claims: Claims, label: str) -> str:
    """Places `tried` (to, caller ID, answer path, carrier) unless the claim `key` says it was; what happened."""
    held = None
    if not claims.claim(key, tried.to_json()):  # the attempt rides on the claim: a consumer killed mid-call too
        held = claims.take_unconfirmed([key]).get(key)
        if held is None:
            return "placed before"
        tried = Attempt.from_json(held)
        try:
            found = dialer.find_call(tried)
        except Exception:
            claims.hold(key, held)  # the carrier could not say: ask again next time
            raise
        if found:
            claims.confirm(key, found)
            return f"{label}: {found} (the carrier had it)"
    try:
        sid = dialer.place_call(to=tried.to, caller_id=tried.sender, answer_path=tried.content,
                                status_path=status_path, carrier=tried.carrier)
    except Exception as error:
        if isinstance(error, OutcomeUnknown) or held:  # it may be ringing: never a second call at once
            claims.hold(key, tried.to_json())
        else:
            claims.release(key)
        raise
    claims.confirm(key, sid)
    return f"{label}: {sid}"
