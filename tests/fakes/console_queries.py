"""The ConsoleQueries port in memory, reading the tickets a MemoryTicketStore holds: the same lists, in the
same order, as store/console_queries.py's Queries on the sparse indexes."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from chalicelib.domain.ports import ConsoleQueries, Page
from chalicelib.domain.ticket import Ticket, TimelineEntry
from tests.fakes.tickets import MemoryTicketStore


def _page(tickets: Iterable[Ticket], limit: int, start: dict[str, Any] | None) -> Page:
    """Like a DynamoDB Query with a Limit: a full page carries the key to go on from (its last item's)."""
    listed = list(tickets)
    if start:
        numbers = [t.complaint_number for t in listed]
        listed = listed[numbers.index(start["complaint_number"]) + 1:]
    page = listed[:limit]
    more = len(page) == limit and len(listed) > limit
    last: dict[str, object] | None = {"complaint_number": page[-1].complaint_number} if more else None
    return Page(page, last, len(page))


class MemoryConsoleQueries:
    def __init__(self, store: MemoryTicketStore) -> None:
        self.store = store
        self.call_districts: dict[str, str] = {}  # CallSid → district, as the call log has them

    def _sorted(self, keep: Callable[[Ticket], bool], key: Callable[[Ticket], str], newest_first: bool) -> list[Ticket]:
        return sorted((t for t in self.store.tickets.values() if keep(t)), key=key, reverse=newest_first)

    def tickets_of_caller(self, phone: str, district: str | None, limit: int,
                          start: dict[str, Any] | None) -> Page:
        return _page(self._sorted(lambda t: t.caller_phone == phone and district in (None, t.district),
                                  lambda t: t.created_at, newest_first=True), limit, start)

    def recent(self, district: str, limit: int, start: dict[str, Any] | None) -> Page:
        return _page(self._sorted(lambda t: t.district == district, lambda t: t.created_at, newest_first=True),
                     limit, start)

    def queue(self, district: str, department: str, level: str | None, limit: int,
              start: dict[str, Any] | None) -> Page:
        return _page(self._sorted(lambda t: t.is_open and (t.district, t.department) == (district, department)
                                  and level in (None, t.level), lambda t: t.level_due_at, newest_first=False),
                     limit, start)

    def overdue(self, district: str, now: str, limit: int, start: dict[str, Any] | None) -> Page:
        return _page(self._sorted(lambda t: t.is_open and t.district == district and t.sla_due_at <= now,
                                  lambda t: t.sla_due_at, newest_first=False), limit, start)

    def at_risk(self, district: str, limit: int, start: dict[str, Any] | None) -> Page:
        return _page(self._sorted(lambda t: t.is_open and t.district == district and t.sla_at_risk
                                  and not t.sla_breached, lambda t: t.sla_due_at, newest_first=False), limit, start)

    def of_kind(self, district: str, kind: str, since: str, limit: int, start: dict[str, Any] | None) -> Page:
        return _page(self._sorted(lambda t: t.district == district and t.kind == kind != "complaint"
                                  and t.created_at >= since, lambda t: t.created_at, newest_first=True), limit, start)

    def timeline(self, number: str, limit: int = 200) -> list[TimelineEntry]:
        return sorted(self.store.timelines.get(number, []), key=lambda e: e.at)[:limit]

    def counter_items(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
        # The daily cap's count ("value") is no figure: DynamoDB's adapter leaves it out too.
        return {key: {name: n for name, n in self.store.counters[key].items() if name != "value"}
                for key in keys if key in self.store.counters}

    def call_district(self, call_sid: str) -> str | None:
        return self.call_districts.get(call_sid)


if TYPE_CHECKING:
    _: ConsoleQueries = MemoryConsoleQueries(MemoryTicketStore())
