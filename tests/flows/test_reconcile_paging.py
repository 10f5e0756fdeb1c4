"""Reconciling more than a page of recordings (issue 11): the local stack's Twilio client keeps the query
string Twilio's SDK follows from page to page, a run is bounded (pages, time) and stops on a page that
repeats, the pump keeps delivering queue messages while a schedule runs, and stopping it ends a run at once.

The sandbox here is the local stack's own (chalicelib/local/sandbox.py over loopback HTTP), reached the way
`make run` reaches it: TWILIO_API_BASE, so the real twilio.rest.Client goes through SandboxHttpClient.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import settings, wiring
from chalicelib.handlers import reconciler
from chalicelib.local.lambda_events import LambdaContext, scheduled_event
from chalicelib.local.pump import QueuePump
from chalicelib.local.sandbox import Sandbox, SandboxState
from chalicelib.store.models import CallModel, TicketModel
from tests.support.fixtures import CALLER, LINE

# Past the wait left to a call's own <Record> webhook and to the carrier's log of what the caller chose.
AFTER_THE_CALLS = timedelta(minutes=30)
RUN_ENDS_WITHIN = 90  # seconds: a liveness bound for a run that must end, never a measure of its speed


def outage_calls(state: SandboxState, count: int) -> list[str]:
    """`count` calls recorded by the fallback TwiML (nobody heard of them): their CallSids, newest last."""
    sids = []
    for n in range(count):
        sid = f"CA{n:032x}"
        state.add_recording(text=f"शिकायत {n}, वार्ड {n % 30}", call={"sid": sid, "from": f"+9198{n:08d}", "to": LINE})
        sids.append(sid)
    return sids


def ended(run: Callable[[], Any], give_up: Callable[[], None] = lambda: None) -> Any:
    """run() on its own thread; its result once it has ended. A run that never ends fails the test, after
    give_up() has made it end (nothing of it may outlive the test's moto)."""
    result: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: result.update(value=run()), daemon=True, name="reconcile-by-hand")
    thread.start()
    thread.join(RUN_ENDS_WITHIN)
    if thread.is_alive():
        give_up()
        thread.join(RUN_ENDS_WITHIN)
        pytest.fail("the reconcile run never ended")
    return result["value"]


@pytest.fixture
def sandbox(aws, clock, monkeypatch):
    """The local stack's Twilio sandbox on a loopback port, and the app's Twilio client pointed at it."""
    server = Sandbox("127.0.0.1", 0, settings.twilio_account_sid(), settings.twilio_auth_token()).start()
    monkeypatch.setenv("TWILIO_API_BASE", server.url)
    yield server
    server.stop()


def test_recordings_over_three_pages_become_one_ticket_each_in_one_run_by_hand_and_none_in_the_next(sandbox, clock):
    # Three pages of 10 (Twilio's pages are 100; every page after the first is asked for by its next_page_uri
    # alike, and moto copies every table on each ticket's transaction, so 250 tickets would take a minute).
    wiring.recordings().page_size = 10
    sids = outage_calls(sandbox.state, 25)
    clock.advance(AFTER_THE_CALLS)
    progress: list[str] = []

    first = ended(lambda: reconciler.run(progress=progress.append), give_up=sandbox.stop)  # `reconcile --local`

    assert (first["pages"], first["recordings"], first["created"], first["stopped"]) == (3, 25, 25, None)
    assert [line.split(",")[0] for line in progress if line.startswith("recordings page")] == [
        "recordings page 1: 10 recordings", "recordings page 2: 10 recordings", "recordings page 3: 5 recordings"]
    assert TicketModel.count() == 25 and len(set(first["tickets"])) == 25
    assert {CallModel.get(sid).complaint_number for sid in sids} == set(first["tickets"])  # one per call

    second = ended(lambda: reconciler.run(), give_up=sandbox.stop)
    assert (second["pages"], second["recordings"], second["created"], second["had_ticket"]) == (3, 25, 0, 25)
    assert second["stopped"] is None and TicketModel.count() == 25


