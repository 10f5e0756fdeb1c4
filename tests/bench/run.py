"""`make bench`: figures, not assertions. AWS requests per complaint call, cold import of the
webhook path against an eager import, and warm handler time per IVR step.

Machines here are noisy: read the counts and the ratio, not the milliseconds.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import botocore.handlers

ROOT = Path(__file__).resolve().parents[2]
AWS_CALLS: Counter[str] = Counter()


def _count(model, **_kwargs) -> None:
    AWS_CALLS[f"{model.service_model.service_name}:{model.name}"] += 1


# Registered before any botocore session exists, so every client (boto3's and pynamodb's) has it.
botocore.handlers.BUILTIN_HANDLERS.append(("before-call.*.*", _count))


def _env() -> None:
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[name]
    os.environ.update({
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "ap-south-1",
        "AWS_REGION": "ap-south-1", "SAMVAD_STAGE": "bench", "PUBLIC_BASE_URL": "https://bench.samvad.test/api",
        "TWILIO_ACCOUNT_SID": "AC" + "2" * 32, "TWILIO_AUTH_TOKEN": "bench-token"})


def _progress(text: str) -> None:
    print(f"  … {text}", file=sys.stderr, flush=True)


def requests_per_call() -> None:
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib import settings
    from chalicelib.local.caller import CallEmulator
    from chalicelib.local.provision import provision
    from chalicelib.local.pump import QueuePump
    from chalicelib.local.sandbox import SandboxState
    from chalicelib.telephony import rest
    from tests.support.fixtures import DEMO, ChaliceTransport
    from tests.support.twilio_recorder import RecordingTwilioHttp

    with mock_aws():
        provision(boto3.client("dynamodb"), boto3.client("sqs"), settings.stage())
        from chalicelib.district_file import read_district_file
        from chalicelib.store.district_loader import load_district

        load_district(read_district_file(DEMO))
        import app

        recorder = RecordingTwilioHttp()
        rest.use_http_client(recorder)
        pump = QueuePump(app, boto3.client("sqs"), settings.region())
        with Client(app.app, stage_name="bench") as client:
            transport = CountingTransport(ChaliceTransport(client))
            emulator = CallEmulator(transport, settings.public_base_url(), settings.twilio_auth_token(),
                                    settings.twilio_account_sid(), SandboxState("AC", "x"), out=lambda _: None)

            def one_call(n: int) -> dict[str, int]:
                transport.steps.clear()
                emulator.call(f"+91981234{n:04d}", "+919977222564",
                              ScriptedAnswer(["1", "3", "say:हैंडपंप खराब है, वार्ड सात"]))
                before = Counter(AWS_CALLS)
                pump.drain_once()
                delta = AWS_CALLS - before
                # Receiving and deleting is Lambda's event-source mapping, not the function's work.
                mapping = delta["sqs:ReceiveMessage"] + delta["sqs:DeleteMessageBatch"]
                transport.steps["queue consumers (notify + follow-up)"] = sum(delta.values()) - mapping
                return dict(transport.steps)

            one_call(0)  # a cold container: directory and queue URLs not cached yet
            runs = [one_call(n) for n in range(1, 6)]
        rest.use_http_client(None)
    steps = runs[-1]
    print("\nAWS requests per completed complaint call (directory cached; median of 5 calls)")
    for step in steps:
        print(f"  {step:<48} {statistics.median(r[step] for r in runs):>4.0f}")
    to_sms = sum(statistics.median(r[s] for r in runs) for s in steps
                 if s not in ("/twilio/voice/status", "/twilio/voice/recording-status"))
    total = sum(statistics.median(r[s] for r in runs) for s in steps)
    print(f"  {'first webhook → SMS handed to Twilio':<48} {to_sms:>4.0f}   (target ≤ 8)")
    print(f"  {'the whole call, with both status callbacks':<48} {total:>4.0f}")
    print(f"  Twilio REST requests per call: {len(recorder.requests) / 6:.0f} (the citizen's SMS)")


class CountingTransport:
    def __init__(self, inner) -> None:
        self._inner = inner
        self.steps: dict[str, int] = {}

    def post(self, url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        before = sum(AWS_CALLS.values())
        result = self._inner.post(url, form, headers)
        step = url.split("/api", 1)[1]
        for prefix in ("/twilio/voice/language/", "/twilio/voice/category/", "/twilio/voice/record/"):
            if step.startswith(prefix):
                step = prefix + "…"
        self.steps[step] = self.steps.get(step, 0) + sum(AWS_CALLS.values()) - before
        return result


class ScriptedAnswer:
    def __init__(self, steps: list[str]) -> None:
        from chalicelib.local.caller import ScriptedAnswerer

        self._inner = ScriptedAnswerer(steps)

    def digits(self, num_digits: int):
        return self._inner.digits(num_digits)

    def recording(self):
        return self._inner.recording()


def cold_import(runs: int = 11) -> None:
    probe = "import time,sys; t=time.perf_counter(); {stmt}; print(time.perf_counter()-t)"
    eager = "import boto3, pynamodb.models, twilio.rest"
    webhook = "import app; assert not {'boto3', 'pynamodb', 'twilio.rest'} & set(sys.modules)"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    timings: dict[str, list[float]] = {"webhook": [], "eager": []}
    for n in range(runs):
        _progress(f"cold import {n + 1}/{runs}")
        for name, stmt in (("webhook", webhook), ("eager", eager)):
            out = subprocess.run([sys.executable, "-c", probe.format(stmt=stmt)], cwd=ROOT, env=env,
                                 capture_output=True, text=True, check=True)
            timings[name].append(float(out.stdout))
    app_ms, eager_ms = (statistics.median(timings[k]) * 1000 for k in ("webhook", "eager"))
    print(f"\nCold start (fresh process, median of {runs})")
    print(f"  import app (webhook path)                     {app_ms:7.1f} ms")
    print(f"  import boto3 + pynamodb + twilio.rest          {eager_ms:7.1f} ms")
    print(f"  ratio                                          {app_ms / eager_ms:7.2f}   (target < 0.5)")
    print("  boto3, pynamodb and twilio.rest are not imported by `import app` (checked in each run)")


def ivr_step_latency(requests: int = 1000) -> None:
    import boto3
    from moto import mock_aws

    from chalicelib import settings
    from chalicelib.local.lambda_events import LambdaContext
    from chalicelib.local.provision import provision
    from chalicelib.telephony.signature import sign

    with mock_aws():
        provision(boto3.client("dynamodb"), boto3.client("sqs"), settings.stage())
        from chalicelib import wiring
        from chalicelib.district_file import read_district_file
        from chalicelib.store.district_loader import load_district

        load_district(read_district_file(ROOT / "examples" / "raipur.yaml"))
        wiring.directory().clear()
        import app

        form = {"CallSid": "CA" + "9" * 32, "From": "+919812345678", "To": "+919977222564", "Digits": "3"}
        steps = {"incoming": ("/twilio/voice/incoming", {}, "/twilio/voice/incoming"),
                 "language": ("/twilio/voice/language/{attempt}", {"attempt": "1"}, "/twilio/voice/language/1"),
                 "category": ("/twilio/voice/category/{lang}/{attempt}", {"lang": "hi", "attempt": "1"},
                              "/twilio/voice/category/hi/1")}
        print(f"\nWarm handler time per IVR step (Lambda entry point, {requests} requests each)")
        for name, (resource, params, path) in steps.items():
            body = urlencode(form)
            event = {"resource": resource, "path": path, "httpMethod": "POST", "body": body,
                     "isBase64Encoded": False, "pathParameters": params or None, "queryStringParameters": None,
                     "stageVariables": None, "multiValueQueryStringParameters": None,
                     "headers": {"Content-Type": "application/x-www-form-urlencoded",
                                 "X-Twilio-Signature": sign(settings.public_base_url() + path, form,
                                                            settings.twilio_auth_token())},
                     "requestContext": {"resourcePath": resource, "httpMethod": "POST", "stage": "api",
                                        "path": f"/api{path}", "identity": {"sourceIp": "127.0.0.1"}}}
            context = LambdaContext("api_handler")
            before = sum(AWS_CALLS.values())
            samples = []
            for _ in range(requests):
                start = time.perf_counter()
                response = app.app(event, context)
                samples.append((time.perf_counter() - start) * 1000)
                assert response["statusCode"] == 200, response
            samples.sort()
            median, p99 = statistics.median(samples), samples[int(len(samples) * .99)]
            print(f"  {name:<10} median {median:6.2f} ms   p99 {p99:6.2f} ms   "
                  f"AWS requests in {requests}: {sum(AWS_CALLS.values()) - before}")
        print("  (the 2 requests are the directory's first fill in this container; cached for 60 s after)")


def main() -> None:
    _env()
    sys.path.insert(0, str(ROOT))
    print("Samvad bench — counts and ratios; these machines are noisy")
    requests_per_call()
    ivr_step_latency()
    cold_import()


if __name__ == "__main__":
    main()
