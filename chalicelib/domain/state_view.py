"""The state view: every district of a state side by side, from the same counter items as each Collector's
dashboard (chalicelib/domain/figures.py), never from tickets. Reads per district: one item per day of the
month and the open gauges, so the view costs the same with 10 tickets or 10 million.

A district is ranked only when it resolved at least the state file's `ranking_min_tickets` in the 30 days:
below that, a grade and a percentage say little, so the district is shown below the ranked ones, unranked.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.clock import iso
from chalicelib.domain.dashboard import GRADE_FLOORS, TOTALS, Key, _days, _grade, _percent, _sum
from chalicelib.domain.figures import OPEN_PERIOD, district_scope

CSV_COLUMNS = ("rank", "code", "name", "ranked", "registered", "resolved", "closed", "reopened", "escalated",
               "open", "overdue", "sla_compliance", "satisfaction", "reopen_rate", "grade")
GRADES = "".join(grade for grade, _ in GRADE_FLOORS) + "D"


def keys(codes: list[str], now: datetime) -> list[Key]:
    days = _days(now)
    return [key for code in codes
            for key in [(district_scope(code), f"DAY#{d}") for d in days] + [(district_scope(code), OPEN_PERIOD)]]


def _entry(code: str, names: dict[str, str], now: datetime, items: dict[Key, dict[str, int]],
           ranking_min: int) -> dict[str, Any]:
    scope = district_scope(code)
    month = [items.get((scope, f"DAY#{d}"), {}) for d in _days(now)]
    gauges = items.get((scope, OPEN_PERIOD), {})
    # Each gauge is per level and department; a district file's departments need not be read to add them up.
    open_total = sum(max(0, n) for name, n in gauges.items() if name.startswith("open_"))
    overdue = sum(max(0, n) for name, n in gauges.items() if name.startswith("overdue_"))
    resolved, in_sla = _sum(month, "resolved"), _sum(month, "resolved_in_sla")
    closed, satisfied, reopened = _sum(month, "closed"), _sum(month, "closed_satisfied"), _sum(month, "reopened")
    sla = _percent(in_sla, resolved)
    return {"code": code, "name": names, "totals": {name: _sum(month, name) for name in TOTALS},
            "open": open_total, "overdue": overdue,
            "sla_compliance": {"resolved": resolved, "in_sla": in_sla, "percent": sla},
            "satisfaction": {"closed": closed, "satisfied": satisfied, "percent": _percent(satisfied, closed)},
            "reopen_rate": {"reopened": reopened, "resolved": resolved, "percent": _percent(reopened, resolved)},
            "grade": _grade(sla, open_total, overdue), "ranked": resolved >= ranking_min,
            "rank": None}


def _order(entry: dict[str, Any]) -> tuple[Any, ...]:
    """Better first: the grade, then resolutions in the SLA, satisfied citizens, fewer reopened, fewer overdue."""
    def high(figure: dict[str, Any]) -> float:
        return -(figure["percent"] if figure["percent"] is not None else -1.0)

    reopen = entry["reopen_rate"]["percent"]
    return (GRADES.index(entry["grade"]), high(entry["sla_compliance"]), high(entry["satisfaction"]),
            reopen if reopen is not None else 0.0, entry["overdue"], entry["code"])


def build(state_code: str, districts: list[tuple[str, dict[str, str]]], now: datetime,
          items: dict[Key, dict[str, int]], ranking_min: int) -> dict[str, Any]:
    """`districts`: (code, names) in the state file's order. Ranked districts first, by rank (1 is best);
    then the unranked, in the file's order."""
    entries = [_entry(code, names, now, items, ranking_min) for code, names in districts]
    ranked = sorted((e for e in entries if e["ranked"]), key=_order)
    for rank, entry in enumerate(ranked, start=1):
        entry["rank"] = rank
    return {"state": state_code, "as_of": iso(now), "today": _days(now)[-1], "days": len(_days(now)),
            "ranking_min_tickets": ranking_min,
            "districts": ranked + [e for e in entries if not e["ranked"]]}


def csv_row(entry: dict[str, Any], language: str) -> list[Any]:
    names = entry["name"]
    totals = entry["totals"]
    return [entry["rank"] or "", entry["code"], names.get(language) or names.get("en") or entry["code"],
            "yes" if entry["ranked"] else "no", totals["registered"], totals["resolved"], totals["closed"],
            totals["reopened"], totals["escalated"], entry["open"], entry["overdue"],
            _blank(entry["sla_compliance"]["percent"]), _blank(entry["satisfaction"]["percent"]),
            _blank(entry["reopen_rate"]["percent"]), entry["grade"]]


def _blank(value: float | None) -> Any:
    return "" if value is None else value
