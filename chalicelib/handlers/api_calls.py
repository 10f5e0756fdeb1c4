"""The console's view of calls ringing the operators: the incoming-call page polls these.

Each call is one Query on the calls table's sparse `ringing` index (ringing_district, ringing_at) or one
GetItem, plus the caller's previous tickets in the district (the by_caller index).
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalice import Response

from chalicelib import wiring
from chalicelib.api import access
from chalicelib.api.errors import not_found
from chalicelib.api.http import Call, handle
from chalicelib.domain.call_log import OperatorCall
from chalicelib.domain.clock import iso, parse_iso
from chalicelib.handlers import api_common as common

PREVIOUS_TICKETS = 10


def render(call: OperatorCall) -> dict[str, Any]:
    return {"call_sid": call.call_sid, "caller_phone": call.caller_phone, "line": call.line,
            "hotline": call.hotline, "district": call.district, "state": call.state,
            "operators": list(call.operators),
            "ringing_at": call.ringing_at, "answered_at": call.answered_at, "answered_by": call.answered_by,
            "complaint_number": call.complaint_number, "complaint_numbers": list(call.complaint_numbers),
            "kind": call.kind, "video": _video(call)}


def _video(call: OperatorCall) -> dict[str, Any] | None:
    if call.video is None:
        return None
    from chalicelib.domain.district import VideoPolicy

    district = wiring.directory().district(call.district)
    cap = timedelta(minutes=(district.video if district else VideoPolicy()).max_minutes)
    joined = call.video.get("citizen_joined_at")
    return {"state": call.video.get("state"), "recording_consent": call.video.get("recording_consent"),
            "consent_at": call.video.get("consent_at"), "slot_at": call.video.get("slot_at"),
            "citizen_left_at": call.video.get("citizen_left_at"), "language": call.video.get("language", ""),
            "ends_at": iso(parse_iso(joined) + cap) if joined else None}


def _may_see(user: Any, call: OperatorCall) -> bool:
    """A sign-language video call is for the operators who sign: any other operator never sees one."""
    if call.kind != "video" or user.role != "operator":
        return True
    from chalicelib.domain.video_calls import signers

    district = wiring.directory().district(call.district)
    return district is not None and any(o.username == user.username for o in signers(district))


def ringing(call: Call) -> dict[str, Any]:
    # A state's executives take the calls of every district routed to them: those ring under the state's code.
    code = str(call.user.state) if call.user.is_state_executive else \
        access.district_code(call.user, call.params.get("district"))
    since = iso(common.now() - timedelta(minutes=call.params["minutes"]))
    return {"items": [render(c) for c in wiring.call_log().ringing_calls(code, since) if _may_see(call.user, c)]}


def one_call(call: Call) -> dict[str, Any]:
    found = wiring.call_log().get_call(call.path["call_sid"])
    # Another district's call reads as missing, like its tickets.
    user = call.user
    mine = found is not None and (user.role == "state_admin" or found.district == user.district
                                  or (user.is_state_executive and found.district in access.state_districts(user)))
    if found is None or not mine or not _may_see(user, found):
        raise not_found("no_call", call_sid=call.path["call_sid"])
    previous = wiring.console_queries().tickets_of_caller(found.caller_phone, found.district, PREVIOUS_TICKETS,
                                                          None).tickets if found.caller_phone else []
    now = iso(common.now())
    # `now`: the server's clock, which the console counts a video call's time left from (the PC's may be wrong).
    return {**render(found), "tickets": [common.summary(t, now) for t in previous if access.may_see(call.user, t)],
            "now": now}


OPERATIONS = {"ringingCalls": ringing, "getCall": one_call}


def serve(request: Any, operation_id: str) -> Response:
    return handle(request, operation_id, OPERATIONS[operation_id])
