"""Recordings with no ticket become tickets: what an outage leaves behind is picked up afterwards.

When our webhooks fail or time out, Twilio plays the number's fallback document (static TwiML, served
apart from the API): an apology and a `<Record>`. Twilio keeps that recording, but nothing here heard
about it. The reconciler lists the recordings of the last hours, finds those whose call has no ticket
(the calls table holds the complaint number of every call that has one), reads the call (the line it
came in on gives the district, From the caller) and registers a ticket in the district's catch-all
category — through the same conditional transaction as the IVR, so a call gets one ticket however many
runs (or a late IVR webhook) try. The citizen's SMS and the officer's forward follow from the event.

A failure leaves the rest for the next run: a rate limit (429) or an unreachable Twilio stops the run,
a registration that fails is skipped and retried next time; a ticket is one transaction, never half.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.domain.clock import Clock
from chalicelib.domain.intake import register_call_complaint
from chalicelib.domain.ports import (
    CallTickets,
    Directory,
    EventDispatcher,
    Recording,
    RecordingsSource,
    SourceUnavailable,
    TicketStore,
)
from chalicelib.domain.registration import CallComplaint

log = logging.getLogger(__name__)

CHANNEL = "fallback"
# An IVR call's own <Record> action registers its ticket within seconds of the recording; younger
# recordings are left to it (the next run sees them if it failed), so a caller who used the menu keeps
# the category they chose.
DEFAULT_MIN_AGE = timedelta(minutes=2)
# Calls whose recording is not a complaint to register: an operator answered (the operator registers
# what was said in the console, and not every call is a complaint), or the caller was over the daily cap.
OPERATORS_CALL = "operators_call"
OVER_CAP = "over_cap"
NO_TICKET = (OPERATORS_CALL, OVER_CAP)


@dataclass
class ReconcileReport:
    pages: int = 0
    looked_at: int = 0
    had_ticket: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # why: too_recent, not_completed, empty, not_our_line…
    created: list[str] = field(default_factory=list)  # complaint numbers
    already: int = 0  # registered meanwhile (the IVR's webhook, or another run)
    failed: int = 0
    stopped: str | None = None  # why the run ended before the last page

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def summary(self) -> dict[str, object]:
        return {"pages": self.pages, "recordings": self.looked_at, "had_ticket": self.had_ticket,
                "created": len(self.created), "already": self.already, "failed": self.failed,
                "skipped": dict(self.skipped), "tickets": list(self.created), "stopped": self.stopped}


def needing_tickets(page: Sequence[Recording], tickets: dict[str, str], since: datetime, latest: datetime,
                    seen: set[str], report: ReconcileReport) -> list[Recording]:
    """The recordings of a page whose call has no ticket: finished, not empty, not too young, one per call
    (the newest; `seen` carries the calls already looked at over the pages)."""
    chosen = []
    for recording in page:
        if recording.created_at < since:
            report.skip("before_window")
            continue
        if not recording.call_sid:
            report.skip("no_call")
            continue
        if recording.call_sid in seen:
            report.skip("another_recording_of_the_call")
            continue
        if recording.duration <= 0 and recording.status == "completed":
            report.skip("empty")  # an older recording of the same call may hold the complaint
            continue
        seen.add(recording.call_sid)
        if tickets.get(recording.call_sid) in NO_TICKET:
            report.skip(tickets[recording.call_sid])
        elif recording.call_sid in tickets:
            report.had_ticket += 1
        elif recording.status != "completed":
            report.skip("not_completed")  # still processing: the next run sees it finished
        elif recording.created_at > latest:
            report.skip("too_recent")  # the call may still be going on; its own webhook may register it
        else:
            chosen.append(recording)
    return chosen


def reconcile(source: RecordingsSource, calls: CallTickets, directory: Directory, store: TicketStore,
              dispatcher: EventDispatcher, clock: Clock, *, hours: float = 24, min_age: timedelta = DEFAULT_MIN_AGE,
              out_of_time: Callable[[], bool] = lambda: False,
              progress: Callable[[str], None] = lambda _line: None) -> ReconcileReport:
    """One pass over the recordings of the last `hours`; see the module's docstring."""
    now = clock.now()
    since, latest = now - timedelta(hours=hours), now - min_age
    report = ReconcileReport()
    seen: set[str] = set()
    pages = source.recording_pages(since)
    while True:
        if out_of_time():
            report.stopped = "out of time"
            break
        try:
            page = next(pages, None)
        except SourceUnavailable as error:
            report.stopped = f"listing recordings: {error}"
            break
        if page is None:
            break
        report.pages += 1
        report.looked_at += len(page)
        sids = sorted({r.call_sid for r in page if r.call_sid})
        try:
            tickets = calls.tickets_of(sids) if sids else {}
        except Exception:
            log.exception("the calls table could not be read; the next run tries again")
            report.stopped = "reading the calls table"
            break
        todo = needing_tickets(page, tickets, since, latest, seen, report)
        line = f"recordings page {report.pages}: {len(page)} recordings, {len(todo)} without a ticket"
        log.info(line)
        progress(line)
        for recording in todo:
            if out_of_time():
                report.stopped = "out of time"
                break
            if not _register(recording, source, directory, store, dispatcher, clock, report, progress):
                break
        if report.stopped:
            break
        if page and all(r.created_at < since for r in page):
            break  # newest first: the pages after this one are older still
    return report


def _register(recording: Recording, source: RecordingsSource, directory: Directory, store: TicketStore,
              dispatcher: EventDispatcher, clock: Clock, report: ReconcileReport,
              progress: Callable[[str], None]) -> bool:
    """Register one recording's ticket; False when the run must stop (Twilio refuses to answer more)."""
    where = {"call_sid": recording.call_sid, "recording_sid": recording.sid}
    try:
        call = source.call(recording.call_sid)
    except SourceUnavailable as error:
        report.failed += 1
        log.warning("call %s: not read from Twilio (%s)", recording.call_sid, error, extra=where)
        if error.rate_limited:
            report.stopped = f"rate limited reading call {recording.call_sid}"
            return False
        return True
    if not call.direction.startswith("inbound"):
        report.skip("outbound_call")
        return True
    district = directory.district_for_line(call.to_phone)
    if district is None:
        report.skip("not_our_line")
        log.info("call %s to %s: no district has that line", call.sid, call.to_phone, extra=where)
        return True
    complaint = CallComplaint(
        call_sid=call.sid, caller_phone=call.from_phone or "unknown", line=call.to_phone,
        language=district.default_language, category_id=district.catch_all.id, recording_sid=recording.sid,
        recording_url=recording.url, recording_duration=recording.duration, channel=CHANNEL)
    try:
        result = register_call_complaint(complaint, district, store, dispatcher, clock)
    except Exception:
        report.failed += 1
        log.exception("call %s: the ticket could not be registered; the next run tries again", call.sid,
                      extra=where)
        return True
    if result.created:
        report.created.append(result.complaint_number)
        line = (f"call {call.sid} from {call.from_phone} to {call.to_phone} ({recording.duration} s): "
                f"ticket {result.complaint_number} ({district.code}, {complaint.category_id})")
        log.info(line, extra={**where, "complaint_number": result.complaint_number})
        progress(line)
    else:
        report.already += 1
        line = f"call {call.sid}: ticket {result.complaint_number} was registered meanwhile"
        log.info(line, extra={**where, "complaint_number": result.complaint_number})
        progress(line)
    return True
