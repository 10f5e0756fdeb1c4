"""The reconciler's rules with in-memory adapters: which recordings need a ticket, once, and what a
refusal from Twilio leaves for the next run. Also the catch-all category and the fallback documents."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
import yaml

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.district import DistrictConfigError, parse_district
from chalicelib.domain.ports import CallChoices, CallDetails, Recording, SourceUnavailable
from chalicelib.domain.reconcile import reconcile
from chalicelib.i18n import available_languages, catalog
from chalicelib.routing import fallback
from tests.fakes.directory import MemoryDirectory
from tests.fakes.events import MemoryDispatcher
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO

DISTRICT = read_district_file(DEMO)
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
LINE = "+919977222564"


class FakeTwilio:
    """Recordings in pages (newest first) and the calls they were made on; failures queued per request."""

    def __init__(self, recordings: list[Recording], calls: dict[str, CallDetails], page_size: int = 2) -> None:
        self.recordings, self.calls, self.page_size = recordings, calls, page_size
        self.failures: dict[str, list[SourceUnavailable]] = {}  # "page 2" / "call CA…" → errors, in order
        self.requests: list[str] = []
        self.choices: dict[str, CallChoices | None] = {}  # what each call chose in the IVR (its Call Events)

    def _request(self, what: str) -> None:
        self.requests.append(what)
        queued = self.failures.get(what)
        if queued:
            raise queued.pop(0)

    def recording_pages(self, since: datetime):
        rows = sorted(self.recordings, key=lambda r: r.created_at, reverse=True)
        for n, start in enumerate(range(0, max(len(rows), 1), self.page_size), start=1):
            self._request(f"page {n}")
            yield rows[start:start + self.page_size]

    def call(self, call_sid: str) -> CallDetails:
        self._request(f"call {call_sid}")
        if call_sid not in self.calls:
            raise SourceUnavailable(f"call {call_sid}: HTTP 404")
        return self.calls[call_sid]

    def call_choices(self, call_sid: str, recording_sid: str) -> CallChoices | None:
        return self.choices.get(call_sid, CallChoices())  # no choice logged: the fallback's own call


class StoreCalls:
    """The calls table's view: a call has a ticket once the store registered one for it."""

    def __init__(self, store: MemoryTicketStore) -> None:
        self.store = store

    def tickets_of(self, call_sids):
        return {sid: self.store.by_call[sid] for sid in call_sids if sid in self.store.by_call}


def recording(n: int, minutes_ago: float = 10, duration: int = 40, status: str = "completed",
              call: str | None = None) -> Recording:
    return Recording(sid=f"RE{n}", call_sid=call or f"CA{n}", created_at=NOW - timedelta(minutes=minutes_ago),
                     duration=duration, status=status, url=f"https://api.twilio.com/2010-04-01/Recordings/RE{n}")


def inbound(n: int, caller: str = "+919812345678", line: str = LINE, direction: str = "inbound") -> CallDetails:
    return CallDetails(sid=f"CA{n}", from_phone=caller, to_phone=line, direction=direction)


def run(twilio: FakeTwilio, store: MemoryTicketStore, dispatcher: MemoryDispatcher | None = None, **kw):
    return reconcile(twilio, StoreCalls(store), MemoryDirectory(DISTRICT), store, dispatcher or MemoryDispatcher(),
                     FixedClock(NOW), **kw)


