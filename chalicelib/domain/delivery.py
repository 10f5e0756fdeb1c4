"""Sending an event's notices exactly once each, however often the event is delivered.

Every notice, a citizen's or an officer's, walks the district's channel plan for its kind in order
(`District.channel_plan`): WhatsApp needs the person's consent, a WhatsApp number and a template for the
kind; `sms` is the district's sender (with its DLT ids on a DLT route); `international_sms` is Twilio SMS from
`international_sms_sender`, without DLT. A channel that cannot carry the notice is skipped with its reason, a
channel that refuses the send passes it to the next; a WhatsApp message that bounces later comes back through
its status callback as a `notice.whatsapp_bounced` event (delivery_status.py) and walks on from after
`whatsapp`. Each event's delivery adds one timeline entry saying, per notice, what carried it and why the
channels before were skipped.

A send whose answer never came (the carrier was slow, the connection dropped) is not a failure: the
carrier may have the message. Each claim carries what is being sent (written with the claim, so a consumer
killed mid-send leaves it too); on an unknown outcome the claim is held, and the retry asks the carrier for
that message before sending anything — never a second copy on another channel while the first may have landed.
Only a definite refusal frees the claim for a plain resend.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from chalicelib.domain.clock import Clock, SystemClock, iso
from chalicelib.domain.district import District
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.notices import Notice, RecordingLinks, notices_for
from chalicelib.domain.ports import Attempt, Claims, Directory, DltIds, Messenger, OutcomeUnknown, TicketStore
from chalicelib.domain.ticket import TimelineEntry

log = logging.getLogger(__name__)

STATUS_PATH = "/messaging/status/{number}"  # carrier-neutral: the carrier's adapter prefixes "/{carrier}"
WHATSAPP_CARRIER = "twilio"  # WhatsApp templates go through Twilio only
INTERNATIONAL_CARRIER = "twilio"  # the international_sms channel: Twilio SMS, no DLT
# On a WhatsApp message's status callback: the event and the notice the message was for. Twilio's callback does
# not say which message bounced, so the URL does, and the next channel repeats that very message.
FAILED_EVENT_PARAM = "event"
NOTICE_PARAM = "notice"
BOUNCE_EVENT = "notice.whatsapp_bounced"
OLD_BOUNCE_EVENT = "officer.whatsapp_failed"  # before citizens had WhatsApp: still in queues, still delivered
BOUNCE_EVENTS = (BOUNCE_EVENT, OLD_BOUNCE_EVENT)
TIMELINE_ACTION = "message"

# Why a channel did not carry a notice (the timeline's and the logs' words).
NO_CONSENT = "no_consent"
NOT_ON_WHATSAPP = "not_on_whatsapp"
NO_TEMPLATE = "no_template"  # no WhatsApp template for the kind, or no DLT template id for the SMS
TEMPLATE_REFUSED = "template_refused"  # the carrier refused the WhatsApp send outright
BOUNCED = "bounced"
NO_SENDER = "no_sender"
REFUSED = "refused"  # the carrier refused an SMS outright


@dataclass(frozen=True)
class _Route:
    """A channel that can carry the notice, and what it hands the carrier."""
    channel: str  # the plan's word: whatsapp, sms, international_sms
    attempt: Attempt
    template: str = ""  # whatsapp: the Content SID
    dlt: DltIds | None = None  # sms on a DLT route


@dataclass(frozen=True)
class _Skip:
    channel: str
    reason: str


@dataclass
class _Report:
    """What became of one notice, for the timeline."""
    notice: Notice
    skipped: list[_Skip] = field(default_factory=list)
    channel: str | None = None  # the channel that carried it; None: none could
    message_id: str = ""

    def entry(self) -> dict[str, Any]:
        return {"to": self.notice.key, "kind": self.notice.kind, "channel": self.channel,
                "skipped": [{"channel": s.channel, "reason": s.reason} for s in self.skipped]}


class _Tries:
    """The attempt in flight, so that an unknown outcome is held with exactly what was handed over."""

    def __init__(self, at: str, planned: Attempt | None = None, note: Callable[[Attempt], None] | None = None,
                 ) -> None:
        self.at = at  # the first try's time: a later try still looks for what an earlier one may have sent
        self.current = planned  # what the claim says is being sent
        self._note = note

    def begin(self, attempt: Attempt) -> None:
        attempt = Attempt(attempt.channel, attempt.to, attempt.sender, attempt.content, self.at, attempt.carrier)
        if self._note and self.current is not None and attempt != self.current:
            self._note(attempt)  # not what the claim says (the SMS after a refused WhatsApp): one more write
        self.current = attempt


def deliver(event: DomainEvent, directory: Directory, messenger: Messenger, claims: Claims,
            links: RecordingLinks, timeline: TicketStore | None = None, clock: Clock | None = None,
            carrier_clock: Clock | None = None) -> list[str]:
    """`timeline` gets one entry for what this delivery sent (dated by `clock`); `carrier_clock` dates the
    attempts the carrier is asked about later: real time, as the carrier's."""
    district = directory.district(event.data.get("district", ""))
    if district is None:
        raise LookupError(f"district {event.data.get('district')!r} is not in the directory")
    notices = {f"notice#{event.id}#{n.key}": n for n in notices_for(event, district, links)}
    if not notices:
        return []
    now = iso((carrier_clock or SystemClock()).now())
    steps = {key: _steps(notice, event, district, now) for key, notice in notices.items()}
    planned = {key: route.attempt for key, plan in steps.items() if (route := _first_route(plan))}
    # One write for all of them on a first delivery, each with what it is about to send.
    claimed = claims.claim_all(list(notices), {key: attempt.to_json() for key, attempt in planned.items()})
    held = claims.take_unconfirmed([key for key in notices if key not in claimed]) if len(claimed) < len(notices) \
        else {}
    outcomes: list[str] = []
    sent: dict[str, str] = {}
    reports: list[_Report] = []
    key, tries = "", _Tries(now)
    try:
        for key, notice in notices.items():
            if key not in claimed and key not in held:
                outcomes.append(f"{notice.key}: sent before")
                continue
            tries = _Tries(now, planned.get(key), _noting(claims, key))
            if key in held:
                earlier = Attempt.from_json(held[key])
                tries.current, tries.at = earlier, earlier.at  # if the lookup fails, the same attempt is held again
                found = messenger.find_sent(earlier)
                if found:
                    sent[key] = found
                    reports.append(_found(notice, steps[key], earlier, found))
                    outcomes.append(f"{notice.key}: {found} (the carrier had it)")
                    continue
            report = _send(notice, event, steps[key], messenger, tries)
            reports.append(report)
            sent[key] = report.message_id or "unsent"
            outcomes.append(f"{notice.key}: {report.message_id or _unsent(report)}")
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
        try:
            if reports and timeline is not None and event.complaint_number:
                _write_timeline(event, reports, timeline, clock or carrier_clock or SystemClock())
        finally:
            if sent:
                claims.confirm_all(sent)
    return outcomes