def test_the_sandbox_pages_recordings_as_twilio_does(sandbox):
    outage_calls(sandbox.state, 3)
    path = f"/2010-04-01/Accounts/{settings.twilio_account_sid()}/Recordings.json"

    status, first = sandbox.state.read(path, {"PageSize": "2"})
    assert status == 200 and len(first["recordings"]) == 2 and first["page"] == 0
    token = first["next_page_uri"].split("PageToken=")[1].split("&")[0]
    assert token == "PA" + first["recordings"][-1]["sid"] and "Page=1" in first["next_page_uri"]
    status, second = sandbox.state.read(path, {"PageSize": "2", "Page": "1", "PageToken": token})
    assert status == 200 and [r["sid"] for r in second["recordings"]] != [r["sid"] for r in first["recordings"]]
    assert len(second["recordings"]) == 1 and second["next_page_uri"] is None
    assert sandbox.state.read(path, {"PageToken": "PARE" + "0" * 32})[1]["code"] == 21481  # never page 1 again
    assert sandbox.state.read(path, {"PageSize": "1001"})[1]["code"] == 20007


class RepeatingRecordings(SandboxState):
    """A Twilio whose paging never moves on: every page is the first one, always with a next page."""

    def read(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        return super().read(path, {k: v for k, v in query.items() if k not in ("PageToken", "Page")})


def test_a_page_that_repeats_stops_the_scheduled_run_and_says_so(aws, twilio, app_module, clock):
    twilio.account = RepeatingRecordings(settings.twilio_account_sid(), "unused")
    outage_calls(twilio.account, 5)
    wiring.recordings().page_size = 2
    clock.advance(AFTER_THE_CALLS)

    event = scheduled_event("reconciler", settings.region(), "2026-12-03T00:00:00Z")
    report = ended(lambda: app_module.reconciler(event, LambdaContext("reconciler")))  # as Lambda calls it

    assert report["pages"] == 2 and report["created"] == 2 and TicketModel.count() == 2
    assert report["stopped"] == "page 2 repeats recordings already listed: Twilio's paging did not move on"
    assert len(twilio.reads("Recordings.json")) == 2


def test_a_run_reads_at_most_max_pages_and_leaves_the_rest_to_the_next(sandbox, clock):
    outage_calls(sandbox.state, 7)
    wiring.recordings().page_size = 2
    clock.advance(AFTER_THE_CALLS)

    report = ended(lambda: reconciler.run(max_pages=2), give_up=sandbox.stop)

    assert (report["pages"], report["recordings"], report["created"]) == (2, 4, 4)
    assert report["stopped"] == "read 2 pages, the most a run reads"


def _deliver_until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + 30  # liveness bound only
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_the_pump_delivers_a_queue_message_while_a_slow_schedule_runs(aws, app_module, twilio, phone, clock):
    pump = QueuePump(app_module, aws["sqs"], settings.region())
    started, release = threading.Event(), threading.Event()

    def slow_schedule(event: Any, context: Any) -> None:
        started.set()
        release.wait(60)

    pump.schedules = [("slow", 0.05, slow_schedule)]
    thread = threading.Thread(target=pump.run_forever, daemon=True, name="pump-under-test")
    thread.start()
    try:
        assert started.wait(30), "the schedule never fired"
        phone("1|1|3|say:हैंडपंप खराब है, वार्ड सात")  # ticket.created goes to the notify queue

        assert _deliver_until(lambda: bool(twilio.sms(to=CALLER))), "no SMS while the schedule ran"
        assert not release.is_set()  # the schedule was still running all along
    finally:
        release.set()
        pump.stop()
        thread.join(RUN_ENDS_WITHIN)
    assert not thread.is_alive()


def test_stopping_the_pump_mid_reconcile_ends_the_run_and_its_threads(aws, app_module, twilio, clock):
    twilio.account = SandboxState(settings.twilio_account_sid(), "unused")
    outage_calls(twilio.account, 250)
    clock.advance(AFTER_THE_CALLS)
    pump = QueuePump(app_module, aws["sqs"], settings.region())
    pump.schedules = [(name, 0.05, handler) for name, _every, handler in pump.schedules if name == "reconciler"]
    thread = threading.Thread(target=pump.run_forever, daemon=True, name="pump-under-test")
    thread.start()
    try:
        assert _deliver_until(lambda: TicketModel.count() >= 3), "the reconcile never started registering"
        pump.stop()
        thread.join(10)
        stopped_at = TicketModel.count()
        assert not thread.is_alive()
    finally:
        pump.stop()
        thread.join(RUN_ENDS_WITHIN)  # whatever happened, nothing of the run outlives the test's moto
    assert not [t.name for t in threading.enumerate() if t.name.startswith("schedule") and t.is_alive()]
    assert stopped_at < 250  # it ended mid-run: the rest waits for the next
    assert TicketModel.count() == stopped_at  # and nothing goes on after the stop
