"""Recordings with no ticket become tickets: what an outage leaves behind is picked up afterwards.

When our webhooks fail or time out, Twilio plays the number's fallback document (static TwiML, served
apart from the API): an apology and a `<Record>`; when the database fails mid-call, the IVR records the
complaint itself (handlers/outage.py). Twilio keeps that recording, but nothing here heard about it. The
reconciler lists the recordings of the last hours, finds those whose call has no ticket (the calls table
holds the complaint number of every call that has one), reads the call (the line gives the district, the
other end the caller) and registers a ticket in the language and category the caller chose before the
outage (the carrier's log of the call's requests holds the IVR's URLs, which carry them), else the
district's first language and catch-all category — through the same conditional transaction as the IVR,
so a call gets one ticket however many runs (or a late IVR webhook) try. The citizen's SMS and the
officer's forward follow from the event.

A failure leaves the rest for the next run: a rate limit (429) or an unreachable Twilio stops the run,
a registration that fails is skipped and retried next time; a ticket is one transaction, never half.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.domain.clock import Clock
from chalicelib.domain.district import District
from chalicelib.domain.intake import register_call_complaint
from chalicelib.domain.ports import (
    CallChoices,
    CallDetails,
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
# An officer's call to their IVR (routing/officer_ivr.py): its recordings are remarks and reasons, kept on the
# timeline of the tickets they were about, never complaints.
OFFICER_CALL = "officer_call"
NO_TICKET = (OPERATORS_CALL, OVER_CAP, OFFICER_CALL)
# The carrier's log of a call's requests (what the caller chose before the outage) comes a while after the
# call: Twilio keeps it from 15 minutes after the end. A recording with no log yet waits this long for one,
# then is registered without it (catch-all category) rather than never.
CHOICES_WAIT = timedelta(minutes=20)


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


# A run reads at most this many pages (50,000 recordings at Twilio's 100 a page, many times the busiest day
# of a whole state's account): more is a listing gone wrong — a client losing the page token, a carrier
# answering ever new pages — which must not hold a run, and locally the pump, for ever. A page that comes back
# again stops the run at once. Each run lists from the newest again: past the limit, nothing older is reached.
MAX_PAGES = 500


def reconcile(source: RecordingsSource, calls: CallTickets, directory: Directory, store: TicketStore,
              dispatcher: EventDispatcher, clock: Clock, *, hours: float = 24, min_age: timedelta = DEFAULT_MIN_AGE,
              out_of_time: Callable[[], bool] = lambda: False, max_pages: int = MAX_PAGES,
              progress: Callable[[str], None] = lambda _line: None) -> ReconcileReport:
    """One pass over the recordings of the last `hours`; see the module's docstring."""
    now = clock.now()
    since, latest = now - timedelta(hours=hours), now - min_age
    report = ReconcileReport()
    seen: set[str] = set()
    listed: set[str] = set()  # recording sids: Twilio's paging is a cursor and never lists one twice
    pages = source.recording_pages(since)
    while True:
        if out_of_time():
            report.stopped = "out of time"
            break
        if report.pages >= max_pages:
            report.stopped = f"read {max_pages} pages, the most a run reads"
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
        if page and listed.issuperset(r.sid for r in page):
            report.stopped = f"page {report.pages} repeats recordings already listed: Twilio's paging did not move on"
            break
        listed.update(r.sid for r in page)
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


def _choices(recording: Recording, source: RecordingsSource, clock: Clock,
             where: dict[str, str]) -> CallChoices | None:
    """What the caller chose; None: wait for the carrier's log. A log that cannot be read (other than a rate
    limit) is waited for as long as a missing one, then done without."""
    young = recording.created_at > clock.now() - CHOICES_WAIT
    try:
        choices = source.call_choices(recording.call_sid, recording.sid)
    except SourceUnavailable as error:
        if error.rate_limited or young:
            raise
        log.warning("call %s: its requests were not read (%s); registered without the caller's choices",
                    recording.call_sid, error, extra=where)
        return CallChoices()
    if choices is None and not young:
        return CallChoices()
    return choices


def _complaint(call: CallDetails, line: str, caller: str, choices: CallChoices, recording: Recording,
               district: District) -> CallComplaint:
    """The caller's language and category where the call chose them (and the district still has them)."""
    language = choices.language if choices.language in district.languages else district.default_language
    category = district.category(choices.category_id or "") or district.catch_all
    return CallComplaint(
        call_sid=call.sid, caller_phone=caller or "unknown", line=line, language=language,
        category_id=category.id, recording_sid=recording.sid, recording_url=recording.url,
        recording_duration=recording.duration, channel=CHANNEL)


def _register(recording: Recording, source: RecordingsSource, directory: Directory, store: TicketStore,
              dispatcher: EventDispatcher, clock: Clock, report: ReconcileReport,
              progress: Callable[[str], None]) -> bool:
    """Register one recording's ticket; False when the run must stop (Twilio refuses to answer more)."""
    where = {"call_sid": recording.call_sid, "recording_sid": recording.sid}
    try:
        call = source.call(recording.call_sid)
        choices = _choices(recording, source, clock, where)
    except SourceUnavailable as error:
        report.failed += 1
        log.warning("call %s: not read from Twilio (%s)", recording.call_sid, error, extra=where)
        if error.rate_limited:
            report.stopped = f"rate limited reading call {recording.call_sid}"
            return False
        return True
    if choices is None:
        report.skip("choices_not_logged_yet")  # the next run reads what the caller chose
        return True
    inbound = call.direction.startswith("inbound")
    if not inbound and not choices.at_record_step:
        report.skip("outbound_call")  # a callback's recording is a complaint only from the IVR's record step
        return True
    line, caller = (call.to_phone, call.from_phone) if inbound else (call.from_phone, call.to_phone)
    district = directory.district_for_line(line)
    if district is None:
        report.skip("not_our_line")
        log.info("call %s to %s: no district has that line", call.sid, line, extra=where)
        return True
    complaint = _complaint(call, line, caller, choices, recording, district)
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
                f"ticket {result.complaint_number} ({district.code}, {complaint.category_id}, {complaint.language})")
        log.info(line, extra={**where, "complaint_number": result.complaint_number})
        progress(line)
    else:
        report.already += 1
        line = f"call {call.sid}: ticket {result.complaint_number} was registered meanwhile"
        log.info(line, extra={**where, "complaint_number": result.complaint_number})
        progress(line)
    return True
