"""Sign-language video calls in the calls table (the VideoCalls port, domain/ports.py).

A video call is one call item (call_sid VC…, kind "video"): the call as JSON under `video`, conditional on its
`version`, and beside it the attributes the call log's readers already use — the caller, the district, the
sparse `ringing` index while it rings the signers, who answered and when, how long — so the console's incoming
calls, a call's tickets (the registration's transaction sets `complaint_number(s)` on it) and the caller's
history treat it as a call. The sparse `video_due` index holds the open ones by when the sweeper must look.

A phone's pointer item (`VIDEOPHONE#<district>#<phone>`) names its open booking and counts the IST day's links,
both in the same transaction as the booking and the link's event in the outbox, so a phone asking again is sent
the same link, within the cap, and a link the queues could not take is sent by the sweeper.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ports import StaleVideoCall
from chalicelib.domain.video_calls import VideoCall, VideoRefused
from chalicelib.store.connection import connection
from chalicelib.store.models import CallModel, OutboxModel

DUE_KEY = "VIDEO"
_MIRRORED = ("complaint_numbers", "version")  # kept on the item itself, not in the JSON


def _pointer_key(district: str, phone: str) -> str:
    return f"VIDEOPHONE#{district}#{phone}"


class DynamoVideoCalls:
    def get(self, call_id: str) -> VideoCall | None:
        try:
            item = CallModel.get(call_id, consistent_read=True)
        except CallModel.DoesNotExist:
            return None
        return _call(item)

    def open_for(self, district: str, phone: str) -> VideoCall | None:
        pointer = self._pointer(district, phone)
        if pointer is None or not pointer.open_video:
            return None
        found = self.get(pointer.open_video)
        return found if found is not None and found.is_open else None

    def add(self, call: VideoCall, day: str, per_day: int, due_at: str | None,
            message: Callable[[int], DomainEvent]) -> DomainEvent:
        return self._count(call, day, per_day, message, new=_item(call, due_at))

    def count_link(self, call: VideoCall, day: str, per_day: int,
                   message: Callable[[int], DomainEvent]) -> DomainEvent:
        return self._count(call, day, per_day, message, new=None)

    def save(self, call: VideoCall, due_at: str | None) -> VideoCall:
        written = replace(call, version=call.version + 1)
        actions: list[Action] = [CallModel.video.set(_json(written)), CallModel.version.set(written.version),
                   CallModel.from_phone.set(call.caller_phone), CallModel.district.set(call.district),
                   CallModel.language.set(call.language), CallModel.kind.set("video")]
        if call.ringing_at:
            actions += [CallModel.ringing_district.set(call.district), CallModel.ringing_at.set(call.ringing_at),
                        CallModel.rang_operators.set(",".join(call.operators))]
        if call.answered_at and call.answered_by:
            actions += [CallModel.answered_at.set(call.answered_at), CallModel.answered_by.set(call.answered_by)]
        if call.ended_at:
            actions += [CallModel.ended_at.set(call.ended_at), CallModel.call_status.set(call.state),
                        CallModel.outcome.set(CallModel.outcome | ("video" if call.answered_at else "missed"))]
            seconds = call.seconds()
            if seconds is not None:
                actions.append(CallModel.duration.set(seconds))
        if due_at:
            actions += [CallModel.video_due_key.set(DUE_KEY), CallModel.video_due_at.set(due_at)]
        else:
            actions += [CallModel.video_due_key.remove(), CallModel.video_due_at.remove()]
        try:
            CallModel(call.id).update(actions=actions, condition=CallModel.version == call.version)
        except UpdateError as error:
            if _conditional(error):
                raise StaleVideoCall(call.id) from error
            raise
        return written

    def due(self, now: str, limit: int) -> list[VideoCall]:
        items = CallModel.video_due.query(DUE_KEY, CallModel.video_due_at <= now, limit=limit)
        return [c for c in (_call(item) for item in items) if c is not None]

    # -- the phone's pointer: its open booking, the day's links ---------------------------------------------

    def _pointer(self, district: str, phone: str) -> CallModel | None:
        try:
            return CallModel.get(_pointer_key(district, phone), consistent_read=True)
        except CallModel.DoesNotExist:
            return None

    def _count(self, call: VideoCall, day: str, per_day: int, message: Callable[[int], DomainEvent],
               new: CallModel | None) -> DomainEvent:
        key = _pointer_key(call.district, call.caller_phone)
        pointer = self._pointer(call.district, call.caller_phone)
        sent = int(pointer.video_links or 0) if pointer is not None and pointer.video_day == day else 0
        if sent >= per_day:
            raise VideoRefused("video_cap", most=per_day)
        # Conditional on the pointer as read: two requests at once both counting the same link would lose one.
        condition: Condition
        if pointer is None:
            condition = CallModel.call_sid.does_not_exist()
        elif pointer.video_day == day:
            condition = (CallModel.video_day == day) & (CallModel.video_links == sent)
        else:
            condition = CallModel.video_day == pointer.video_day if pointer.video_day else \
                CallModel.video_day.does_not_exist()
        update: list[Action] = [CallModel.open_video.set(call.id), CallModel.video_day.set(day),
                  CallModel.video_links.set(sent + 1)]
        event = message(sent + 1)
        try:
            with TransactWrite(connection=connection()) as transaction:
                if new is not None:
                    transaction.save(new, condition=CallModel.call_sid.does_not_exist())
                transaction.update(CallModel(key), actions=update, condition=condition)
                # The link's message with the booking: if the queues cannot take it now, the sweeper sends it.
                transaction.save(OutboxModel(event.id, created_at=event.at, body=event.to_json()))
        except TransactWriteError as error:
            raise StaleVideoCall(call.id) from error
        return event


def _conditional(error: UpdateError | PutError) -> bool:
    cause = getattr(error, "cause_response_code", None) or ""
    return "ConditionalCheckFailed" in str(cause) or "ConditionalCheckFailed" in str(error)


def _json(call: VideoCall) -> dict[str, Any]:
    data = asdict(call)
    for name in _MIRRORED:
        data.pop(name, None)
    data["operators"] = list(call.operators)
    data.pop("extra", None)
    return data


def _item(call: VideoCall, due_at: str | None) -> CallModel:
    item = CallModel(call.id, from_phone=call.caller_phone, district=call.district, language=call.language,
                     kind="video", video=_json(call), version=call.version)
    if due_at:
        item.video_due_key, item.video_due_at = DUE_KEY, due_at
    return item


def _call(item: CallModel) -> VideoCall | None:
    if item.kind != "video" or not item.video:
        return None
    data = dict(item.video)
    data["operators"] = tuple(data.get("operators") or ())
    numbers = sorted(item.complaint_numbers or ([item.complaint_number] if item.complaint_number else []))
    known = {name for name in VideoCall.__dataclass_fields__ if name not in ("extra", *_MIRRORED)}
    return VideoCall(**{k: v for k, v in data.items() if k in known}, version=int(item.version or 0),
                     complaint_numbers=tuple(numbers))
