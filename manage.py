"""Samvad's command line: load a district, phone the hotline, read what the sandbox sent.

    python manage.py load-district examples/raipur.yaml [--local]
    python manage.py call [--from +91...] [--to +91...] [--script '1|2|say:...']
    python manage.py messages
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent
STATE_FILE = Path(os.environ.get("SAMVAD_LOCAL_STATE", ROOT / ".local" / "stack.json"))
DEMO_CALLER = "+919812345678"


def _local_state() -> dict:
    if not STATE_FILE.exists():
        sys.exit("The local stack is not running: start it with `make run` in another terminal.")
    return json.loads(STATE_FILE.read_text())


def _use_local_stack() -> dict:
    state = _local_state()
    endpoint, region = state["aws_endpoint"], state["region"]
    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
                       "AWS_DEFAULT_REGION": region, "AWS_REGION": region, "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
                       "AWS_ENDPOINT_URL_SQS": endpoint, "SAMVAD_STAGE": state["stage"]})
    return state


def load_district(args: argparse.Namespace) -> int:
    if args.local:
        _use_local_stack()
    from chalicelib.district_file import read_district_file
    from chalicelib.domain.district import DistrictConfigError
    from chalicelib.store.district_loader import load_district as load

    try:
        district = read_district_file(args.file)
        print(f"{args.file}: district {district.code}, {len(district.lines())} lines, "
              f"{len(district.departments)} departments, {len(district.categories)} categories — valid")
        written = load(district, lambda n, total, what: print(f"  [{n}/{total}] {what}", flush=True))
    except DistrictConfigError as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return 2
    print(f"loaded {written} directory items into stage {os.environ.get('SAMVAD_STAGE', 'dev')}")
    return 0


def call(args: argparse.Namespace) -> int:
    from chalicelib.local.caller import (
        CallEmulator,
        HttpTransport,
        SandboxRecordings,
        ScriptedAnswerer,
        TerminalAnswerer,
    )

    state = _local_state()
    answerer = ScriptedAnswerer.parse(args.script) if args.script is not None else TerminalAnswerer()
    emulator = CallEmulator(HttpTransport(), state["base_url"], state["auth_token"], state["account_sid"],
                            SandboxRecordings(state["sandbox_url"]))
    log = emulator.call(args.caller, args.to or state["lines"][0], answerer)
    print(f"requests: {', '.join(f'{path} → {status}' for path, status in log.requests)}")
    return 0 if all(status == 200 for _, status in log.requests) else 1


def messages(args: argparse.Namespace) -> int:
    state = _local_state()
    with urllib.request.urlopen(f"{state['sandbox_url']}/sandbox/messages", timeout=5) as response:
        for message in json.loads(response.read())["messages"]:
            print(f"{message['date_created']}  {message['from']} → {message['to']}: {message['body']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("load-district", help="validate a district YAML file and load it into the directory")
    p.add_argument("file", type=Path)
    p.add_argument("--local", action="store_true", help="into the running local stack (make run)")
    p.set_defaults(func=load_district)
    p = sub.add_parser("call", help="phone the local hotline from this terminal")
    p.add_argument("--from", dest="caller", default=DEMO_CALLER)
    p.add_argument("--to", help="the hotline line to call (default: the first demo line)")
    p.add_argument("--script", help="answers separated by |: digits, '-' for none, say:TEXT, wav:PATH, silence, hangup")
    p.set_defaults(func=call)
    p = sub.add_parser("messages", help="list the SMS the app handed to the local Twilio sandbox")
    p.set_defaults(func=messages)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
