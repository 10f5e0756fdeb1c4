"""Ticket repository: registration as one TransactWrite that also takes the complaint number."""
from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict

from pynamodb.exceptions import CancellationReason, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.domain.approvals import approval_key
from chalicelib.domain.callers import OverDailyLimit
from chalicelib.domain.consent import WhatsAppConsent
from chalicelib.domain.lifecycle import Change
from chalicelib.domain.ports import AlreadyRegistered, SequenceTaken, StaleTicket
from chalicelib.domain.registration import Registration
from chalicelib.domain.ticket import Ticket, TimelineEntry
from chalicelib.store.connection import connection
from chalicelib.store.models import (
    CallerModel,
    CallModel,
    ClaimModel,
    CounterModel,
    OutboxModel,
    TicketModel,
    TimelineModel,
)

log = logging.getLogger(__name__)

SWEEP_SHARDS = 8
_CONFLICT_RETRIES = 3
_OUTRIGHT_HOLD_SECONDS = 3600  # a copy's hold on the outright take: long past any replay of its call
_ONCE_KEEP = 14 * 86400  # seconds a registration's once_key is kept (retries stop long before)


def sweep_shard(complaint_number: str) -> str:
    return str(sum(complaint_number.encode()) % SWEEP_SHARDS)


def timeline_key(at: str, version: int) -> str:
    # Transitions carry the ticket version, so two in the same second never collide.
    return f"{at}#{version:06d}"


def _timeline_item(entry: TimelineEntry, at_id: str) -> TimelineModel:
    return TimelineModel(entry.complaint_number, at_id, actor_type=entry.actor_type, actor_id=entry.actor_id,
                         action=entry.action, channel=entry.channel, detail=entry.detail)