def test_a_recording_whose_call_has_no_ticket_gets_one_in_the_catch_all_category_once():
    store, dispatcher = MemoryTicketStore(), MemoryDispatcher()
    store.by_call["CA2"] = "RPR2611230001"  # the IVR registered this call's complaint
    twilio = FakeTwilio([recording(1, duration=42), recording(2)], {"CA1": inbound(1, caller="+919822200011")})
    lines: list[str] = []

    report = run(twilio, store, dispatcher, progress=lines.append)

    [registration] = store.registrations
    ticket = registration.ticket
    assert (ticket.call_sid, ticket.caller_phone, ticket.line, ticket.district) == (
        "CA1", "+919822200011", LINE, "RPR")
    assert (ticket.category, ticket.department, ticket.language, ticket.channel) == (
        "other", "general", "hi", "fallback")
    assert (ticket.recording_sid, ticket.recording_duration) == ("RE1", 42)
    assert ticket.recording_url.endswith("/Recordings/RE1")
    assert registration.timeline.channel == "fallback" and registration.timeline.actor_type == "citizen"
    assert [e.type for e in dispatcher.sent] == ["ticket.created"]  # the SMS and the forward follow from it
    assert report.created == [ticket.complaint_number] and report.had_ticket == 1
    assert twilio.requests == ["page 1", "call CA1"]  # the call with a ticket is not even read
    assert any(ticket.complaint_number in line and "CA1" in line for line in lines)

    again = run(twilio, store, dispatcher)
    assert again.created == [] and again.had_ticket == 2 and len(store.registrations) == 1
    assert len(dispatcher.sent) == 1


def test_what_is_not_ready_or_not_ours_is_left_alone():
    store = MemoryTicketStore()
    twilio = FakeTwilio(
        [recording(1, minutes_ago=0.5),  # the call may still be on its way through the IVR
         recording(2, status="processing"),
         recording(3, duration=0),  # nothing said
         recording(4),  # to a number no district owns
         recording(5),  # an outbound call
         recording(6, minutes_ago=60 * 30)],  # before the window
        {"CA1": inbound(1), "CA4": inbound(4, line="+14155550100"), "CA5": inbound(5, direction="outbound-api")},
        page_size=10)

    report = run(twilio, store)

    assert store.registrations == [] and report.failed == 0
    assert report.skipped == {"too_recent": 1, "not_completed": 1, "empty": 1, "not_our_line": 1,
                              "outbound_call": 1, "before_window": 1}
    assert run(twilio, store, min_age=timedelta(0)).created != []  # without the wait, the young one is taken


def test_one_ticket_per_call_however_many_recordings_it_has():
    store = MemoryTicketStore()
    twilio = FakeTwilio([recording(1, minutes_ago=5, call="CA1"), recording(2, minutes_ago=9, call="CA1")],
                        {"CA1": inbound(1)}, page_size=1)
    report = run(twilio, store)
    assert [r.ticket.recording_sid for r in store.registrations] == ["RE1"]  # the newest
    assert report.skipped == {"another_recording_of_the_call": 1}


def test_a_rate_limit_while_paging_stops_the_run_and_the_next_run_finishes():
    store = MemoryTicketStore()
    twilio = FakeTwilio([recording(n, minutes_ago=10 + n) for n in range(1, 6)],
                        {f"CA{n}": inbound(n, caller=f"+91981234560{n}") for n in range(1, 6)})
    twilio.failures["page 2"] = [SourceUnavailable("recordings, page 2: HTTP 429", rate_limited=True)]

    first = run(twilio, store)
    assert len(first.created) == 2 and first.stopped == "listing recordings: recordings, page 2: HTTP 429"

    second = run(twilio, store)
    assert len(second.created) == 3 and second.had_ticket == 2 and second.stopped is None
    assert sorted(r.ticket.call_sid for r in store.registrations) == ["CA1", "CA2", "CA3", "CA4", "CA5"]


def test_a_rate_limit_reading_a_call_stops_the_run_before_anything_of_that_ticket_is_written():
    store = MemoryTicketStore()
    twilio = FakeTwilio([recording(1), recording(2, minutes_ago=11)], {"CA1": inbound(1), "CA2": inbound(2)})
    twilio.failures["call CA1"] = [SourceUnavailable("call CA1: HTTP 429", rate_limited=True)]

    first = run(twilio, store)
    assert first.created == [] and first.failed == 1 and first.stopped.startswith("rate limited")
    assert store.registrations == [] and "call CA2" not in twilio.requests  # the rest waits

    second = run(twilio, store)
    assert len(second.created) == 2


