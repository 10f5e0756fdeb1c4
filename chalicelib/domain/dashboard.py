"""The Collector's dashboard, computed from counter items alone (chalicelib/domain/figures.py says
which items exist). Reads: one item per day of the month, the open gauges, one item per line today."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.clock import IST, iso
from chalicelib.domain.district import LEVELS, District
from chalicelib.domain.figures import OPEN_PERIOD, TTR_BUCKETS, district_scope, median_from_histogram

MONTH_DAYS = 30
WEEK_DAYS = 7
TOTALS = ("registered", "resolved", "closed", "reopened", "escalated")
# A department's grade: share of the month's resolutions inside the SLA (see _grade).
GRADE_FLOORS = (("A", 90.0), ("B", 75.0), ("C", 60.0))

Key = tuple[str, str]


def _days(now: datetime) -> list[str]:
    today = now.astimezone(IST).date()
    return [(today - timedelta(days=n)).isoformat() for n in range(MONTH_DAYS - 1, -1, -1)]


def keys(district: District, now: datetime) -> list[Key]:
    scope = district_scope(district.code)
    days = _days(now)
    return ([(scope, f"DAY#{d}") for d in days] + [(scope, OPEN_PERIOD)]
            + [(f"LINE#{line}", f"DAY#{days[-1]}") for line, _ in district.lines()])


def _sum(items: list[dict[str, int]], name: str) -> int:
    return sum(item.get(name, 0) for item in items)


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _grade(in_sla: float | None, open_total: int, open_overdue: int) -> str:
    """From the month's resolutions inside the SLA (A when there are none yet), one grade lower when more
    than a quarter of what the department holds now is overdue, two when more than half."""
    index = next((i for i, (_, floor) in enumerate(GRADE_FLOORS) if in_sla is None or in_sla >= floor), 3)
    share = open_overdue / open_total if open_total else 0.0
    index += 2 if share > 0.5 else 1 if share > 0.25 else 0
    return "ABCD"[min(index, 3)]


def build(district: District, now: datetime, items: dict[Key, dict[str, int]]) -> dict[str, Any]:
    scope = district_scope(district.code)
    days = _days(now)
    daily = [items.get((scope, f"DAY#{d}"), {}) for d in days]
    month, week, today = daily, daily[-WEEK_DAYS:], daily[-1:]
    gauges = items.get((scope, OPEN_PERIOD), {})

    def bucket(span: list[dict[str, int]]) -> dict[str, int]:
        return {name: _sum(span, name) for name in TOTALS}

    pending, grades = [], []
    open_total = open_overdue = 0
    for dep in district.departments.values():
        by_level = {level: max(0, gauges.get(f"open_{level}_{dep.id}", 0)) for level in LEVELS}
        total = sum(by_level.values())
        overdue = max(0, gauges.get(f"overdue_{dep.id}", 0))
        open_total, open_overdue = open_total + total, open_overdue + overdue
        pending.append({"department": dep.id, "names": dep.names, **by_level, "total": total})
        resolved = _sum(month, f"resolved_{dep.id}")
        in_sla = _percent(_sum(month, f"resolved_in_sla_{dep.id}"), resolved)
        grades.append({"department": dep.id, "names": dep.names, "grade": _grade(in_sla, total, overdue),
                       "resolved": resolved, "in_sla_percent": in_sla, "open_overdue": overdue})

    resolved, in_sla = _sum(month, "resolved"), _sum(month, "resolved_in_sla")
    closed, satisfied = _sum(month, "closed"), _sum(month, "closed_satisfied")
    no_response = _sum(month, "closed_no_response")
    closed_in_sla = _sum(month, "closed_in_sla")
    histogram = {f"ttr_{b}": _sum(month, f"ttr_{b}") for b in TTR_BUCKETS} | {"ttr_more": _sum(month, "ttr_more")}

    calls = []
    for line, hotline in district.lines():
        figures = items.get((f"LINE#{line}", f"DAY#{days[-1]}"), {})
        hours = []
        for hour in range(24):
            answered = figures.get(f"h{hour:02d}_answered", 0)
            tickets = figures.get(f"h{hour:02d}_tickets", 0)
            # Abandoned: answered by the IVR but left before a complaint was registered.
            hours.append({"hour": hour, "answered": answered, "abandoned": max(0, answered - tickets)})
        calls.append({"line": line, "hotline": hotline, "hours": hours})

    return {
        "district": district.code, "as_of": iso(now), "today": days[-1],
        "totals": {"today": bucket(today), "week": bucket(week), "month": bucket(month)},
        "daily": [{"date": d, "registered": item.get("registered", 0), "resolved": item.get("resolved", 0),
                   "closed": item.get("closed", 0)} for d, item in zip(days, daily, strict=True)],
        "pending": pending,
        "open_total": open_total,
        # First on the Collector's screen: open emergencies and urgent tickets (gauges kept on write).
        "open_emergencies": max(0, gauges.get("emergency_open", 0)),
        "open_urgent": max(0, gauges.get("urgent_open", 0)),
        "open_overdue": open_overdue,
        # What waits for a decision (a request to the level above) and what is near its SLA, beside the above:
        # the Collector's screen leads with these four.
        "waiting_decision": max(0, gauges.get("waiting_decision", 0)),
        "open_at_risk": max(0, gauges.get("at_risk_open", 0)),
        # On time said of both sides, so a month of punctual closures cannot hide what is overdue now.
        "on_time": {"closed": {"closed": closed, "in_sla": closed_in_sla, "percent": _percent(closed_in_sla, closed)},
                    "open": {"open": open_total, "overdue": open_overdue,
                             "percent": _percent(open_overdue, open_total)}},
        "sla_compliance": {"resolved": resolved, "in_sla": in_sla, "percent": _percent(in_sla, resolved)},
        "closures": {"closed": closed, "satisfied": satisfied, "no_response": no_response,
                     "special": max(0, closed - satisfied - no_response),
                     "satisfied_percent": _percent(satisfied, closed)},
        "reopen_rate": {"reopened": _sum(month, "reopened"), "resolved": resolved,
                        "percent": _percent(_sum(month, "reopened"), resolved)},
        "median_hours_to_resolve": median_from_histogram(histogram),
        "calls_by_hour": calls,
        "grades": grades,
    }
