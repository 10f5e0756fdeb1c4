"""Samvad's command line: load a district, phone the hotline, read what the sandbox sent.

    python manage.py load-district examples/raipur.yaml [--local]
    python manage.py load-state examples/state-181.yaml [--local]   (a 181-style state number; districts first)
    python manage.py call [--from +91...] [--to +91...] [--script '1|1|2|say:...']   (Twilio's or Plivo's
                                                protocol, as the line's hotline names its carrier)
    python manage.py messages
    python manage.py text +919000000301 "DONE RPR2611230001 pump repaired"   (an officer's SMS)
    python manage.py text whatsapp:+919812345678 "नमस्ते" --to whatsapp:+919977222500   (a citizen's WhatsApp
                                                complaint, one message at a time; --media URL for a photo)
    python manage.py advance 3d                 (local stack: time passes, the sweeper runs)
    python manage.py answer +919812345678 1     (local stack: how that phone answers feedback calls)
    python manage.py answer +919812345678 '1|1|3|say:...'; python manage.py call --to +919977222600
                                                (a missed call: rejected, then called back and answered)
    python manage.py dlq list notify [--local] / dlq redrive notify [--local]
    python manage.py token operator.rpr          (an ID token for the API: local stack, or --client-id for Cognito)
    python manage.py call --outage --script 'say:...'   (local stack: a call while the webhook is down)
    python manage.py reconcile [--local] [--hours 24]    (recordings whose call has no ticket get one)
    python manage.py fallback-twiml [--upload --stage prod]   (the static fallback TwiML, to S3)
    python manage.py fault carrier 503 --count 5 | slow --seconds 8 --fraction 0.2 | off   (local stack:
                                                Twilio's API fails; fault aws stop [--for 10] / start; fault)
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
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
                       "AWS_ENDPOINT_URL_SQS": endpoint, "AWS_ENDPOINT_URL_S3": endpoint,  # the recordings' rules
                       "SAMVAD_STAGE": state["stage"]})
    return state


def _tell_local_stack_directory_changed() -> None:
    """The running stack keeps the directory in memory for a while (as a Lambda container does): drop it now."""
    try:
        _post_json(f"{_local_state()['sandbox_url']}/sandbox/directory-changed", {})
    except (OSError, ValueError) as error:
        print(f"the running stack did not hear of it ({error}): it reads the new file within "
              f"{os.environ.get('SAMVAD_DIRECTORY_CACHE_SECONDS', '60')} s", file=sys.stderr)
        return
    print("the running stack reads it from the next call on")


def load_district(args: argparse.Namespace) -> int:
    if args.local:
        _use_local_stack()
    from chalicelib.district_file import read_district_file
    from chalicelib.domain.district import DistrictConfigError
    from chalicelib.state_file import is_state_file
    from chalicelib.store.district_loader import load_district as load

    try:
        if is_state_file(args.file):
            raise DistrictConfigError("this is a state number's file (state: …): load it with `manage.py load-state`")
        district = read_district_file(args.file)
        print(f"{args.file}: district {district.code}, {len(district.lines())} lines, "
              f"{len(district.departments)} departments, {len(district.categories)} categories — valid")
        written = load(district, lambda n, total, what: print(f"  [{n}/{total}] {what}", flush=True))
    except DistrictConfigError as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return 2
    print(f"loaded {written} directory items into stage {os.environ.get('SAMVAD_STAGE', 'dev')}")
    if args.local:
        _tell_local_stack_directory_changed()
    return 0


def load_state(args: argparse.Namespace) -> int:
    if args.local:
        _use_local_stack()
    from chalicelib.domain.state_line import StateConfigError
    from chalicelib.state_file import read_state_file
    from chalicelib.store.district_loader import load_state as load

    try:
        state = read_state_file(args.file)
        print(f"{args.file}: state number {state.code}, {len(state.lines)} lines, "
              f"{len(state.districts)} districts — valid")
        written = load(state, lambda n, total, what: print(f"  [{n}/{total}] {what}", flush=True))
    except StateConfigError as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return 2
    print(f"loaded {written} directory items into stage {os.environ.get('SAMVAD_STAGE', 'dev')}")
    if args.local:
        _tell_local_stack_directory_changed()
    return 0


NO_TERMINAL = ("manage.py call: nothing to answer the hotline's prompts from "
               "(its input is neither a terminal nor a pipe). Give the caller's answers with --script, one per "
               "prompt, separated by |: digits, '-' for none, say:TEXT, wav:PATH, silence, hangup — "
               "e.g. manage.py call --script '1|1|2|say:हैंडपंप खराब है'")


def _stdin_can_answer() -> bool:
    """A terminal, or answers piped or redirected from a file (a test playing the operator); not /dev/null."""
    import os
    import stat

    if sys.stdin is None or sys.stdin.closed:
        return False
    if sys.stdin.isatty():
        return True
    mode = os.fstat(sys.stdin.fileno()).st_mode
    return stat.S_ISFIFO(mode) or (stat.S_ISREG(mode) and os.fstat(sys.stdin.fileno()).st_size > 0)


def call(args: argparse.Namespace) -> int:
    from chalicelib.local.caller import (
        CallEmulator,
        HttpTransport,
        SandboxRecordings,
        ScriptedAnswerer,
        TerminalAnswerer,
    )

    if args.script is None and not _stdin_can_answer():
        print(NO_TERMINAL, file=sys.stderr)
        return 2
    state = _local_state()
    answerer = ScriptedAnswerer.parse(args.script) if args.script is not None else TerminalAnswerer()
    # The line's hotline names its carrier in the district file; the stack wrote each line's down at start.
    carriers = state.get("carriers", {})
    if args.to:
        line = args.to
    elif args.outage:  # the fallback URL is a Twilio number's: the stack names its first Twilio IVR line
        line = state.get("outage_line") or state["lines"][0]
    else:
        line = state["lines"][0]
    carrier = carriers.get(line, "twilio")
    recordings = SandboxRecordings(state["sandbox_url"])
    if carrier == "plivo":
        emulator = CallEmulator(HttpTransport(), state["base_url"], state["plivo_auth_token"],
                                state["plivo_auth_id"], recordings, carrier="plivo")
    else:
        emulator = CallEmulator(HttpTransport(), state["base_url"], state["auth_token"], state["account_sid"],
                                recordings)
    if args.outage and carrier != "twilio":
        print(f"{line} is a {carrier} line: the outage is played on Twilio lines only (--to a Twilio line)",
              file=sys.stderr)
        return 2
    if args.outage:
        log = emulator.call_during_outage(args.caller, line, answerer, state["fallback_url"])
    else:
        log = emulator.call(args.caller, line, answerer)
    print(f"requests: {', '.join(f'{path} → {status}' for path, status in log.requests)}")
    if log.ended_by in ("busy", "no-answer"):  # a missed-call line: the sweeper calls back within a minute
        print(f"rejected: the hotline calls {args.caller} back; `manage.py answer {args.caller} '1|1|3|say:...'` "
              "says how that phone answers (the sandbox lists the call at /sandbox/calls)")
    return 0 if all(status == 200 for _, status in log.requests) else 1


def messages(args: argparse.Namespace) -> int:
    from chalicelib.local.sandbox import message_text

    state = _local_state()
    with urllib.request.urlopen(f"{state['sandbox_url']}/sandbox/messages", timeout=5) as response:
        for message in json.loads(response.read())["messages"]:
            print(f"{message['date_created']}  {message['from']} → {message['to']}: {message_text(message)}")
    return 0


def _post_json(url: str, payload: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.loads(response.read())


_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def _seconds(text: str) -> float:
    if not text or text[-1] not in _UNITS or not text[:-1].replace(".", "", 1).isdigit():
        raise argparse.ArgumentTypeError(f"{text!r}: like 3d, 12h, 30m")
    return float(text[:-1]) * _UNITS[text[-1]]


def text(args: argparse.Namespace) -> int:
    """Play Twilio's part for an incoming SMS (or WhatsApp, with whatsapp:+91…) from `sender`."""
    import uuid
    from xml.etree import ElementTree

    from chalicelib.local.caller import HttpTransport
    from chalicelib.telephony.signature import sign

    state = _local_state()
    url = f"{state['base_url']}/twilio/messaging/incoming"
    form = {"AccountSid": state["account_sid"], "MessageSid": "SM" + uuid.uuid4().hex, "From": args.sender,
            "To": args.to or state["lines"][0], "Body": args.body, "NumMedia": "0"}
    if args.media:  # a photo or voice note, as Twilio posts it (the URL is kept on the ticket, never fetched here)
        form.update(NumMedia="1", MediaUrl0=args.media, MediaContentType0=args.media_type)
    status, body = HttpTransport().post(url, form, {"X-Twilio-Signature": sign(url, form, state["auth_token"])})
    if status != 200:
        print(f"the hotline answered {status}: {body}", file=sys.stderr)
        return 1
    reply = ElementTree.fromstring(body).find("Message")
    print(f"reply: {reply.text if reply is not None else '(none)'}")
    return 0


