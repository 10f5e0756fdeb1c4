"""The soak: many callers at once against `make run`, Twilio's replays, then carrier faults and an AWS outage.

    python -m tests.bench.soak --callers 16 --calls 10            (make soak; part of make bench)

It starts the local stack in its own process on loopback (ports from 18500), then:

1. steady: CALLERS simulated callers phone the hotline at once, CALLS calls each, every call from its own
   number (a repeat caller would hear another menu). Each record action and recording status callback is
   posted 3 times at once, as Twilio does when an answer is late.
2. faults: the same again for FAULT_CALLS calls each while the fault switch (chalicelib/local/faults.py) makes
   the sandbox refuse REST requests with 503, then take them and answer late (after the client's timeout),
   then stops the AWS endpoint for a few seconds and lets it come back.
3. drain: the queues empty (retries wait 30 s and more), the reconciler runs once as its schedule would
   (recordings whose call got no ticket during the outage), the queues empty again.

Then it counts from the stack's own data — tickets in DynamoDB through the moto endpoint, the messages the
sandbox was handed — and prints, per phase: calls in, tickets out, citizen SMS out, officer forwards out,
duplicates, lost, 5xx and connection errors seen by callers, p50/p99 per IVR step. Targets: lost 0,
duplicates 0, 5xx 0. Figures go to build/bench.json under "soak". Every loop has a count and a time cap.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
FIRST_PORT = 18500
REPLAYED = ("/twilio/voice/record/", "/twilio/voice/recording-status")
COPIES = 3
SCRIPT = "1|1|3|say:हैंडपंप खराब है, वार्ड सात, गाँव खरोरा"
_NUMBER = re.compile(r"\b[A-Z]{2,5}\d{10,}\b")
_SPOKEN = re.compile(r"\b([A-Z](?:[ ,]+[A-Z]){1,4})[ ,.]+(\d(?:[ ,]+\d){5})[ ,.]+(\d(?:[ ,]+\d){3,})")
DRAIN_SLOW_SENDS = 12  # late answers while the queues drain after the fault phase
PHASE_SECONDS = 900  # no phase runs longer than this, however slow the machine
DRAIN_SECONDS = 900  # a backlog on one pump, and failed deliveries wait 30 s, 60 s, 2 min, 4 min between tries


def _progress(text: str) -> None:
    print(f"  … {text}", file=sys.stderr, flush=True)


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _port_block(first: int) -> int:
    """Three free ports in a row from `first` (app, sandbox, AWS endpoint), in the 18500s."""
    for base in range(first, first + 90, 3):
        if all(_free(base + i) for i in range(3)):
            return base
    raise RuntimeError(f"no three free ports on loopback from {first}")


@contextmanager
def local_stack(folder: Path, first_port: int) -> Iterator[dict[str, Any]]:
    """`make run` in its own process, its schedules at their own rates (the sweeper every minute)."""
    port = _port_block(first_port)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TWILIO_", "SAMVAD_", "PUBLIC_"))}
    env.update(SAMVAD_LOCAL_STATE=str(folder / "stack.json"), PYTHONPATH=str(ROOT))
    log = (folder / "stack.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "chalicelib.local.stack", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if "Ctrl-C stops everything" in (folder / "stack.log").read_text():
                break
            time.sleep(0.5)
        if not (folder / "stack.json").exists():
            raise RuntimeError("the stack did not start:\n" + (folder / "stack.log").read_text()[-3000:])
        yield {"env": env, "state": json.loads((folder / "stack.json").read_text()), "log": folder / "stack.log"}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: only what this run started
            process.wait(timeout=10)
        log.close()


class Meter:
    """What callers saw, request by request: latency per IVR step, 5xx, connection errors."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: Counter[int] = Counter()
        self.server_errors = 0
        self.connection_errors = 0
        self.errors: Counter[str] = Counter()  # connection errors by kind and step

    def note(self, step: str, seconds: float, status: int, error: BaseException | None = None) -> None:
        with self.lock:
            self.latency[step].append(seconds)
            self.status[status] += 1
            if status >= 500:
                self.server_errors += 1
            elif error is not None:
                self.connection_errors += 1
                reason = getattr(error, "reason", error)  # URLError wraps the socket's own error
                self.errors[f"{step}: {type(reason).__name__}"] += 1

    def figures(self) -> dict[str, Any]:
        with self.lock:
            steps = {step: {"requests": len(times), "p50_ms": round(_quantile(times, 0.5) * 1000),
                            "p99_ms": round(_quantile(times, 0.99) * 1000)} for step, times in self.latency.items()}
            return {"5xx": self.server_errors, "connection_errors": self.connection_errors,
                    "connection_errors_by_kind": dict(self.errors.most_common()),
                    "statuses": {str(k): v for k, v in sorted(self.status.items())}, "steps": steps}


