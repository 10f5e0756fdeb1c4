"""The CallLog port in memory (operators' calls too): the same conditions as store/calls.py and
store/operator_calls.py. A call's ticket is the ticket store's link (`by_call`), as on the real call item."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chalicelib.domain.call_log import CallEnd, OperatorCall
from chalicelib.domain.clock import parse_iso
from chalicelib.domain.figures import line_day
from chalicelib.domain.ports import CallLog
from chalicelib.domain.reconcile import OFFICER_CALL, OVER_CAP
from tests.fakes.tickets import MemoryTicketStore


@dataclass
class CallItem:
    """The fields of the calls table's item that the port writes and reads."""
    from_phone: str | None = None
    to_phone: str | None = None
    district: str | None = None
    hotline: str | None = None
    call_status: str | None = None
    duration: int | None = None
    ended_at: str | None = None
    outcome: str | None = None
    recording_sid: str | None = None
    recording_status: str | None = None
    recording_url: str | None = None
    recording_duration: int | None = None
    ringing_district: str | None = None
    ringing_at: str | None = None
    rang_operators: str | None = None
    answered_at: str | None = None
    answered_by: str | None = None
    dial_status: str | None = None
    counters: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)


class MemoryCallLog:
    def __init__(self, tickets: MemoryTicketStore | None = None) -> None:
        self.tickets = tickets or MemoryTicketStore()
        self.calls: dict[str, CallItem] = {}
        self.counters: dict[tuple[str, str], dict[str, int]] = {}

    def _item(self, call_sid: str) -> CallItem:
        return self.calls.setdefault(call_sid, CallItem())

    def _complaint_number(self, call_sid: str) -> str | None:
        return self.tickets.by_call.get(call_sid)

    # -- the call log

    def record_call_end(self, end: CallEnd) -> bool:
        item = self._item(end.call_sid)
        if item.ended_at is not None:
            return False
        answered = end.status == "completed"
        item.from_phone, item.to_phone = end.from_phone, end.to_phone
        if end.district:
            item.district, item.hotline = end.district, end.hotline
        item.call_status, item.duration, item.ended_at = end.status, end.duration, end.ended_at
        item.outcome = item.outcome or ("abandoned" if answered else end.status)
        counter = line_day(end.to_phone, parse_iso(end.ended_at),
                           {"calls": 1, "answered" if answered else "missed": 1, "seconds": end.duration})
        figures = self.counters.setdefault((counter.scope, counter.period), {})
        for name, n in counter.figures.items():
            figures[name] = figures.get(name, 0) + n
        return True

    def record_recording_status(self, call_sid: str, recording_sid: str, status: str, duration: int | None,
                                url: str | None = None) -> str | None:
        item = self._item(call_sid)
        item.recording_sid, item.recording_status = recording_sid, status
        if url:
            item.recording_url = url
        if duration is not None:
            item.recording_duration = duration
        return self._complaint_number(call_sid)

    def mark_over_cap(self, call_sid: str) -> None:
        if self._complaint_number(call_sid) is None:
            self._item(call_sid).outcome = OVER_CAP

    def mark_officer_call(self, call_sid: str) -> None:
        if self._complaint_number(call_sid) is None:
            self._item(call_sid).outcome = OFFICER_CALL

    # -- operators' calls

    def mark_ringing(self, call_sid: str, caller: str, line: str, district: str, hotline: str,
                     operators: tuple[str, ...], at: str, ringing_for: str | None = None) -> None:
        item = self._item(call_sid)
        item.from_phone, item.to_phone, item.district, item.hotline = caller, line, district, hotline
        item.ringing_district, item.ringing_at = ringing_for or district, item.ringing_at or at
        item.rang_operators = ",".join(operators)

    def mark_answered(self, call_sid: str, operator: str, at: str) -> OperatorCall | None:
        item = self._item(call_sid)
        item.answered_at = item.answered_at or at
        item.answered_by = item.answered_by or operator
        item.outcome = item.outcome or "operator"
        return self._call(call_sid)

    def mark_dial_status(self, call_sid: str, status: str) -> None:
        self._item(call_sid).dial_status = status

    def ringing_calls(self, district: str, since: str, limit: int = 20) -> list[OperatorCall]:
        found = sorted(((item.ringing_at, sid) for sid, item in self.calls.items()
                        if item.ringing_district == district and item.ringing_at and item.ringing_at >= since),
                       reverse=True)[:limit]
        return [call for call in (self._call(sid) for _, sid in found) if call is not None]

    def get_call(self, call_sid: str) -> OperatorCall | None:
        return self._call(call_sid) if call_sid in self.calls else None

    def completed_recording(self, call_sid: str) -> tuple[str, str, int | None] | None:
        item = self.calls.get(call_sid)
        if item is None or item.recording_status != "completed" or not item.recording_sid or not item.recording_url:
            return None
        return item.recording_sid, item.recording_url, item.recording_duration

    def _call(self, call_sid: str) -> OperatorCall | None:
        item = self.calls[call_sid]
        if not item.ringing_district or not item.ringing_at:
            return None
        return OperatorCall(
            call_sid=call_sid, caller_phone=item.from_phone or "", line=item.to_phone,
            district=item.district or item.ringing_district, hotline=item.hotline,
            operators=tuple(o for o in (item.rang_operators or "").split(",") if o), ringing_at=item.ringing_at,
            answered_at=item.answered_at, answered_by=item.answered_by, dial_status=item.dial_status,
            call_status=item.call_status, complaint_number=self._complaint_number(call_sid),
            recording_sid=item.recording_sid)


if TYPE_CHECKING:
    _: CallLog = MemoryCallLog()
