"""Idempotency claims for consumers: claim before a side effect, confirm after, release on a definite failure,
hold (state "unconfirmed") when the outcome is unknown. While a claim is not done, `result` holds the attempt
(what is being sent, as JSON) when the consumer gave one; once done, the message or call id.

A claim with an attempt is never claimed afresh, not even past the lease (the consumer may have died after
the carrier took the message): take_unconfirmed takes it, one consumer at a time, to ask the carrier first.
A claim without one (a side effect with nothing to ask about) is freed by the lease as before."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.clock import iso
from chalicelib.store.connection import connection
from chalicelib.store.models import ClaimModel

_LEASE = timedelta(minutes=5)  # a consumer that died mid-send: its claim is checked (or freed) after this
_KEEP_DAYS = 14
SENDING, UNCONFIRMED, DONE = "sending", "unconfirmed", "done"


class DynamoClaims:
    def claim(self, key: str, attempt: str | None = None) -> bool:
        now = datetime.now(UTC)
        try:
            self._item(key, now, attempt).save(condition=ClaimModel.key.does_not_exist()
                      | ((ClaimModel.state == SENDING) & (ClaimModel.claimed_at < iso(now - _LEASE))
                         & ClaimModel.result.does_not_exist()))
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def claim_all(self, keys: list[str], attempts: dict[str, str] | None = None) -> set[str]:
        attempts = attempts or {}
        if len(keys) == 1:
            return set(keys) if self.claim(keys[0], attempts.get(keys[0])) else set()
        now = datetime.now(UTC)
        try:
            with TransactWrite(connection=connection()) as txn:
                for key in keys:
                    txn.save(self._item(key, now, attempts.get(key)), condition=ClaimModel.key.does_not_exist())
        except TransactWriteError as error:
            codes = {r.code for r in (error.cancellation_reasons or []) if r is not None}
            if "ConditionalCheckFailed" not in codes:
                raise
            return {key for key in keys if self.claim(key, attempts.get(key))}  # a redelivery: one by one
        return set(keys)

    def confirm_all(self, results: dict[str, str]) -> None:
        with ClaimModel.batch_write() as batch:
            for key, result in results.items():
                item = self._item(key, datetime.now(UTC))
                item.state, item.result = DONE, result
                batch.save(item)

    def _item(self, key: str, now: datetime, attempt: str | None = None) -> ClaimModel:
        return ClaimModel(key, state=SENDING, claimed_at=iso(now), result=attempt,
                          expires_at=int(time.time()) + _KEEP_DAYS * 86400)

    def note(self, key: str, attempt: str) -> None:
        try:
            ClaimModel(key).update(actions=[ClaimModel.result.set(attempt)], condition=ClaimModel.state == SENDING)
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    def confirm(self, key: str, result: str) -> None:
        ClaimModel(key).update(actions=[ClaimModel.state.set(DONE), ClaimModel.result.set(result)])

    def release(self, key: str) -> None:
        try:
            ClaimModel(key).delete(condition=ClaimModel.state == SENDING)
        except DeleteError:
            pass

    def hold(self, key: str, attempt: str) -> None:
        try:
            ClaimModel(key).update(actions=[ClaimModel.state.set(UNCONFIRMED), ClaimModel.result.set(attempt)],
                                   condition=ClaimModel.state.is_in(SENDING, UNCONFIRMED))
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise  # else confirmed meanwhile (or gone): nothing to hold

    def take_unconfirmed(self, keys: list[str]) -> dict[str, str]:
        if not keys:
            return {}
        held = {item.key: item.result for item in ClaimModel.batch_get(keys, consistent_read=True)
                if item.result and item.state in (UNCONFIRMED, SENDING)}
        now = datetime.now(UTC)
        taken = {}
        for key, attempt in held.items():
            # Conditional on the attempt read just now: of two consumers with the same redelivery, one takes it.
            try:
                ClaimModel(key).update(
                    actions=[ClaimModel.state.set(SENDING), ClaimModel.claimed_at.set(iso(now))],
                    condition=(ClaimModel.result == attempt) & ((ClaimModel.state == UNCONFIRMED) | (
                        (ClaimModel.state == SENDING) & (ClaimModel.claimed_at < iso(now - _LEASE)))))
            except UpdateError as error:
                if error.cause_response_code == "ConditionalCheckFailedException":
                    continue
                raise
            taken[key] = attempt
        return taken
