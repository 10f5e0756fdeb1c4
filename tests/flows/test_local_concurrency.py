"""The local stack under concurrency: no acknowledged write lost, no caller's connection reset.

moto's TransactWriteItems restores a deep copy of its tables when a transaction fails, wiping what other
threads committed meanwhile (chalicelib/local/moto_transactions.py); socketserver's listen backlog of 5 reset
callers who connected at once (chalicelib/local/listen_backlog.py).
"""
from __future__ import annotations

import random
import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.config import Config

from chalicelib.local.caller import CallEmulator, HttpTransport, SandboxRecordings, ScriptedAnswerer
from chalicelib.local.provision import provision
from chalicelib.telephony.signature import sign
from tests.support import stack_process

pytestmark = pytest.mark.alone  # timed against real sockets: not beside another worker

WRITERS, TRANSACTIONS_EACH = 16, 40  # half of them replay a call and fail their condition
CALLERS, ROUNDS, BURSTS = 16, 1, 5
PORTS = range(18000, 19000)  # below the ephemeral range, apart from the ports other stack tests pick


@dataclass
class Race:
    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (ticket, call): the transaction answered 200
    cancelled: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # anything else: a 500, a reset


def race_registrations(dynamodb: Any, stage: str) -> Race:
    """Registration-shaped transactions from many threads: a ticket, its call and the day's counter, all or
    nothing; every other one replays the writer's previous call, so its call condition cancels it."""
    tickets, calls, counters = (f"samvad-{stage}-{kind}" for kind in ("tickets", "calls", "counters"))
    race, lock = Race(), threading.Lock()
    start = threading.Barrier(WRITERS)

    def writer(w: int) -> None:
        start.wait()
        for n in range(TRANSACTIONS_EACH):
            number, call_sid = f"RACE{w:02d}{n:04d}", f"CA{w:02d}{n - n % 2:030d}"
            keys = {"complaint_number": {"S": number}, "call_sid": {"S": call_sid}}
            try:
                dynamodb.transact_write_items(TransactItems=[
                    {"Put": {"TableName": tickets, "Item": keys,
                             "ConditionExpression": "attribute_not_exists(complaint_number)"}},
                    {"Put": {"TableName": calls, "Item": keys,
                             "ConditionExpression": "attribute_not_exists(call_sid)"}},
                    {"Update": {"TableName": counters, "Key": {"pk": {"S": "SEQ#RACE"}, "sk": {"S": "day"}},
                                "UpdateExpression": "ADD #v :one", "ExpressionAttributeNames": {"#v": "value"},
                                "ExpressionAttributeValues": {":one": {"N": "1"}}}}])
                outcome = race.acknowledged
            except dynamodb.exceptions.TransactionCanceledException:
                outcome = race.cancelled
            except Exception as error:  # collected: the test fails on any
                with lock:
                    race.errors.append(f"{type(error).__name__}: {error}")
                continue
            with lock:
                outcome.append((number, call_sid))

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return race


def lost_writes(dynamodb: Any, stage: str, race: Race) -> dict[str, Any]:
    """What the tables say about the race: acknowledged writes missing, cancelled ones present."""
    def keys(table: str, key: str) -> dict[str, str]:
        pages = dynamodb.get_paginator("scan").paginate(TableName=f"samvad-{stage}-{table}", ConsistentRead=True)
        return {item[key]["S"]: item for page in pages for item in page["Items"]}

    tickets, calls = keys("tickets", "complaint_number"), keys("calls", "call_sid")
    counter = dynamodb.get_item(TableName=f"samvad-{stage}-counters", ConsistentRead=True,
                                Key={"pk": {"S": "SEQ#RACE"}, "sk": {"S": "day"}}).get("Item", {})
    return {
        "tickets": [number for number, _ in race.acknowledged if number not in tickets],
        "calls": [sid for number, sid in race.acknowledged
                  if calls.get(sid, {}).get("complaint_number", {}).get("S") != number],
        "counter": len(race.acknowledged) - int(counter.get("value", {}).get("N", "0")),
        "cancelled_but_written": [number for number, _ in race.cancelled if number in tickets],
    }


