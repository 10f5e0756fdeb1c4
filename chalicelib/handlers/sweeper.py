"""The scheduled sweep: due callbacks, due tickets (reminders, escalations, feedback calls, closes), then the
outbox."""
from __future__ import annotations

import logging
from datetime import datetime

from chalicelib import wiring

log = logging.getLogger(__name__)


def run() -> dict[str, int]:
    from chalicelib.domain.clock import iso
    from chalicelib.domain.sweep import sweep_tickets
    from chalicelib.events.outbox import sweep_outbox

    now = wiring.clock().now()
    callbacks = _place_callbacks(now)  # first: a caller waits for these within the minute
    store = wiring.ticket_store()
    tickets = sweep_tickets(store.due_numbers(iso(now)), store, wiring.directory(), wiring.dispatcher(),
                            wiring.clock())
    outbox = sweep_outbox(now)
    report = {"tickets_due": tickets.looked_at, "ticket_changes": tickets.changes, "stale": tickets.stale,
              "outbox_resent": outbox.resent, "outbox_failed": outbox.failed, **callbacks}
    if any(report.values()):
        log.info("sweep: %s", report)
    return report


def _place_callbacks(now: datetime) -> dict[str, int]:
    """Missed-call and after-hours callbacks that are due (domain/callbacks.py); a failure here must not
    keep the tickets from their sweep."""
    from chalicelib.domain.callbacks import place_due_callbacks

    try:
        done = place_due_callbacks(wiring.callbacks(), wiring.caller(), now)
    except Exception:
        log.exception("callbacks: the sweep could not place them; the next sweep tries again")
        return {"callbacks_failed": 1}
    return {"callbacks_placed": done.placed, "callbacks_failed": done.failed, "callbacks_given_up": done.given_up}
