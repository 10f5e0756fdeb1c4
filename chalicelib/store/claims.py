"""Idempotency claims for consumers: claim before a side effect, confirm after, release on failure."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import DeleteError, PutError

from chalicelib.domain.clock import iso
from chalicelib.store.models import ClaimModel

_LEASE = timedelta(minutes=5)  # a consumer that died mid-send frees its claim after this
_KEEP_DAYS = 14


class DynamoClaims:
    def claim(self, key: str) -> bool:
        now = datetime.now(UTC)
        item = ClaimModel(key, state="sending", claimed_at=iso(now),
                          expires_at=int(time.time()) + _KEEP_DAYS * 86400)
        try:
            item.save(condition=ClaimModel.key.does_not_exist()
                      | ((ClaimModel.state == "sending") & (ClaimModel.claimed_at < iso(now - _LEASE))))
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def confirm(self, key: str, result: str) -> None:
        ClaimModel(key).update(actions=[ClaimModel.state.set("done"), ClaimModel.result.set(result)])

    def release(self, key: str) -> None:
        try:
            ClaimModel(key).delete(condition=ClaimModel.state == "sending")
        except DeleteError:
            pass