def advance(args: argparse.Namespace) -> int:
    state = _local_state()
    print(f"moving the hotline's clock forward by {args.by} and running the sweeper…", flush=True)
    report = _post_json(f"{state['sandbox_url']}/sandbox/advance", {"seconds": _seconds(args.by)})
    print(f"now {report['now']}")
    for message in report["messages"]:
        print(f"  SMS/WhatsApp {message['from']} → {message['to']}: {message['body']}")
    for call in report["calls"]:
        print(f"  call to {call['to']}: {call['status']}" + (f" — heard: {' / '.join(call['said'])}"
                                                             if call["said"] else ""))
    if not report["messages"] and not report["calls"]:
        print("  nothing was due")
    return 0


def answer(args: argparse.Namespace) -> int:
    state = _local_state()
    _post_json(f"{state['sandbox_url']}/sandbox/answers", {"number": args.phone, "script": args.script})
    print(f"calls to {args.phone} will be answered with {args.script!r}" if args.script is not None
          else f"calls to {args.phone} will ring unanswered")
    return 0


def dlq(args: argparse.Namespace) -> int:
    if args.local:
        _use_local_stack()
    from chalicelib.events import dlq as dead_letters

    if args.action == "list":
        letters = dead_letters.peek(args.queue)
        for letter in letters:
            print(f"{letter.message_id}  {letter.event_type:<28} {letter.complaint_number:<16} "
                  f"received {letter.receives}×")
        print(f"{len(letters)} message(s) in the {args.queue} dead-letter queue")
        return 0
    moved = dead_letters.redrive(args.queue, lambda n, total: print(f"  [{n}/{total}] moved back", flush=True))
    print(f"moved {moved} message(s) back to the {args.queue} queue")
    return 0