def _quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def _step(url: str) -> str:
    parts = urlsplit(url).path.split("/")
    return parts[3] if len(parts) > 3 and parts[1:3] == ["twilio", "voice"] else urlsplit(url).path


class ReplayingTransport:
    """The call simulator's HTTP, timed; the record action and the recording callback go out COPIES times at
    once (Twilio's replays of a late answer). The caller goes on with the first copy's answer; every copy's
    answer is kept, to see whether replays were answered with another complaint number."""

    def __init__(self, inner: Any, meter: Meter) -> None:
        self._inner, self._meter = inner, meter
        self.answers: list[str] = []  # every TwiML answer of this call, copies included

    def _one(self, url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        started, error = time.monotonic(), None
        try:
            status, body = self._inner.post(url, form, headers)
        except (OSError, http.client.HTTPException) as failed:  # refused, reset, timed out: the caller hears nothing
            status, body, error = 0, "", failed
        self._meter.note(_step(url), time.monotonic() - started, status, error)
        self.answers.append(body)
        return status, body

    def post(self, url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        if not any(part in url for part in REPLAYED):
            return self._one(url, form, headers)
        replays = [threading.Thread(target=self._one, args=(url, form, headers), daemon=True)
                   for _ in range(COPIES - 1)]
        for replay in replays:
            replay.start()
        first = self._one(url, form, headers)
        for replay in replays:
            replay.join(timeout=60)
        return first

    def get(self, url: str) -> tuple[int, str]:
        started, error = time.monotonic(), None
        try:
            status, body = self._inner.get(url)
        except (OSError, http.client.HTTPException) as failed:
            status, body, error = 0, "", failed
        self._meter.note(_step(url), time.monotonic() - started, status, error)
        return status, body


def numbers_said(texts: list[str]) -> set[str]:
    """Complaint numbers in what was said: written (RPR2611230007) or read out (R P R, 2 6 1 1 2 3, 0 0 0 7)."""
    found: set[str] = set()
    for text in texts:
        found.update(_NUMBER.findall(text))
        found.update("".join(re.sub(r"[ ,]", "", g) for g in m.groups()) for m in _SPOKEN.finditer(text))
    return found


@dataclass
class PlacedCall:
    phase: str
    caller: str
    call_sid: str = ""
    recorded: bool = False
    heard: set[str] = field(default_factory=set)  # the numbers the caller heard
    answered: set[str] = field(default_factory=set)  # every number any copy of a request was answered with
    broken_off: bool = False  # the simulator itself could not go on (the sandbox did not keep the recording)


class Phase:
    """CALLERS threads, each placing its calls one after another; stops early (never mid-call) at its cap."""

    def __init__(self, name: str, state: dict[str, Any], callers: int, calls: int, prefix: int) -> None:
        self.name, self.state, self.callers, self.calls, self.prefix = name, state, callers, calls, prefix
        self.meter = Meter()
        self.placed: list[PlacedCall] = []
        self.done = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def _caller(self, index: int) -> None:
        from chalicelib.local.caller import CallEmulator, HttpTransport, SandboxRecordings, ScriptedAnswerer

        state = self.state
        for n in range(self.calls):
            if self._stop.is_set():
                return
            number = f"+9197{self.prefix}{index:03d}{n:04d}"
            transport = ReplayingTransport(HttpTransport(), self.meter)
            emulator = CallEmulator(transport, state["base_url"], state["auth_token"], state["account_sid"],
                                    SandboxRecordings(state["sandbox_url"]), out=lambda _line: None)
            placed = PlacedCall(self.name, number)
            try:
                log = emulator.call(number, state["lines"][0], ScriptedAnswerer.parse(SCRIPT))
                placed.call_sid, placed.recorded = log.call_sid, log.recording_sid is not None
                placed.heard = numbers_said(log.said)
            except (OSError, http.client.HTTPException) as error:  # the sandbox's recordings unreachable
                placed.broken_off = True
                _progress(f"{self.name}: call from {number} broke off: {error}")
            placed.answered = numbers_said(transport.answers)
            with self._lock:
                self.placed.append(placed)
                self.done += 1

    def run(self, on_progress: Any = None) -> None:
        threads = [threading.Thread(target=self._caller, args=(i,), daemon=True, name=f"caller-{i}")
                   for i in range(self.callers)]
        for thread in threads:
            thread.start()
        total, deadline, shown = self.callers * self.calls, time.monotonic() + PHASE_SECONDS, -1
        while any(t.is_alive() for t in threads):
            if time.monotonic() > deadline and not self._stop.is_set():
                _progress(f"{self.name}: {PHASE_SECONDS} s cap reached, letting the calls in progress finish")
                self._stop.set()
            for thread in threads:
                thread.join(timeout=0.5)
            if on_progress:
                on_progress(self.done, total)
            if self.done * 10 // total != shown:
                shown = self.done * 10 // total
                errors = self.meter.figures()
                _progress(f"{self.name}: {self.done}/{total} calls, {errors['5xx']} 5xx, "
                          f"{errors['connection_errors']} connection errors")
            if self._stop.is_set() and time.monotonic() > deadline + 120:
                break  # a call stuck past every HTTP timeout: leave it, count what is there


class FaultPlan:
    """Switches faults on as the fault phase's calls complete: 503s, then late answers, then AWS down."""

    def __init__(self, sandbox_url: str, aws_down_seconds: float, slow_seconds: float) -> None:
        self._url = sandbox_url
        self.steps: list[tuple[float, str, dict[str, Any]]] = [
            (0.0, "carrier answers 503 to 1 REST request in 4", {"carrier": "503", "fraction": 0.25}),
            (0.4, f"carrier takes 1 REST request in 4 and answers {slow_seconds:g} s late",
             {"carrier": "slow", "fraction": 0.25, "seconds": slow_seconds}),
            (0.6, f"AWS endpoint stopped for {aws_down_seconds:g} s", {"aws": "stop", "for_seconds": aws_down_seconds}),
        ]  # and the carrier normal again when the phase's calls are done (finish)
        self.applied: list[str] = []
        self._slow_seconds = slow_seconds

    def __call__(self, done: int, total: int) -> None:
        from chalicelib.local import faults

        while self.steps and done >= self.steps[0][0] * total:
            _at, label, request = self.steps.pop(0)
            faults.switch(self._url, **request)
            self.applied.append(label)
            _progress(f"fault: {label}")

    def finish(self) -> dict[str, Any]:
        from chalicelib.local import faults

        self.steps.clear()
        faults.switch(self._url, aws="start")
        # The queues lag behind the calls: the next sends, made while they drain, are taken and answered late,
        # the case that doubled officers' forwards (a timeout is not a failure). The count ends it by itself.
        label = f"carrier takes the next {DRAIN_SLOW_SENDS} REST requests and answers {self._slow_seconds:g} s late"
        self.applied.append(label)
        _progress(f"fault: {label}")
        return faults.switch(self._url, carrier="slow", count=DRAIN_SLOW_SENDS, seconds=self._slow_seconds)


def _aws(state: dict[str, Any], service: str) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=state["aws_endpoint"], region_name=state["region"],
                        aws_access_key_id="local", aws_secret_access_key="local")


def _queues(state: dict[str, Any]) -> dict[str, int]:
    """Messages on each queue of this stage (visible and in flight)."""
    sqs = _aws(state, "sqs")
    depth = {}
    for url in sqs.list_queues(QueueNamePrefix=f"samvad-{state['stage']}-").get("QueueUrls", []):
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        depth[url.rsplit("/", 1)[-1]] = sum(int(v) for v in attrs.values())
    return depth


def _tickets(state: dict[str, Any]) -> list[dict[str, str]]:
    """Every ticket (a Scan: the bench reads everything once, the product never does)."""
    dynamodb = _aws(state, "dynamodb")
    rows: list[dict[str, str]] = []
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=f"samvad-{state['stage']}-tickets",
        ProjectionExpression="complaint_number, call_sid, caller_phone, channel",
        PaginationConfig={"MaxItems": 100_000})
    for page in pages:
        rows += [{k: v.get("S", "") for k, v in item.items()} for item in page["Items"]]
    return rows


