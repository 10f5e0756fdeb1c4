"""The scheduled sweep: due tickets (reminders, escalations, feedback calls, closes), then the outbox."""
from __future__ import annotations

import logging

from chalicelib import wiring

log = logging.getLogger(__name__)


def run() -> dict[str, int]:
    from chalicelib.domain.clock import iso
    from chalicelib.domain.sweep import sweep_tickets
    from chalicelib.events.outbox import sweep_outbox

    now = wiring.clock().now()
    store = wiring.ticket_store()
    tickets = sweep_tickets(store.due_numbers(iso(now)), store, wiring.directory(), wiring.dispatcher(),
                            wiring.clock())
    outbox = sweep_outbox(now)
    report = {"tickets_due": tickets.looked_at, "ticket_changes": tickets.changes, "stale": tickets.stale,
              "outbox_resent": outbox.resent, "outbox_failed": outbox.failed}
    if any(report.values()):
        log.info("sweep: %s", report)
    return report
