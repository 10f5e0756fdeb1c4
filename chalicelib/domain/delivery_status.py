"""The carrier's word on a message we sent: onto the ticket's timeline, and a bounced WhatsApp message, a
citizen's or an officer's, walks on to the next channel of the district's plan (domain/delivery.py)."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.clock import Clock, iso
from chalicelib.domain.delivery import BOUNCE_EVENT
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ports import EventDispatcher, TicketStore
from chalicelib.domain.ticket import Ticket, TimelineEntry, snapshot

FAILED = ("failed", "undelivered")
OFFICER_NOTICE = "officer"  # domain/notices.py's key of the officer's notice


def record_delivery(number: str, message_sid: str, status: str, to: str, error_code: str,
                    store: TicketStore, dispatcher: EventDispatcher, clock: Clock, sent_for: str = "",
                    notice: str = "", carrier: str = "twilio") -> bool:
    """Return False for an unknown ticket (nothing written). `sent_for` is the type of the event the message
    was sent for and `notice` the notice's key, when its status callback URL says so; `carrier` the one that
    posted the status (the timeline names it)."""
    ticket = store.get(number)
    if ticket is None:
        return False
    at = iso(clock.now())
    channel = "whatsapp" if to.startswith("whatsapp:") else "sms"
    phone = to.removeprefix("whatsapp:")
    # Once per message and status: Twilio may post a status again, and each post is the same fact.
    store.add_timeline(TimelineEntry(complaint_number=number, at=at, actor_type="system", actor_id=carrier,
                                     action=f"message_{status}", channel=channel,
                                     detail={"message_sid": message_sid, "to": phone, "error_code": error_code,
                                             **({"notice": notice} if notice else {})}),
                       once_key=f"delivery#{message_sid}#{status}")
    if channel == "whatsapp" and status in FAILED:
        if not notice:
            # Sent before callbacks named their notice: only officers had WhatsApp, and a callback that named
            # no event either was set on a forward.
            notice, sent_for = OFFICER_NOTICE, sent_for or "ticket.created"
        # The id comes from the message: Twilio repeating the callback (or posting both "failed" and
        # "undelivered") finds the next channel's claim taken and sends no second copy.
        dispatcher.dispatch(DomainEvent(type=BOUNCE_EVENT, complaint_number=number,
                                        version=ticket.version, at=at, id=f"whatsapp-failed-{message_sid}",
                                        data={**snapshot(ticket), "phone": phone, "message_sid": message_sid,
                                              "failed_event": sent_for, "notice": notice,
                                              "remark": ticket.resolution_remark or "",
                                              **_repeatable(ticket)}))
    return True


def _repeatable(ticket: Ticket) -> dict[str, Any]:
    """What a bounced message said that the snapshot lacks and the ticket still knows: its closure, and the
    request waiting for the level above (the approver's message). A decision's words are gone once made: its
    bounce stays on the timeline as `message_failed`, and the requester sees the decision in the console."""
    extra: dict[str, Any] = {"closure": ticket.closure} if ticket.closure else {}
    pending = ticket.pending or {}
    if pending:
        terms: dict[str, Any] = {name: pending[name] for name in ("days", "code") if name in pending}
        extra |= {**terms, "reason": pending.get("reason", ""), "requested_by": pending.get("by", "")}
    return extra
