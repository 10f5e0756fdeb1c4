"""Dashboard figures kept on write: every registration and transition adds to counter items, so the
Collector's dashboard reads a fixed handful of items however many tickets there are.

Items (scope / period):
- DISTRICT#<code> / DAY#<IST date>: registered, resolved, resolved_in_sla, closed, closed_in_sla,
  closed_<closure>, reopened, escalated, ttr_<hours> (time-to-resolve histogram), each also per department
  (<figure>_<dept>).
- DISTRICT#<code> / OPEN: gauges, open_<level>_<dept> and overdue_<dept>, <urgency>_open, waiting_decision
  (a request waits for the level above) and at_risk_open, moved up and down by each change.
- LINE#<number> / DAY#<IST date>: h<HH>_calls, h<HH>_answered, h<HH>_missed, h<HH>_tickets.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.domain.clock import ist_date, ist_hour, parse_iso
from chalicelib.domain.ticket import CounterIncrement, Ticket

OPEN_PERIOD = "OPEN"
# Upper bounds, in hours, of the time-to-resolve histogram: the median is read off it.
TTR_BUCKETS = (1, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 168, 240, 336, 720, 2160)


def district_scope(code: str) -> str:
    return f"DISTRICT#{code}"


def day_period(at: datetime) -> str:
    return f"DAY#{ist_date(at)}"


def line_day(line: str, at: datetime, figures: dict[str, int]) -> CounterIncrement:
    hour = ist_hour(at)[-2:]
    return CounterIncrement(scope=f"LINE#{line}", period=day_period(at),
                            figures={f"h{hour}_{name}": n for name, n in figures.items()})


def ttr_bucket(hours: float) -> str:
    bound = next((b for b in TTR_BUCKETS if hours <= b), None)
    return f"ttr_{bound}" if bound else "ttr_more"


def resolution_figures(ticket: Ticket, resolved_at: str) -> dict[str, int]:
    hours = (parse_iso(resolved_at) - parse_iso(ticket.created_at)).total_seconds() / 3600
    figures = {"resolved": 1, ttr_bucket(hours): 1}
    if resolved_at <= ticket.sla_due_at:
        figures["resolved_in_sla"] = 1
    return figures


def closure_figures(ticket: Ticket, closure: str, closed_at: str) -> dict[str, int]:
    """A closure's counts. On time is judged where the officer's work ended (the resolution; a closure
    without one, when it closed), so a citizen's late answer does not make an officer's work late."""
    figures = {"closed": 1, f"closed_{closure}": 1}
    if (ticket.resolved_at or closed_at) <= ticket.sla_due_at:
        figures["closed_in_sla"] = 1
    return figures


def _gauges(ticket: Ticket | None) -> dict[str, int]:
    if ticket is None or not ticket.is_open:
        return {}
    gauges = {f"open_{ticket.level}_{ticket.department}": 1}
    if ticket.sla_breached:
        gauges[f"overdue_{ticket.department}"] = 1
    if ticket.urgency != "normal":  # not "open_…": those add up to the open total, by level and department
        gauges[f"{ticket.urgency}_open"] = 1
    if ticket.pending:
        gauges["waiting_decision"] = 1
    if ticket.sla_at_risk and not ticket.sla_breached:
        gauges["at_risk_open"] = 1
    return gauges


def open_gauges(before: Ticket | None, after: Ticket) -> CounterIncrement | None:
    """What a change does to the open-ticket gauges (None when nothing moves)."""
    old, new = _gauges(before), _gauges(after)
    delta = {k: new.get(k, 0) - old.get(k, 0) for k in old.keys() | new.keys()}
    delta = {k: v for k, v in delta.items() if v}
    if not delta:
        return None
    return CounterIncrement(scope=district_scope(after.district), period=OPEN_PERIOD, figures=delta)


def median_from_histogram(figures: dict[str, int], suffix: str = "") -> float | None:
    """The median hours to resolve, interpolated inside its bucket."""
    counts: list[tuple[int | None, int]] = [(b, int(figures.get(f"ttr_{b}{suffix}", 0))) for b in TTR_BUCKETS]
    counts.append((None, int(figures.get(f"ttr_more{suffix}", 0))))
    total = sum(n for _, n in counts)
    if not total:
        return None
    half, seen, lower = total / 2, 0, 0.0
    for bound, n in counts:
        if n and seen + n >= half:
            if bound is None:
                return float(lower)
            return round(lower + (bound - lower) * (half - seen) / n, 1)
        seen += n
        lower = float(bound) if bound is not None else lower
    return float(lower)
