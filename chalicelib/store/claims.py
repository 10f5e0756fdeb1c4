"""Idempotency claims for consumers: claim before a side effect, confirm after, release on failure."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.clock import iso
from chalicelib.store.connection import connection
from chalicelib.store.models import ClaimModel

_LEASE = timedelta(minutes=5)  # a consumer that died mid-send frees its claim after this
_KEEP_DAYS = 14


class DynamoClaims:
    def claim(self, key: str) -> bool:
        now = datetime.now(UTC)
        try:
            self._item(key, now).save(condition=ClaimModel.key.does_not_exist()
                      | ((ClaimModel.state == "sending") & (ClaimModel.claimed_at < iso(now - _LEASE))))
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def claim_all(self, keys: list[str]) -> set[str]:
        if len(keys) == 1:
            return set(keys) if self.claim(keys[0]) else set()
        now = datetime.now(UTC)
        try:
            with TransactWrite(connection=connection()) as txn:
                for key in keys:
                    txn.save(self._item(key, now), condition=ClaimModel.key.does_not_exist())
        except TransactWriteError as error:
            codes = {r.code for r in (error.cancellation_reasons or []) if r is not None}
            if "ConditionalCheckFailed" not in codes:
                raise
            return {key for key in keys if self.claim(key)}  # a redelivery: claim one by one
        return set(keys)

    def confirm_all(self, results: dict[str, str]) -> None:
        with ClaimModel.batch_write() as batch:
            for key, result in results.items():
                item = self._item(key, datetime.now(UTC))
                item.state, item.result = "done", result
                batch.save(item)

    def _item(self, key: str, now: datetime) -> ClaimModel:
        return ClaimModel(key, state="sending", claimed_at=iso(now), expires_at=int(time.time()) + _KEEP_DAYS * 86400)

    def confirm(self, key: str, result: str) -> None:
        ClaimModel(key).update(actions=[ClaimModel.state.set("done"), ClaimModel.result.set(result)])

    def release(self, key: str) -> None:
        try:
            ClaimModel(key).delete(condition=ClaimModel.state == "sending")
        except DeleteError:
            pass
