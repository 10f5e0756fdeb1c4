"""Sending an event's notices once each, however often the event is delivered.

Officers get the district's approved WhatsApp template when they have WhatsApp, and the SMS text
when they do not or when WhatsApp refuses; a WhatsApp message that bounces later comes back through
its status callback as an `officer.whatsapp_failed` event and goes out again by SMS.
"""
from __future__ import annotations

import logging
from urllib.parse import urlencode

from chalicelib.domain.district import District
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.notices import Notice, RecordingLinks, notices_for
from chalicelib.domain.ports import Claims, Directory, Messenger

log = logging.getLogger(__name__)

STATUS_PATH = "/twilio/messaging/status/{number}"
FAILED_EVENT_PARAM = "event"  # on a WhatsApp message's status callback: the event the message was for


def deliver(event: DomainEvent, directory: Directory, messenger: Messenger, claims: Claims,
            links: RecordingLinks) -> list[str]:
    district = directory.district(event.data.get("district", ""))
    if district is None:
        raise LookupError(f"district {event.data.get('district')!r} is not in the directory")
    notices = {f"notice#{event.id}#{n.key}": n for n in notices_for(event, district, links)}
    if not notices:
        return []
    claimed = claims.claim_all(list(notices))  # one write for all of them on a first delivery
    outcomes, sent = [], {}
    try:
        for key, notice in notices.items():
            if key not in claimed:
                outcomes.append(f"{notice.key}: sent before")
                continue
            sent[key] = _send(notice, event, district, messenger)
            outcomes.append(f"{notice.key}: {sent[key]}")
    except Exception:
        for key in claimed - set(sent):
            claims.release(key)  # the retry sends these; the ones already sent stay claimed
        raise
    finally:
        if sent:
            claims.confirm_all(sent)
    return outcomes


def _send(notice: Notice, event: DomainEvent, district: District, messenger: Messenger) -> str:
    status = STATUS_PATH.format(number=event.complaint_number)
    whatsapp = district.whatsapp
    template = whatsapp.templates.get(notice.template or "") if whatsapp else None
    if notice.whatsapp_to and whatsapp and template:
        # Twilio's status callback does not say which message bounced: the URL carries the event it came
        # from, so the SMS fallback repeats that message (a reminder, not the forward).
        callback = f"{status}?{urlencode({FAILED_EVENT_PARAM: event.type})}"
        try:
            return messenger.send_whatsapp(to=notice.whatsapp_to, sender=whatsapp.sender,
                                           content_sid=template, variables=notice.variables, status_callback=callback)
        except Exception as error:  # refused outright: the SMS below still reaches the officer
            log.warning("ticket %s: WhatsApp to %s refused (%s); sending SMS", event.complaint_number,
                        notice.key, error)
    return messenger.send_sms(to=notice.to, body=notice.body, sender=district.sms_sender, status_callback=status)
