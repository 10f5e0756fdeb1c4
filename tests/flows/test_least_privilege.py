"""Each function's policy is written from infra/needs.json (infra/policies.py). Here a ticket's whole life —
the call, the officer's messages, the sweeper, the feedback call, the console, a failed delivery, the
reconciler — and a sign-language video call — booked, joined by the citizen and the signer, recorded with the
citizen's yes, ended by the sweeper at the cap — run through moto (the meeting service's calls through the real
boto3 clients against the sandbox's Chime stand-in) while every AWS request is recorded with the function that made
it (the app.py handler on the stack): none may need more than its declared needs, so none would be denied once
deployed."""
from __future__ import annotations

import sys
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from botocore.client import BaseClient

from chalicelib import wiring
from chalicelib.domain.clock import IST
from infra import policies
from infra.readiness import _needed, _sample_arn
from tests.support.fixtures import CALLER, signed_post
from tests.support.operators import pin

APP_PY = str(Path(__file__).resolve().parents[2] / "app.py")
WATER_L1 = "+919000000301"
SIGNER = "operator.rpr.sign"  # the demo's signer: Mon–Sat 10:00–18:00 IST
FRIDAY_NOON = datetime(2026, 12, 4, 12, 0, tzinfo=IST)
# Chime SDK operations by the IAM action they are authorised as and the resource type it takes.
CHIME_OPERATIONS = {"CreateMeeting", "CreateAttendee", "GetMeeting", "DeleteMeeting", "CreateMediaCapturePipeline",
                    "DeleteMediaCapturePipeline"}


def _iam(service: str, operation: str, params: dict, stage: str) -> list[tuple[str, str]]:
    """The IAM (action, resource) pairs one request is authorised as."""
    def table(name: str, index: str | None = None) -> str:
        relative = name.removeprefix(f"samvad-{stage}-") + (f"/index/{index}" if index else "")
        return policies.table_arn(stage, relative)

    if service == "dynamodb":
        if operation == "TransactWriteItems":  # authorised item by item
            kinds = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                     "ConditionCheck": "ConditionCheckItem"}
            return [(f"dynamodb:{kinds[kind]}", table(body["TableName"]))
                    for item in params["TransactItems"] for kind, body in item.items()]
        if operation == "TransactGetItems":
            return [("dynamodb:GetItem", table(item["Get"]["TableName"])) for item in params["TransactItems"]]
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [(f"dynamodb:{operation}", table(name)) for name in params["RequestItems"]]
        return [(f"dynamodb:{operation}", table(params["TableName"], params.get("IndexName")))]
    if service == "sqs":
        queue = params.get("QueueName") or params["QueueUrl"].rsplit("/", 1)[-1]
        return [(f"sqs:{operation}", policies.queue_arn(stage, queue.removeprefix(f"samvad-{stage}-")))]
    if service == "ssm":
        return [(f"ssm:{operation}", policies.parameter_arn(stage, params["Name"].rsplit("/", 1)[-1]))]
    if service == "s3" and operation in ("PutObject", "GetObject"):  # objects under the first part of their key
        kind = params["Bucket"].removeprefix(f"samvad-{stage}-")  # locally without the account id deployed names
        return [(f"s3:{operation}", policies.object_arn(stage, f"{kind}/{params['Key'].split('/', 1)[0]}"))]
    if service in ("chime-sdk-meetings", "chime-sdk-media-pipelines"):  # IAM's prefix for both is chime
        if operation not in CHIME_OPERATIONS:
            return [(f"chime:{operation}", "arn:aws:chime:*:*:unknown")]
        pairs = [(f"chime:{operation}", policies.chime_arn(policies.CHIME_RESOURCES[operation]))]
        if operation == "CreateMediaCapturePipeline":  # Chime reads the sink's bucket policy as the caller
            bucket = params["SinkArn"].removeprefix("arn:aws:s3:::").split("/", 1)[0]
            pairs.append(("s3:GetBucketPolicy", policies.bucket_arn(stage, bucket.removeprefix(f"samvad-{stage}-"))))
        return pairs
    if service == "sts" and operation == "GetCallerIdentity":
        return []  # needs no permission: always allowed, even under an explicit deny
    if service == "transcribe":
        named = params["TranscriptionJobName"].startswith(f"samvad-{stage}-")
        return [(f"transcribe:{operation}", policies.transcription_job_arn(stage) if named else
                 f"arn:aws:transcribe:*:*:transcription-job/{params['TranscriptionJobName']}")]
    return [(f"{service}:{operation}", f"arn:aws:{service}:*:*:unknown")]