def assert_nothing_lost(dynamodb: Any, stage: str) -> None:
    race = race_registrations(dynamodb, stage)
    lost = lost_writes(dynamodb, stage, race)
    counts = {"errors": len(race.errors), **{what: len(v) if isinstance(v, list) else v for what, v in lost.items()}}
    assert counts == {"errors": 0, "tickets": 0, "calls": 0, "counter": 0, "cancelled_but_written": 0}, \
        (len(race.acknowledged), race.errors[:3], lost)
    # Every replay was refused and every first call taken: each transaction's conditions saw the others' writes.
    assert (len(race.acknowledged), len(race.cancelled)) == (WRITERS * TRANSACTIONS_EACH // 2,) * 2


def _port_block(size: int = 3) -> int:
    for _ in range(200):
        base = random.randrange(PORTS.start, PORTS.stop - size)
        if all(stack_process.is_free_port(base + i) for i in range(size)):
            return base
    raise RuntimeError("no free ports on loopback")


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """`make run` in its own process, started once for this module: the race writes tables of its own, and each
    caller phones from a number of its own."""
    import yaml

    folder = tmp_path_factory.mktemp("stack")
    # Raipur, and Bilaspur's eight lines answering with the IVR (the demo file cuts its calls and calls back).
    bilaspur = yaml.safe_load((stack_process.ROOT / "examples" / "bilaspur.yaml").read_text(encoding="utf-8"))
    bilaspur["hotlines"][0]["mode"] = "ivr"
    (folder / "bilaspur.yaml").write_text(yaml.safe_dump(bilaspur, allow_unicode=True), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stack_process, "free_port_block", _port_block)
        with stack_process.running_stack(folder, [stack_process.ROOT / "examples" / "raipur.yaml",
                                                  folder / "bilaspur.yaml"]) as stack:
            yield stack


def test_the_local_stacks_aws_endpoint_keeps_every_acknowledged_transaction_beside_failing_ones(local_stack):
    """Over HTTP, to the moto server `make run` started; the race's own tables, beside the demo's."""
    endpoint = local_stack["state"]["aws_endpoint"]
    assert endpoint.startswith("http://127.0.0.1:")
    session = boto3.session.Session(aws_access_key_id="local", aws_secret_access_key="local",
                                    region_name=local_stack["state"]["region"])
    config = Config(retries={"total_max_attempts": 1}, max_pool_connections=WRITERS)  # a 500 is seen, not retried
    dynamodb = session.client("dynamodb", endpoint_url=endpoint, config=config)
    provision(dynamodb, session.client("sqs", endpoint_url=endpoint, config=config), "race",
              s3=session.client("s3", endpoint_url=endpoint, config=config))
    assert_nothing_lost(dynamodb, "race")


def test_the_tests_mock_aws_keeps_every_acknowledged_transaction_beside_failing_ones(aws):
    """In process, through mock_aws as every flow test's `aws` fixture has it."""
    assert_nothing_lost(aws["dynamodb"], "test")


def test_a_transaction_refused_while_writing_puts_back_what_it_wrote(aws):
    """The item-by-item undo (moto put the whole tables back): its Put is taken away, its Delete put back."""
    dynamodb, calls, tickets = aws["dynamodb"], "samvad-test-calls", "samvad-test-tickets"
    dynamodb.put_item(TableName=calls, Item={"call_sid": {"S": "CAkept"}, "complaint_number": {"S": "RPR1"}})
    dynamodb.put_item(TableName=tickets, Item={"complaint_number": {"S": "RPR1"}, "status": {"S": "open"}})
    with pytest.raises(dynamodb.exceptions.ClientError) as refused:
        dynamodb.transact_write_items(TransactItems=[
            {"Put": {"TableName": tickets, "Item": {"complaint_number": {"S": "RPR2"}}}},
            {"Delete": {"TableName": calls, "Key": {"call_sid": {"S": "CAkept"}}}},
            # Adding to a string: refused only when it is written, after the two writes before it.
            {"Update": {"TableName": tickets, "Key": {"complaint_number": {"S": "RPR1"}},
                        "UpdateExpression": "SET #s = #s + :one", "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}}])
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert "Item" not in dynamodb.get_item(TableName=tickets, Key={"complaint_number": {"S": "RPR2"}})
    assert dynamodb.get_item(TableName=calls, Key={"call_sid": {"S": "CAkept"}})["Item"] == {
        "call_sid": {"S": "CAkept"}, "complaint_number": {"S": "RPR1"}}
    assert dynamodb.get_item(TableName=tickets, Key={"complaint_number": {"S": "RPR1"}})["Item"]["status"] == {
        "S": "open"}


def test_sixteen_callers_connecting_at_once_are_all_answered(local_stack):
    """The first step only (the webhook Twilio posts when a call comes in), in bursts of 16 new connections at once:
    each is accepted and answered, none reset."""
    state = local_stack["state"]
    url = f"{state['base_url']}/twilio/voice/incoming"
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def caller(i: int, start: threading.Barrier) -> None:
        form = {"AccountSid": state["account_sid"], "CallSid": f"CA{i:032d}", "From": f"+91987{i:07d}",
                "To": "+919977222564", "CallStatus": "ringing", "Direction": "inbound"}
        start.wait()
        try:
            status, body = HttpTransport().post(url, form, {"X-Twilio-Signature": sign(url, form, state["auth_token"])})
            outcome = "answered" if status == 200 and "<Gather" in body else f"answered {status}"
        except OSError as error:
            outcome = type(error).__name__
        with lock:
            outcomes[outcome] += 1

    for burst in range(BURSTS):
        start = threading.Barrier(CALLERS)
        threads = [threading.Thread(target=caller, args=(burst * CALLERS + i, start)) for i in range(CALLERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert outcomes == {"answered": CALLERS * BURSTS}


def test_sixteen_callers_at_once_all_get_through_and_hear_their_number(local_stack):
    """16 callers phone at the same moment, each through a whole call as `manage.py call` makes it.
    Half phone Raipur, half Bilaspur: each district's day sequence is taken by at most 8 at once."""
    state = local_stack["state"]
    ivr_lines = {row.split()[0]: [n.strip(",") for n in row.split()[3:]] for row in state["hotlines"]
                 if row.split()[1] == "collectorate"}
    lines = [ivr_lines[district][i % len(ivr_lines[district])] for i in range(CALLERS // 2)
             for district in ("RPR", "BSP")]
    failures: list[tuple[str, str]] = []  # (what went wrong, for whom)
    heard: list[str] = []
    lock = threading.Lock()

    def caller(i: int, round_: int, start: threading.Barrier) -> None:
        emulator = CallEmulator(HttpTransport(), state["base_url"], state["auth_token"], state["account_sid"],
                                SandboxRecordings(state["sandbox_url"]), out=lambda _line: None)
        start.wait()
        try:
            log = emulator.call(f"+9198{round_:02d}7{i:05d}", lines[i],
                                ScriptedAnswerer.parse("1|1|3|say:हैंडपंप खराब है, वार्ड सात"))
        except Exception as error:  # a reset connection ends the simulated call: the caller heard nothing
            with lock:
                failures.append((type(error).__name__, f"caller {i}: {error}"))
            return
        # "… आपकी शिकायत संख्या है: R P R, 2 6 1 2 0 3, 0 0 0 7." — the district's code and the digits, spaced
        spoken = re.search(r"शिकायत संख्या है: ([A-Z ]+), ([\d ]+), ([\d ]+)\.", " ".join(log.said))
        with lock:
            failures.extend((f"answered {status}", f"caller {i}: {path}") for path, status in log.requests
                            if status != 200)
            if spoken is None:
                failures.append(("heard no number", f"caller {i}: {log.said[-2:]}"))
            else:
                heard.append("".join(spoken.groups()).replace(" ", ""))

    for round_ in range(ROUNDS):
        start = threading.Barrier(CALLERS)
        threads = [threading.Thread(target=caller, args=(i, round_, start)) for i in range(CALLERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == [], (Counter(what for what, _ in failures), failures[:3])
    assert len(heard) == len(set(heard)) == CALLERS * ROUNDS
    moto_errors = [line for line in local_stack["output"] if "Error on request" in line or " 500 -" in line]
    assert moto_errors == []