def token(args: argparse.Namespace) -> int:
    """Prints an ID token: `curl -H "Authorization: Bearer $(manage.py token operator.rpr)" …/api/me`."""
    if args.client_id:  # a deployed stage: Cognito's own sign-in, the password asked for
        import getpass

        import boto3

        password = os.environ.get("SAMVAD_PASSWORD") or getpass.getpass(f"password for {args.username}: ")
        cognito = boto3.client("cognito-idp", region_name=args.region)
        answer = cognito.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=args.client_id,
                                       AuthParameters={"USERNAME": args.username, "PASSWORD": password})
        if "AuthenticationResult" not in answer:
            sys.exit(f"Cognito asks for {answer.get('ChallengeName')}: sign in once in the console first.")
        print(answer["AuthenticationResult"]["IdToken"])
        return 0
    from chalicelib.local.auth import LocalIssuer

    auth = _local_state()["auth"]
    issuer = LocalIssuer(Path(auth["key_file"]), issuer=auth["issuer"], client_id=auth["client_id"])
    try:
        print(issuer.mint(args.username, hours=args.hours))
    except KeyError as missing:
        sys.exit(str(missing.args[0]))
    return 0


def reconcile(args: argparse.Namespace) -> int:
    """Run the scheduled reconciliation by hand, printing each page and each ticket (numbers masked)."""
    import logging

    if args.local:
        state = _use_local_stack()
        os.environ.update({"TWILIO_API_BASE": state["sandbox_url"], "TWILIO_ACCOUNT_SID": state["account_sid"],
                           "TWILIO_AUTH_TOKEN": state["auth_token"], "PUBLIC_BASE_URL": state["base_url"]})
        if "plivo_auth_id" in state:  # the sandbox plays Plivo's API too: its recordings are reconciled as well
            os.environ.update({"PLIVO_API_BASE": state["sandbox_url"], "PLIVO_AUTH_ID": state["plivo_auth_id"],
                               "PLIVO_AUTH_TOKEN": state["plivo_auth_token"]})
    elif not (os.environ.get("TWILIO_AUTH_TOKEN") or os.environ.get("TWILIO_AUTH_TOKEN_PARAMETER")):
        os.environ["TWILIO_AUTH_TOKEN_PARAMETER"] = f"/samvad/{os.environ.get('SAMVAD_STAGE', 'dev')}/twilio-auth-token"
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from chalicelib import logs
    from chalicelib.handlers import reconciler

    logs.configure()
    print(f"looking for recordings of the last {args.hours:g} h whose call has no ticket "
          f"(stage {os.environ.get('SAMVAD_STAGE', 'dev')})…", flush=True)
    summary = reconciler.run(hours=args.hours, min_age_minutes=args.min_age,
                             progress=lambda line: print(f"  {logs.mask(line)}", flush=True))
    print(f"{summary['recordings']} recordings on {summary['pages']} pages: {summary['created']} tickets created "
          f"{' '.join(summary['tickets'])}".rstrip() + f", {summary['had_ticket']} had one already"
          + (f", {summary['failed']} failed" if summary["failed"] else "")
          + (f", skipped {summary['skipped']}" if summary["skipped"] else ""))
    if summary["stopped"]:
        print(f"stopped early ({summary['stopped']}): run it again, or wait for the schedule", file=sys.stderr)
    return 1 if summary["stopped"] or summary["failed"] else 0


