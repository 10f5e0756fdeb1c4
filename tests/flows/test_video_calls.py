"""A sign-language video call through the HTTP routes: the citizen's page's JSON (no sign-in) and the console API,
with the meeting service's calls made by the real boto3 clients against the local stand-in (chalicelib/local/
chime_standin.py on a sandbox over loopback), DynamoDB and SQS under moto.

Booked → the citizen joins (a meeting, a seat, it rings) → only the signing operator sees it ringing → they join →
the citizen agrees to recording on screen (a capture starts) → the complaint is registered from the call (channel
video, the call and the consent on its timeline) → the operator ends it (capture stopped, meeting deleted, how long
on the timeline). The cap and a missed booking are the sweeper's.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib import wiring
from chalicelib.domain.clock import IST
from chalicelib.operations.video_booking import request_video
from tests.support.fixtures import CALLER
from tests.support.operators import pin

FRIDAY_NOON = datetime(2026, 12, 4, 12, 0, tzinfo=IST)  # the demo's signer (operator.rpr.sign): Mon–Sat 10–18
SATURDAY_EVENING = datetime(2026, 12, 5, 19, 0, tzinfo=IST)
SIGNER, OTHER = "operator.rpr.sign", "operator.rpr"




def _book(clock, at: datetime = FRIDAY_NOON, phone: str = CALLER) -> str:
    pin(clock, at)
    district = wiring.directory().district("RPR")
    booked = request_video(district, phone, "hi", "whatsapp", calls=wiring.video_calls(),
                           dispatcher=wiring.dispatcher(), clock=wiring.clock(), link_base="https://h.example")
    return booked.call.id


def _ringing(api, user: str) -> list[dict[str, Any]]:
    response = api.get(user, "/api/calls/ringing?minutes=10")
    assert response.status_code == 200, response.body
    return response.json["items"]


def test_a_video_call_from_the_citizens_join_to_its_end(api, chime, clock):
    call_id = _book(clock)
    state = api.get(None, f"/video/{call_id}/state").json
    assert state["state"] == "booked" and state["language"] == "hi" and state["media"] == "local"
    assert state["district_names"]["hi"] and state["recording_consent"] is None
    assert _ringing(api, SIGNER) == [] and chime.requests == []  # a booking costs no meeting

    joined = api.post(None, f"/video/{call_id}/join")
    assert joined.status_code == 200, joined.body
    meeting, seat = joined.json["meeting"], joined.json["attendee"]
    assert meeting["ExternalMeetingId"] == call_id and seat["ExternalUserId"] == f"citizen-{call_id}"
    assert joined.json["state"] == "ringing" and chime.requests == ["CreateMeeting", "CreateAttendee"]

    [ringing] = _ringing(api, SIGNER)  # the pop, as a call's
    assert ringing["kind"] == "video" and ringing["call_sid"] == call_id and ringing["state"] == "ringing"
    assert ringing["caller_phone"] == CALLER and ringing["operators"] == [SIGNER]
    assert ringing["video"]["recording_consent"] is None and ringing["video"]["ends_at"]
    assert _ringing(api, OTHER) == []  # an operator who does not sign never sees it
    assert api.get(OTHER, f"/api/calls/{call_id}").status_code == 404
    refused = api.post(OTHER, f"/api/video-calls/{call_id}/join")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "no_sign_language"
    assert "सांकेतिक" in refused.json["error"]["message"]
    assert api.get(SIGNER, f"/api/calls/{call_id}").json["tickets"] == []  # the caller's history, as a call's

    answered = api.post(SIGNER, f"/api/video-calls/{call_id}/join")
    assert answered.status_code == 200, answered.body
    assert answered.json["meeting"]["MeetingId"] == meeting["MeetingId"]
    assert answered.json["attendee"]["ExternalUserId"] == f"operator-{SIGNER}"
    assert answered.json["call"]["state"] == "answered" and answered.json["call"]["answered_by"] == SIGNER

    agreed = api.post(None, f"/video/{call_id}/consent", {"recording": True})
    assert agreed.status_code == 200 and agreed.json["recording_consent"] is True
    assert chime.requests[-1] == "CreateMediaCapturePipeline"
    assert _ringing(api, SIGNER)[0]["video"]["recording_consent"] is True  # the console sees the answer

    registered = api.post(SIGNER, "/api/tickets", {
        "caller_phone": CALLER, "category": "water", "language": "hi", "call_sid": call_id,
        "description": "हैंडपंप खराब है, सांकेतिक भाषा में बताया"})
    assert registered.status_code == 201, registered.body
    number = registered.json["complaint_number"]
    assert registered.json["channel"] == "video"
    clock.advance(timedelta(minutes=6))
    ended = api.post(SIGNER, f"/api/video-calls/{call_id}/leave")
    assert ended.status_code == 200 and ended.json["call"]["state"] == "ended"
    assert chime.requests[-2:] == ["DeleteMediaCapturePipeline", "DeleteMeeting"]

    timeline = {e["action"]: e for e in api.get(SIGNER, f"/api/tickets/{number}").json["timeline"]}
    assert timeline["video_call"]["detail"]["answered_by"] == SIGNER
    assert timeline["video_call"]["detail"]["recording_consent"] == "yes"
    assert timeline["video_call_ended"]["detail"]["seconds"] == 360
    assert timeline["registered"]["channel"] == "video"
    over = api.post(None, f"/video/{call_id}/join")
    assert over.status_code == 410 and over.json["error"]["code"] == "video_over"
    assert "समाप्त" in over.json["error"]["message"]


def test_recording_needs_the_citizens_yes_and_a_no_stops_it(api, chime, clock):
    call_id = _book(clock)
    api.post(None, f"/video/{call_id}/join")
    api.post(SIGNER, f"/api/video-calls/{call_id}/join")
    assert "CreateMediaCapturePipeline" not in chime.requests
    assert api.post(None, f"/video/{call_id}/consent", {"recording": False}).json["recording_consent"] is False
    assert "CreateMediaCapturePipeline" not in chime.requests
    bad = api.post(None, f"/video/{call_id}/consent", {"recording": "हाँ"})
    assert bad.status_code == 400 and bad.json["error"]["code"] == "video_consent_answer"


def test_the_sweeper_ends_a_meeting_at_the_cap(api, chime, clock, app_module):
    call_id = _book(clock)
    api.post(None, f"/video/{call_id}/join")
    api.post(SIGNER, f"/api/video-calls/{call_id}/join")
    clock.advance(timedelta(minutes=21))  # the demo's cap is 20 minutes
    from chalicelib.handlers import sweeper

    assert sweeper.run()["video_calls_ended"] == 1
    assert chime.requests[-1] == "DeleteMeeting"
    assert api.get(None, f"/video/{call_id}/state").json["state"] == "ended"
    assert wiring.video_calls().get(call_id).ended_reason == "cap"


def test_a_booking_for_the_next_shift_waits_for_it_and_is_missed_if_nobody_comes(api, chime, clock):
    call_id = _book(clock, SATURDAY_EVENING)
    early = api.post(None, f"/video/{call_id}/join", headers={"Accept-Language": "en"})
    assert early.status_code == 409 and early.json["error"]["code"] == "video_not_yet"
    assert "10:00, 07-12-2026" in early.json["error"]["message"]  # said in IST, in the call's language (hi)
    pin(clock, datetime(2026, 12, 7, 10, 31, tzinfo=IST))  # Monday: the slot and its 30 minutes gone by
    from chalicelib.handlers import sweeper

    assert sweeper.run()["video_calls_ended"] == 1
    assert api.get(None, f"/video/{call_id}/state").json["state"] == "missed"
    assert chime.requests == []


def test_an_unknown_link_is_404_in_hindi(api, chime):
    missing = api.get(None, "/video/VC" + "0" * 32 + "/state")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "no_video_call"
    assert "लिंक" in missing.json["error"]["message"]
    assert api.post(None, "/video/not-an-id/join").status_code == 404


def test_an_operator_records_the_citizens_answer_given_in_sign_language(api, chime, clock):
    """The citizen asked for a short video call instead of answering 1/2: the signer records the answer for them."""
    call_id = _book(clock)
    api.post(None, f"/video/{call_id}/join")
    api.post(SIGNER, f"/api/video-calls/{call_id}/join")
    number = api.post(SIGNER, "/api/tickets", {"caller_phone": CALLER, "category": "water", "language": "hi",
                                               "call_sid": call_id, "description": "नल से पानी नहीं"}).json[
        "complaint_number"]
    assert "feedback" not in api.get(SIGNER, f"/api/tickets/{number}").json["allowed_actions"]  # not resolved yet
    assert api.post("officer.water.l1", f"/api/tickets/{number}/resolve", {"remark": "नल ठीक"}).status_code == 200
    assert "feedback" in api.get(SIGNER, f"/api/tickets/{number}").json["allowed_actions"]
    assert api.post("officer.water.l1", f"/api/tickets/{number}/feedback", {"satisfied": True}).status_code == 403
    answered = api.post(SIGNER, f"/api/tickets/{number}/feedback", {"satisfied": True})
    assert answered.status_code == 200, answered.body
    assert answered.json["status"] == "closed" and answered.json["closure"] == "satisfied"
    [closed] = [e for e in answered.json["timeline"] if e["action"] == "closed"]
    assert (closed["actor_type"], closed["actor_id"]) == ("operator", SIGNER)
    again = api.post(SIGNER, f"/api/tickets/{number}/feedback", {"satisfied": True})
    assert again.status_code == 409  # answered already: nothing changes
