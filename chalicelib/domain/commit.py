"""Writing a lifecycle change and sending its events: the one way every channel applies a change."""
from __future__ import annotations

import logging

from chalicelib.domain.lifecycle import Change
from chalicelib.domain.ports import EventDispatcher, StaleTicket, TicketStore

log = logging.getLogger(__name__)


def commit(change: Change, store: TicketStore, dispatcher: EventDispatcher) -> bool:
    """False when someone else changed the ticket first (nothing written); events left unsent wait
    in the outbox for the sweep."""
    try:
        store.save_change(change)
    except StaleTicket:
        return False
    for event in change.events:
        try:
            dispatcher.dispatch(event)
        except Exception:
            log.exception("event %s left in the outbox for the sweep", event.id)
    return True