def fallback_twiml(args: argparse.Namespace) -> int:
    """Write the fallback TwiML documents from the catalogs; with --upload, put them in the stage's bucket."""
    from chalicelib.routing import fallback

    base, bucket = args.base_url, args.bucket
    if args.upload:
        import boto3

        if not bucket:
            account = boto3.client("sts", region_name=args.region).get_caller_identity()["Account"]
            bucket = fallback.bucket_name(args.stage, account)
        base = base or fallback.s3_base_url(bucket, args.region)
    documents = fallback.documents(base, args.max_seconds)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(f"wrote {args.out / name}" + ("" if base else " (its <Record> action is relative: thanks.xml)"))
    if not args.upload:
        return 0
    s3 = boto3.client("s3", region_name=args.region)
    for n, (name, text) in enumerate(documents.items(), start=1):
        s3.put_object(Bucket=bucket, Key=fallback.PREFIX + name, Body=text.encode("utf-8"),
                      ContentType="text/xml; charset=utf-8", CacheControl="max-age=300")
        print(f"  [{n}/{len(documents)}] s3://{bucket}/{fallback.PREFIX}{name}", flush=True)
    print(f"On every Twilio number: Voice Configuration → Primary handler fails → URL "
          f"{base}/{fallback.VOICE_DOCUMENT}, HTTP GET")
    return 0