class DynamoTicketStore:
    def peek_sequence(self, district_code: str, ist_day: str) -> int:
        try:
            counter = CounterModel.get(_sequence_key(district_code), ist_day, consistent_read=True)
        except CounterModel.DoesNotExist:
            return 1
        return int(counter.value or 0) + 1

    def take_sequence(self, district_code: str, ist_day: str) -> int:
        # DynamoDB refuses a single write to an item another transaction is writing (TransactionConflictException,
        # which botocore does not retry): exactly the burst this path is for, so it waits a moment and goes again.
        counter = CounterModel(_sequence_key(district_code), ist_day)
        for attempt in range(1, _CONFLICT_RETRIES + 2):
            try:
                counter.update(actions=[CounterModel.value.add(1)])
                return int(counter.value)
            except UpdateError as error:
                if error.cause_response_code != "TransactionConflictException" or attempt > _CONFLICT_RETRIES:
                    raise
                time.sleep(random.uniform(0, 0.02 * 2 ** attempt))
        raise AssertionError("unreachable")

    def hold_outright_take(self, key: str, at: str) -> bool:
        try:
            hold = ClaimModel(f"outright#{key}", state="held", claimed_at=at,
                              expires_at=int(time.time()) + _OUTRIGHT_HOLD_SECONDS)
            hold.save(condition=ClaimModel.key.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def registered_number(self, registration: Registration) -> str | None:
        if registration.ticket.call_sid and not registration.more_on_call and (
                number := _call_ticket(registration.ticket.call_sid)):
            return number
        return _once_owner(registration.once_key) if registration.once_key else None

    def give_back_sequence(self, district_code: str, ist_day: str, sequence: int) -> bool:
        counter = CounterModel(_sequence_key(district_code), ist_day)
        try:
            counter.update(actions=[CounterModel.value.set(sequence - 1)], condition=CounterModel.value == sequence)
        except UpdateError as error:
            if error.cause_response_code in ("ConditionalCheckFailedException", "TransactionConflictException"):
                return False
            raise
        return True

    def register(self, registration: Registration) -> None:
        ticket = registration.ticket
        for attempt in range(1, _CONFLICT_RETRIES + 1):
            write = _registration_write(registration)
            try:
                write.commit()
                return
            except TransactWriteError as error:
                refused = write.refused(error)
                # A replay first: answered with its first number, even when it is over the cap by now.
                if "call" in refused and ticket.call_sid:
                    number = _call_ticket(ticket.call_sid)
                    if number:
                        raise AlreadyRegistered(number) from error
                if "once" in refused and registration.once_key:
                    number = _once_owner(registration.once_key)
                    if number:
                        raise AlreadyRegistered(number) from error
                if "caller_limit" in refused and registration.caller_limit:
                    raise OverDailyLimit(registration.caller_limit.scope) from error
                if "sequence" in refused:
                    raise SequenceTaken(ticket.complaint_number) from error
                codes = {r.code for r in error.cancellation_reasons or [] if r is not None}
                if "TransactionConflict" in codes and attempt < _CONFLICT_RETRIES:
                    log.info("ticket %s: transaction conflict, retrying", ticket.complaint_number)
                    continue
                if "TransactionConflict" in codes and registration.sequence is not None:
                    # Still contended: the number is read again and the registration tried anew (domain/intake.py).
                    raise SequenceTaken(ticket.complaint_number) from error
                raise

    def get(self, complaint_number: str) -> Ticket | None:
        try:
            item = TicketModel.get(complaint_number, consistent_read=True)
        except TicketModel.DoesNotExist:
            return None
        return ticket_from_item(item)

    def get_many(self, complaint_numbers: Sequence[str]) -> list[Ticket]:
        found = {item.complaint_number: ticket_from_item(item)
                 for item in TicketModel.batch_get(sorted(set(complaint_numbers)))}
        return [found[number] for number in complaint_numbers if number in found]

    def save_change(self, change: Change) -> None:
        try:
            with TransactWrite(connection=connection()) as txn:
                txn.save(ticket_item(change.after), condition=TicketModel.version == change.before.version)
                for entry in change.timeline:
                    txn.save(_timeline_item(entry, timeline_key(entry.at, change.after.version)))
                for event in change.events:
                    txn.save(OutboxModel(event.id, created_at=event.at, body=event.to_json()))
                for counter in change.counters:
                    txn.update(CounterModel(counter.scope, counter.period),
                               actions=[Path(name).add(n) for name, n in sorted(counter.figures.items())])
        except TransactWriteError as error:
            codes = {r.code for r in (error.cancellation_reasons or []) if r is not None}
            if codes & {"ConditionalCheckFailed", "TransactionConflict"}:
                raise StaleTicket(change.before.complaint_number) from error
            raise

    def recent_for_caller(self, phone: str, limit: int = 5) -> list[Ticket]:
        items = TicketModel.by_caller.query(phone, scan_index_forward=False, limit=limit)
        return [ticket_from_item(item) for item in items]

    def add_timeline(self, entry: TimelineEntry, once_key: str | None = None) -> bool:
        item = _timeline_item(entry, timeline_key(entry.at, 0) + uuid.uuid4().hex[:6])
        if once_key is None:
            item.save()
            return True
        # The claim and the entry in one write: a replay finds the claim and writes neither.
        try:
            with TransactWrite(connection=connection()) as txn:
                txn.save(ClaimModel(once_key, state="done", claimed_at=entry.at, result=entry.complaint_number,
                                    expires_at=int(time.time()) + _ONCE_KEEP),
                         condition=ClaimModel.key.does_not_exist())
                txn.save(item)
        except TransactWriteError as error:
            reasons = error.cancellation_reasons or []
            if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
                return False
            raise
        return True

    def forget_timeline_text(self, complaint_number: str, fields: dict[str, tuple[str, ...]], at: str) -> int:
        changed = 0
        for item in TimelineModel.query(complaint_number):
            gone = [name for name in fields.get(item.action, ()) if name in item.detail]
            if not gone:
                continue
            item.detail = {**{k: v for k, v in item.detail.items() if k not in gone}, "text_deleted_at": at}
            item.save()
            changed += 1
        return changed

    def due_numbers(self, now: str, per_shard: int = 500) -> list[str]:
        """Complaint numbers whose next action is due, from the sparse due index (keys only)."""
        numbers = []
        for shard in range(SWEEP_SHARDS):
            numbers += [item.complaint_number for item in TicketModel.by_next_action.query(
                str(shard), TicketModel.next_action_at <= now, limit=per_shard)]
        return numbers


class _LabelledWrite:
    """A TransactWrite that knows which of its items refused: pynamodb sends the puts before the updates, and
    a cancellation's reasons come one per item in the order sent."""

    def __init__(self) -> None:
        self.txn = TransactWrite(connection=connection())
        self._puts: list[str] = []
        self._updates: list[str] = []

    def save(self, label: str, model: Model, condition: Condition | None = None) -> None:
        self.txn.save(model, condition=condition)
        self._puts.append(label)

    def update(self, label: str, model: Model, actions: list[Action], condition: Condition | None = None) -> None:
        self.txn.update(model, actions=actions, condition=condition)
        self._updates.append(label)

    def commit(self) -> None:
        with self.txn:
            pass

    def refused(self, error: TransactWriteError) -> dict[str, CancellationReason]:
        """The labels of the items whose condition failed, with their reasons."""
        reasons = error.cancellation_reasons or []
        return {label: reason for label, reason in zip(self._puts + self._updates, reasons, strict=False)
                if reason is not None and reason.code == "ConditionalCheckFailed"}


def _registration_write(registration: Registration) -> _LabelledWrite:
    ticket, entry, event = registration.ticket, registration.timeline, registration.event
    write = _LabelledWrite()
    write.save("ticket", ticket_item(ticket), condition=TicketModel.complaint_number.does_not_exist())
    write.save("timeline", _timeline_item(entry, timeline_key(entry.at, ticket.version)))
    if ticket.call_sid:
        # One call, one ticket: a retried Record webhook fails this condition.
        values = [(CallModel.complaint_number, ticket.complaint_number), (CallModel.outcome, "ticket"),
                  (CallModel.from_phone, ticket.caller_phone), (CallModel.to_phone, ticket.line),
                  (CallModel.district, ticket.district), (CallModel.hotline, ticket.hotline),
                  (CallModel.language, ticket.language), (CallModel.category, ticket.category),
                  (CallModel.recording_sid, ticket.recording_sid)]
        listed = CallModel.complaint_numbers.add({ticket.complaint_number})
        if registration.more_on_call:
            # Another complaint from the same call: listed on it, while the call's first ticket (which its
            # recording joins) and what it logged stay; no replay condition, the operator asked for one more.
            first = CallModel.complaint_number.set(CallModel.complaint_number | ticket.complaint_number)
            write.update("call", CallModel(ticket.call_sid), actions=[first, listed, CallModel.outcome.set("ticket")])
        else:
            # An operator's ticket knows neither the line nor a recording: leave what the call logged.
            write.update("call", CallModel(ticket.call_sid),
                         actions=[*(attr.set(v) for attr, v in values if v), listed],
                         condition=CallModel.complaint_number.does_not_exist())
    for counter in registration.counters:
        write.update("counter", CounterModel(counter.scope, counter.period),
                     actions=[Path(name).add(n) for name, n in sorted(counter.figures.items())])
    write.save("outbox", OutboxModel(event.id, created_at=event.at, body=event.to_json()))
    if registration.once_key:
        # One conversation, one ticket: a retried last message fails this condition.
        write.save("once", ClaimModel(registration.once_key, state="done", claimed_at=ticket.created_at,
                                      result=ticket.complaint_number, expires_at=int(time.time()) + _ONCE_KEEP),
                   condition=ClaimModel.key.does_not_exist())
    if registration.sequence:
        # The number is taken here, with its ticket, and only from the value read: a refused registration
        # (a replay, a caller over the cap) takes none, and a number a concurrent registration took is refused.
        sequence = registration.sequence
        was = CounterModel.value == sequence.number - 1 if sequence.number > 1 else CounterModel.value.does_not_exist()
        write.update("sequence", CounterModel(_sequence_key(sequence.district), sequence.ist_day),
                     actions=[CounterModel.value.set(sequence.number)], condition=was)
    if registration.consent:
        # The citizen's answer on WhatsApp updates given with the complaint (chat, console): kept on their phone's
        # item in the same transaction, so the ticket and the caller never disagree. No condition: never refused.
        consent = registration.consent
        write.update("consent", caller_item(ticket.caller_phone), actions=consent_actions(consent))
    if registration.caller_limit:
        cap = registration.caller_limit
        write.update("caller_limit", CounterModel(cap.scope, cap.period), actions=[CounterModel.value.add(1)],
                     condition=CounterModel.value.does_not_exist() | (CounterModel.value < cap.limit))
    return write


def caller_item(phone: str) -> CallerModel:
    return CallerModel(f"CALLER#{phone}", "CONSENT")


def consent_actions(consent: WhatsAppConsent) -> list[Action]:
    return [CallerModel.whatsapp_consent.set(consent.given), CallerModel.whatsapp_consent_at.set(consent.at),
            CallerModel.whatsapp_consent_channel.set(consent.channel)]


def _sequence_key(district_code: str) -> str:
    return f"SEQ#{district_code}"


def _call_ticket(call_sid: str) -> str | None:
    try:
        return CallModel.get(call_sid, consistent_read=True).complaint_number
    except CallModel.DoesNotExist:
        return None


def _once_owner(once_key: str) -> str | None:
    try:
        return ClaimModel.get(once_key, consistent_read=True).result
    except ClaimModel.DoesNotExist:
        return None


def ticket_item(ticket: Ticket) -> TicketModel:
    values = asdict(ticket)
    values["reminders_sent"] = list(ticket.reminders_sent)
    due = ticket.next_action_at
    is_open = ticket.is_open
    approval = approval_key(ticket)
    return TicketModel(
        # The console's lists are sparse indexes: only open tickets carry their keys.
        district_department=f"{ticket.district}#{ticket.department}" if is_open else None,
        queue_key=f"{ticket.district}#{ticket.department}#{ticket.level}" if is_open else None,
        open_district=ticket.district if is_open else None,
        risk_district=ticket.district if is_open and ticket.sla_at_risk and not ticket.sla_breached else None,
        kind_district=f"{ticket.district}#{ticket.kind}" if ticket.kind != "complaint" else None,
        # The console's filters, one <district>#<value> key each (console_queries.py picks one per list).
        status_key=f"{ticket.district}#{ticket.status}",
        category_key=f"{ticket.district}#{ticket.category}",
        department_key=f"{ticket.district}#{ticket.department}",
        urgency_key=f"{ticket.district}#{ticket.urgency}",
        level_key=f"{ticket.district}#{ticket.level}" if is_open else None,
        # The approvers' queue holds a ticket only while its request waits (domain/approvals.py).
        approval_district=ticket.district if approval else None,
        approval_key=approval,
        # Only tickets with something due carry the due index's key: the index stays as small as the work.
        sweep_shard=sweep_shard(ticket.complaint_number) if due else None,
        **values,
    )


_INTS = ("version", "recording_duration", "feedback_calls", "reopen_count", "officer_rings")


def ticket_from_item(item: TicketModel) -> Ticket:
    values = {name: getattr(item, name) for name in Ticket.__dataclass_fields__}
    for name in _INTS:
        if values[name] is not None:
            values[name] = int(values[name])
    values["reminders_sent"] = tuple(int(p) for p in values["reminders_sent"] or ())
    return Ticket(**values)