@pytest.fixture
def requests_by_function(app_module, monkeypatch):
    """{chalice function name: {(action, sample ARN)}} for every AWS request app.py's handlers make."""
    handlers = {source.handler_string.split(".", 1)[1]: source.name for source in app_module.app.event_sources}
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    original = BaseClient._make_api_call
    stage = "test"

    def recording(client, operation, params):
        frame, function = sys._getframe(1), None
        while frame is not None and function is None:  # the innermost app.py frame names the function
            if frame.f_code.co_filename == APP_PY and frame.f_code.co_name != "<module>":
                function = handlers.get(frame.f_code.co_name, "api_handler")
            frame = frame.f_back
        if function:
            for action, arn in _iam(client.meta.service_model.service_name, operation, params, stage):
                seen[function].add((action, _sample_arn(arn)))
        return original(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    return seen


def test_no_function_does_more_than_its_declared_needs(hotline, api, twilio, requests_by_function):
    from chalicelib.local.lambda_events import LambdaContext, scheduled_event

    number = hotline.complaint("3")  # the IVR, the recording, both status callbacks; notices delivered
    assert hotline.text(WATER_L1, f"ACK {number}")
    assert hotline.text(WATER_L1, f"DONE {number} हैंडपंप ठीक किया")
    hotline.advance(minutes=1)  # the sweeper: the feedback call is due; the follow-up consumer places it
    hotline.answer_feedback_call("1")  # satisfied: closed
    signed_post(hotline.client, f"/twilio/messaging/status/{number}",
                {"MessageSid": "SM" + "5" * 32, "MessageStatus": "delivered", "To": CALLER})

    # The console: every list, the dashboard, a ticket, a registration, an officer's action, directory admin.
    for user, path in (("operator.rpr", "/api/tickets?view=recent"),
                       ("operator.rpr", f"/api/tickets?view=caller&phone=%2B{CALLER[1:]}"),
                       ("officer.water.l1", "/api/tickets?view=inbox"),
                       ("collector.rpr", "/api/tickets?view=department&department=water"),
                       ("collector.rpr", "/api/tickets?view=overdue"), ("collector.rpr", "/api/tickets?view=at_risk"),
                       ("collector.rpr", "/api/dashboard"), ("collector.rpr", f"/api/tickets/{number}"),
                       ("operator.rpr", "/api/districts/RPR"), ("collector.rpr", "/api/districts/RPR/audit")):
        assert api.get(user, path).status_code == 200, path
    registered = api.post("operator.rpr", "/api/tickets", {"caller_phone": CALLER, "category": "water",
                                                           "description": "नल नहीं आया"})
    assert registered.status_code in (200, 201), registered.body
    assert api.post("officer.water.l1", f"/api/tickets/{registered.json['complaint_number']}/acknowledge"
                    ).status_code == 200
    config = api.get("collector.rpr", "/api/districts/RPR/config")
    assert config.status_code == 200
    saved = api.put("collector.rpr", "/api/districts/RPR/config", {
        "version": config.json["version"], "config": config.json["config"], "summary": "no change"})
    assert saved.status_code == 200, saved.body

    twilio.fail_next(503)  # a failed delivery: the message is put off (ChangeMessageVisibility)
    hotline.complaint("3")

    hotline.twilio.account = hotline.recordings  # the reconciler reads the recordings made here
    hotline.clock.advance(timedelta(minutes=5))
    hotline.app.reconciler(scheduled_event("reconciler", "ap-south-1", "2026-11-23T00:00:00Z"),
                           LambdaContext("reconciler"))
    hotline.deliver()

    needs = policies.load_needs()
    seen = requests_by_function
    assert {"api_handler", "notifier", "followup", "sweeper", "reconciler"} <= set(seen), set(seen)
    beyond = {function: sorted(requests - set(_needed(needs[function], "test"))) for function, requests in seen.items()}
    assert all(not extra for extra in beyond.values()), \
        f"requests beyond infra/needs.json (the deployed function would be denied): {beyond}"
    assert ("sqs:ChangeMessageVisibility", _sample_arn(policies.queue_arn("test", "notify"))) in seen["notifier"]


def test_a_sign_language_video_call_does_no_more_than_the_declared_needs(hotline, api, chime, clock,
                                                                         requests_by_function):
    pin(clock, FRIDAY_NOON)  # the signer on duty: the booking is for now
    booked = hotline.client.http.post("/video/ask/RPR", headers={"Content-Type": "application/x-www-form-urlencoded"},
                                      body=f"phone=%2B{CALLER[1:]}&language=hi")  # the district's web form
    assert booked.status_code == 200, booked.body
    hotline.deliver()  # the link by SMS (notifier)
    call = wiring.video_calls().open_for("RPR", CALLER)
    assert call is not None
    joined = api.post(None, f"/video/{call.id}/join")
    assert joined.status_code == 200, joined.body
    answered = api.post(SIGNER, f"/api/video-calls/{call.id}/join")
    assert answered.status_code == 200, answered.body
    registered = api.post(SIGNER, "/api/tickets", {  # a ticket from the call: its steps go on the timeline
        "caller_phone": CALLER, "category": "water", "language": "hi", "call_sid": call.id,
        "description": "हैंडपंप खराब है, सांकेतिक भाषा में बताया"})
    assert registered.status_code == 201, registered.body
    agreed = api.post(None, f"/video/{call.id}/consent", {"recording": True})
    assert agreed.status_code == 200 and agreed.json["recording_consent"] is True, agreed.body
    report = hotline.advance(minutes=21)  # past the demo's 20-minute cap: the sweeper ends it
    assert report["video_calls_ended"] == 1, report
    assert chime.requests[-2:] == ["DeleteMediaCapturePipeline", "DeleteMeeting"]

    needs = policies.load_needs()
    seen = requests_by_function
    beyond = {function: sorted(requests - set(_needed(needs[function], "test"))) for function, requests in seen.items()}
    assert all(not extra for extra in beyond.values()), \
        f"requests beyond infra/needs.json (the deployed function would be denied): {beyond}"
    meetings, pipelines = (_sample_arn(policies.chime_arn(kind)) for kind in ("meeting", "media-pipeline"))
    assert {("chime:CreateMeeting", meetings), ("chime:CreateAttendee", meetings),
            ("chime:CreateMediaCapturePipeline", pipelines),
            ("s3:GetBucketPolicy", _sample_arn(policies.bucket_arn("test", "audio"))),
            ("dynamodb:PutItem", _sample_arn(policies.table_arn("test", "calls")))} <= seen["api_handler"]
    assert {("chime:DeleteMeeting", meetings), ("chime:DeleteMediaCapturePipeline", pipelines),
            ("dynamodb:Query", _sample_arn(policies.table_arn("test", "calls/index/video_due"))),
            ("dynamodb:PutItem", _sample_arn(policies.table_arn("test", "idempotency")))} <= seen["sweeper"]
