"""`make bench` section `video`: what one sign-language video call asks of AWS and of the meeting service, step by
step, through the real routes (in process: moto, the meeting service's stand-in on a loopback sandbox, the
notifier through the queue pump). Written to build/bench.json under "video"; `make cost` prices a 10-minute call
from it (infra/cost.py `video_call`).

The call: booked (as WhatsApp, the IVR's 8 or the web page book it), the citizen's page opens and joins, the
signing operator's console finds it ringing (one poll) and joins, the citizen agrees to recording, ten minutes,
both leave. The complaint registered from it is a console complaint like any other: its costs are the
complaint's (make cost's plans), not the call's.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from chalicelib.domain.clock import IST

FRIDAY_NOON = datetime(2026, 12, 4, 12, 0, tzinfo=IST)  # the demo's signer is on duty (Mon–Sat 10–18)
SIGNER = "operator.rpr.sign"
MINUTES = 10


def measure(minutes: int = MINUTES) -> dict[str, Any]:
    import boto3
    from chalice.app import Chalice
    from chalice.test import Client

    from chalicelib import settings, wiring
    from chalicelib.api.auth import forget_keys
    from chalicelib.domain.clock import FixedClock
    from chalicelib.local.auth import LocalIssuer, load_users
    from chalicelib.local.pump import QueuePump
    from chalicelib.local.sandbox import Sandbox
    from chalicelib.operations.video_booking import request_video
    from chalicelib.telephony import plivo_rest, rest
    from tests.bench import usage
    from tests.bench.run import demo_district
    from tests.support.plivo_recorder import RecordingPlivoTransport
    from tests.support.twilio_recorder import RecordingTwilioHttp

    steps: dict[str, dict[str, int]] = {}
    with demo_district("plivo"), tempfile.TemporaryDirectory() as folder:
        import app

        clock = FixedClock(FRIDAY_NOON)
        wiring.use_clock(clock)
        sandbox = Sandbox("127.0.0.1", 0, settings.twilio_account_sid(), settings.twilio_auth_token()).start()
        issuer = LocalIssuer(Path(folder) / "key.pem", issuer="https://auth.samvad.bench/pool", users=load_users())
        (Path(folder) / "jwks.json").write_text(json.dumps(issuer.jwks()))
        env = {"AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS": f"{sandbox.url}/chime-meetings",
               "AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES": f"{sandbox.url}/chime-pipelines",
               "SAMVAD_AUTH_ISSUER": issuer.issuer, "SAMVAD_AUTH_JWKS_URL": (Path(folder) / "jwks.json").as_uri(),
               "SAMVAD_AUTH_CLIENT_ID": issuer.client_id}
        os.environ.update(env)
        forget_keys()
        twilio_http, plivo_http = RecordingTwilioHttp(), RecordingPlivoTransport()
        rest.use_http_client(twilio_http)
        plivo_rest.use_transport(plivo_http)
        measured = usage.Usage()
        original, counted = usage._count_api(measured)
        Chalice.__call__ = counted
        pump = QueuePump(app, boto3.client("sqs"), settings.region())
        usage._count_consumers(pump, app, measured)
        token = {"Authorization": f"Bearer {issuer.mint(SIGNER)}", "Content-Type": "application/json"}
        try:
            with Client(app.app, stage_name="bench") as client:
                def step(name: str, method: str, path: str, body: Any = None, signed: bool = False) -> Any:
                    before = len(usage.OPERATIONS)
                    answer = client.http.request(method, path, headers=token if signed else
                                                 {"Content-Type": "application/json"},
                                                 body=json.dumps(body or {}).encode() if method == "POST" else b"")
                    assert answer.status_code == 200, (name, answer.status_code, answer.body)
                    steps[name] = dict(Counter(_name(op) for op in usage.OPERATIONS[before:]))
                    return json.loads(answer.body)

                measured.start(app)
                before = len(usage.OPERATIONS)
                with usage.acting("api_handler"):  # the webhook or page that booked it
                    measured.invocations["api_handler"] += 1
                    booked = request_video(wiring.directory().district("RPR"), "+919812345678", "hi", "whatsapp",
                                           calls=wiring.video_calls(), dispatcher=wiring.dispatcher(),
                                           clock=wiring.clock(), link_base=settings.public_base_url())
                steps["booking"] = dict(Counter(_name(op) for op in usage.OPERATIONS[before:]))
                before = len(usage.OPERATIONS)
                while pump.drain_once():  # the notifier sends the link
                    pass
                steps["the link sent (notifier)"] = dict(Counter(_name(op) for op in usage.OPERATIONS[before:]))
                video_id = booked.call.id
                step("the citizen's page opens", "GET", f"/video/{video_id}/state")
                step("the citizen joins", "POST", f"/video/{video_id}/join")
                step("the console finds it ringing (one poll)", "GET", "/api/calls/ringing?minutes=10", signed=True)
                step("the operator joins", "POST", f"/api/video-calls/{video_id}/join", signed=True)
                step("the citizen agrees to recording", "POST", f"/video/{video_id}/consent", {"recording": True})
                clock.advance(timedelta(minutes=minutes))
                step("the operator ends it", "POST", f"/api/video-calls/{video_id}/leave", signed=True)
                step("the citizen's page leaves", "POST", f"/video/{video_id}/leave")
                while pump.drain_once():
                    pass
                run = measured.stop(app)
                run["item_bytes"] = usage.table_item_bytes()
                run["messages"] = usage.carrier_messages(twilio_http.requests, plivo_http.requests,
                                                         usage._Parties("+919812345678"), None)
        finally:
            Chalice.__call__ = original
            rest.use_http_client(None)
            plivo_rest.use_transport(None)
            sandbox.stop()
            for name in env:
                os.environ.pop(name, None)
            forget_keys()
            wiring.use_clock(None)
    meeting = Counter(op["operation"] for op in run["operations"] if op["service"].startswith("chime"))
    return {"minutes": minutes, "attendees": 2, "steps": steps, "meeting_requests": dict(meeting), **run}


def _name(op: dict[str, Any]) -> str:
    table = f" {op['table']}" if op.get("table") else ""
    return f"{op['service']}:{op['operation']}{table}"


def summary(figures: dict[str, Any]) -> list[str]:
    lines = [f"\nA sign-language video call ({figures['minutes']} minutes, {figures['attendees']} attendees): AWS "
             "requests per step (the meeting service's among them)"]
    for name, counts in figures["steps"].items():
        total = sum(counts.values())
        detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        lines.append(f"  {name:<42} {total:>3}  {detail}")
    api = figures["invocations"].get("api_handler", 0)
    aws = sum(1 for op in figures["operations"] if op.get("function") != "outside")
    lines.append(f"  {'in all':<42} {aws:>3}  over {api} API requests; the meeting service: "
                 + ", ".join(f"{k} {v}" for k, v in sorted(figures["meeting_requests"].items())))
    return lines
