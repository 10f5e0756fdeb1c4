"""`make bench`: figures, not assertions. AWS requests per complaint call, cold import of the
webhook path against an eager import, warm handler time per IVR step, the unit tests' import time and the
deployment zip's size; the headline figures go to build/bench.json ("figures") beside make cost's usage.

Machines here are noisy: read the counts and the ratio, not the milliseconds.
"""
from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import botocore.handlers

ROOT = Path(__file__).resolve().parents[2]
AWS_CALLS: Counter[str] = Counter()
FIGURES: dict[str, float] = {}  # the sections' headline figures, written to build/bench.json beside the usage


ITEMS_READ: Counter[str] = Counter()
ITEMS_READ_BY_TABLE: Counter[str] = Counter()  # BatchGetItem's items again, by table: not to be added to ITEMS_READ


def _count(model, **_kwargs) -> None:
    AWS_CALLS[f"{model.service_model.service_name}:{model.name}"] += 1


def _count_items(http_response, parsed, model, **_kwargs) -> None:
    if model.name in ("Query", "Scan"):
        ITEMS_READ[model.name] += parsed.get("ScannedCount", parsed.get("Count", 0))  # read, not returned
    elif model.name == "GetItem":
        ITEMS_READ[model.name] += 1 if parsed.get("Item") else 0
    elif model.name == "BatchGetItem":
        for table, items in parsed.get("Responses", {}).items():
            ITEMS_READ[model.name] += len(items)
            ITEMS_READ_BY_TABLE[f"{model.name}:{table.rsplit('-', 1)[-1]}"] += len(items)  # "BatchGetItem:tickets"


# Registered before any botocore session exists, so every client (boto3's and pynamodb's) has it.
botocore.handlers.BUILTIN_HANDLERS.append(("before-call.*.*", _count))
botocore.handlers.BUILTIN_HANDLERS.append(("after-call.dynamodb.*", _count_items))
import tests.bench.usage  # noqa: E402,F401 (its handlers: every request by operation and table, for make cost)


def _env() -> None:
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[name]
    os.environ.update({
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "ap-south-1",
        "AWS_REGION": "ap-south-1", "SAMVAD_STAGE": "bench", "PUBLIC_BASE_URL": "https://bench.samvad.test/api",
        "TWILIO_ACCOUNT_SID": "AC" + "2" * 32, "TWILIO_AUTH_TOKEN": "bench-token",
        "PLIVO_AUTH_ID": "MA" + "B2" * 9, "PLIVO_AUTH_TOKEN": "bench-plivo-token",
        # moto makes a 10,000-ticket sweep take minutes; a real one takes seconds, inside one cache period
        "SAMVAD_DIRECTORY_CACHE_SECONDS": "3600"})


def _progress(text: str) -> None:
    print(f"  … {text}", file=sys.stderr, flush=True)


CARRIERS = ("twilio", "plivo")


@contextmanager
def demo_district(carrier: str = "twilio"):
    """moto with the tables and queues of infra/resources.json and the demo district loaded, its lines and SMS
    on `carrier`."""
    import boto3
    from moto import mock_aws

    from chalicelib import settings, wiring
    from chalicelib.local.provision import provision
    from chalicelib.store.district_loader import load_district
    from tests.support.demo import demo_on

    with mock_aws():
        provision(boto3.client("dynamodb"), boto3.client("sqs"), settings.stage())
        district = demo_on(carrier)
        load_district(district)
        wiring.reset()
        yield district
        wiring.reset()


def requests_per_call() -> None:
    for carrier in CARRIERS:
        _requests_per_call(carrier)


def _requests_per_call(carrier: str) -> None:
    import boto3
    from chalice.test import Client

    from chalicelib import settings
    from chalicelib.local.caller import CallEmulator
    from chalicelib.local.pump import QueuePump
    from chalicelib.local.sandbox import SandboxState
    from chalicelib.telephony import plivo_rest, rest
    from tests.support.fixtures import ChaliceTransport
    from tests.support.plivo_recorder import RecordingPlivoTransport
    from tests.support.twilio_recorder import RecordingTwilioHttp

    with demo_district(carrier):
        import app

        recorder, plivo = RecordingTwilioHttp(), RecordingPlivoTransport()
        rest.use_http_client(recorder)
        plivo_rest.use_transport(plivo)
        credentials = ((settings.twilio_auth_token(), settings.twilio_account_sid()) if carrier == "twilio"
                       else (settings.plivo_auth_token(), settings.plivo_auth_id()))
        pump = QueuePump(app, boto3.client("sqs"), settings.region())
        with Client(app.app, stage_name="bench") as client:
            transport = CountingTransport(ChaliceTransport(client))
            emulator = CallEmulator(transport, settings.public_base_url(), *credentials, SandboxState("AC", "x"),
                                    out=lambda _: None, carrier=carrier)

            def one_call(n: int) -> dict[str, int]:
                transport.steps.clear()
                emulator.call(f"+91981234{n:04d}", "+919977222564",
                              ScriptedAnswer(["1", "1", "3", "say:हैंडपंप खराब है, वार्ड सात"]))
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
        plivo_rest.use_transport(None)
    steps = runs[-1]
    print(f"\n{carrier.capitalize()} lines: AWS requests per completed complaint call (directory cached; median of 5)")
    for step in steps:
        print(f"  {step:<48} {statistics.median(r[step] for r in runs):>4.0f}")
    to_sms = sum(statistics.median(r[s] for r in runs) for s in steps
                 if s not in ("/{carrier}/voice/status", "/{carrier}/voice/recording-status"))
    total = sum(statistics.median(r[s] for r in runs) for s in steps)
    print(f"  {'first webhook → SMS handed to the carrier':<48} {to_sms:>4.0f}   (target ≤ 8)")
    FIGURES["aws_requests_first_webhook_to_sms" + ("" if carrier == "twilio" else f"_{carrier}")] = to_sms
    print(f"  {'the whole call, with both status callbacks':<48} {total:>4.0f}")
    carrier_requests = len(recorder.requests) if carrier == "twilio" else len(plivo.requests)
    print(f"  {carrier.capitalize()} REST requests per call: {carrier_requests / 6:.0f} "
          "(the citizen's SMS and the officer's forward)")