def _outbox(state: dict[str, Any]) -> int:
    """Events committed but not yet on both queues: the sweeper re-sends them every minute."""
    return int(_aws(state, "dynamodb").scan(TableName=f"samvad-{state['stage']}-outbox", Select="COUNT")["Count"])


def _messages(state: dict[str, Any]) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{state['sandbox_url']}/sandbox/messages", timeout=30) as response:
        return list(json.loads(response.read())["messages"])


def drain(state: dict[str, Any], label: str, seconds: float = DRAIN_SECONDS) -> int:
    """Until the work queues and the outbox are empty and nothing new was sent for three polls in a row (or the
    cap). Returns what is left: messages on the queues and events in the outbox."""
    deadline, quiet, last = time.monotonic() + seconds, 0, None
    while time.monotonic() < deadline and quiet < 3:
        try:
            depth = _queues(state)
            pending = sum(v for k, v in depth.items() if not k.endswith("-dlq")) + _outbox(state)
            now = (pending, len(_messages(state)), len(_tickets(state)))
        except Exception as error:  # the endpoint coming back: try again
            _progress(f"{label}: {error}")
            now, pending = None, -1
        quiet = quiet + 1 if now is not None and pending == 0 and now == last else 0
        if now != last and now is not None:
            _progress(f"{label}: {now[0]} messages on the queues or in the outbox, {now[1]} sent to the sandbox, "
                      f"{now[2]} tickets")
        last = now
        time.sleep(3)
    return int(last[0]) if last else -1


