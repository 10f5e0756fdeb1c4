"""ConsoleQueries.planned, both sides of the port: a filtered list's plan (domain/list_filters.py) lists the same
tickets in the same order from the fake and from DynamoDB's indexes, page after page, and a page never reads
more than its size, however few of them the filter expression keeps."""
from __future__ import annotations

from datetime import date

from chalicelib.domain.lifecycle import Actor, Lifecycle
from chalicelib.domain.list_filters import Filters, plan_queue, plan_recent
from tests.contract.test_console_queries import AT, DISTRICT, NEIGHBOUR, Console, console  # noqa: F401 (fixture)

OPERATOR = Actor("operator", "operator.rpr", "console")


def _pages(console: Console, plan, limit: int = 2) -> list[str]:  # noqa: F811
    numbers, start = [], None
    for _ in range(20):
        page = console.queries.planned(plan, limit, start)
        assert len(page.tickets) <= limit and page.items_read <= limit
        numbers += [t.complaint_number for t in page.tickets]
        start = page.last_key
        if start is None:
            return numbers
    raise AssertionError("more pages than tickets")


def test_filtered_lists_agree_on_both_sides_page_after_page(console):  # noqa: F811
    water = [console.register(n).complaint_number for n in (1, 2, 3)]
    health = [console.register(n, caller=NEIGHBOUR, category="health").complaint_number for n in (4, 5)]
    electricity = console.register(6, category="electricity")
    moved = Lifecycle(DISTRICT, AT).transfer(console.store.get(water[0]), OPERATOR, "health", "x")
    console.change(moved)  # water's first ticket is health's department now, its category still water
    assert _pages(console, plan_recent("RPR", Filters(department="water"))) == water[:0:-1]
    assert _pages(console, plan_recent("RPR", Filters(department="health", sort="oldest"))) == [water[0], *health]
    assert _pages(console, plan_recent("RPR", Filters(category="water", department="health"))) == [water[0]]
    assert _pages(console, plan_recent("RPR", Filters(kind="complaint", urgency="normal")), 4) == [
        electricity.complaint_number, *health[::-1], *water[::-1]]
    day = AT.date()
    assert _pages(console, plan_recent("RPR", Filters(day_from=day, day_to=day, category="health"))) == health[::-1]
    assert _pages(console, plan_recent("RPR", Filters(day_to=date(2026, 11, 30)))) == []
    assert _pages(console, plan_queue("RPR", "health", None, Filters(category="health"))) == health
    # By the level's deadline: electricity's 48-hour SLA caps its L1 first; the last registered ends last.
    nearest = _pages(console, plan_recent("RPR", Filters(status="open", sort="due_nearest")), 3)
    assert nearest[0] == electricity.complaint_number and nearest[-1] == health[-1]
    assert _pages(console, plan_recent("RPR", Filters(status="open", sort="due_farthest")), 3) == nearest[::-1]
