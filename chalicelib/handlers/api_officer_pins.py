"""The console's officers' IVR PINs: an officer (or the Collector) sets their own; the Collector's office resets
any officer's of its district. Only the hash is stored (operations/officer_pins.py), never shown back.

chalicelib/api/http.py has checked the token, the role and the body (4 to 8 digits) against the OpenAPI document.
"""
from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib import wiring
from chalicelib.api import access
from chalicelib.api.errors import ApiError
from chalicelib.api.http import Call, handle
from chalicelib.domain.clock import iso
from chalicelib.domain.district import District
from chalicelib.handlers import api_common as common
from chalicelib.i18n import catalog


def _set(call: Call, district: District, phone: str) -> dict[str, Any]:
    from chalicelib.operations.officer_pins import NotAnOfficer, set_pin

    words = catalog(call.language)
    now = common.now()
    try:
        set_pin(district, phone, str(call.body["pin"]), call.user.username, now, wiring.officer_pins())
    except NotAnOfficer:
        raise ApiError(422, "not_an_officer", words.text("officer_ivr_console_not_officer", phone=phone)) from None
    except ValueError:
        raise ApiError(400, "bad_pin", words.text("officer_ivr_console_bad_pin")) from None
    return {"phone": phone, "district": district.code, "at": iso(now), "by": call.user.username}


def set_own_pin(call: Call) -> dict[str, Any]:
    """The phone of the user's own post (an officer's department and level; the Collector's)."""
    district = common.district(access.district_code(call.user, None))
    if call.user.role == "officer":
        officer = district.officer(str(call.user.department), str(call.user.level))
    else:
        officer = district.collector
    if officer is None:
        raise ApiError(422, "no_post", catalog(call.language).text("officer_ivr_console_no_post"))
    return _set(call, district, officer.phone)


def reset_officer_pin(call: Call) -> dict[str, Any]:
    district = common.district(access.district_code(call.user, call.path["code"]))
    return _set(call, district, "+" + call.path["phone"])  # the path carries E.164 without its "+"


OPERATIONS = {"setOwnPin": set_own_pin, "resetOfficerPin": reset_officer_pin}


def serve(request: Any, operation_id: str) -> Response:
    return handle(request, operation_id, OPERATIONS[operation_id])
