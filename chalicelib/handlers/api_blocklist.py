"""The console's blocklist operations: the Collector's office blocks and unblocks callers of its district.

chalicelib/api/http.py has checked the token, the role (collector, state_admin) and the input against
the OpenAPI document; a Collector is kept to their own district by access.district_code.
"""
from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib import wiring
from chalicelib.api import access
from chalicelib.api.errors import not_found
from chalicelib.api.http import Call, handle
from chalicelib.domain.clock import iso
from chalicelib.handlers.api_console import forget_cached_directory


def _code(call: Call) -> str:
    code = access.district_code(call.user, call.path["code"])
    if wiring.directory().district(code) is None:
        raise not_found(f"No district {code}")
    return code


def _phone(call: Call) -> str:
    return "+" + call.path["phone"]  # the path carries E.164 without its "+", which clients would encode


def get_blocklist(call: Call) -> dict[str, Any]:
    from chalicelib.store import callers

    return {"items": callers.blocklist(_code(call))}


def block_caller(call: Call) -> dict[str, Any]:
    from chalicelib.store import callers

    code, phone = _code(call), _phone(call)
    reason, at = (call.body.get("reason") or "").strip(), iso(wiring.clock().now())
    callers.block(code, phone, reason, call.user.username, at)
    forget_cached_directory()
    return {"phone": phone, "reason": reason, "by": call.user.username, "at": at}


def unblock_caller(call: Call) -> dict[str, Any]:
    from chalicelib.store import callers

    code, phone = _code(call), _phone(call)
    removed = callers.unblock(code, phone, call.user.username, iso(wiring.clock().now()))
    forget_cached_directory()
    return {"phone": phone, "removed": removed}


OPERATIONS = {"getBlocklist": get_blocklist, "blockCaller": block_caller, "unblockCaller": unblock_caller}


def serve(request: Any, operation_id: str) -> Response:
    return handle(request, operation_id, OPERATIONS[operation_id])
