"""The sweeper's work on tickets: what time demands of each ticket that is due."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.domain.clock import Clock
from chalicelib.domain.commit import commit
from chalicelib.domain.lifecycle import Lifecycle
from chalicelib.domain.ports import Directory, EventDispatcher, TicketStore

log = logging.getLogger(__name__)

# A ticket's due actions are taken one at a time (a reminder, then the escalation...); a sweep
# catches up at most this many per ticket, the next sweep does the rest.
MAX_STEPS_PER_TICKET = 6


@dataclass(frozen=True)
class TicketSweep:
    looked_at: int
    changes: int
    stale: int


def sweep_tickets(due: Iterable[str], store: TicketStore, directory: Directory, dispatcher: EventDispatcher,
                  clock: Clock) -> TicketSweep:
    looked = changes = stale = 0
    now = clock.now()
    for number in due:
        looked += 1
        ticket = store.get(number)
        if ticket is None:
            continue
        district = directory.district(ticket.district)
        if district is None:
            log.error("ticket %s: district %s is not in the directory", number, ticket.district)
            continue
        lifecycle = Lifecycle(district, now)
        for _ in range(MAX_STEPS_PER_TICKET):
            change = lifecycle.tick(ticket)
            if change is None:
                break
            if not commit(change, store, dispatcher):
                stale += 1  # an officer acted meanwhile; the next sweep looks again
                break
            changes += 1
            ticket = change.after
            if any(event.type == "feedback.call_due" for event in change.events):
                break  # one call per sweep: a backlog must not ring the citizen twice in a row
    return TicketSweep(looked_at=looked, changes=changes, stale=stale)
