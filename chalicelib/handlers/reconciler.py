"""The scheduled reconciliation (every 15 minutes): recordings whose call has no ticket get one.

See chalicelib/domain/reconcile.py. `manage.py reconcile` runs the same function by hand, with progress.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from chalicelib import settings, wiring

# Lambda stops the function at its timeout: leave this much to log the summary and return.
_MARGIN_SECONDS = 10
# A run by hand (no Lambda context) ends before the next scheduled one would start.
_BY_HAND_SECONDS = 14 * 60


def _deadline(event: Any, budget_seconds: float | None) -> Callable[[], bool]:
    """Asked before each page and each ticket. Lambda's context is asked again each time, not only at the
    start: the local pump's runs out at once when the stack is stopping (chalicelib/local/pump.py)."""
    context = getattr(event, "context", None)
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining):
        ends = time.monotonic() + (_BY_HAND_SECONDS if budget_seconds is None else budget_seconds)
        return lambda: time.monotonic() >= ends
    ends = time.monotonic() + remaining() / 1000 - _MARGIN_SECONDS
    return lambda: time.monotonic() >= ends or remaining() / 1000 <= _MARGIN_SECONDS


def run(event: Any = None, hours: float | None = None, min_age_minutes: float | None = None,
        budget_seconds: float | None = None, max_pages: int | None = None,
        progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    from chalicelib import powertools
    from chalicelib.domain.reconcile import DEFAULT_MIN_AGE, MAX_PAGES, reconcile

    powertools.read_secrets_through_parameters()
    hours = settings.reconcile_hours() if hours is None else hours
    with powertools.tracer().provider.in_subsegment("## reconcile") as subsegment:
        report = reconcile(
            wiring.recordings(), wiring.call_tickets(), wiring.directory(), wiring.ticket_store(),
            wiring.dispatcher(), wiring.clock(), hours=hours,
            min_age=DEFAULT_MIN_AGE if min_age_minutes is None else timedelta(minutes=min_age_minutes),
            out_of_time=_deadline(event, budget_seconds), max_pages=MAX_PAGES if max_pages is None else max_pages,
            progress=progress or (lambda _line: None))
        # A number, so X-Ray can filter on it; the SDK types it as numbers.Number, which int is not to mypy.
        subsegment.put_annotation("tickets_created", len(report.created))  # type: ignore[arg-type]
    summary = report.summary()
    logger = powertools.logger()
    log = logger.warning if report.stopped or report.failed else logger.info
    log("reconcile: last %s h, %s recordings on %s pages, %s tickets created, %s already had one%s",
        f"{hours:g}", report.looked_at, report.pages, len(report.created), report.had_ticket,
        f"; stopped early: {report.stopped}" if report.stopped else "", extra={"summary": summary})
    return summary
