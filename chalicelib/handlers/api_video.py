"""Sign-language video calls over HTTP: the citizen's page's JSON (no sign-in: the call's id in the link is the
secret) and the signing operator's join and leave in the console (through api/http.py, like every /api route).

Each handler parses, calls one operation of operations/video_calls.py, and renders; a refusal is the console
API's error shape, worded in the call's language for the citizen and in the console's for the operator.
"""
from __future__ import annotations

import json
from typing import Any

from chalice import Response

from chalicelib import settings, wiring
from chalicelib.api.errors import ApiError
from chalicelib.api.http import Call, error_response, handle, json_response, request_language
from chalicelib.domain.clock import IST, iso, parse_iso
from chalicelib.domain.district import District
from chalicelib.domain.video_calls import VideoCall, VideoRefused
from chalicelib.operations import video_calls as steps

# What each refusal is, as HTTP says it.
STATUS = {"no_video_call": 404, "video_not_yet": 409, "video_over": 410, "video_taken": 409,
          "no_sign_language": 403, "video_not_joined": 409, "video_off": 403, "no_signer": 409, "video_cap": 429,
          "video_no_phone": 400}


def work() -> steps.VideoWork:
    bucket = settings.audio_bucket()
    return steps.VideoWork(calls=wiring.video_calls(), meetings=wiring.video_meetings(),
                           directory=wiring.directory(), tickets=wiring.ticket_store(), clock=wiring.clock(),
                           recording_sink=lambda call: f"{bucket}/video/{call.district}/{call.id}")


def refusal(refused: VideoRefused) -> ApiError:
    values = dict(refused.values)
    if "slot_at" in values:  # said as the citizen reads a time: IST
        values["time"] = f"{parse_iso(str(values['slot_at'])).astimezone(IST):%H:%M, %d-%m-%Y}"
    return ApiError(STATUS.get(refused.code, 409), refused.code, **values)


# -- the citizen's page -----------------------------------------------------------------------------------

def citizen(request: Any, call_id: str, step: str) -> Response:
    """GET state, POST join / consent / leave, for the citizen's page."""
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    language = request_language(headers)
    done = work()
    try:
        if step not in ("state", "join", "consent", "leave"):
            raise ApiError(404, "no_video_call")
        found = steps.find(done, call_id)
        call, district = found
        # The page says the language it shows ("hi" or "en" exactly; a browser's own header is longer): its
        # refusals come in that one, else in the call's.
        chosen = headers.get("accept-language", "")
        language = chosen if chosen in ("hi", "en") else call.language
        if step == "state":
            return json_response(_citizen_state(call, district))
        if step == "join":
            seat = steps.citizen_join(done, call_id, found)
            return json_response({**_citizen_state(seat.call, district), "meeting": seat.meeting,
                                  "attendee": seat.attendee})
        if step == "consent":
            agreed = _recording_answer(request)
            return json_response(_citizen_state(steps.consent(done, call_id, agreed, found), district))
        return json_response(_citizen_state(steps.leave(done, call_id, "citizen", found), district))
    except VideoRefused as refused:
        return error_response(refusal(refused), language)
    except ApiError as error:
        return error_response(error, language)


def _recording_answer(request: Any) -> bool:
    try:
        body = json.loads(request.raw_body or b"{}")
    except ValueError:
        raise ApiError(400, "body_not_json") from None
    if not isinstance(body, dict) or not isinstance(body.get("recording"), bool):
        raise ApiError(400, "video_consent_answer")
    return bool(body["recording"])


def _citizen_state(call: VideoCall, district: District) -> dict[str, Any]:
    from chalicelib.domain.notices import citizens_hotline, public_number

    return {"id": call.id, "state": call.state, "language": call.language, "district_names": district.names,
            "slot_at": call.slot_at, "now": iso(wiring.clock().now()), "ends_at": call.ends_at(district.video),
            "recording_consent": call.recording_consent, "media": media(),
            "hotline": public_number(citizens_hotline(district)), "answered": bool(call.answered_at)}


def media() -> str:
    """"local" on the local stack, whose meeting service is a stand-in with no audio or video behind it."""
    return "local" if settings.video_endpoint_is_local() else "chime"


# -- the operator's side (/api, signed in) ----------------------------------------------------------------

def join(call: Call) -> dict[str, Any]:
    done = work()
    try:
        seat = steps.operator_join(done, call.path["call_sid"], call.user.username, _mine(call, done))
    except VideoRefused as refused:
        raise refusal(refused) from None
    return {"meeting": seat.meeting, "attendee": seat.attendee, "media": media(), "call": _rendered(seat.call),
            "now": iso(wiring.clock().now())}


def leave(call: Call) -> dict[str, Any]:
    done = work()
    try:
        left = steps.leave(done, call.path["call_sid"], "operator", _mine(call, done), call.user.username)
    except VideoRefused as refused:
        raise refusal(refused) from None
    return {"call": _rendered(left), "now": iso(wiring.clock().now())}


def _mine(call: Call, done: steps.VideoWork) -> steps.Found:
    """Another district's video call reads as missing, like its tickets."""
    try:
        found = steps.find(done, call.path["call_sid"])
    except VideoRefused as refused:
        raise refusal(refused) from None
    if found[0].district != call.user.district:
        raise ApiError(404, "no_video_call")
    return found


def _rendered(video: VideoCall) -> dict[str, Any]:
    """The call as the console's calls show it, from the call just written (no second read)."""
    from dataclasses import asdict

    from chalicelib.domain.call_log import OperatorCall
    from chalicelib.handlers.api_calls import render

    numbers = video.complaint_numbers
    return render(OperatorCall(
        call_sid=video.id, caller_phone=video.caller_phone, line=None, district=video.district, hotline=None,
        operators=video.operators, ringing_at=video.ringing_at or video.created_at, answered_at=video.answered_at,
        answered_by=video.answered_by, dial_status=None, call_status=None,
        complaint_number=numbers[0] if numbers else None, recording_sid=None, complaint_numbers=numbers,
        kind="video", video=asdict(video)))


OPERATIONS = {"joinVideoCall": join, "leaveVideoCall": leave}


def serve(request: Any, operation_id: str) -> Response:
    return handle(request, operation_id, OPERATIONS[operation_id])
