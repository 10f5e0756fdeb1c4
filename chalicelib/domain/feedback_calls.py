"""Placing the citizen's feedback call, once per due call however often the event arrives."""
from __future__ import annotations

from chalicelib.domain.district import is_e164
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ports import CitizenCaller, Claims, Directory


def place_feedback_call(event: DomainEvent, directory: Directory, caller: CitizenCaller, claims: Claims,
                        answer_path: str, status_path: str) -> str:
    phone = event.data.get("caller_phone", "")
    if not is_e164(phone):
        return "caller number withheld: no call"
    district = directory.district(event.data["district"])
    if district is None:
        raise LookupError(f"district {event.data['district']!r} is not in the directory")
    key = f"feedback-call#{event.id}"
    if not claims.claim(key):
        return "placed before"
    try:
        sid = caller.place_call(to=phone, caller_id=district.hotlines[0].lines[0], answer_path=answer_path,
                                status_path=status_path)
    except Exception:
        claims.release(key)
        raise
    claims.confirm(key, sid)
    return f"feedback call {event.data.get('attempt')}: {sid}"
