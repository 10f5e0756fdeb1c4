"""The ConsoleQueries port in memory, reading the tickets a MemoryTicketStore holds: the same lists, in the
same order, as store/console_queries.py's Queries on the sparse indexes."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from chalicelib.domain.approvals import approval_key
from chalicelib.domain.list_filters import Plan
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


def _open(t: Ticket, key: str) -> str | None:
    return key if t.is_open else None


# Each index's hash key of a ticket (None: not in that sparse index), as store/tickets.py ticket_item writes them.
_INDEX_KEYS: dict[str, Callable[[Ticket], str | None]] = {
    "by_district": lambda t: t.district, "by_caller": lambda t: t.caller_phone,
    "by_queue": lambda t: _open(t, f"{t.district}#{t.department}#{t.level}"),
    "by_department_due": lambda t: _open(t, f"{t.district}#{t.department}"),
    "open_by_sla": lambda t: _open(t, t.district), "open_by_day": lambda t: _open(t, t.district),
    "open_by_due": lambda t: _open(t, t.district),
    "at_risk": lambda t: t.district if t.is_open and t.sla_at_risk and not t.sla_breached else None,
    "by_kind": lambda t: f"{t.district}#{t.kind}" if t.kind != "complaint" else None,
    "by_status": lambda t: f"{t.district}#{t.status}", "by_category": lambda t: f"{t.district}#{t.category}",
    "by_department": lambda t: f"{t.district}#{t.department}", "by_urgency": lambda t: f"{t.district}#{t.urgency}",
    "by_level_due": lambda t: _open(t, f"{t.district}#{t.level}"),
}


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

    def approvals(self, district: str, post: str | None, limit: int, start: dict[str, Any] | None) -> Page:
        def waiting(t: Ticket) -> bool:
            key = approval_key(t)
            return t.district == district and key is not None and key.startswith(post or "")

        return _page(self._sorted(waiting, lambda t: approval_key(t) or "", newest_first=False), limit, start)

    def planned(self, plan: Plan, limit: int, start: dict[str, Any] | None) -> Page:
        """The plan's index as store/tickets.py's ticket_item keys it, its range and filter expression."""
        def kept(t: Ticket) -> bool:
            range_value = str(getattr(t, plan.range_key))
            return (_INDEX_KEYS[plan.index](t) == plan.key
                    and (plan.low is None or range_value >= plan.low)
                    and (plan.high is None or range_value <= plan.high)
                    and all(str(getattr(t, name)) in values for name, values in plan.where.items())
                    and (plan.created_low is None or t.created_at >= plan.created_low)
                    and (plan.created_high is None or t.created_at <= plan.created_high))

        return _page(self._sorted(kept, lambda t: str(getattr(t, plan.range_key)), newest_first=not plan.forward),
                     limit, start)

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
