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
from chalicelib.domain.clock import iso

PREVIOUS_TICKETS = 10


def _render(call: Any) -> dict[str, Any]:
    return {"call_sid": call.call_sid, "caller_phone": call.caller_phone, "line": call.line,
            "hotline": call.hotline, "state": call.state, "operators": list(call.operators),
            "ringing_at": call.ringing_at, "answered_at": call.answered_at, "answered_by": call.answered_by,
            "complaint_number": call.complaint_number}


def ringing(call: Call) -> dict[str, Any]:
    from chalicelib.store.operator_calls import ringing_calls

    code = access.district_code(call.user, call.params.get("district"))
    since = iso(wiring.clock().now() - timedelta(minutes=call.params["minutes"]))
    return {"items": [_render(c) for c in ringing_calls(code, since)]}


def one_call(call: Call) -> dict[str, Any]:
    from chalicelib.handlers.api_console import summary
    from chalicelib.store import console
    from chalicelib.store.operator_calls import get_call

    found = get_call(call.path["call_sid"])
    # Another district's call reads as missing, like its tickets.
    if found is None or (call.user.role != "state_admin" and found.district != call.user.district):
        raise not_found(f"No call {call.path['call_sid']} that rang your operators")
    previous = console.tickets_of_caller(found.caller_phone, found.district, PREVIOUS_TICKETS, None).tickets \
        if found.caller_phone else []
    now = iso(wiring.clock().now())
    return {**_render(found), "tickets": [summary(t, now) for t in previous if access.may_see(call.user, t)]}


OPERATIONS = {"ringingCalls": ringing, "getCall": one_call}


def serve(request: Any, operation_id: str) -> Response:
    return handle(request, operation_id, OPERATIONS[operation_id])


def attach_finished_recording(complaint_number: str, call_sid: str) -> None:
    """An operator registered after the call ended: its recording, already posted by Twilio, joins the ticket."""
    from chalicelib.domain.call_recording import settle_call_recording
    from chalicelib.store.operator_calls import completed_recording

    finished = completed_recording(call_sid)
    if finished:
        sid, url, seconds = finished
        settle_call_recording(complaint_number, sid, url, seconds, wiring.ticket_store())