def _noting(claims: Claims, key: str) -> Callable[[Attempt], None]:
    return lambda attempt: claims.note(key, attempt.to_json())


def _unsent(report: _Report) -> str:
    return "not sent (" + ", ".join(f"{s.channel}: {s.reason}" for s in report.skipped) + ")"


def _channels(notice: Notice, event: DomainEvent, district: District) -> tuple[list[str], list[_Skip]]:
    """The plan's channels for the notice's kind; after a bounce, those after WhatsApp."""
    channels = list(district.channel_plan.channels_for(notice.kind))
    if event.type not in BOUNCE_EVENTS:
        return channels, []
    after = channels[channels.index("whatsapp") + 1:] if "whatsapp" in channels else channels
    return after, [_Skip("whatsapp", BOUNCED)]


def _steps(notice: Notice, event: DomainEvent, district: District, at: str) -> list[_Route | _Skip]:
    """Each channel of the plan, in order: a route that can carry the notice, or why it cannot."""
    channels, bounced = _channels(notice, event, district)
    steps: list[_Route | _Skip] = list(bounced)
    for channel in channels:
        step = {"whatsapp": _whatsapp, "sms": _sms, "international_sms": _international}[channel]
        steps.append(step(notice, district, at))
    return steps


def _first_route(steps: list[_Route | _Skip]) -> _Route | None:
    return next((step for step in steps if isinstance(step, _Route)), None)


def _whatsapp(notice: Notice, district: District, at: str) -> _Route | _Skip:
    whatsapp = district.whatsapp
    if whatsapp is None:
        return _Skip("whatsapp", NO_SENDER)
    if not notice.consent:
        return _Skip("whatsapp", NO_CONSENT)
    if not notice.whatsapp_to:
        return _Skip("whatsapp", NOT_ON_WHATSAPP)
    template = whatsapp.templates.get(notice.kind)
    if not template:
        return _Skip("whatsapp", NO_TEMPLATE)
    content = json.dumps({"content_sid": template, "variables": notice.variables}, ensure_ascii=False)
    return _Route("whatsapp", Attempt("whatsapp", notice.whatsapp_to, whatsapp.sender, content, at, WHATSAPP_CARRIER),
                  template=template)


