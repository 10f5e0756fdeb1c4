"""Messages to the citizen about their ticket, sent once per event however often it is delivered."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from chalicelib.domain.clock import IST, parse_iso
from chalicelib.domain.district import is_e164
from chalicelib.domain.events import TICKET_CREATED, DomainEvent
from chalicelib.domain.ports import Claims, Directory, SmsSender
from chalicelib.i18n import catalog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NoticeOutcome:
    sent: bool
    reason: str


def registration_sms(event: DomainEvent, district_name: str) -> str:
    created = parse_iso(event.data["created_at"]).astimezone(IST)
    return catalog(event.data["language"]).text(
        "sms_ticket_registered", number=event.complaint_number, date=f"{created:%d-%m-%Y}",
        district=district_name)


def notify_citizen(event: DomainEvent, directory: Directory, sms: SmsSender, claims: Claims) -> NoticeOutcome:
    if event.type != TICKET_CREATED:
        return NoticeOutcome(False, f"no citizen notice for {event.type}")
    phone = event.data.get("caller_phone", "")
    if not is_e164(phone):
        # Withheld or malformed caller ID: the number was read out on the call; nothing to text.
        log.warning("ticket %s: caller number withheld, no SMS", event.complaint_number)
        return NoticeOutcome(False, "caller number withheld")
    district = directory.district(event.data["district"])
    if district is None:
        raise LookupError(f"district {event.data['district']} is not in the directory")
    key = f"citizen-sms#{event.id}"
    if not claims.claim(key):
        return NoticeOutcome(False, "already sent")
    body = registration_sms(event, district.name_in(event.data["language"]))
    try:
        sid = sms.send_sms(to=phone, body=body, sender=district.sms_sender)
    except Exception:
        claims.release(key)
        raise
    claims.confirm(key, sid)
    return NoticeOutcome(True, sid)
