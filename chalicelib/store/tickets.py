"""Ticket repository: registration as one TransactWrite, complaint-number sequences."""
from __future__ import annotations

import logging
from dataclasses import asdict

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.operand import Path
from pynamodb.transactions import TransactWrite

from chalicelib.domain.ports import AlreadyRegistered
from chalicelib.domain.ticket import Registration, Ticket
from chalicelib.store.connection import connection
from chalicelib.store.models import CallModel, CounterModel, OutboxModel, TicketModel, TimelineModel

log = logging.getLogger(__name__)

SWEEP_SHARDS = 8
_CONFLICT_RETRIES = 3


def sweep_shard(complaint_number: str) -> str:
    return str(sum(complaint_number.encode()) % SWEEP_SHARDS)


def timeline_key(at: str, n: int = 0) -> str:
    return f"{at}#{n:04d}"


class DynamoTicketStore:
    def next_sequence(self, district_code: str, ist_day: str) -> int:
        counter = CounterModel(f"SEQ#{district_code}", ist_day)
        counter.update(actions=[CounterModel.value.add(1)])
        return int(counter.value)

    def register(self, registration: Registration) -> None:
        ticket = registration.ticket
        for attempt in range(1, _CONFLICT_RETRIES + 1):
            try:
                self._write(registration)
                return
            except TransactWriteError as error:
                codes = {r.code for r in (error.cancellation_reasons or []) if r is not None}
                if "ConditionalCheckFailed" in codes and ticket.call_sid:
                    existing = CallModel.get(ticket.call_sid, consistent_read=True)
                    if existing.complaint_number:
                        raise AlreadyRegistered(existing.complaint_number) from error
                if "TransactionConflict" in codes and attempt < _CONFLICT_RETRIES:
                    log.info("ticket %s: transaction conflict, retrying", ticket.complaint_number)
                    continue
                raise

    def get(self, complaint_number: str) -> Ticket | None:
        try:
            item = TicketModel.get(complaint_number)
        except TicketModel.DoesNotExist:
            return None
        return ticket_from_item(item)

    def _write(self, registration: Registration) -> None:
        ticket, entry, event = registration.ticket, registration.timeline, registration.event
        with TransactWrite(connection=connection()) as txn:
            txn.save(ticket_item(ticket), condition=TicketModel.complaint_number.does_not_exist())
            txn.save(TimelineModel(entry.complaint_number, timeline_key(entry.at), actor_type=entry.actor_type,
                                   actor_id=entry.actor_id, action=entry.action, channel=entry.channel,
                                   detail=entry.detail))
            if ticket.call_sid:
                # One call, one ticket: a retried Record webhook fails this condition.
                txn.update(CallModel(ticket.call_sid), actions=[
                    CallModel.complaint_number.set(ticket.complaint_number),
                    CallModel.outcome.set("ticket"),
                    CallModel.from_phone.set(ticket.caller_phone),
                    CallModel.to_phone.set(ticket.line),
                    CallModel.district.set(ticket.district),
                    CallModel.hotline.set(ticket.hotline),
                    CallModel.language.set(ticket.language),
                    CallModel.category.set(ticket.category),
                    CallModel.recording_sid.set(ticket.recording_sid),
                ], condition=CallModel.complaint_number.does_not_exist())
            for counter in registration.counters:
                txn.update(CounterModel(counter.scope, counter.period),
                           actions=[Path(name).add(n) for name, n in sorted(counter.figures.items())])
            txn.save(OutboxModel(event.id, created_at=event.at, body=event.to_json()))


def ticket_item(ticket: Ticket) -> TicketModel:
    values = asdict(ticket)
    return TicketModel(
        district_department=f"{ticket.district}#{ticket.department}",
        sweep_shard=sweep_shard(ticket.complaint_number),
        next_action_at=ticket.level_due_at,
        **values,
    )


def ticket_from_item(item: TicketModel) -> Ticket:
    fields = Ticket.__dataclass_fields__
    values = {name: getattr(item, name) for name in fields}
    values["version"] = int(values["version"])
    if values["recording_duration"] is not None:
        values["recording_duration"] = int(values["recording_duration"])
    return Ticket(**values)
