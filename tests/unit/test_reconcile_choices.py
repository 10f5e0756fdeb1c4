"""The reconciler files a recording in what its call chose before the outage (the carrier's log of the call's
requests), with in-memory adapters: a callback's recording too, a category the district no longer has, and a
log that cannot be read."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.ports import CallChoices, CallDetails, Recording, SourceUnavailable
from chalicelib.domain.reconcile import CHOICES_WAIT, reconcile
from tests.fakes.directory import MemoryDirectory
from tests.fakes.events import MemoryDispatcher
from tests.fakes.recordings import MemoryRecordings
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import CALLER, DEMO, LINE

DISTRICT = read_district_file(DEMO)
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


class StoreCalls:
    def __init__(self, store: MemoryTicketStore) -> None:
        self.store = store

    def tickets_of(self, call_sids):
        return {sid: self.store.by_call[sid] for sid in call_sids if sid in self.store.by_call}


class UnreadableLog(MemoryRecordings):
    """Twilio answers everything but the call's Events."""

    def __init__(self, error: SourceUnavailable) -> None:
        super().__init__()
        self.error = error

    def call_choices(self, call_sid: str, recording_sid: str) -> CallChoices | None:
        raise self.error


def _with_recording(source: MemoryRecordings, n: int, direction: str = "inbound", minutes_ago: float = 30) -> str:
    sid = f"CA{n:032d}"
    source.recordings.append(Recording(sid=f"RE{n:032d}", call_sid=sid, created_at=NOW - timedelta(minutes=minutes_ago),
                                       duration=12, status="completed", url=f"https://api.twilio.com/x/RE{n:032d}"))
    outbound = direction != "inbound"
    source.calls[sid] = CallDetails(sid=sid, from_phone=LINE if outbound else CALLER,
                                    to_phone=CALLER if outbound else LINE, direction=direction)
    return sid


def _run(source, store):
    return reconcile(source, StoreCalls(store), MemoryDirectory(DISTRICT), store, MemoryDispatcher(), FixedClock(NOW))


def test_a_callbacks_recording_from_the_record_step_is_the_callers_complaint_on_our_line():
    source, store = MemoryRecordings(), MemoryTicketStore()
    callback = _with_recording(source, 1, direction="outbound-api")
    source.chose(callback, f"RE{1:032d}", CallChoices("en", "water", at_record_step=True))
    feedback = _with_recording(source, 2, direction="outbound-api")  # a feedback call: no record step
    source.published(feedback)

    report = _run(source, store)

    [registration] = store.registrations
    ticket = registration.ticket
    assert (ticket.caller_phone, ticket.line, ticket.category, ticket.language) == (CALLER, LINE, "water", "en")
    assert report.skipped == {"outbound_call": 1}


def test_a_choice_the_district_no_longer_has_falls_back_to_its_first_language_and_catch_all():
    source, store = MemoryRecordings(), MemoryTicketStore()
    sid = _with_recording(source, 3)
    source.chose(sid, f"RE{3:032d}", CallChoices("ta", "roads", at_record_step=True))
    _run(source, store)
    [registration] = store.registrations
    assert (registration.ticket.category, registration.ticket.language) == ("other", "hi")


def test_a_log_that_cannot_be_read_waits_then_files_in_the_catch_all_and_a_rate_limit_stops_the_run():
    store = MemoryTicketStore()
    refused = UnreadableLog(SourceUnavailable("events of call: HTTP 403"))
    _with_recording(refused, 4, minutes_ago=5)
    young = _run(refused, store)
    assert young.failed == 1 and store.registrations == []  # the next run tries again

    refused.recordings[0] = Recording(**{**refused.recordings[0].__dict__,
                                         "created_at": NOW - CHOICES_WAIT - timedelta(minutes=1)})
    _run(refused, store)
    [registration] = store.registrations
    assert registration.ticket.category == "other"  # never left unregistered for want of the log

    limited = UnreadableLog(SourceUnavailable("events of call: HTTP 429", rate_limited=True))
    _with_recording(limited, 5)
    report = _run(limited, MemoryTicketStore())
    assert report.stopped is not None and report.stopped.startswith("rate limited")
