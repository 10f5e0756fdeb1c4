"""Sending an event's notices exactly once each, however often the event is delivered.

Officers get the district's approved WhatsApp template when they have WhatsApp, and the SMS text
when they do not or when WhatsApp refuses; a WhatsApp message that bounces later comes back through
its status callback as an `officer.whatsapp_failed` event and goes out again by SMS.

A send whose answer never came (the carrier was slow, the connection dropped) is not a failure: the
carrier may have the message. Each claim carries what is being sent (written with the claim, so a consumer
killed mid-send leaves it too); on an unknown outcome the claim is held, and the retry asks the carrier for
that message before sending anything. Only a definite refusal frees the claim for a plain resend.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from urllib.parse import urlencode

from chalicelib.domain.clock import Clock, SystemClock, iso
from chalicelib.domain.district import District
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.notices import Notice, RecordingLinks, notices_for
from chalicelib.domain.ports import Attempt, Claims, Directory, DltIds, Messenger, OutcomeUnknown

log = logging.getLogger(__name__)

STATUS_PATH = "/messaging/status/{number}"  # carrier-neutral: the carrier's adapter prefixes "/{carrier}"
WHATSAPP_CARRIER = "twilio"  # WhatsApp templates go through Twilio only
FAILED_EVENT_PARAM = "event"  # on a WhatsApp message's status callback: the event the message was for


class _Tries:
    """The attempt in flight, so that an unknown outcome is held with exactly what was handed over."""

    def __init__(self, at: str, planned: Attempt | None = None, note: Callable[[Attempt], None] | None = None,
                 ) -> None:
        self.at = at  # the first try's time: a later try still looks for what an earlier one may have sent
        self.current = planned  # what the claim says is being sent
        self._note = note

    def begin(self, channel: str, to: str, sender: str, content: str, carrier: str) -> None:
        attempt = Attempt(channel, to, sender, content, self.at, carrier)
        if self._note and self.current is not None and attempt != self.current:
            self._note(attempt)  # not what the claim says (the SMS after a refused WhatsApp): one more write
        self.current = attempt


def deliver(event: DomainEvent, directory: Directory, messenger: Messenger, claims: Claims,
            links: RecordingLinks, carrier_clock: Clock | None = None) -> list[str]:
    """`carrier_clock` dates the attempts the carrier is asked about later: real time, as the carrier's."""
    district = directory.district(event.data.get("district", ""))
    if district is None:
        raise LookupError(f"district {event.data.get('district')!r} is not in the directory")
    notices = {f"notice#{event.id}#{n.key}": n for n in notices_for(event, district, links)}
    if not notices:
        return []
    now = iso((carrier_clock or SystemClock()).now())
    planned = {key: _planned(notice, district, now) for key, notice in notices.items()}
    # One write for all of them on a first delivery, each with what it is about to send.
    claimed = claims.claim_all(list(notices), {key: attempt.to_json() for key, attempt in planned.items()})
    held = claims.take_unconfirmed([key for key in notices if key not in claimed]) if len(claimed) < len(notices) \
        else {}
    outcomes: list[str] = []
    sent: dict[str, str] = {}
    key, tries = "", _Tries(now)
    try:
        for key, notice in notices.items():
            if key not in claimed and key not in held:
                outcomes.append(f"{notice.key}: sent before")
                continue
            tries = _Tries(now, planned[key], _noting(claims, key))
            if key in held:
                earlier = Attempt.from_json(held[key])
                tries.current, tries.at = earlier, earlier.at  # if the lookup fails, the same attempt is held again
                found = messenger.find_sent(earlier)
                if found:
                    sent[key] = found
                    outcomes.append(f"{notice.key}: {found} (the carrier had it)")
                    continue
            sent[key] = _send(notice, event, district, messenger, tries)
            outcomes.append(f"{notice.key}: {sent[key]}")
    except Exception as error:
        # A held key stays held until the carrier has answered for it, whatever failed this time.
        unknown = (isinstance(error, OutcomeUnknown) or key in held) and tries.current is not None
        if unknown and tries.current is not None:
            claims.hold(key, tries.current.to_json())
            log.warning("ticket %s: %s to %s, outcome unknown (%s); the retry asks the carrier first",
                        event.complaint_number, tries.current.channel, key.rsplit("#", 1)[-1], error)
        for other in (claimed | set(held)) - set(sent) - ({key} if unknown else set()):
            if other in held:
                claims.hold(other, held[other])  # not reached: still the carrier's to answer for
            else:
                claims.release(other)  # the retry sends these; the ones already sent stay claimed
        raise
    finally:
        if sent:
            claims.confirm_all(sent)
    return outcomes