class CountingTransport:
    def __init__(self, inner) -> None:
        self._inner = inner
        self.steps: dict[str, int] = {}

    def post(self, url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        before = sum(AWS_CALLS.values())
        result = self._inner.post(url, form, headers)
        step = "/{carrier}/" + url.split("/api", 1)[1].split("/", 2)[2]  # the same steps on every carrier
        for prefix in ("/{carrier}/voice/language/", "/{carrier}/voice/menu/", "/{carrier}/voice/category/",
                       "/{carrier}/voice/record/"):
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
    heavy = "{'boto3', 'pynamodb', 'twilio.rest', 'plivo'}"
    statements = {
        # Each carrier's webhook path: the app and what its first step loads (its adapter and, for Twilio,
        # twilio.twiml and the request validator).
        "twilio": "import app; from chalicelib.telephony import twilio_voice; import twilio.twiml.voice_response, "
                  f"twilio.request_validator; assert not {heavy} & set(sys.modules)",
        "plivo": f"import app; from chalicelib.telephony import plivo_voice; assert not {heavy} & set(sys.modules)",
        "eager": "import boto3, pynamodb.models, twilio.rest",
        "plivo SDK": "import plivo",
    }
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    timings: dict[str, list[float]] = {name: [] for name in statements}
    for n in range(runs):
        _progress(f"cold import {n + 1}/{runs}")
        for name, stmt in statements.items():
            out = subprocess.run([sys.executable, "-c", probe.format(stmt=stmt)], cwd=ROOT, env=env,
                                 capture_output=True, text=True, check=True)
            timings[name].append(float(out.stdout))
    ms = {name: statistics.median(values) * 1000 for name, values in timings.items()}
    print(f"\nCold start (fresh process, median of {runs})")
    for carrier in CARRIERS:
        print(f"  import app + the {carrier} adapter (webhook path) {ms[carrier]:7.1f} ms   "
              f"ratio to eager {ms[carrier] / ms['eager']:5.2f}   (target < 0.5)")
    print(f"  import boto3 + pynamodb + twilio.rest (eager)    {ms['eager']:7.1f} ms")
    print(f"  import plivo (the SDK, kept off the webhook path) {ms['plivo SDK']:6.1f} ms   "
          f"= {ms['plivo SDK'] / ms['eager']:.2f} of eager")
    FIGURES["cold_import_ratio_webhook_to_eager"] = round(ms["twilio"] / ms["eager"], 2)
    FIGURES["cold_import_ratio_webhook_to_eager_plivo"] = round(ms["plivo"] / ms["eager"], 2)
    print("  boto3, pynamodb, twilio.rest and plivo are not imported by either webhook path (checked in each run)")


def ivr_step_latency(requests: int = 1000) -> None:
    for carrier in CARRIERS:
        _ivr_step_latency(carrier, requests)


def _ivr_step_latency(carrier: str, requests: int) -> None:
    from chalicelib import settings
    from chalicelib.local.lambda_events import LambdaContext
    from chalicelib.telephony import plivo_voice, twilio_voice

    with demo_district(carrier):
        import app

        if carrier == "twilio":
            form = {"CallSid": "CA" + "9" * 32, "From": "+919812345678", "To": "+919977222564", "Digits": "3"}
        else:
            form = {"CallUUID": "9" * 8 + "-0000-4000-8000-" + "9" * 12, "From": "+919812345678",
                    "To": "+919977222564", "Direction": "inbound", "Digits": "3"}

        def signed(path: str) -> dict[str, str]:
            url = settings.public_base_url() + path
            if carrier == "twilio":
                return twilio_voice.signature_header(url, form, settings.twilio_auth_token())
            return plivo_voice.signature_header(url, form, settings.plivo_auth_token(), "1" * 20)

        steps = {"incoming": ("/{carrier}/voice/incoming", {}, f"/{carrier}/voice/incoming"),
                 "language": ("/{carrier}/voice/language/{attempt}", {"attempt": "1"}, f"/{carrier}/voice/language/1"),
                 "category": ("/{carrier}/voice/category/{lang}/{attempt}", {"lang": "hi", "attempt": "1"},
                              f"/{carrier}/voice/category/hi/1")}
        print(f"\nWarm handler time per IVR step on a {carrier} line (Lambda entry point, {requests} requests each)")
        for name, (resource, params, path) in steps.items():
            body = urlencode(form)
            event = {"resource": resource, "path": path, "httpMethod": "POST", "body": body,
                     "isBase64Encoded": False, "pathParameters": {"carrier": carrier, **params},
                     "queryStringParameters": None, "stageVariables": None, "multiValueQueryStringParameters": None,
                     "headers": {"Content-Type": "application/x-www-form-urlencoded", **signed(path)},
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
            FIGURES[f"ivr_step_median_ms_{carrier}_{name}"] = round(median, 2)
            print(f"  {name:<10} median {median:6.2f} ms   p99 {p99:6.2f} ms   "
                  f"AWS requests in {requests}: {sum(AWS_CALLS.values()) - before}")
        print("  (the 2 requests are the directory's first fill in this container; cached for 60 s after)")


def lifecycle_requests() -> None:
    """AWS and Twilio requests from a registered ticket to its close on the citizen's word."""
    import boto3
    from chalice.test import Client

    from chalicelib import settings, wiring
    from chalicelib.local.lambda_events import scheduled_event
    from chalicelib.local.pump import QueuePump
    from chalicelib.local.sandbox import SandboxState
    from chalicelib.telephony import rest
    from tests.support.fixtures import Hotline
    from tests.support.twilio_recorder import RecordingTwilioHttp

    with demo_district():
        from chalicelib.domain.clock import OffsetClock

        clock = OffsetClock()
        wiring.use_clock(clock)
        import app

        recorder = RecordingTwilioHttp()
        rest.use_http_client(recorder)
        pump = QueuePump(app, boto3.client("sqs"), settings.region())
        with Client(app.app, stage_name="bench") as client:
            from chalicelib.local.caller import CallEmulator
            from tests.support.fixtures import ChaliceTransport

            emulator = CallEmulator(ChaliceTransport(client), settings.public_base_url(),
                                    settings.twilio_auth_token(), settings.twilio_account_sid(),
                                    SandboxState("AC", "x"), out=lambda _: None)
            hotline = Hotline(client, recorder, lambda script, caller="+919812345678", line="+919977222564":
                              emulator.call(caller, line, ScriptedAnswer(script.split("|"))), pump, app, clock,
                              SandboxState("AC", "x"))
            hotline.complaint("3")  # warm: directory and queue URLs cached, as in a warm container
            stages: dict[str, tuple[int, int]] = {}

            def measure(stage: str, action) -> None:
                aws_before, twilio_before = sum(AWS_CALLS.values()), len(recorder.requests)
                action()
                stages[stage] = (sum(AWS_CALLS.values()) - aws_before, len(recorder.requests) - twilio_before)

            def mapping_calls() -> int:
                return AWS_CALLS["sqs:ReceiveMessage"] + AWS_CALLS["sqs:DeleteMessageBatch"]

            before_mapping = mapping_calls()
            numbers: list[str] = []
            measure("registered + forwarded (call, SMS to citizen and officer)",
                    lambda: numbers.append(hotline.complaint("3")))
            number = numbers[0]
            measure("resolved (officer's DONE by SMS; citizen told)",
                    lambda: hotline.text("+919000000301", f"DONE {number} pump repaired"))
            from datetime import timedelta

            def feedback_call() -> None:
                clock.advance(timedelta(minutes=1))
                app.sweeper(scheduled_event("sweeper", settings.region(), "2026-01-01T00:00:00Z"), None)
                hotline.deliver()
                hotline.answer_feedback_call("1")

            measure("feedback call answered 1 → closed (citizen told)", feedback_call)
            mapping = mapping_calls() - before_mapping
        rest.use_http_client(None)
        wiring.use_clock(None)
    print("\nRequests per ticket lifecycle (warm containers)")
    print(f"  {'stage':<62} {'AWS':>4} {'Twilio':>7}")
    for stage, (aws_count, twilio_count) in stages.items():
        print(f"  {stage:<62} {aws_count:>4} {twilio_count:>7}")
    total_aws = sum(a for a, _ in stages.values())
    print(f"  {'the whole lifecycle':<62} {total_aws:>4} {sum(t for _, t in stages.values()):>7}")
    print(f"  (includes {mapping} SQS receive/delete calls the local pump makes in Lambda's place: "
          f"{total_aws - mapping} by the functions themselves)")


def sweeper_reads() -> None:
    """Items the sweeper reads with 10,000 open tickets of which 100 are due, and with 1,000."""

    from chalicelib import settings, wiring
    from chalicelib.domain.clock import FixedClock, iso
    from chalicelib.domain.registration import CallComplaint, build_call_registration
    from chalicelib.local.lambda_events import scheduled_event

    print("\nSweeper: items read per run (100 tickets due)")
    for open_tickets in (1_000, 10_000):
        with demo_district() as district:
            from datetime import UTC, datetime, timedelta

            from chalicelib.store.models import TicketModel
            from chalicelib.store.tickets import ticket_item

            now = datetime.now(UTC).replace(microsecond=0)
            with TicketModel.batch_write() as batch:
                for n in range(open_tickets):
                    if n % 2000 == 0:
                        _progress(f"writing {open_tickets} open tickets: {n}")
                    # 100 were registered four days ago (their L1 deadline has passed); the rest just now.
                    at = now - timedelta(days=4) if n < 100 else now
                    complaint = CallComplaint(f"CA{n:032d}", f"+9198{n:08d}", "+919977222564", "hi", "water",
                                              f"RE{n:032d}", "https://r", 10)
                    batch.save(ticket_item(build_call_registration(complaint, district, n + 1, FixedClock(at)).ticket))
            wiring.use_clock(FixedClock(now))
            import app

            wiring.directory().district("RPR")  # the directory is cached in a warm container
            ITEMS_READ.clear()
            requests_before = sum(AWS_CALLS.values())
            report = app.sweeper(scheduled_event("sweeper", settings.region(), iso(now)), None)
            requests = sum(AWS_CALLS.values()) - requests_before
        reads = sum(ITEMS_READ.values())
        print(f"  {open_tickets:>6} open: items read {reads:>4} (query {ITEMS_READ['Query']}, "
              f"get {ITEMS_READ['GetItem']}), bound 2 × 100 + 16 = 216; requests {requests}; "
              f"changes {report['ticket_changes']}")


def console_reads(page: int = 25) -> None:
    """Items DynamoDB reads per dashboard request and per list page, with 100 and with 10,000 tickets."""
    import json
    import tempfile
    from collections import defaultdict
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    from chalice.test import Client

    from chalicelib import wiring
    from chalicelib.api.auth import forget_keys
    from chalicelib.domain.clock import IST, FixedClock
    from chalicelib.domain.registration import CallComplaint, build_call_registration
    from chalicelib.local.auth import LocalIssuer

    folder = Path(tempfile.mkdtemp(prefix="samvad-bench-auth-"))
    issuer = LocalIssuer(folder / "key.pem", issuer="https://auth.bench.samvad.test/pool")
    (folder / "jwks.json").write_text(json.dumps(issuer.jwks()))
    os.environ.update({"SAMVAD_AUTH_ISSUER": issuer.issuer, "SAMVAD_AUTH_JWKS_URL": (folder / "jwks.json").as_uri(),
                       "SAMVAD_AUTH_CLIENT_ID": issuer.client_id})
    forget_keys()
    views = [("collector.rpr", "/api/dashboard"), ("operator.rpr", f"/api/tickets?view=recent&limit={page}"),
             ("officer.water.l1", f"/api/tickets?view=inbox&limit={page}"),
             ("collector.rpr", f"/api/tickets?view=overdue&limit={page}"),
             ("collector.rpr", f"/api/tickets?view=at_risk&limit={page}"),
             ("collector.rpr", f"/api/tickets?view=department&department=water&limit={page}"),
             # The approvers' queue (the sparse by_approval index): a post's, and the whole district's.
             ("officer.water.l2", f"/api/tickets?view=approvals&limit={page}"),
             ("collector.rpr", f"/api/tickets?view=approvals&district=RPR&limit={page}")]
    # The lists' filters and sorts (handlers/api_lists.py): each a Query on the index its filter picks, the rest a
    # filter expression on it: never more than the page size read.
    days_ago = (datetime.now(UTC) - timedelta(days=3)).astimezone(IST).date().isoformat()
    filtered = [("collector.rpr", f"/api/tickets?view=recent&department=water&limit={page}"),
                ("collector.rpr", f"/api/tickets?view=recent&category=health&sort=oldest&limit={page}"),
                ("collector.rpr", f"/api/tickets?view=recent&status=open&urgency=emergency&limit={page}"),
                ("collector.rpr", f"/api/tickets?view=recent&status=open&limit={page}"),
                ("collector.rpr", f"/api/tickets?view=recent&level=L2&limit={page}"),
                ("collector.rpr", f"/api/tickets?view=recent&from={days_ago}&to={days_ago}&limit={page}"),
                ("collector.rpr", f"/api/tickets?view=recent&sort=due_nearest&limit={page}"),
                ("collector.rpr", f"/api/tickets?view=recent&kind=complaint&department=water&limit={page}"),
                ("collector.rpr", f"/api/tickets?view=department&department=water&urgency=normal"
                                  f"&sort=due_farthest&limit={page}"),
                ("officer.water.l1", f"/api/tickets?view=inbox&category=water&limit={page}"),
                ("collector.rpr", f"/api/tickets?view=overdue&department=water&limit={page}"),
                ("operator.rpr", f"/api/tickets?view=caller&phone=%2B919800000000&category=water&limit={page}")]
    views += filtered
    print(f"\nConsole: DynamoDB items read per request (page size {page})")
    results: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    for tickets in (100, 10_000):
        with demo_district() as district:
            from pynamodb.expressions.operand import Path as AttributePath

            from chalicelib.store.models import CounterModel, TicketModel
            from chalicelib.store.tickets import ticket_item

            now = datetime.now(UTC).replace(microsecond=0)
            figures: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
            categories = [c.id for c in district.categories]
            with TicketModel.batch_write() as batch:
                for n in range(tickets):
                    if n % 2000 == 0:
                        _progress(f"writing {tickets} tickets and their counters: {n}")
                    # Spread over the month, so every day's counter item exists in both runs.
                    at = now - timedelta(hours=(n * 720 // tickets) % 720)
                    complaint = CallComplaint(f"CA{n:032d}", f"+9198{n % 500:08d}", "+919977222564", "hi",
                                              categories[n % len(categories)], f"RE{n:032d}", "https://r", 10)
                    registration = build_call_registration(complaint, district, n + 1, FixedClock(at))
                    ticket = registration.ticket
                    # What the sweeper would have marked by now.
                    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
                    ticket = replace(ticket, sla_breached=ticket.sla_due_at <= stamp,
                                     sla_at_risk=ticket.sla_risk_at <= stamp)
                    if n % 3 == 0:  # a request for more time waiting for the level above (every category)
                        ticket = replace(ticket, pending={"kind": "extension", "days": 3, "reason": "पाइप",
                                                          "by": "officer", "level": "L1", "at": ticket.created_at})
                    batch.save(ticket_item(ticket))
                    for counter in registration.counters:
                        figures[(counter.scope, counter.period)].update(counter.figures)
            for (scope, period), values in figures.items():
                CounterModel(scope, period).update(actions=[AttributePath(k).add(v) for k, v in values.items()])
            wiring.use_clock(FixedClock(now))
            import app

            with Client(app.app, stage_name="bench") as client:
                for user, path in views:
                    token = issuer.mint(user)
                    client.http.get(path, headers={"Authorization": f"Bearer {token}"})  # warm: keys, directory
                    ITEMS_READ.clear()
                    before = sum(AWS_CALLS.values())
                    response = client.http.get(path, headers={"Authorization": f"Bearer {token}"})
                    assert response.status_code == 200, response.body
                    results[path][tickets] = (sum(ITEMS_READ.values()), sum(AWS_CALLS.values()) - before)
    for _user, path in views:
        (small, small_requests), (large, large_requests) = results[path][100], results[path][10_000]
        print(f"  {path:<58} items read: {small:>3} with 100 tickets, {large:>3} with 10,000 "
              f"(requests {small_requests} / {large_requests})")
    print(f"  (dashboard: one BatchGet of 30 days + the open gauges + one item per line today; "
          f"lists: at most the page size, {page})")
    over = [path for _user, path in filtered if max(results[path][100][0], results[path][10_000][0]) > page + 1]
    print(f"  filtered lists over page size + 1 ({page + 1}) items read: {len(over)} of {len(filtered)}")
    assert not over, over
    queued = [path for _user, path in views if "view=approvals" in path
              and max(results[path][100][0], results[path][10_000][0]) > page + 1]
    assert not queued, queued  # the approvers' queue: a page reads at most its size too


def search_reads(page: int = 25) -> None:
    """Items DynamoDB reads per search page (index entries, then the page's tickets), with 100 and 10,000 tickets
    whose transcripts hold the words searched for."""
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    from chalicelib.domain import hindi_search
    from chalicelib.domain.clock import FixedClock
    from chalicelib.domain.hindi_search import entry_key, terms
    from chalicelib.domain.registration import CallComplaint, build_call_registration
    from chalicelib.domain.transcripts import DONE, Transcript
    from chalicelib.operations.ticket_search import expires_at, search_tickets, ticket_text
    from chalicelib.store.search_index import DynamoSearchIndex
    from chalicelib.store.tickets import DynamoTicketStore

    # One ticket in a hundred says "transformer"; the others share three complaints.
    said = ["हमारे गाँव का हैंडपम्प ख़राब है, पानी नहीं आ रहा", "गली की नाली जाम है", "सड़क पर गड्ढे हैं, पानी भरा है"]
    rare = "बिजली नहीं है, ट्रांसफार्मर जल गया"
    queries = {"one word (pani)": "pani", "one word, 1 in 100 (transformer)": "transformer",
               "two words (handpump kharab)": "handpump kharab", "three words (सड़क गड्ढे पानी)": "सड़क गड्ढे पानी",
               "two words, 1 in 100 (bijli transformer)": "bijli transformer",
               "two words never together (pani transformer)": "pani transformer"}
    print(f"\nSearch: DynamoDB items read per page (page size {page}; bound for one word: page + 1 = {page + 1})")
    results: dict[str, dict[int, tuple[int, int, int, int]]] = {q: {} for q in queries}
    for tickets in (100, 10_000):
        with demo_district() as district:
            from chalicelib.store.models import SearchModel, TicketModel
            from chalicelib.store.tickets import ticket_item

            now = datetime.now(UTC).replace(microsecond=0)
            with TicketModel.batch_write() as batch, SearchModel.batch_write() as entries:
                for n in range(tickets):
                    if n % 2000 == 0:
                        _progress(f"writing {tickets} transcribed tickets and their search entries: {n}")
                    complaint = CallComplaint(f"CA{n:032d}", f"+9198{n % 500:08d}", "+919977222564", "hi", "water",
                                              f"RE{n:032d}", "https://r", 10)
                    ticket = build_call_registration(complaint, district, n + 1,
                                                     FixedClock(now - timedelta(minutes=n))).ticket
                    text = rare if n % 100 == 2 else said[n % 3]
                    ticket = replace(ticket, transcript=Transcript(f"RE{n:032d}", DONE, text, 0.9, "hi-IN").to_json())
                    batch.save(ticket_item(ticket))
                    # What index_ticket_text writes, in one batch here rather than one per ticket.
                    for term in terms(ticket_text(ticket)):
                        entries.save(SearchModel(f"{ticket.district}#{term}",
                                                 entry_key(ticket.created_at, ticket.complaint_number),
                                                 expires_at=expires_at(ticket.created_at, 365)))
            index, store = DynamoSearchIndex(), DynamoTicketStore()
            for label, query in queries.items():
                ITEMS_READ.clear()
                ITEMS_READ_BY_TABLE.clear()
                before = sum(AWS_CALLS.values())
                found, _cursor, entries_read = search_tickets(index, store, "RPR", query, page, None)
                requests = sum(AWS_CALLS.values()) - before
                assert ITEMS_READ["Scan"] == 0
                index_read = ITEMS_READ["Query"] + ITEMS_READ_BY_TABLE["BatchGetItem:search"]
                assert index_read == entries_read, (ITEMS_READ, entries_read)
                results[label][tickets] = (index_read, ITEMS_READ_BY_TABLE["BatchGetItem:tickets"], len(found),
                                           requests)
    for label in queries:
        (small, small_tickets, small_found, small_requests) = results[label][100]
        (large, large_tickets, large_found, large_requests) = results[label][10_000]
        print(f"  {label:<45} index entries read: {small:>3} with 100 tickets, {large:>3} with 10,000; "
              f"then the page's tickets: {small_tickets} / {large_tickets} in one BatchGetItem "
              f"(found {small_found} / {large_found}; requests {small_requests} / {large_requests})")
    FIGURES["search_items_read_per_page_one_word"] = results["one word (pani)"][10_000][0]
    FIGURES["search_items_read_per_page_two_words"] = results["two words (handpump kharab)"][10_000][0]
    print(f"  (a word: one Query of page + 1 entries; each further word: one BatchGetItem on those entries; a search "
          f"whose words seldom meet reads at most {hindi_search.ROUNDS} such rounds, then hands back a cursor)")


_PACKAGE: dict[str, Path] = {}


def state_view_reads(runs: int = 3) -> None:
    """Items DynamoDB reads for a state_admin's state view (GET /api/dashboard without a district), with 5 and with
    50 districts, each with its month of counters as 10 and as 10,000 tickets would leave them."""
    import json
    import tempfile
    from datetime import UTC, datetime, timedelta

    from chalice.test import Client
    from pynamodb.expressions.operand import Path as AttributePath

    from chalicelib import wiring
    from chalicelib.api.auth import forget_keys
    from chalicelib.domain.clock import FixedClock, ist_date
    from chalicelib.domain.figures import OPEN_PERIOD, district_scope
    from chalicelib.domain.state_line import parse_state_line
    from chalicelib.i18n import available_languages
    from chalicelib.local.auth import LocalIssuer
    from chalicelib.store.district_loader import load_state
    from chalicelib.store.models import CounterModel, DirectoryModel

    folder = Path(tempfile.mkdtemp(prefix="samvad-bench-auth-"))
    issuer = LocalIssuer(folder / "key.pem", issuer="https://auth.bench.samvad.test/pool")
    (folder / "jwks.json").write_text(json.dumps(issuer.jwks()))
    os.environ.update({"SAMVAD_AUTH_ISSUER": issuer.issuer, "SAMVAD_AUTH_JWKS_URL": (folder / "jwks.json").as_uri(),
                       "SAMVAD_AUTH_CLIENT_ID": issuer.client_id})
    forget_keys()
    print("\nState view: DynamoDB items read per GET /api/dashboard of a state_admin (no district)")
    results: dict[tuple[int, int], tuple[int, int]] = {}
    for count in (5, 50):
        for tickets in (10, 10_000):
            with demo_district() as demo:
                now = datetime.now(UTC).replace(microsecond=0)
                codes = [f"D{chr(65 + n // 26)}{chr(65 + n % 26)}" for n in range(count)]
                for code in codes:  # the state loader asks only that each district is in the directory
                    DirectoryModel(f"DISTRICT#{code}", "CONFIG", district=code, config={**demo.raw, "district": code},
                                   updated_at="bench").save()
                    _progress(f"{count} districts, counters of {tickets} tickets each: {code}")
                    for day in range(30):
                        CounterModel(district_scope(code), f"DAY#{ist_date(now - timedelta(days=day))}").update(
                            actions=[AttributePath(name).add(max(1, tickets // 30)) for name in
                                     ("registered", "resolved", "resolved_in_sla", "closed", "closed_satisfied")])
                    CounterModel(district_scope(code), OPEN_PERIOD).update(
                        actions=[AttributePath("open_L1_water").add(tickets // 10),
                                 AttributePath("overdue_L1_water").add(tickets // 50)])
                state = parse_state_line({
                    "state": "BS", "name": {"hi": "राज्य", "en": "State"}, "languages": ["hi"],
                    "lines": ["+917712181900"], "ranking_min_tickets": 30,
                    "districts": [{"key": f"{n + 1:02d}", "code": code, "name": {"hi": code, "en": code}}
                                  for n, code in enumerate(codes)]}, available_languages())
                load_state(state)
                wiring.use_clock(FixedClock(now))
                import app

                token = issuer.mint("state.admin", **{"custom:state": "BS", "cognito:groups": ["state_admin"],
                                                      "custom:district": ""})
                with Client(app.app, stage_name="bench") as client:
                    client.http.get("/api/dashboard", headers={"Authorization": f"Bearer {token}"})  # warm
                    reads = []
                    for _ in range(runs):
                        ITEMS_READ.clear()
                        before = sum(AWS_CALLS.values())
                        response = client.http.get("/api/dashboard", headers={"Authorization": f"Bearer {token}"})
                        assert response.status_code == 200, response.body
                        assert len(json.loads(response.body)["districts"]) == count
                        reads.append((sum(ITEMS_READ.values()), sum(AWS_CALLS.values()) - before))
                results[(count, tickets)] = sorted(reads)[len(reads) // 2]
    for count in (5, 50):
        (small, small_requests), (large, large_requests) = results[(count, 10)], results[(count, 10_000)]
        print(f"  {count:>2} districts: items read {small:>5} with 10 tickets a district, {large:>5} with 10,000 "
              f"(requests {small_requests} / {large_requests}); {large / count:.0f} items a district")
    print("  (per district: its 30 days' counter items and the open gauges, read in BatchGets of 100 keys; "
          "tickets are never read)")
    FIGURES["state_view_items_read_5_districts"] = results[(5, 10_000)][0]
    FIGURES["state_view_items_read_50_districts"] = results[(50, 10_000)][0]


def _packaged() -> dict[str, Path]:
    """`make package STAGE=dev`'s zips, made once per bench run: chalice's own, then finished as make package
    finishes it (infra/finish_package.py: the local stack out) without and with the compiled bytecode."""
    if _PACKAGE:
        return _PACKAGE
    import atexit
    import shutil
    import tempfile

    from infra.finish_package import add_bytecode, finish

    work = Path(tempfile.mkdtemp(prefix="samvad-bench-package-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)

    wheels = ROOT / "wheelhouse"
    offline = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)} if any(wheels.glob(".complete-*")) else {}
    _progress("chalice package (dev)" + (" from wheelhouse/, no index" if offline else ""))
    outdir = work / "pkg"
    subprocess.run([str(Path(sys.executable).parent / "chalice"), "package", "--stage", "dev", "--merge-template",
                    "infra/resources.json", str(outdir)], cwd=ROOT,
                   env={**os.environ, **offline, "AWS_DEFAULT_REGION": "ap-south-1", "SAMVAD_STAGE": "dev"},
                   check=True, capture_output=True)
    _PACKAGE["chalice"] = work / "chalice.zip"
    shutil.copyfile(outdir / "deployment.zip", _PACKAGE["chalice"])
    finish(outdir, "dev", bytecode=False)
    _PACKAGE["source only"] = outdir / "deployment.zip"
    _PACKAGE["with .pyc"] = work / "compiled.zip"
    shutil.copyfile(_PACKAGE["source only"], _PACKAGE["with .pyc"])
    _progress("compiling the package's modules (unchecked-hash .pyc)")
    add_bytecode(_PACKAGE["with .pyc"])
    return _PACKAGE


def package_size() -> None:
    """The deployment zip as `make package` leaves it, and what each finishing step changed."""
    import zipfile

    from infra.finish_package import is_local_only

    zips = _packaged()
    with zipfile.ZipFile(zips["chalice"]) as archive:
        local = [n for n in archive.namelist() if is_local_only(n)]
    with zipfile.ZipFile(zips["with .pyc"]) as archive:
        compiled = sum(1 for n in archive.namelist() if n.endswith(".pyc"))
    mb = {name: path.stat().st_size / 1e6 for name, path in zips.items()}
    print("\nDeployment package (make package STAGE=dev)")
    print(f"  chalice package's zip                          {mb['chalice']:7.2f} MB")
    print(f"  without the local stack and the YAML loaders   {mb['source only']:7.2f} MB   ({len(local)} files out)")
    print(f"  with .pyc: deployment.zip as deployed          {mb['with .pyc']:7.2f} MB   ({compiled} .pyc; "
          "Lambda's limit: 50 MB zipped, 250 MB unzipped)")
    FIGURES["deployment_zip_mb"] = round(mb["with .pyc"], 2)
    FIGURES["local_only_files_left_out"] = len(local)


def unit_import(runs: int = 7) -> None:
    """Importing every unit test module (what pytest does before the first unit test runs), in a fresh process,
    against `import app` in one: the unit layer loads neither moto nor Chalice nor the AWS SDKs."""
    from tests.support.layers import import_app, import_unit_tests

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    units, apps, loaded = [], [], set()
    for n in range(runs):
        _progress(f"unit tests' import {n + 1}/{runs}")
        seconds, heavy = import_unit_tests(env)
        units.append(seconds)
        loaded |= set(heavy)
        apps.append(import_app(env))
    unit_ms, app_ms = statistics.median(units) * 1000, statistics.median(apps) * 1000
    print(f"\nUnit tests' import time (every tests/unit module after pytest's own, fresh process, median of {runs})")
    print(f"  import the unit tests                          {unit_ms:7.1f} ms")
    print(f"  import app (webhook path)                      {app_ms:7.1f} ms")
    print(f"  ratio                                          {unit_ms / app_ms:7.2f}")
    print("  moto, chalice, boto3, botocore, pynamodb loaded: " + (", ".join(sorted(loaded)) or "none"))
    FIGURES["unit_import_ms"] = round(unit_ms, 1)
    FIGURES["unit_import_ratio_to_import_app"] = round(unit_ms / app_ms, 2)


def packaged_cold_start(runs: int = 9) -> None:
    """`import app` from the deployment package, as Lambda's read-only /var/task runs it, with and without the
    compiled bytecode infra/finish_package.py adds; a ratio to a fixed set of stdlib imports (already compiled
    with the interpreter), so the machine's speed cancels out."""
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        zips = _packaged()
        plain, compiled = zips["source only"], zips["with .pyc"]
        with zipfile.ZipFile(compiled) as z:
            added = sum(1 for n in z.namelist() if n.endswith(".pyc"))
        roots = {}
        for name, archive in (("source only", plain), ("with .pyc", compiled)):
            roots[name] = work / name.replace(" ", "-").replace(".", "")
            with zipfile.ZipFile(archive) as z:
                z.extractall(roots[name])
        sizes = {name: archive.stat().st_size / 1e6 for name, archive in (("source only", plain),
                                                                          ("with .pyc", compiled))}
        # Deployed-like: tracing on, read-only code (no .pyc written), only the package and the stdlib on the path.
        env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", "AWS_REGION": "ap-south-1",
               "AWS_LAMBDA_FUNCTION_NAME": "samvad-bench", "AWS_XRAY_SDK_ENABLED": "true", "SAMVAD_STAGE": "bench",
               "PUBLIC_BASE_URL": "https://bench.samvad.test/api", "TWILIO_ACCOUNT_SID": "AC" + "2" * 32}
        probe = "import time,sys; t=time.perf_counter(); {stmt}; print(time.perf_counter()-t)"
        statements = {
            "stdlib reference": "import asyncio, decimal, email.parser, http.client, json, logging, uuid, "
                                "xml.etree.ElementTree",
            "import app (webhook)": "import app; assert not {'boto3', 'pynamodb', 'twilio.rest', 'aws_xray_sdk'} "
                                    "& set(sys.modules), 'the webhook path imported AWS or Twilio REST code'",
            "+ the recording step's store": "import app, chalicelib.store.tickets, chalicelib.events.aws",
        }
        timings: dict[tuple[str, str], list[float]] = {}
        for n in range(runs):
            _progress(f"packaged cold import {n + 1}/{runs}")
            for variant, root in roots.items():
                for label, stmt in statements.items():
                    out = subprocess.run([sys.executable, "-S", "-c", probe.format(stmt=stmt)], cwd=root,
                                         env={**env, "PYTHONPATH": str(root)}, capture_output=True, text=True,
                                         check=True)
                    timings.setdefault((variant, label), []).append(float(out.stdout))
    med = {key: statistics.median(values) * 1000 for key, values in timings.items()}
    print(f"\nPackaged cold import (deployment.zip unzipped, fresh `python -S`, no .pyc written; median of {runs})")
    print(f"  {'':<32} {'source only':>12} {'with .pyc':>12}")
    for label in statements:
        print(f"  {label:<32} {med[('source only', label)]:9.1f} ms {med[('with .pyc', label)]:9.1f} ms")
    reference = med[("source only", "stdlib reference")]
    for label in list(statements)[1:]:
        before, after = med[("source only", label)], med[("with .pyc", label)]
        print(f"  {label:<32} ratio to the stdlib reference {before / reference:5.2f} → {after / reference:5.2f}"
              f"   (with .pyc / without: {after / before:4.2f})")
    print(f"  deployment.zip {sizes['source only']:.1f} MB → {sizes['with .pyc']:.1f} MB with {added} .pyc files "
          "(Lambda's limit: 50 MB uploaded directly, 250 MB unzipped)")


def officer_ivr_requests() -> None:
    """The officers' IVR: AWS requests per step of an officer's call, and per action (a keyed ack or decision, a
    spoken remark, more time, a transfer), warm (directory cached), on each carrier."""
    for carrier in CARRIERS:
        _officer_ivr_requests(carrier)


class StepCounter:
    """The call emulator's HTTP, with the AWS requests each step made, by operation."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.steps: list[tuple[str, Counter[str]]] = []

    def post(self, url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        before = Counter(AWS_CALLS)
        result = self._inner.post(url, form, headers)
        parts = url.split("/api", 1)[1].split("/")[3:]  # after /{carrier}/voice/: the same on every carrier
        step = "/".join(parts[:2]) if parts[0] == "officer" else parts[0]
        self.steps.append((step, AWS_CALLS - before))
        return result


def _officer_ivr_requests(carrier: str) -> None:
    from chalice.test import Client

    from chalicelib import settings
    from chalicelib.local.caller import CallEmulator
    from chalicelib.store.officer_pins import DynamoOfficerPins
    from chalicelib.store.tickets import DynamoTicketStore
    from chalicelib.telephony.recording_urls import PLIVO_MEDIA
    from tests.support.carrier_recordings import CarrierRecordings
    from tests.support.demo import LINE, give_demo_pins, register_demo_call
    from tests.support.fixtures import ChaliceTransport

    officer_l1, officer_l2 = "+919000000301", "+919000000302"
    with demo_district(carrier) as district:
        import app

        give_demo_pins(DynamoOfficerPins(), district)
        store = DynamoTicketStore()
        from datetime import UTC, datetime

        now = datetime.now(UTC)
        for n in range(1, 7):
            register_demo_call(store, district, n, now)
        credentials = ((settings.twilio_auth_token(), settings.twilio_account_sid()) if carrier == "twilio"
                       else (settings.plivo_auth_token(), settings.plivo_auth_id()))
        with Client(app.app, stage_name="bench") as client:
            counter = StepCounter(ChaliceTransport(client))
            # Recordings at the carrier's URLs of our account: the app keeps no other as a remark's evidence.
            recordings = CarrierRecordings(settings.twilio_account_sid(), "unused", settings.plivo_auth_id(),
                                           settings.plivo_auth_token())
            recordings.plivo_media_base = PLIVO_MEDIA
            emulator = CallEmulator(counter, settings.public_base_url(), *credentials, recordings,
                                    out=lambda _: None, carrier=carrier)

            def call(phone: str, script: str) -> list[tuple[str, Counter[str]]]:
                counter.steps.clear()
                emulator.call(phone, LINE, ScriptedAnswer(script.split("|")))
                return list(counter.steps)

            call(officer_l1, "*|1234|9|9|9|9|9|1")  # warm: the directory, the queue URLs (the 6th acknowledged)
            # acknowledge; resolved (a spoken remark); more time (3 days, silence); transfer (to the 3rd
            # department); the recording (none here), then hang up.
            l1 = call(officer_l1, "*|1234|1|2|say:हैंडपंप ठीक कर दिया|3|3|silence|4|3|hangup")
            l2 = call(officer_l2, "*|1234|1|hangup")  # approves the extension
    print(f"\n{carrier.capitalize()} lines: AWS requests per step of an officer's IVR call (warm)")

    def shown(counts: Counter[str]) -> str:
        return ", ".join(f"{n} {name.split(':', 1)[1]}" for name, n in sorted(counts.items())) or "none"

    for step, counts in l1 + l2:
        print(f"  {step:<28} {sum(counts.values()):>3}   {shown(counts)}")
    actions = {"acknowledge (key 1)": [c for s, c in l1 if s == "officer/key"][:1],
               "resolved (the remark's <Record>)": [c for s, c in l1 if s == "officer/resolve"],
               "more time (the reason's <Record>)": [c for s, c in l1 if s == "officer/time"],
               "transfer (the department's key)": [c for s, c in l1 if s == "officer/transfer"],
               "approve (key 1, the level above)": [c for s, c in l2 if s == "officer/key"][:1]}
    print("  per action, in the step that writes (the same commit as SMS and the console):")
    fan_out = ("sqs:SendMessage", "dynamodb:DeleteItem")  # both queues, then the event out of the outbox
    per_action = []
    for label, counted in actions.items():
        counts = sum(counted, Counter())
        action = Counter({k: v for k, v in counts.items() if k not in fan_out})
        per_action.append(sum(action.values()))
        print(f"    {label:<36} {sum(action.values())} ({shown(action)}), then the events' fan-out: "
              f"{shown(Counter({k: v for k, v in counts.items() if k in fan_out}))}")
    item = [sum(c.values()) for s, c in l1 if s == "officer/item"]
    print(f"  the next item after an action: {statistics.median(item):.0f} Query per post (and one more per post "
          "that decides the level below's requests)")
    FIGURES["officer_ivr_requests_per_action" + ("" if carrier == "twilio" else f"_{carrier}")] = max(per_action)


def transcripts() -> None:
    """Voice to text: AWS requests per transcript (in-process, moto and the Transcribe stand-in), then the time
    from hang-up to the transcript on the ticket on the local stack in its own process (20 calls at once)."""
    _transcript_requests()
    _hang_up_to_transcript()


class _NoWait:
    """The transcribe queue with every step's DelaySeconds set to 0: the same requests, none of the waiting."""

    def send(self, message: dict[str, object], delay_seconds: int = 0) -> None:
        from chalicelib.speech.queue import SqsTranscriptionQueue

        SqsTranscriptionQueue().send(message, 0)


def _transcript_requests(calls: int = 5) -> None:
    import boto3
    from chalice.test import Client

    from chalicelib import settings, wiring
    from chalicelib.local.caller import CallEmulator
    from chalicelib.local.pump import QueuePump
    from chalicelib.local.sandbox import Sandbox
    from chalicelib.telephony import rest
    from tests.support.fixtures import ChaliceTransport
    from tests.support.twilio_recorder import RecordingTwilioHttp

    per_transcript: list[Counter[str]] = []
    with demo_district("twilio") as district:
        import app
        from chalicelib.domain.district import parse_district
        from chalicelib.i18n import available_languages
        from chalicelib.store.district_loader import load_district

        # demo_on leaves transcription off for the flows that do not fetch recordings; here it is the point.
        load_district(parse_district({**district.raw, "transcription": {"enabled": True}}, available_languages()))
        wiring.directory().clear()

        server = Sandbox("127.0.0.1", 0, settings.twilio_account_sid(), settings.twilio_auth_token()).start()
        os.environ["TWILIO_API_BASE"] = server.url  # the recordings: fetched over HTTP as from Twilio
        os.environ["AWS_ENDPOINT_URL_TRANSCRIBE"] = f"{server.url}/transcribe"
        wiring.transcription_queue.use(_NoWait())
        rest.use_http_client(RecordingTwilioHttp())
        counted: Counter[str] = Counter()

        class Counting:  # app.py's module with the transcriber's requests counted
            def __getattr__(self, name: str):
                handler = getattr(app, name)
                if name != "transcriber":
                    return handler

                def transcriber(event, context):
                    before = Counter(AWS_CALLS)
                    try:
                        return handler(event, context)
                    finally:
                        counted.update(AWS_CALLS - before)
                return transcriber

        try:
            pump = QueuePump(Counting(), boto3.client("sqs"), settings.region())
            with Client(app.app, stage_name="bench") as client:
                emulator = CallEmulator(ChaliceTransport(client), settings.public_base_url(),
                                        settings.twilio_auth_token(), settings.twilio_account_sid(), server.state,
                                        out=lambda _: None)
                for n in range(calls + 1):  # the first: a cold container (queue URLs, directory)
                    counted.clear()
                    emulator.call(f"+91981235{n:04d}", "+919977222564",
                                  ScriptedAnswer(["1", "1", "3", "say:मेरा नाम राम है, गाँव खरोरा, हैंडपंप खराब है"]))
                    for _ in range(20):
                        if not pump.drain_once():
                            break
                    if n:
                        per_transcript.append(Counter(counted))
        finally:
            wiring.transcription_queue.use(None)
            rest.use_http_client(None)
            server.stop()
            for name in ("TWILIO_API_BASE", "AWS_ENDPOINT_URL_TRANSCRIBE"):
                os.environ.pop(name, None)
    operations = sorted({op for c in per_transcript for op in c})
    print(f"\nVoice to text: AWS requests per transcript, the transcriber's own (median of {calls} calls; "
          "receiving and deleting messages is Lambda's event-source mapping)")
    for op in operations:
        print(f"  {op:<44} {statistics.median(c[op] for c in per_transcript):>4.0f}")
    mapping = ("sqs:ReceiveMessage", "sqs:DeleteMessageBatch")
    total = statistics.median(sum(v for k, v in c.items() if k not in mapping) for c in per_transcript)
    print(f"  {'per transcript (start, 2 checks: one in progress)':<44} {total:>4.0f}"
          "   (+1 SendMessage by the follow-up consumer: the start step)")
    FIGURES["aws_requests_per_transcript"] = total


def _hang_up_to_transcript(calls: int = 20, cap_seconds: float = 300) -> None:
    import tempfile
    import threading

    from chalicelib.local.caller import CallEmulator, HttpTransport, SandboxRecordings, ScriptedAnswerer
    from tests.bench import soak

    _progress(f"local stack in its own process; {calls} calls at once; each check waits out its DelaySeconds")
    with tempfile.TemporaryDirectory(prefix="samvad-transcripts-") as folder, \
            soak.local_stack(Path(folder), 18530) as stack:
        state = stack["state"]
        hung_up: dict[str, float] = {}  # call sid -> when the caller hung up (the call's last request answered)

        def call(n: int) -> None:
            emulator = CallEmulator(HttpTransport(), state["base_url"], state["auth_token"], state["account_sid"],
                                    SandboxRecordings(state["sandbox_url"]), out=lambda _line: None)
            log = emulator.call(f"+9196{n:08d}", state["lines"][0], ScriptedAnswerer.parse(
                "1|1|3|say:मेरा नाम सीता है, गाँव खरोरा, नल से पानी नहीं आ रहा"))
            hung_up[log.call_sid] = time.monotonic()

        threads = [threading.Thread(target=call, args=(n,), daemon=True) for n in range(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        dynamodb = soak._aws(state, "dynamodb")
        seen: dict[str, float] = {}
        deadline = time.monotonic() + cap_seconds
        while len(seen) < len(hung_up) and time.monotonic() < deadline:
            for page in dynamodb.get_paginator("scan").paginate(  # the bench reads everything; the product never
                    TableName=f"samvad-{state['stage']}-tickets", ProjectionExpression="call_sid, transcript"):
                for item in page["Items"]:
                    sid = item.get("call_sid", {}).get("S", "")
                    if sid in hung_up and sid not in seen and "transcript" in item:
                        seen[sid] = time.monotonic()
            time.sleep(0.5)
    waits = sorted(seen[sid] - hung_up[sid] for sid in seen)
    if not waits:
        print("\nVoice to text: no transcript reached a ticket within the cap (see the stack's log)")
        return
    median, p95 = statistics.median(waits), waits[min(len(waits) - 1, math.ceil(0.95 * len(waits)) - 1)]
    print(f"\nVoice to text on the local stack: hang-up → transcript on the ticket, {len(waits)} of {calls} calls "
          "at once")
    print(f"  median {median:6.1f} s   p95 {p95:6.1f} s   (checks after 15 s, then 30 s: the stand-in completes a "
          "job on its second look)")
    FIGURES["hang_up_to_transcript_median_s"] = round(median, 1)
    FIGURES["hang_up_to_transcript_p95_s"] = round(p95, 1)


def usage_figures(path: Path) -> None:
    """One complaint's requests, operation by operation, written to `path` for `make cost` (infra/cost.py)."""
    from tests.bench import usage

    figures = usage.measure(progress=_progress)  # each plan of tests/bench/plans/, two runs each
    print("\n".join(usage.summary(figures)))
    _write_json(path, "usage", figures)
    print(f"  written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} (make cost reads it)")


def _write_json(path: Path, key: str, value: object) -> None:
    """Sets one key of build/bench.json, keeping the others (the usage make cost reads, the headline figures)."""
    import json

    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def soak() -> None:
    """16 callers at once against the local stack in its own process, replays, then faults (tests/bench/soak.py);
    its figures go to build/bench.json under "soak"."""
    from tests.bench import soak as soak_bench

    soak_bench.main([])


def console_weight() -> None:
    """Bytes a console page fetches: its HTML, CSS and the modules the frame imports, then the page's own module
    (imported when its route is first drawn) and what it imports, as sent and gzipped (API Gateway compresses
    above `minimum_compression_size` in .chalice/config.json)."""
    import gzip
    import re

    folder = ROOT / "chalicelib" / "console"

    def modules(name: str, seen: set[str]) -> set[str]:
        if name in seen:
            return seen
        seen.add(name)
        text = (folder / name).read_text(encoding="utf-8")
        for imported in re.findall(r'^import [^;]*? from "\./([a-z_]+\.js)";', text, flags=re.M):
            modules(imported, seen)
        return seen

    frame = modules("app.js", set()) | {"index.html", "style.css"}
    pages = {"frame": ("sign-in, incoming call, search, recent (frame only)", set()),
             "inbox": ("an officer's inbox", modules("ticket.js", set())),
             "ticket": ("a ticket", modules("ticket.js", set())),
             "dashboard": ("the dashboard", modules("dashboard.js", set())),
             "directory": ("the directory", modules("directory.js", set()))}
    print("\nConsole: bytes a page fetches (frame + the page's own modules), as sent / gzipped")
    for key, (page, own) in pages.items():
        files = sorted(frame | own)
        raw = b"".join((folder / f).read_bytes() for f in files)
        zipped = sum(len(gzip.compress((folder / f).read_bytes(), 9)) for f in files)
        print(f"  {page:<52} {len(raw) / 1024:6.1f} KB / {zipped / 1024:5.1f} KB  ({len(files)} files)")
        FIGURES[f"console_kb_gzipped_{key}"] = round(zipped / 1024, 1)


def video_call() -> None:
    """A sign-language video call's AWS and meeting-service requests, step by step (tests/bench/video.py); written
    to build/bench.json under "video" for make cost."""
    from tests.bench import video

    figures = video.measure()
    print("\n".join(video.summary(figures)))
    _write_json(ROOT / "build" / "bench.json", "video", figures)
    FIGURES["video_call_aws_requests"] = sum(1 for op in figures["operations"] if op.get("function") != "outside")


SECTIONS = {"calls": requests_per_call, "lifecycle": lifecycle_requests, "sweeper": sweeper_reads,
            "console": console_reads, "latency": ivr_step_latency, "cold": cold_import, "unit": unit_import,
            "size": package_size, "package": packaged_cold_start, "soak": soak, "officers": officer_ivr_requests,
            "transcripts": transcripts, "search": search_reads, "state": state_view_reads,
            "weight": console_weight, "video": video_call}


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=["usage", *SECTIONS],
                        help="run only these sections (usage: the counts make cost needs)")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench.json",
                        help="where the usage figures go (default build/bench.json)")
    args = parser.parse_args(argv)
    _env()
    sys.path.insert(0, str(ROOT))
    print("Samvad bench — counts and ratios; these machines are noisy")
    sections = args.only or [*SECTIONS, "usage"]
    for name in sections:
        if name == "usage":
            usage_figures(args.json)
        else:
            SECTIONS[name]()
    # Beside the usage only: a bench.json without it would stop `make cost` from measuring it first.
    if FIGURES and args.json.exists():
        _write_json(args.json, "figures", {**_previous_figures(args.json), **FIGURES})
        where = args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json
        print(f"\nHeadline figures written to {where}: {', '.join(f'{k} {v}' for k, v in FIGURES.items())}")


def _previous_figures(path: Path) -> dict[str, float]:
    import json

    return json.loads(path.read_text()).get("figures", {})


if __name__ == "__main__":
    main()