def test_a_call_twilio_cannot_show_or_a_failed_registration_is_skipped_and_the_rest_goes_on():
    class FailingOnce(MemoryTicketStore):
        failed = False

        def register(self, registration):
            if registration.ticket.call_sid == "CA2" and not self.failed:
                self.failed = True
                raise ConnectionError("DynamoDB unreachable")
            super().register(registration)

    store = FailingOnce()
    twilio = FakeTwilio([recording(1), recording(2, minutes_ago=11), recording(3, minutes_ago=12)],
                        {"CA2": inbound(2), "CA3": inbound(3)}, page_size=5)  # CA1: Twilio answers 404
    first = run(twilio, store)
    assert first.failed == 2 and [r.ticket.call_sid for r in store.registrations] == ["CA3"]
    assert first.stopped is None
    second = run(twilio, store)
    assert [r.ticket.call_sid for r in store.registrations] == ["CA3", "CA2"] and second.failed == 1


def test_the_run_stops_when_its_time_is_up():
    store = MemoryTicketStore()
    twilio = FakeTwilio([recording(1), recording(2, minutes_ago=11)], {"CA1": inbound(1), "CA2": inbound(2)})
    ticks = iter([False, False, True])
    report = run(twilio, store, out_of_time=lambda: next(ticks, True))
    assert len(report.created) == 1 and report.stopped == "out of time"


def test_the_catch_all_category_is_configurable_and_checked():
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    assert DISTRICT.catch_all.id == "other"
    data.pop("fallback_category")
    data["categories"] = data["categories"][:3]
    assert parse_district(data, available_languages()).catch_all.id == "water"  # default: the last one
    data["fallback_category"] = "health"
    assert parse_district(data, available_languages()).catch_all.id == "health"
    data["fallback_category"] = "roads"
    with pytest.raises(DistrictConfigError, match="fallback_category: 'roads' is not in categories"):
        parse_district(data, available_languages())


def test_the_fallback_documents_apologise_in_hindi_then_english_and_record_without_the_api():
    base = "https://samvad-prod-fallback-123456789012.s3.ap-south-1.amazonaws.com/fallback"
    documents = fallback.documents(base)
    voice = ElementTree.fromstring(documents["voice.xml"])
    says = [(v.get("language"), v.text) for v in voice if v.tag == "Say"]
    assert [lang for lang, _ in says[:2]] == ["hi-IN", "en-IN"]
    assert catalog("hi").text("fallback_record_prompt") in says[0][1]
    assert "After the beep, say your name, address and complaint." in says[1][1]
    [record] = voice.findall("Record")
    assert record.get("action") == f"{base}/thanks.xml" and record.get("method") == "GET"
    assert record.get("maxLength") == "120" and record.get("playBeep") == "true"
    assert record.get("recordingStatusCallback") is None  # nothing points at the API
    assert [v.tag for v in voice][-1] == "Hangup"
    thanks = ElementTree.fromstring(documents["thanks.xml"])
    assert [v.get("language") for v in thanks if v.tag == "Say"] == ["hi-IN", "en-IN"]
    assert [v.tag for v in thanks][-1] == "Hangup"
    for text in documents.values():
        assert "execute-api" not in text and "/twilio/" not in text
    relative = ElementTree.fromstring(fallback.voice_document()).find("Record")
    assert relative.get("action") == "thanks.xml"


def test_an_operators_call_and_a_call_over_the_cap_are_left_alone():
    from chalicelib.domain.reconcile import OPERATORS_CALL, OVER_CAP

    store = MemoryTicketStore()
    twilio = FakeTwilio([recording(1), recording(2), recording(3)], {f"CA{n}": inbound(n) for n in (1, 2, 3)})
    calls = StoreCalls(store)
    settled = {"CA1": OPERATORS_CALL, "CA2": OVER_CAP}
    calls.tickets_of = lambda sids: {sid: settled[sid] for sid in sids if sid in settled}
    report = reconcile(twilio, calls, MemoryDirectory(DISTRICT), store, MemoryDispatcher(), FixedClock(NOW))
    assert [r.ticket.call_sid for r in store.registrations] == ["CA3"]
    assert report.skipped == {OPERATORS_CALL: 1, OVER_CAP: 1}
