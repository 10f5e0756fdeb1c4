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


def _deadline(event: Any, budget_seconds: float | None) -> Callable[[], bool]:
    context = getattr(event, "context", None)
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    seconds = remaining() / 1000 - _MARGIN_SECONDS if callable(remaining) else budget_seconds
    if seconds is None:
        return lambda: False
    ends = time.monotonic() + seconds
    return lambda: time.monotonic() >= ends


def run(event: Any = None, hours: float | None = None, min_age_minutes: float | None = None,
        budget_seconds: float | None = None, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    from chalicelib import powertools
    from chalicelib.domain.reconcile import DEFAULT_MIN_AGE, reconcile

    powertools.read_secrets_through_parameters()
    hours = settings.reconcile_hours() if hours is None else hours
    with powertools.tracer().provider.in_subsegment("## reconcile") as subsegment:
        report = reconcile(
            wiring.recordings(), wiring.call_tickets(), wiring.directory(), wiring.ticket_store(),
            wiring.dispatcher(), wiring.clock(), hours=hours,
            min_age=DEFAULT_MIN_AGE if min_age_minutes is None else timedelta(minutes=min_age_minutes),
            out_of_time=_deadline(event, budget_seconds), progress=progress or (lambda _line: None))
        # A number, so X-Ray can filter on it; the SDK types it as numbers.Number, which int is not to mypy.
        subsegment.put_annotation("tickets_created", len(report.created))  # type: ignore[arg-type]
    summary = report.summary()
    logger = powertools.logger()
    log = logger.warning if report.stopped or report.failed else logger.info
    log("reconcile: last %s h, %s recordings on %s pages, %s tickets created, %s already had one%s",
        f"{hours:g}", report.looked_at, report.pages, len(report.created), report.had_ticket,
        f"; stopped early: {report.stopped}" if report.stopped else "", extra={"summary": summary})
    return summary
