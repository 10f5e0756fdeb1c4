"""The call log: outcome and duration from Twilio's status callbacks, with per-line counters (and, through
store/operator_calls.py, the calls that rang operators)."""
from __future__ import annotations

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.domain.call_log import CallEnd
from chalicelib.domain.clock import parse_iso
from chalicelib.domain.figures import line_day
from chalicelib.domain.reconcile import OFFICER_CALL, OPERATORS_CALL, OVER_CAP
from chalicelib.store.connection import connection
from chalicelib.store.models import CallModel, CounterModel
from chalicelib.store.operator_calls import DynamoOperatorCalls


class DynamoCallLog(DynamoOperatorCalls):
    """The CallLog port (domain/ports.py): the calls table, one item per CallSid, and each line's counters."""

    def record_call_end(self, end: CallEnd) -> bool:
        """Log the call once (a retried callback changes nothing); False if it was already logged."""
        answered = end.status == "completed"
        figures = {"calls": 1, "answered" if answered else "missed": 1, "seconds": end.duration}
        try:
            with TransactWrite(connection=connection()) as txn:
                # A state number's (181) line names no district: the ticket's transaction wrote the chosen one.
                known = [CallModel.district.set(end.district)] if end.district else []
                if end.district and end.hotline:
                    known.append(CallModel.hotline.set(end.hotline))
                txn.update(CallModel(end.call_sid), actions=[
                    CallModel.from_phone.set(end.from_phone),
                    CallModel.to_phone.set(end.to_phone),
                    *known,
                    CallModel.call_status.set(end.status),
                    CallModel.duration.set(end.duration),
                    CallModel.ended_at.set(end.ended_at),
                    # A ticket's transaction sets outcome "ticket", before or after this callback.
                    CallModel.outcome.set(CallModel.outcome | ("abandoned" if answered else end.status)),
                ], condition=CallModel.ended_at.does_not_exist())
                counter = line_day(end.to_phone, parse_iso(end.ended_at), figures)
                txn.update(CounterModel(counter.scope, counter.period),
                           actions=[Path(name).add(n) for name, n in sorted(counter.figures.items())])
        except TransactWriteError as error:
            codes = {r.code for r in (error.cancellation_reasons or []) if r is not None}
            if "ConditionalCheckFailed" in codes:  # a retried callback: logged and counted already
                return False
            raise
        return True

    def record_recording_status(self, call_sid: str, recording_sid: str, status: str, duration: int | None,
                                url: str | None = None) -> str | None:
        """Note the recording on the call; return the call's complaint number, if it has a ticket yet.

        The ticket's own confirmation is a versioned change (domain/call_recording.py): an update here
        that left the version alone could be overwritten by a transition that read the ticket before it.
        The URL and length are kept for an operator's ticket registered after the call (operators mode).
        """
        call = CallModel(call_sid)
        actions: list[Action] = [CallModel.recording_sid.set(recording_sid), CallModel.recording_status.set(status)]
        if url:
            actions.append(CallModel.recording_url.set(url))
        if duration is not None:
            actions.append(CallModel.recording_duration.set(duration))
        call.update(actions=actions)
        return call.complaint_number

    def mark_over_cap(self, call_sid: str) -> None:
        """The caller's recording was refused for the daily cap: the call log says so, and the reconciler leaves
        the recording alone (it would otherwise register it past the cap)."""
        try:
            CallModel(call_sid).update(actions=[CallModel.outcome.set(OVER_CAP)],
                                       condition=CallModel.complaint_number.does_not_exist())
        except UpdateError:
            pass  # the call has a ticket after all (a retried webhook that got in first): nothing to mark

    def mark_officer_call(self, call_sid: str) -> None:
        """An officer passed their PIN on this call: its recordings are their remarks, so the reconciler leaves
        them alone; the status callback keeps the outcome (it sets one only where there is none)."""
        try:
            CallModel(call_sid).update(actions=[CallModel.outcome.set(OFFICER_CALL)],
                                       condition=CallModel.complaint_number.does_not_exist())
        except UpdateError:
            pass  # a citizen's ticket came from this call first (the officer recorded a complaint): it stays


class DynamoCallTickets:
    """Which calls have a ticket: the call item's complaint number, read in batches of 100 (consistent)."""

    def tickets_of(self, call_sids) -> dict[str, str]:
        found: dict[str, str] = {}
        for item in CallModel.batch_get(sorted(set(call_sids)), consistent_read=True,
                                        attributes_to_get=["call_sid", "complaint_number", "answered_by", "outcome"]):
            if item.complaint_number:
                found[item.call_sid] = item.complaint_number
            elif item.answered_by:
                found[item.call_sid] = OPERATORS_CALL
            elif item.outcome in (OVER_CAP, OFFICER_CALL):
                found[item.call_sid] = item.outcome
        return found