def reconcile(stack: dict[str, Any], seconds: float = 300) -> str:
    """What the 15-minute schedule does, once, now: recordings whose call has no ticket get one."""
    try:
        done = subprocess.run([sys.executable, "manage.py", "reconcile", "--local", "--min-age", "0"], cwd=ROOT,
                              env=stack["env"], capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:  # stopped (run's own child only); what it registered meanwhile is counted
        return f"did not finish in {seconds:g} s"
    return (done.stdout.strip().splitlines() or [done.stderr.strip()[-300:]])[-1][:300]


def count(state: dict[str, Any], phases: list[Phase]) -> dict[str, dict[str, Any]]:
    """Per phase, from the stack's own data: tickets by call, messages by complaint number and recipient."""
    tickets, messages = _tickets(state), _messages(state)
    phase_of_call = {c.call_sid: c.phase for p in phases for c in p.placed if c.call_sid}
    phase_of_caller = {c.caller: c.phase for p in phases for c in p.placed}
    by_call: dict[str, list[str]] = defaultdict(list)
    ticket_phase: dict[str, str] = {}
    for t in tickets:
        by_call[t.get("call_sid", "")].append(t["complaint_number"])
        ticket_phase[t["complaint_number"]] = phase_of_call.get(t.get("call_sid", ""), "other")
    citizen: Counter[tuple[str, str]] = Counter()
    officer: Counter[tuple[str, str]] = Counter()
    for m in messages:
        text = f"{m.get('body') or ''} {m.get('request', {}).get('ContentVariables', '')}"  # SMS, WhatsApp template
        to = str(m.get("to") or "").removeprefix("whatsapp:")
        for number in set(_NUMBER.findall(text)):
            (citizen if to in phase_of_caller else officer)[(number, str(m.get("to")))] += 1
    out: dict[str, dict[str, Any]] = {"all": {"numbers_skipped": _skipped(ticket_phase)}}
    for p in phases:
        mine = {n for n, ph in ticket_phase.items() if ph == p.name}
        sms = {n: c for (n, _to), c in citizen.items() if n in mine}
        forwards = {n for (n, _to) in officer if n in mine}
        heard_all = set().union(*(c.answered for c in p.placed)) if p.placed else set()
        out[p.name] = {
            "calls_in": len(p.placed),
            "calls_recorded": sum(c.recorded for c in p.placed),
            "calls_broken_off_by_the_simulator": sum(c.broken_off for c in p.placed),
            "calls_heard_a_number": sum(bool(c.heard) for c in p.placed),
            "tickets_out": len(mine),
            "tickets_by_reconciler": sum(1 for t in tickets
                                         if t["complaint_number"] in mine and t.get("channel") == "fallback"),
            "citizen_sms_out": sum(sms.values()),
            "officer_forwards_out": sum(c for (n, _to), c in officer.items() if n in mine),
            "duplicates": {
                "tickets_for_one_call": sum(len(v) - 1 for sid, v in by_call.items() if phase_of_call.get(sid) == p.name
                                            and len(v) > 1),
                "calls_answered_two_numbers": sum(1 for c in p.placed if len(c.answered) > 1),
                "citizen_sms_repeated": sum(c - 1 for (n, _to), c in citizen.items() if n in mine and c > 1),
                "officer_forwards_repeated": sum(c - 1 for (n, _to), c in officer.items() if n in mine and c > 1),
            },
            "lost_examples": sorted(heard_all - set(ticket_phase))[:5] + sorted(mine - set(sms))[:5]
            + sorted(mine - forwards)[:5],
            "lost": {
                "heard_number_without_ticket": len(heard_all - set(ticket_phase)),
                "recorded_call_without_ticket": sum(1 for c in p.placed if c.recorded and not by_call.get(c.call_sid)),
                "ticket_without_citizen_sms": len(mine - set(sms)),
                "ticket_without_officer_forward": len(mine - forwards),
            },
            **p.meter.figures(),
        }
        out[p.name]["duplicates_total"] = sum(out[p.name]["duplicates"].values())
        out[p.name]["lost_total"] = sum(out[p.name]["lost"].values())
    return out


def _skipped(numbers: Any) -> int:
    """Sequence numbers handed out with no ticket (a write that lost a race takes the next): per district and day."""
    highest: dict[str, int] = {}
    count: Counter[str] = Counter()
    for number in numbers:
        match = re.match(r"^([A-Z]{2,5}\d{6})(\d{4,})$", number)
        if match:
            highest[match[1]] = max(highest.get(match[1], 0), int(match[2]))
            count[match[1]] += 1
    return sum(highest[day] - count[day] for day in highest)


def print_table(figures: dict[str, dict[str, Any]]) -> None:
    rows = [("calls in", "calls_in"), ("  recorded", "calls_recorded"), ("  heard a number", "calls_heard_a_number"),
            ("  broken off (simulator)", "calls_broken_off_by_the_simulator"),
            ("tickets out", "tickets_out"), ("  by the reconciler", "tickets_by_reconciler"),
            ("citizen SMS out", "citizen_sms_out"), ("officer forwards out", "officer_forwards_out"),
            ("duplicates", "duplicates_total"), ("lost", "lost_total"), ("5xx seen by callers", "5xx"),
            ("connection errors", "connection_errors")]
    names = [n for n in figures if n != "all"]
    print(f"\n  {'':<34}" + "".join(f"{n:>12}" for n in names))
    for label, key in rows:
        print(f"  {label:<34}" + "".join(f"{figures[n][key]:>12}" for n in names))
        if key in ("duplicates_total", "lost_total"):
            for part in figures[names[0]][key.removesuffix("_total")]:
                print(f"    {part.replace('_', ' '):<32}" + "".join(
                    f"{figures[n][key.removesuffix('_total')][part]:>12}" for n in names))
    steps = sorted({s for n in names for s in figures[n]["steps"]})
    print(f"\n  {'p50 / p99 ms per step':<34}" + "".join(f"{n:>18}" for n in names))
    for step in steps:
        cells = [figures[n]["steps"].get(step) for n in names]
        print(f"  {step:<34}" + "".join(f"{(str(c['p50_ms']) + ' / ' + str(c['p99_ms'])) if c else '-':>18}"
                                        for c in cells))


def _write_json(path: Path, value: object) -> None:
    data = json.loads(path.read_text()) if path.exists() else {}
    data["soak"] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--callers", type=int, default=16, help="callers at once (default 16)")
    parser.add_argument("--calls", type=int, default=10, help="calls each caller places in the steady phase")
    parser.add_argument("--fault-calls", type=int, help="calls each in the fault phase (default half of --calls)")
    parser.add_argument("--no-faults", action="store_true", help="the steady phase only (a tree without the switch)")
    parser.add_argument("--aws-down", type=float, default=6, help="seconds the AWS endpoint is stopped (default 6)")
    parser.add_argument("--slow", type=float, default=7, help="how late a slow carrier answers (default 7 s, past "
                                                              "the client's 5 s timeout)")
    parser.add_argument("--port", type=int, default=FIRST_PORT, help="first port to try (default 18500)")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench.json")
    args = parser.parse_args(argv)
    if args.callers < 1 or args.calls < 1:
        parser.error("--callers and --calls: at least 1")
    sys.path.insert(0, str(ROOT))
    fault_calls = args.fault_calls if args.fault_calls is not None else max(1, args.calls // 2)
    print(f"Samvad soak: {args.callers} callers × {args.calls} calls, each record action and recording callback "
          f"{COPIES}×" + ("" if args.no_faults else f"; then {args.callers} × {fault_calls} calls under faults"),
          flush=True)
    with tempfile.TemporaryDirectory(prefix="samvad-soak-") as folder, local_stack(Path(folder), args.port) as stack:
        state = stack["state"]
        _progress(f"stack up on {state['base_url']} (AWS endpoint {state['aws_endpoint']})")
        phases = [Phase("steady", state, args.callers, args.calls, prefix=1)]
        phases[0].run()
        applied: list[str] = []
        if not args.no_faults:
            plan = FaultPlan(state["sandbox_url"], args.aws_down, args.slow)
            phases.append(Phase("faults", state, args.callers, fault_calls, prefix=2))
            try:
                phases[1].run(plan)
            finally:
                switch = plan.finish()
            applied = [*plan.applied, f"carrier faulted {switch['carrier']['faulted']}",
                       f"AWS endpoint stopped {switch['aws']['stops']}×"]
            _progress(f"faults off: carrier faulted {switch['carrier']['faulted']}, AWS endpoint stopped "
                      f"{switch['aws']['stops']}×")
        left = drain(state, "drain")
        reconciled = reconcile(stack)
        _progress(f"reconciler: {reconciled}")
        left = drain(state, "drain after the reconciler")
        figures = count(state, phases)
        dead = {k: v for k, v in _queues(state).items() if k.endswith("-dlq") and v}
    print_table(figures)
    result = {"callers": args.callers, "calls": args.calls, "fault_calls": 0 if args.no_faults else fault_calls,
              "copies_of_record_requests": COPIES, "faults": applied, "reconciler": reconciled,
              "left_on_queues_or_outbox": left,
              "dead_letters": dead, "phases": figures}
    print(f"\n  left on the queues or in the outbox {left}, dead letters {dead or 0}, complaint numbers skipped "
          f"{figures['all']['numbers_skipped']}")
    _write_json(args.json, result)
    where = args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json
    print(f"  written to {where} under \"soak\"")
    return 0


if __name__ == "__main__":
    sys.exit(main())
