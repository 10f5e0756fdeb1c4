"""The console's blocklist operations: the Collector's office blocks and unblocks callers of its district.

chalicelib/api/http.py has checked the token, the role (collector, state_admin) and the input against
the OpenAPI document; a Collector is kept to their own district by access.district_code.
"""
from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib import wiring
from chalicelib.api import access
from chalicelib.api.http import Call, handle
from chalicelib.domain.clock import iso
from chalicelib.handlers import api_common as common


def _code(call: Call) -> str:
    return common.district(access.district_code(call.user, call.path["code"])).code


def _phone(call: Call) -> str:
    return "+" + call.path["phone"]  # the path carries E.164 without its "+", which clients would encode


def get_blocklist(call: Call) -> dict[str, Any]:
    return {"items": [{"phone": e.phone, "reason": e.reason, "by": e.by, "at": e.at}
                      for e in wiring.blocklist().entries(_code(call))]}


def block_caller(call: Call) -> dict[str, Any]:
    code, phone = _code(call), _phone(call)
    reason, at = (call.body.get("reason") or "").strip(), iso(common.now())
    wiring.blocklist().block(code, phone, reason, call.user.username, at)
    common.forget_cached_directory()  # this container's IVR hears of it at once
    return {"phone": phone, "reason": reason, "by": call.user.username, "at": at}


def unblock_caller(call: Call) -> dict[str, Any]:
    code, phone = _code(call), _phone(call)
    removed = wiring.blocklist().unblock(code, phone, call.user.username, iso(common.now()))
    common.forget_cached_directory()
    return {"phone": phone, "removed": removed}


OPERATIONS = {"getBlocklist": get_blocklist, "blockCaller": block_caller, "unblockCaller": unblock_caller}


def serve(request: Any, operation_id: str) -> Response:
    return handle(request, operation_id, OPERATIONS[operation_id])
