"""Callback requests in DynamoDB (the callbacks table): the CallbackRequests port of domain/callback_requests.py.

The webhook writes one TransactWrite (the caller's count for the day, conditional on the cap, and the
request, conditional on being new); the sweeper Queries the sparse `due` index, shard by shard, and
takes each request with a write conditional on its try count, so two sweeps never place the same try.
"""
from __future__ import annotations

import time
import zlib
from datetime import datetime

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.callback_requests import CALLING, WAITING, CallbackRequest
from chalicelib.domain.clock import iso, parse_iso
from chalicelib.store.connection import connection
from chalicelib.store.models import CallbackCapModel, CallbackModel

SHARDS = 4  # spreads the due index's writes at peak (60,000 calls a day); the sweep reads each
_KEEP_DAYS = 14  # requests stay this long for support questions, then DynamoDB's TTL removes them


def _shard(request_id: str) -> str:
    return str(zlib.crc32(request_id.encode()) % SHARDS)


def _request(item: CallbackModel) -> CallbackRequest:
    return CallbackRequest(id=item.key, caller_phone=item.caller_phone, line=item.line, district=item.district,
                           hotline=item.hotline, reason=item.reason,
                           due_at=parse_iso(item.due_at) if item.due_at else None, tries=int(item.tries),
                           retry_minutes=int(item.retry_minutes), tries_made=int(item.tries_made or 0),
                           state=item.state, language=item.language or "")


class DynamoCallbackRequests:
    def add(self, request: CallbackRequest, ist_day: str, per_day: int) -> str:
        expires = int(time.time()) + _KEEP_DAYS * 86400
        created = request.created_at or request.due_at or datetime.now().astimezone()
        cap = CallbackCapModel(f"CAP#{request.caller_phone}#{ist_day}")
        item = CallbackModel(
            request.id, caller_phone=request.caller_phone, line=request.line, district=request.district,
            hotline=request.hotline, reason=request.reason, state=WAITING, tries=request.tries, tries_made=0,
            retry_minutes=request.retry_minutes, created_at=iso(created), language=request.language or None,
            due_shard=_shard(request.id), due_at=iso(request.due_at) if request.due_at else None,
            expires_at=expires)
        try:
            with TransactWrite(connection=connection()) as txn:
                txn.update(cap, actions=[CallbackCapModel.count.add(1),
                                         CallbackCapModel.expires_at.set(int(time.time()) + 2 * 86400)],
                           condition=CallbackCapModel.count.does_not_exist() | (CallbackCapModel.count < per_day))
                txn.save(item, condition=CallbackModel.key.does_not_exist())
        except TransactWriteError as error:
            # pynamodb sends a transaction's puts before its updates, and the reasons come in that order:
            # [the request's save, the count's update] (tests/contract/test_callback_requests.py holds it).
            reasons = [r.code if r is not None else None for r in (error.cancellation_reasons or [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return "exists"  # a retried webhook: the request (and its count) were written the first time
            if len(reasons) == 2 and reasons[1] == "ConditionalCheckFailed":
                return "over_cap"
            raise
        return "added"

    def due(self, now: datetime, limit: int) -> list[CallbackRequest]:
        found: list[CallbackRequest] = []
        for shard in range(SHARDS):
            if len(found) >= limit:
                break
            found += [_request(item) for item in CallbackModel.by_due.query(
                str(shard), CallbackModel.due_at <= iso(now), limit=limit - len(found))]
        return found

    def get(self, request_id: str) -> CallbackRequest | None:
        try:
            return _request(CallbackModel.get(request_id, consistent_read=True))
        except CallbackModel.DoesNotExist:
            return None

    def _update(self, request: CallbackRequest, actions: list, state: str | None = None) -> bool:
        condition = (CallbackModel.tries_made == request.tries_made) & (CallbackModel.state == (state or request.state))
        try:
            CallbackModel(request.id).update(actions=actions, condition=condition)
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def start_try(self, before: CallbackRequest, after: CallbackRequest) -> bool:
        assert after.due_at is not None, "a try under way has its lease's due time"
        return self._update(before, [CallbackModel.tries_made.set(after.tries_made),
                                     CallbackModel.state.set(after.state),
                                     CallbackModel.due_at.set(iso(after.due_at))])

    def retry_at(self, request: CallbackRequest, due_at: datetime) -> bool:
        return self._update(request, [CallbackModel.state.set(WAITING), CallbackModel.due_at.set(iso(due_at))],
                            state=CALLING)

    def finish(self, request: CallbackRequest, state: str) -> bool:
        return self._update(request, [CallbackModel.state.set(state), CallbackModel.due_shard.remove(),
                                      CallbackModel.due_at.remove()])
