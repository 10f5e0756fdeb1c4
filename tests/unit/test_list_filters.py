"""Which index answers which filter (domain/list_filters.py): the most selective key asked for, the rest a filter
expression on the same Query, the registration days a key condition where the range key is the registration."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.domain.list_filters import (
    FilterNotOffered,
    Filters,
    day_bounds,
    plan_caller,
    plan_deadline_list,
    plan_queue,
    plan_recent,
)
from chalicelib.domain.ticket import OPEN_STATUSES


def test_recent_queries_the_index_of_the_most_selective_filter_and_filters_the_rest():
    plan = plan_recent("RPR", Filters(status="open", urgency="emergency", department="health"))
    assert (plan.index, plan.key, plan.range_key, plan.forward) == ("by_department", "RPR#health", "created_at", False)
    assert plan.where == {"urgency": ("emergency",), "status": OPEN_STATUSES}
    assert plan_recent("RPR", Filters(category="water", department="water")).index == "by_category"
    assert plan_recent("RPR", Filters(status="open", urgency="emergency")).key == "RPR#emergency"
    assert plan_recent("RPR", Filters(status="closed")).index == "by_status"
    assert plan_recent("RPR", Filters(status="open")).where == {}  # open_by_day holds open tickets only
    assert plan_recent("RPR", Filters(status="open")).index == "open_by_day"
    assert plan_recent("RPR", Filters(level="L2")).where == {"level": ("L2",)}
    assert plan_recent("RPR", Filters(level="L2", status="closed")).where == {"level": ("L2",)}  # by_status's key
    assert plan_recent("RPR", Filters(kind="complaint")).index == "by_district"  # complaints: most tickets
    assert plan_recent("RPR", Filters(sort="oldest")).forward is True


def test_the_days_registered_are_ist_days_on_the_range_key():
    assert day_bounds(date(2026, 12, 4), date(2026, 12, 4)) == ("2026-12-03T18:30:00Z", "2026-12-04T18:29:59Z")
    plan = plan_recent("RPR", Filters(day_from=date(2026, 12, 1), department="water"))
    assert (plan.low, plan.high, plan.created_low) == ("2026-11-30T18:30:00Z", None, None)
    due = plan_recent("RPR", Filters(day_to=date(2026, 12, 1), sort="due_nearest"))
    assert (due.index, due.range_key, due.created_high) == ("open_by_due", "level_due_at", "2026-12-01T18:29:59Z")
    assert plan_caller("+919812345678", "RPR", Filters(day_from=date(2026, 12, 1))).low == "2026-11-30T18:30:00Z"


def test_sorted_by_deadline_the_post_department_or_level_index_is_used():
    assert plan_recent("RPR", Filters(sort="due_nearest", department="water", level="L2")).key == "RPR#water#L2"
    assert plan_recent("RPR", Filters(sort="due_farthest", level="L2")).index == "by_level_due"
    assert plan_queue("RPR", "water", "L1", Filters(urgency="emergency")).where == {"urgency": ("emergency",)}
    assert plan_queue("RPR", "water", None, Filters(level="L3")).key == "RPR#water#L3"


def test_what_a_list_cannot_answer_is_refused_with_what_it_can():
    with pytest.raises(FilterNotOffered) as refused:
        plan_queue("RPR", "water", "L1", Filters(sort="newest"))
    assert refused.value.offered == ("due_nearest", "due_farthest")
    for plan, filters in ((plan_queue, Filters(status="closed")), (plan_queue, Filters(department="health"))):
        with pytest.raises(FilterNotOffered):
            plan("RPR", "water", "L1", filters)
    with pytest.raises(FilterNotOffered):
        plan_recent("RPR", Filters(status="resolved", sort="due_nearest"))  # a deadline is an open ticket's
    with pytest.raises(FilterNotOffered):
        plan_deadline_list("overdue", "RPR", "2026-12-04T00:00:00Z", Filters(status="closed"))