def fault(args: argparse.Namespace) -> int:
    """The local stack's fault switch (chalicelib/local/faults.py): a failing carrier, the AWS endpoint down."""
    from chalicelib.local import faults

    request: dict = {}
    if args.what and not args.how:
        ways = "503, slow or off" if args.what == "carrier" else "stop or start"
        sys.exit(f"manage.py fault {args.what}: say how ({ways})")
    if args.what == "carrier":
        request = {"carrier": args.how, "seconds": args.seconds}
        request.update({k: v for k, v in (("count", args.count), ("fraction", args.fraction)) if v is not None})
    elif args.what == "aws":
        request = {"aws": args.how, **({"for_seconds": args.for_seconds} if args.for_seconds else {})}
    try:
        state = faults.switch(_local_state()["sandbox_url"], **request)
    except urllib.error.HTTPError as error:
        print(f"refused: {json.loads(error.read()).get('error')}", file=sys.stderr)
        return 2
    carrier, aws = state["carrier"], state["aws"] or {}
    how = {"off": "normal", "503": "answers 503", "slow": f"answers {carrier['seconds']:g} s late"}[carrier["mode"]]
    scope = f"the next {carrier['left']} requests" if carrier["left"] else f"{carrier['fraction']:.0%} of requests"
    print(f"carrier (Twilio sandbox): {how}{'' if carrier['mode'] == 'off' else ' for ' + scope}; "
          f"faulted so far: {carrier['faulted']['503']} × 503, {carrier['faulted']['slow']} × slow")
    print(f"AWS endpoint (moto, port {aws.get('port')}): {'up' if aws.get('up') else 'DOWN'}, "
          f"stopped {aws.get('stops', 0)}× so far")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("load-district", help="validate a district YAML file and load it into the directory")
    p.add_argument("file", type=Path)
    p.add_argument("--local", action="store_true", help="into the running local stack (make run)")
    p.set_defaults(func=load_district)
    p = sub.add_parser("load-state", help="validate a state number's YAML file (181) and load it into the directory")
    p.add_argument("file", type=Path)
    p.add_argument("--local", action="store_true", help="into the running local stack (make run)")
    p.set_defaults(func=load_state)
    p = sub.add_parser("call", help="phone the local hotline from this terminal (as Twilio or Plivo, by the line)")
    p.add_argument("--from", dest="caller", default=DEMO_CALLER)
    p.add_argument("--to", help="the hotline line to call (default: the first demo line)")
    p.add_argument("--script", help="answers separated by |: digits, '-' for none, say:TEXT, wav:PATH, silence, "
                                    "hangup; at an operators line's ring: answer, answer:+91…, or '-' (nobody)")
    p.add_argument("--outage", action="store_true",
                   help="the hotline's webhook fails: Twilio plays the fallback TwiML (manage.py reconcile follows)")
    p.set_defaults(func=call)
    p = sub.add_parser("messages", help="list the SMS the app handed to the local Twilio sandbox")
    p.set_defaults(func=messages)
    p = sub.add_parser("text", help="send the hotline an SMS as an officer or a citizen (DONE RPR… fixed)")
    p.add_argument("sender", help="+91… (or whatsapp:+91…)")
    p.add_argument("body")
    p.add_argument("--to", help="the number texted: a hotline line (default: the first demo line), the district's "
                                "sms_sender, or its WhatsApp sender (whatsapp:+91…)")
    p.add_argument("--media", help="a photo or voice note's URL (Twilio's MediaUrl0)")
    p.add_argument("--media-type", default="image/jpeg", help="its MediaContentType0 (default image/jpeg)")
    p.set_defaults(func=text)
    p = sub.add_parser("advance", help="move the local hotline's clock forward (3d, 12h, 30m) and run the sweeper")
    p.add_argument("by", help="how far: 3d, 12h, 30m")
    p.set_defaults(func=advance)
    p = sub.add_parser("answer", help="how a phone answers the hotline's calls on the local stack")
    p.add_argument("phone")
    p.add_argument("script", nargs="?", help="e.g. 1 (satisfied), 2 (not), '-' (picks up, presses nothing); "
                                             "leave out for no answer")
    p.set_defaults(func=answer)
    p = sub.add_parser("dlq", help="list or re-drive a dead-letter queue (notify, followup)")
    p.add_argument("action", choices=("list", "redrive"))
    p.add_argument("queue", choices=("notify", "followup"))
    p.add_argument("--local", action="store_true", help="the running local stack (make run)")
    p.set_defaults(func=dlq)
    p = sub.add_parser("token", help="print an ID token for a user, for scripts and API clients")
    p.add_argument("username")
    p.add_argument("--hours", type=float, default=8, help="local stack: how long it lasts")
    p.add_argument("--client-id", help="a deployed stage: the Cognito app client id (stack output ConsoleClientId)")
    p.add_argument("--region", default=os.environ.get("AWS_REGION", "ap-south-1"))
    p.set_defaults(func=token)
    p = sub.add_parser("reconcile", help="register a ticket for each recording of the last hours whose call has none")
    p.add_argument("--local", action="store_true", help="the running local stack (make run)")
    p.add_argument("--hours", type=float, default=24, help="how far back to look (default 24)")
    p.add_argument("--min-age", type=float, default=2, metavar="MINUTES",
                   help="leave younger recordings to their call's own webhook (default 2; 0 right after a test call)")
    p.set_defaults(func=reconcile)
    p = sub.add_parser("fallback-twiml", help="write the static fallback TwiML; --upload puts it in the stage's bucket")
    p.add_argument("--out", type=Path, default=ROOT / "build" / "fallback", help="folder for the files")
    p.add_argument("--upload", action="store_true", help="put_object into samvad-<stage>-fallback-<account>")
    p.add_argument("--stage", default=os.environ.get("SAMVAD_STAGE", "dev"))
    p.add_argument("--bucket", help="another bucket than the stack's")
    p.add_argument("--base-url", help="where the documents are served (…/fallback); default: the bucket's URL")
    p.add_argument("--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
                   or "ap-south-1")
    p.add_argument("--max-seconds", type=int, default=120, help="<Record maxLength> (default 120)")
    p.set_defaults(func=fallback_twiml)
    p = sub.add_parser("fault", help="local stack: make the Twilio sandbox fail or slow, stop or start the AWS "
                                     "endpoint; no arguments: show the switch")
    p.add_argument("what", nargs="?", choices=("carrier", "aws"))
    p.add_argument("how", nargs="?", help="carrier: 503, slow or off; aws: stop or start")
    p.add_argument("--count", type=int, help="carrier: only the next COUNT requests (then normal)")
    p.add_argument("--fraction", type=float, help="carrier: this fraction of requests, evenly spread (default all)")
    p.add_argument("--seconds", type=float, default=0, help="carrier slow: how late each answer comes")
    p.add_argument("--for", dest="for_seconds", type=float, help="aws stop: start again by itself after this long")
    p.set_defaults(func=fault)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
