"""Calls that rang a district's operators: written by the voice webhooks, read by the console.

The call item (calls table, one per CallSid) carries `ringing_district`/`ringing_at` only once it rang
operators, so the sparse `ringing` index holds just those calls and the console's "incoming calls" is
one Query on it, newest first, bounded by time.
"""
from __future__ import annotations

from chalicelib.domain.call_log import OperatorCall
from chalicelib.store.models import CallModel


class DynamoOperatorCalls:
    """The OperatorCalls port (domain/ports.py) on the calls table."""

    def mark_ringing(self, call_sid: str, caller: str, line: str, district: str, hotline: str,
                     operators: tuple[str, ...], at: str, ringing_for: str | None = None) -> None:
        CallModel(call_sid).update(actions=[
            CallModel.from_phone.set(caller), CallModel.to_phone.set(line), CallModel.district.set(district),
            CallModel.hotline.set(hotline), CallModel.ringing_district.set(ringing_for or district),
            CallModel.ringing_at.set(CallModel.ringing_at | at), CallModel.rang_operators.set(",".join(operators)),
        ])

    def mark_answered(self, call_sid: str, operator: str, at: str) -> OperatorCall | None:
        """The operator's whisper was fetched: they picked up. The first to answer is kept."""
        call = CallModel(call_sid)
        call.update(actions=[CallModel.answered_at.set(CallModel.answered_at | at),
                             CallModel.answered_by.set(CallModel.answered_by | operator),
                             # The status callback keeps an outcome already set; a ticket sets "ticket".
                             CallModel.outcome.set(CallModel.outcome | "operator")])
        return _call(call)

    def mark_dial_status(self, call_sid: str, status: str) -> None:
        CallModel(call_sid).update(actions=[CallModel.dial_status.set(status)])

    def ringing_calls(self, district: str, since: str, limit: int = 20) -> list[OperatorCall]:
        items = CallModel.ringing.query(district, CallModel.ringing_at >= since, scan_index_forward=False,
                                        limit=limit)
        return [c for c in (_call(item) for item in items) if c is not None]

    def get_call(self, call_sid: str) -> OperatorCall | None:
        try:
            return _call(CallModel.get(call_sid, consistent_read=True))
        except CallModel.DoesNotExist:
            return None

    def completed_recording(self, call_sid: str) -> tuple[str, str, int | None] | None:
        """The call's finished recording (sid, url, seconds), if Twilio has posted one."""
        try:
            item = CallModel.get(call_sid, consistent_read=True)
        except CallModel.DoesNotExist:
            return None
        if item.recording_status != "completed" or not item.recording_sid or not item.recording_url:
            return None
        duration = int(item.recording_duration) if item.recording_duration is not None else None
        return item.recording_sid, item.recording_url, duration


def _call(item: CallModel) -> OperatorCall | None:
    if not item.ringing_district or not item.ringing_at:
        return None
    return OperatorCall(
        call_sid=item.call_sid, caller_phone=item.from_phone or "", line=item.to_phone,
        district=item.district or item.ringing_district, hotline=item.hotline,
        operators=tuple(o for o in (item.rang_operators or "").split(",") if o), ringing_at=item.ringing_at,
        answered_at=item.answered_at, answered_by=item.answered_by, dial_status=item.dial_status,
        call_status=item.call_status, complaint_number=item.complaint_number, recording_sid=item.recording_sid,
        # A number's date and day sequence sort as its registration order.
        complaint_numbers=tuple(sorted(item.complaint_numbers or ([item.complaint_number] if item.complaint_number
                                                                   else []))),
        kind=item.kind or "voice", video=dict(item.video) if item.kind == "video" and item.video else None)
