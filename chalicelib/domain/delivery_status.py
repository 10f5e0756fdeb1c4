"""Twilio's word on a message we sent an officer: onto the ticket's timeline, and a bounced WhatsApp
forward goes out again by SMS."""
from __future__ import annotations

from chalicelib.domain.clock import Clock, iso
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ports import EventDispatcher, TicketRepository
from chalicelib.domain.ticket import TimelineEntry, snapshot

FAILED = ("failed", "undelivered")


def record_delivery(number: str, message_sid: str, status: str, to: str, error_code: str,
                    store: TicketRepository, dispatcher: EventDispatcher, clock: Clock) -> bool:
    """Return False for an unknown ticket (nothing written)."""
    ticket = store.get(number)
    if ticket is None:
        return False
    at = iso(clock.now())
    channel = "whatsapp" if to.startswith("whatsapp:") else "sms"
    phone = to.removeprefix("whatsapp:")
    store.add_timeline(TimelineEntry(complaint_number=number, at=at, actor_type="system", actor_id="twilio",
                                     action=f"message_{status}", channel=channel,
                                     detail={"message_sid": message_sid, "to": phone, "error_code": error_code}))
    if channel == "whatsapp" and status in FAILED:
        dispatcher.dispatch(DomainEvent(type="officer.whatsapp_failed", complaint_number=number,
                                        version=ticket.version, at=at,
                                        data={**snapshot(ticket), "phone": phone, "message_sid": message_sid}))
    return True