def _noting(claims: Claims, key: str) -> Callable[[Attempt], None]:
    return lambda attempt: claims.note(key, attempt.to_json())


def _template(notice: Notice, district: District) -> str | None:
    """The WhatsApp template's Content SID, when the notice goes by WhatsApp first."""
    whatsapp = district.whatsapp
    template = whatsapp.templates.get(notice.template or "") if whatsapp else None
    return template if notice.whatsapp_to and template else None


def _whatsapp_content(template: str, notice: Notice) -> str:
    return json.dumps({"content_sid": template, "variables": notice.variables}, ensure_ascii=False)


def _planned(notice: Notice, district: District, at: str) -> Attempt:
    template = _template(notice, district)
    if template and notice.whatsapp_to and district.whatsapp:
        return Attempt("whatsapp", notice.whatsapp_to, district.whatsapp.sender, _whatsapp_content(template, notice),
                       at, WHATSAPP_CARRIER)
    return Attempt("sms", notice.to, district.sms_sender, notice.body, at, district.sms_carrier)


def dlt_ids(notice: Notice, district: District) -> DltIds | None:
    """The DLT ids an SMS of this notice carries on the district's DLT route (None off it). A message without
    its template id is not sent: the carrier would drop it unmatched, and load-district refuses such a file."""
    if district.dlt is None:
        return None
    template_id = district.dlt.template_id(notice.message, notice.language)
    if not template_id:
        raise LookupError(f"district {district.code}: no DLT template id for {notice.message}.{notice.language}")
    return DltIds(entity_id=district.dlt.entity_id, template_id=template_id)


def _send(notice: Notice, event: DomainEvent, district: District, messenger: Messenger, tries: _Tries) -> str:
    status = STATUS_PATH.format(number=event.complaint_number)
    whatsapp = district.whatsapp
    template = _template(notice, district)
    if notice.whatsapp_to and whatsapp and template:
        # Twilio's status callback does not say which message bounced: the URL carries the event it came
        # from, so the SMS fallback repeats that message (a reminder, not the forward).
        callback = f"{status}?{urlencode({FAILED_EVENT_PARAM: event.type})}"
        tries.begin("whatsapp", notice.whatsapp_to, whatsapp.sender, _whatsapp_content(template, notice),
                    WHATSAPP_CARRIER)
        try:
            return messenger.send_whatsapp(to=notice.whatsapp_to, sender=whatsapp.sender,
                                           content_sid=template, variables=notice.variables, status_callback=callback)
        except OutcomeUnknown:
            raise  # WhatsApp may have it: an SMS now could be the officer's second copy
        except Exception as error:  # refused outright: the SMS below still reaches the officer
            log.warning("ticket %s: WhatsApp to %s refused (%s); sending SMS", event.complaint_number,
                        notice.key, error)
    dlt = dlt_ids(notice, district)
    tries.begin("sms", notice.to, district.sms_sender, notice.body, district.sms_carrier)
    return messenger.send_sms(to=notice.to, body=notice.body, sender=district.sms_sender, status_callback=status,
                              carrier=district.sms_carrier, dlt=dlt)
