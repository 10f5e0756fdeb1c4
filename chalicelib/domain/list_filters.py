"""The console's list filters and sort, and which index answers them.

A list (a view: recent, inbox, department, overdue, at_risk, kind, caller) is one Query on one index. A filter
asked for picks the index whose key holds it (store/models.py: `<district>#<value>` keys), so the Query reads
that value's tickets and no others; the date range (the IST days registered) is a condition on the range key
where the range key is the registration time. Filters the chosen index does not hold are a filter expression on
the same Query (`where`): DynamoDB still reads at most the page's Limit of items, so a page may come back short,
with a cursor to go on, but never reads more than the page size.

Pure: the handler (handlers/api_lists.py) parses the query into `Filters`, this module plans, the store
(store/console_queries.py `planned`) runs the plan.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from chalicelib.domain.clock import IST, iso
from chalicelib.domain.ticket import OPEN_STATUSES

NEWEST, OLDEST, DUE_NEAREST, DUE_FARTHEST = "newest", "oldest", "due_nearest", "due_farthest"
SORTS = (NEWEST, OLDEST, DUE_NEAREST, DUE_FARTHEST)
OPEN = "open"  # status=open: registered, acknowledged or reopened

CREATED, LEVEL_DUE, SLA_DUE = "created_at", "level_due_at", "sla_due_at"

# The sorts each view offers (the range keys of the indexes it may use), its own first. A view's lists of
# open tickets by deadline have no registration-time index, so they are sorted by deadline only.
VIEW_SORTS: dict[str, tuple[str, ...]] = {
    "recent": (NEWEST, OLDEST, DUE_NEAREST, DUE_FARTHEST),
    "inbox": (DUE_NEAREST, DUE_FARTHEST), "department": (DUE_NEAREST, DUE_FARTHEST),
    "overdue": (DUE_NEAREST, DUE_FARTHEST), "at_risk": (DUE_NEAREST, DUE_FARTHEST),
    "kind": (NEWEST, OLDEST), "caller": (NEWEST, OLDEST),
}
FILTERS = ("status", "department", "category", "level", "kind", "urgency", "from", "to")


class FilterNotOffered(Exception):
    """A filter or sort this list cannot answer from an index (or a value the district does not have)."""

    def __init__(self, name: str, value: str, offered: tuple[str, ...]) -> None:
        super().__init__(f"{name}={value}: offered {', '.join(offered)}")
        self.name, self.value, self.offered = name, value, offered


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    department: str | None = None
    category: str | None = None
    level: str | None = None
    kind: str | None = None
    urgency: str | None = None
    day_from: date | None = None  # IST days the ticket was registered on, both included
    day_to: date | None = None
    sort: str | None = None

    def scope(self) -> str:
        """What a cursor must have been made for: the same filters and sort (api/cursor.py)."""
        days = f"{self.day_from or ''}~{self.day_to or ''}"
        return "|".join(str(v or "") for v in (self.status, self.department, self.category, self.level, self.kind,
                                                self.urgency, days, self.sort))


@dataclass(frozen=True)
class Plan:
    """One Query: `index` on hash key `key`, its range key between `low` and `high` (either may be None), in
    `forward` order; `where`: attribute → the values it may have (a filter expression); `created_low/high`: the
    days registered, as a filter when the range key is not the registration time."""

    index: str
    key: str
    range_key: str
    forward: bool
    low: str | None = None
    high: str | None = None
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)
    created_low: str | None = None
    created_high: str | None = None


def day_bounds(day_from: date | None, day_to: date | None) -> tuple[str | None, str | None]:
    """The stored (UTC) times of the first second of `day_from` and the last of `day_to`, in IST."""
    low = iso(datetime.combine(day_from, time(0), IST)) if day_from else None
    high = iso(datetime.combine(day_to + timedelta(days=1), time(0), IST) - timedelta(seconds=1)) if day_to else None
    return low, high


def sort_of(view: str, filters: Filters) -> str:
    offered = VIEW_SORTS[view]
    if filters.sort is None:
        return offered[0]
    if filters.sort not in offered:
        raise FilterNotOffered("sort", filters.sort, offered)
    return filters.sort


def _statuses(status: str | None) -> tuple[str, ...] | None:
    return None if status is None else OPEN_STATUSES if status == OPEN else (status,)


def _only_open(filters: Filters) -> None:
    """A list of open tickets (by deadline) cannot hold a resolved or closed one."""
    if filters.status not in (None, OPEN, *OPEN_STATUSES):
        raise FilterNotOffered("status", str(filters.status), (OPEN, *OPEN_STATUSES))


def _where(filters: Filters, held: set[str], open_only: bool) -> dict[str, tuple[str, ...]]:
    """The filters the index's key does not hold, as allowed values per attribute. A level is an open ticket's
    (the post it waits at), so a level asked on an index of every ticket keeps the open ones only, unless a
    status is asked too (closed at L2)."""
    where: dict[str, tuple[str, ...]] = {}
    for name in ("department", "category", "level", "kind", "urgency"):
        value = getattr(filters, name)
        if value is not None and name not in held:
            where[name] = (value,)
    statuses = _statuses(filters.status)
    if statuses and "status" not in held:
        where["status"] = statuses
    if filters.level is not None and not open_only and filters.status is None:
        where["status"] = OPEN_STATUSES
    return where


def plan_recent(district: str, filters: Filters) -> Plan:
    """Every ticket of the district: the index of the most selective filter asked (a category is one
    department's; an emergency or urgent one is rare; a kind other than complaint is; a status narrows least),
    by registration time; or, sorted by deadline, the open tickets' index of the post, department or level."""
    sort = sort_of("recent", filters)
    low, high = day_bounds(filters.day_from, filters.day_to)
    if sort in (DUE_NEAREST, DUE_FARTHEST):
        _only_open(filters)
        forward = sort == DUE_NEAREST
        if filters.department and filters.level:
            index, key, held = "by_queue", f"{district}#{filters.department}#{filters.level}", {"department", "level"}
        elif filters.department:
            index, key, held = "by_department_due", f"{district}#{filters.department}", {"department"}
        elif filters.level:
            index, key, held = "by_level_due", f"{district}#{filters.level}", {"level"}
        else:
            index, key, held = "open_by_due", district, set()
        where = _where(filters, held, open_only=True)
        if filters.status == OPEN:
            where.pop("status", None)  # the index holds open tickets only
        return Plan(index, key, LEVEL_DUE, forward, where=where, created_low=low, created_high=high)
    forward = sort == OLDEST
    choices = [("category", "by_category"), ("department", "by_department")]
    if filters.urgency and filters.urgency != "normal":
        choices.append(("urgency", "by_urgency"))
    if filters.kind and filters.kind != "complaint":
        choices.append(("kind", "by_kind"))
    if filters.status and filters.status != OPEN:
        choices.append(("status", "by_status"))
    for name, index in choices:
        value = getattr(filters, name)
        if value:
            return Plan(index, f"{district}#{value}", CREATED, forward, low, high,
                        _where(filters, {name}, open_only=False))
    if filters.status == OPEN or filters.level:
        where = _where(filters, {"status"}, open_only=True)
        if filters.status and filters.status != OPEN:
            where["status"] = (filters.status,)
        return Plan("open_by_day", district, CREATED, forward, low, high, where)
    if filters.urgency:
        return Plan("by_urgency", f"{district}#{filters.urgency}", CREATED, forward, low, high,
                    _where(filters, {"urgency"}, open_only=False))
    return Plan("by_district", district, CREATED, forward, low, high, _where(filters, set(), open_only=False))


def plan_queue(district: str, department: str, level: str | None, filters: Filters) -> Plan:
    """A post's (or a department's) open tickets by deadline: already one department's, the most selective key
    there is, so every other filter is a filter expression on it."""
    sort = sort_of("department", filters)
    _only_open(filters)
    if filters.department not in (None, department):
        raise FilterNotOffered("department", filters.department, (department,))
    if level and filters.level not in (None, level):
        raise FilterNotOffered("level", str(filters.level), (level,))
    level = level or filters.level
    low, high = day_bounds(filters.day_from, filters.day_to)
    where = _where(filters, {"department", "level"}, open_only=True)
    if filters.status == OPEN:
        where.pop("status", None)
    if level:
        return Plan("by_queue", f"{district}#{department}#{level}", LEVEL_DUE, sort == DUE_NEAREST, where=where,
                    created_low=low, created_high=high)
    return Plan("by_department_due", f"{district}#{department}", LEVEL_DUE, sort == DUE_NEAREST, where=where,
                created_low=low, created_high=high)


def plan_deadline_list(view: str, district: str, now: str, filters: Filters) -> Plan:
    """overdue (open past the SLA) and at_risk (past 80 % of it): their own sparse index by the SLA's deadline,
    every filter a filter expression on it (both lists are short by nature)."""
    sort = sort_of(view, filters)
    _only_open(filters)
    low, high = day_bounds(filters.day_from, filters.day_to)
    where = _where(filters, set(), open_only=True)
    if filters.status == OPEN:
        where.pop("status", None)
    if view == "overdue":
        return Plan("open_by_sla", district, SLA_DUE, sort == DUE_NEAREST, high=now, where=where,
                    created_low=low, created_high=high)
    return Plan("at_risk", district, SLA_DUE, sort == DUE_NEAREST, where=where, created_low=low, created_high=high)


def plan_kind(district: str, kind: str, since: str, filters: Filters) -> Plan:
    """The week's suggestions (demands, requests): the kind's index from `since`, the days asked within it."""
    sort = sort_of("kind", filters)
    if filters.kind not in (None, kind):
        raise FilterNotOffered("kind", filters.kind, (kind,))
    low, high = day_bounds(filters.day_from, filters.day_to)
    return Plan("by_kind", f"{district}#{kind}", CREATED, sort == OLDEST, max(low or since, since), high,
                _where(filters, {"kind"}, open_only=False))


def plan_caller(phone: str, district: str, filters: Filters) -> Plan:
    """A caller's tickets (few): their phone's index, this district's, every other filter an expression."""
    sort = sort_of("caller", filters)
    low, high = day_bounds(filters.day_from, filters.day_to)
    where = {"district": (district,), **_where(filters, set(), open_only=False)}
    return Plan("by_caller", phone, CREATED, sort == OLDEST, low, high, where)
