"""`make run`: the whole hotline on loopback, with no AWS or Twilio account.

moto server (AWS endpoint) → tables, queues and the audio bucket from infra/ → Twilio sandbox (with the
Transcribe stand-in) → demo district → the Chalice app over HTTP → queue pump and schedules. Ctrl-C stops
everything.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STATE_FILE = Path(os.environ.get("SAMVAD_LOCAL_STATE", ROOT / ".local" / "stack.json"))
LOCAL_ACCOUNT_SID = "AC" + "0" * 32
LOCAL_AUTH_TOKEN = "local-sandbox-auth-token"
# The Plivo account the sandbox plays (an Auth ID is "MA" or "SA" and 18 more characters).
LOCAL_PLIVO_AUTH_ID = "MA" + "0" * 18
LOCAL_PLIVO_AUTH_TOKEN = "local-plivo-sandbox-auth-token"
REGION = "ap-south-1"


def configure_environment(port: int, moto_port: int, sandbox_url: str, stage: str = "local") -> None:
    from chalicelib.local.auth import CLIENT_ID

    """Must run before chalicelib.store is imported: table names and endpoints are read then."""
    os.environ.update({
        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION, "AWS_XRAY_SDK_ENABLED": "false",
        "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{moto_port}",
        "AWS_ENDPOINT_URL_SQS": f"http://127.0.0.1:{moto_port}",
        # The recordings bucket on moto (path-style: boto3 uses it for an IP address); Transcribe on the sandbox,
        # whose stand-in writes its result JSON there (moto's Transcribe writes none).
        "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{moto_port}",
        "AWS_ENDPOINT_URL_TRANSCRIBE": f"{sandbox_url}/transcribe",
        # Chime SDK meetings and media pipelines on the sandbox too (moto has neither); STS on moto, which the
        # meetings adapter asks its account id (a meeting's ARN names it).
        "AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS": f"{sandbox_url}/chime-meetings",
        "AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES": f"{sandbox_url}/chime-pipelines",
        "AWS_ENDPOINT_URL_STS": f"http://127.0.0.1:{moto_port}",
        "SAMVAD_STAGE": stage, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "TWILIO_ACCOUNT_SID": LOCAL_ACCOUNT_SID, "TWILIO_AUTH_TOKEN": LOCAL_AUTH_TOKEN,
        "TWILIO_API_BASE": sandbox_url,
        # The same sandbox plays Plivo's REST API (/v1/Account/<auth id>/…) beside Twilio's.
        "PLIVO_AUTH_ID": LOCAL_PLIVO_AUTH_ID, "PLIVO_AUTH_TOKEN": LOCAL_PLIVO_AUTH_TOKEN, "PLIVO_API_BASE": sandbox_url,
        # The user pool's stand-in lives on the sandbox: the API fetches its JWKS like Cognito's.
        "SAMVAD_AUTH_ISSUER": f"{sandbox_url}/auth", "SAMVAD_AUTH_CLIENT_ID": CLIENT_ID,
        "SAMVAD_AUTH_ENDPOINT": f"{sandbox_url}/auth/",
    })
    os.environ.pop("SAMVAD_AUTH_JWKS_URL", None)
    os.environ.pop("PLIVO_AUTH_TOKEN_PARAMETER", None)  # the token above, not a deployed stage's from SSM
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "SAMVAD_AUDIO_BUCKET"):
        os.environ.pop(name, None)


def _progress(step: str) -> None:
    print(f"  • {step}", flush=True)


class LocalStack:
    def __init__(self, port: int, districts: list[Path], schedule_seconds: float | None = None) -> None:
        self.port = port
        self.moto_port = int(os.environ.get("MOTO_PORT", port + 2))
        self.sandbox_port = int(os.environ.get("SANDBOX_PORT", port + 1))
        self.districts = districts
        self.schedule_seconds = schedule_seconds
        self._threads: list[threading.Thread] = []
        self._stoppers: list[Any] = []

    def start(self) -> dict[str, Any]:
        for what, port in (("app", self.port), ("Twilio sandbox", self.sandbox_port), ("AWS endpoint", self.moto_port)):
            _require_free_port(what, port)

        from chalicelib.local.faults import EmbeddedAwsEndpoint
        from chalicelib.local.sandbox import Sandbox

        _progress(f"AWS endpoint (moto) on 127.0.0.1:{self.moto_port}")
        from chalicelib.local.moto_transactions import serialise_dynamodb

        serialise_dynamodb()  # else a failing transaction wipes what concurrent ones committed
        aws = EmbeddedAwsEndpoint("127.0.0.1", self.moto_port).start()  # `manage.py fault aws stop` stops it
        self._stoppers.append(aws.stop)

        sandbox = Sandbox("127.0.0.1", self.sandbox_port, LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN,
                          LOCAL_PLIVO_AUTH_ID, LOCAL_PLIVO_AUTH_TOKEN).start()
        from chalicelib.local.listen_backlog import hold_bursts

        hold_bursts(sandbox.server)  # many callers' recordings arrive at once
        sandbox.state.faults.aws = aws
        self._stoppers.append(sandbox.stop)
        self.sandbox = sandbox
        _progress(f"Twilio and Plivo sandbox on {sandbox.url}")
        from chalicelib.routing.fallback import VOICE_DOCUMENT, documents

        sandbox.state.documents = documents(f"{sandbox.url}/fallback")
        fallback_url = f"{sandbox.url}/fallback/{VOICE_DOCUMENT}"
        _progress(f"fallback TwiML (the S3 documents, deployed) on {fallback_url}")
        configure_environment(self.port, self.moto_port, sandbox.url)
        from chalicelib.local.auth import LocalIssuer

        self.issuer = LocalIssuer(STATE_FILE.parent / "auth-key.pem", issuer=f"{sandbox.url}/auth")
        sandbox.state.issuer = self.issuer
        _progress(f"sign-in (the user pool's stand-in) on {sandbox.url}/auth/, {len(self.issuer.users)} demo users")

        import boto3

        from chalicelib import settings
        from chalicelib.local.provision import give_demo_pins, provision

        dynamodb, sqs = boto3.client("dynamodb"), boto3.client("sqs")
        created = provision(dynamodb, sqs, settings.stage(), boto3.client("s3"))
        _progress(f"created {sum(1 for v in created.values() if v)} tables, queues and buckets from "
                  f"infra/resources.json (recordings in s3://{settings.audio_bucket()})")
        _progress(f"Amazon Transcribe (the stand-in) on {sandbox.url}/transcribe")
        _progress(f"Amazon Chime SDK meetings and media pipelines (the stand-in) on {sandbox.url}/chime-meetings "
                  f"and /chime-pipelines (no media: real audio and video only deployed)")

        from chalicelib.district_file import read_district_file
        from chalicelib.state_file import is_state_file, read_state_file
        from chalicelib.store.district_loader import load_district, load_state

        lines: list[str] = []
        self.hotlines: list[str] = []  # what a person can phone, and how each line answers
        self.carriers: dict[str, str] = {}  # line -> the carrier its calls come through (`manage.py call`)
        # `manage.py call --outage` phones a Twilio IVR line: the fallback URL is a Twilio number's setting.
        self.outage_line: str | None = None
        states = [path for path in self.districts if is_state_file(path)]
        for path in [p for p in self.districts if p not in states]:
            district = read_district_file(path)
            load_district(district)
            give_demo_pins(district)  # every demo officer's IVR PIN is 1234
            lines += [line for line, _ in district.lines()]
            self.carriers.update({line: h.carrier for h in district.hotlines for line in h.lines})
            self.outage_line = self.outage_line or next(
                (h.lines[0] for h in district.hotlines if h.carrier == "twilio" and h.mode == "ivr"), None)
            self.hotlines += [f"{district.code} {h.id:<12} {_how(h):<34} {', '.join(h.lines)}"
                              for h in district.hotlines]
            _progress(f"loaded district {district.code} ({district.name_in('en')}) from {_shown(path)}")
        self.state_lines: list[str] = []
        for path in states:  # after the districts: a state number refuses districts not loaded yet
            state = read_state_file(path)
            load_state(state)
            self.state_lines += list(state.lines)
            self.carriers.update({line: getattr(state, "carrier", "twilio") for line in state.lines})
            _progress(f"loaded state number {state.code} ({len(state.districts)} districts: "
                      f"{', '.join(d.code for d in state.districts)}) from {_shown(path)}")

        from chalice.config import Config
        from chalice.local import create_local_server

        from chalicelib import wiring
        from chalicelib.domain.clock import OffsetClock

        self.clock = OffsetClock()
        wiring.use_clock(self.clock)  # `manage.py advance` moves it

        import app as app_module

        server = create_local_server(app_module.app, Config.create(chalice_stage="local", app_name="samvad",
                                                                   project_dir=str(ROOT)), "127.0.0.1", self.port)
        hold_bursts(server.server)  # many callers' first steps arrive at once
        self._spawn(server.server.serve_forever, "app-http")
        self._stoppers.append(server.server.shutdown)

        from chalicelib.local.pump import QueuePump

        pump = QueuePump(app_module, sqs, settings.region(), self.schedule_seconds)
        self.pump = pump
        from chalicelib.local.ringer import Ringer

        self.ringer = Ringer(sandbox.state, f"http://127.0.0.1:{self.port}", LOCAL_PLIVO_AUTH_ID,
                             LOCAL_PLIVO_AUTH_TOKEN)
        sandbox.state.on_call = self.ringer.ring
        sandbox.state.on_message = self.ringer.deliver
        sandbox.state.on_advance = self.advance
        sandbox.state.on_directory_changed = self.forget_directory
        pump.start()  # the queues on one thread, each schedule on its own: a long run holds up no message
        self._stoppers.append(pump.stop)  # stopped first (stoppers run in reverse): its runs end, then the servers
        _progress(f"queue pump: {len(pump.consumers)} queues, {len(pump.schedules)} schedules")

        base = f"http://127.0.0.1:{self.port}"
        _wait_for(f"{base}/health")
        state = {"base_url": base, "sandbox_url": sandbox.url, "aws_endpoint": f"http://127.0.0.1:{self.moto_port}",
                 "account_sid": LOCAL_ACCOUNT_SID, "auth_token": LOCAL_AUTH_TOKEN, "lines": lines,
                 "plivo_auth_id": LOCAL_PLIVO_AUTH_ID, "plivo_auth_token": LOCAL_PLIVO_AUTH_TOKEN,
                 "carriers": self.carriers, "outage_line": self.outage_line,
                 "state_lines": self.state_lines, "hotlines": self.hotlines,
                 "fallback_url": fallback_url,
                 "transcribe_endpoint": f"{sandbox.url}/transcribe", "audio_bucket": settings.audio_bucket(),
                 "stage": settings.stage(), "region": settings.region(),
                 "auth": {"issuer": self.issuer.issuer, "client_id": self.issuer.client_id,
                          "endpoint": f"{sandbox.url}/auth/", "key_file": str(STATE_FILE.parent / "auth-key.pem")}}
        STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
        STATE_FILE.write_text(json.dumps(state, indent=2))
        return state

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the clock, run the schedules, and let every message and call they cause play out."""
        from datetime import timedelta

        from chalicelib.domain.clock import iso
        from chalicelib.local.sandbox import message_text

        state = self.sandbox.state
        seen_messages, seen_calls = len(state.messages), len(state.calls)
        self.clock.advance(timedelta(seconds=seconds))
        for _ in range(3):  # a sweep's events may lead to calls, whose answers lead to more events
            self.pump.fire_schedules()
            for _ in range(20):
                if not self.pump.drain_once():
                    break
            self.ringer.wait()
        report: dict[str, Any] = {"now": iso(self.clock.now())}
        with state.lock:
            report["messages"] = [{"to": m["to"], "from": m["from"], "body": message_text(m)}
                                  for m in state.messages[seen_messages:]]
            report["calls"] = [{"to": c["to"], "status": c["status"], "said": c.get("said", [])}
                               for c in state.calls[seen_calls:]]
        return report

    def forget_directory(self) -> dict[str, Any]:
        """A district or state file was loaded again (`manage.py load-district --local`): the next call, text or
        sweep reads it, instead of this process's copy for the rest of its TTL (SAMVAD_DIRECTORY_CACHE_SECONDS).
        Deployed, each container keeps its copy for the TTL: no request checks for a newer one."""
        from chalicelib import wiring

        wiring.directory().clear()
        print("  • directory reloaded: the next call reads the district files as loaded now", flush=True)
        return {"directory": "reloaded"}

    def _spawn(self, target: Any, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        for stop in reversed(self._stoppers):
            try:
                stop()
            except Exception as error:  # stopping is best effort; the process exits next
                print(f"  (while stopping: {error})", file=sys.stderr)
        STATE_FILE.unlink(missing_ok=True)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _require_free_port(what: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(f"port {port} (for the {what}) is in use: stop what holds it or set PORT=<other>")


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def _how(hotline) -> str:
    """A hotline's way of taking calls, in a few words for the banner."""
    how = {"ivr": "IVR", "missed_call": "missed call → callback", "operators": f"operators ({hotline.ring.order})"}
    text = how.get(hotline.mode, hotline.mode)
    if hotline.hours is not None:
        opens, closes = divmod(hotline.hours.open_minute, 60), divmod(hotline.hours.close_minute, 60)
        text += f", {opens[0]:02d}:{opens[1]:02d}–{closes[0]:02d}:{closes[1]:02d} IST"
    return text



def _scope(user: dict[str, str]) -> str:
    """What a demo sign-in works on: its district (and post), a state number's districts, or every district."""
    if user.get("district"):
        return " ".join(x for x in (user["district"], user.get("department"), user.get("level")) if x)
    return f"state {user['state']}" if user.get("state") else "all"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--district", action="append", type=Path,
                        help="district and state files to load (default: examples/*.yaml)")
    parser.add_argument("--schedule-seconds", type=float, default=None,
                        help="fire schedules this often instead of their rate")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("werkzeug", "botocore", "moto", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Raipur first: `manage.py call` phones the first demo line unless told --to.
    found = sorted((ROOT / "examples").glob("*.yaml"), key=lambda p: (p.name != "raipur.yaml", p.name))
    districts = [p.resolve() for p in (args.district or found)]
    from chalicelib.local.auth import load_users
    print("Starting the Samvad hotline on loopback…", flush=True)
    stack = LocalStack(args.port, districts, args.schedule_seconds)
    try:
        state = stack.start()
    except Exception as error:
        print(f"Could not start: {error}", file=sys.stderr)
        stack.stop()
        return 1
    base = state["base_url"]
    logins = "\n".join(f"  {u['role']:<12} {u['username']:<20} {u['password']:<16} {_scope(u)}"
                        for u in load_users().values())
    # Each row ends with its lines; the carrier is shown beside them (the rows in stack.json stay as scripts read them).
    carriers = state["carriers"]
    hotlines = "\n".join(f"    {carriers.get(row.split()[-1], 'twilio'):<6} {row}" for row in state["hotlines"])
    state_numbers = ", ".join(f"{line} ({state['carriers'].get(line, 'twilio')})" for line in state["state_lines"])
    state_numbers = state_numbers or "none"
    print(f"""
Samvad is running: {base}/health answers.

  Phone the hotline:     make call            (or: .venv/bin/python manage.py call)
  Scripted call:         .venv/bin/python manage.py call --script '1|1|2|say:मेरा नाम राम है, गाँव खरोरा, हैंडपंप खराब है'
  Messages sent (SMS):   curl {state['sandbox_url']}/sandbox/messages
  Calls placed:          curl {state['sandbox_url']}/sandbox/calls
  Demo lines (manage.py call --to <line>; each line's carrier, twilio or plivo, is the protocol the call speaks):
{hotlines}
  State number (181):    {state_numbers}
                         (manage.py call --to <it> --script '01|1|1|3|say:…': district 01, Hindi, new, category 3)

The console: {base}/console  — sign in as (role, user, password, scope):
{logins}
  A token for scripts and API clients: .venv/bin/python manage.py token operator.rpr

Twilio webhooks (on a real number, with PUBLIC_BASE_URL set to your API's URL):
  voice  POST {base}/twilio/voice/incoming
  status POST {base}/twilio/voice/status          (call status callback)
  recordings                                      (set by the IVR itself: /twilio/voice/recording-status)
  fallback GET  {state['fallback_url']}   (deployed: the S3 object, stack output FallbackVoiceUrl)

Plivo webhooks (the Plivo application of a number: answer and hangup URL, POST; V3 signatures):
  answer POST {base}/plivo/voice/incoming
  hangup POST {base}/plivo/voice/status
  recordings                                      (set by the IVR itself: the Record's callbackUrl,
                                                   /plivo/voice/recording-status)

An outage, played locally (on a Twilio line): .venv/bin/python manage.py call --outage --script 'say:हैंडपंप खराब है'
  then (every 15 minutes by itself, or now):  .venv/bin/python manage.py reconcile --local --min-age 0

Ctrl-C stops everything.""", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        while not stopped.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    print("\nStopping…", flush=True)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM while stopping ends the process at once
    stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