def _sms(notice: Notice, district: District, at: str) -> _Route | _Skip:
    dlt = None
    if district.dlt is not None:
        # Unmatched, the carrier would drop it; load-district refuses such a file, so this is a file saved since.
        template_id = district.dlt.template_id(notice.message, notice.language)
        if not template_id:
            log.error("district %s: no DLT template id for %s.%s", district.code, notice.message, notice.language)
            return _Skip("sms", NO_TEMPLATE)
        dlt = DltIds(entity_id=district.dlt.entity_id, template_id=template_id)
    return _Route("sms", Attempt("sms", notice.to, district.sms_sender, notice.body, at, district.sms_carrier),
                  dlt=dlt)


def _international(notice: Notice, district: District, at: str) -> _Route | _Skip:
    sender = district.international_sms_sender
    if not sender:
        return _Skip("international_sms", NO_SENDER)
    body = notice.international_body or notice.body
    # An SMS to the carrier (find_sent looks for an SMS); the plan's word is the route's, told by its sender.
    return _Route("international_sms", Attempt("sms", notice.to, sender, body, at, INTERNATIONAL_CARRIER))


def _send(notice: Notice, event: DomainEvent, steps: list[_Route | _Skip], messenger: Messenger,
          tries: _Tries) -> _Report:
    """Down the steps until a channel takes the notice. OutcomeUnknown stops the walk (the carrier may have it:
    another channel now could be the person's second copy); the last channel's refusal is raised for a retry."""
    report = _Report(notice)
    routes = [step for step in steps if isinstance(step, _Route)]
    for step in steps:
        if isinstance(step, _Skip):
            report.skipped.append(step)
            continue
        tries.begin(step.attempt)
        try:
            report.message_id = _hand_over(step, notice, event, messenger)
        except OutcomeUnknown:
            raise
        except Exception as error:
            if step is routes[-1]:
                raise
            reason = TEMPLATE_REFUSED if step.channel == "whatsapp" else REFUSED
            log.warning("ticket %s: %s to %s refused (%s); trying the next channel", event.complaint_number,
                        step.channel, notice.key, error)
            report.skipped.append(_Skip(step.channel, reason))
            continue
        report.channel = step.channel
        return report
    log.error("ticket %s: no channel can carry the %s to %s (%s)", event.complaint_number, notice.kind,
              notice.key, _unsent(report))
    return report


def _hand_over(route: _Route, notice: Notice, event: DomainEvent, messenger: Messenger) -> str:
    attempt = route.attempt
    if not event.complaint_number:
        # A message about no ticket (a callback given up, a video call's link): no status to record on a ticket.
        if route.channel == "whatsapp":
            return messenger.send_whatsapp(to=attempt.to, sender=attempt.sender, content_sid=route.template,
                                           variables=notice.variables)
        return messenger.send_sms(to=attempt.to, body=attempt.content, sender=attempt.sender, carrier=attempt.carrier,
                                  dlt=route.dlt)
    status = STATUS_PATH.format(number=event.complaint_number)
    if route.channel == "whatsapp":
        # A bounce walks on after WhatsApp: this is always the first try's event, named for its repeat.
        callback = f"{status}?{urlencode({FAILED_EVENT_PARAM: event.type, NOTICE_PARAM: notice.key})}"
        return messenger.send_whatsapp(to=attempt.to, sender=attempt.sender, content_sid=route.template,
                                       variables=notice.variables, status_callback=callback)
    return messenger.send_sms(to=attempt.to, body=attempt.content, sender=attempt.sender, status_callback=status,
                              carrier=attempt.carrier, dlt=route.dlt)


def _found(notice: Notice, steps: list[_Route | _Skip], attempt: Attempt, message_id: str) -> _Report:
    """A held send the carrier had: carried by the route with that attempt's recipient and sender, the channels
    before it skipped for the reasons known now (a refusal an earlier try met is not known any more)."""
    report = _Report(notice, message_id=message_id, channel=attempt.channel)
    skipped: list[_Skip] = []
    for step in steps:
        if isinstance(step, _Skip):
            skipped.append(step)
        elif (step.attempt.channel, step.attempt.to, step.attempt.sender) == (attempt.channel, attempt.to,
                                                                             attempt.sender):
            report.channel, report.skipped = step.channel, skipped
            break
    return report


def _write_timeline(event: DomainEvent, reports: list[_Report], timeline: TicketStore, clock: Clock) -> None:
    """One entry per delivery: a retry that sends the rest of an event's notices writes its own, a replay none.
    Its channel is the first notice's (the one the event is mostly for); each notice says its own."""
    keys = "+".join(report.notice.key for report in reports)
    first = next((r.channel for r in reports if r.channel), "system")
    bounce = {"bounced": True} if event.type in BOUNCE_EVENTS else {}
    timeline.add_timeline(TimelineEntry(
        complaint_number=event.complaint_number, at=iso(clock.now()), actor_type="system", actor_id="notifier",
        action=TIMELINE_ACTION, channel=first,
        detail={"event": event.type, **bounce, "notices": [report.entry() for report in reports]}),
        once_key=f"message#{event.id}#{keys}")
