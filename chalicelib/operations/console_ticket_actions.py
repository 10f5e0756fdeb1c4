"""A console user acts on a ticket (acknowledge, resolve, more time, …): the lifecycle decides, the change is
written if nobody changed the ticket since it was read, and its events are sent."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.commit import commit
from chalicelib.domain.district import District
from chalicelib.domain.lifecycle import Actor, Lifecycle
from chalicelib.domain.ports import EventDispatcher, TicketStore
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.ticket_actions import TicketAction, call_arguments


class TicketMoved(Exception):
    """Someone changed the ticket since it was read; nothing was written (the user reloads and decides again)."""


def perform_ticket_action(action: TicketAction, ticket: Ticket, given: dict[str, Any], actor: Actor,
                          district: District, now: datetime, tickets: TicketStore,
                          dispatcher: EventDispatcher) -> Ticket:
    """The ticket after the action. Raises NotAllowed (the lifecycle's refusal) or TicketMoved."""
    change = action.perform(Lifecycle(district, now), ticket, actor, *call_arguments(action, given))
    if not commit(change, tickets, dispatcher):
        raise TicketMoved(ticket.complaint_number)
    return change.after
