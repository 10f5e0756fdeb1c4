"""The LinkAttempts port on DynamoDB: one item per recording link in the idempotency table, with its TTL.

A wrong try is a read and a conditional put (the count it read, or no open window), tried again when another
container counted in between: the api_handler's GetItem and PutItem on that table, nothing more.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.store.models import LinkAttemptModel

_KEEP = timedelta(days=1)  # after its window an item is only clutter; TTL removes it within about a day
_RACES = 5
_CONTENDED = 1 << 30  # more racing tries than any limit: the link is being hammered, so it counts as locked


class DynamoLinkAttempts:
    def _open(self, key: str, now: datetime) -> LinkAttemptModel | None:
        try:
            item = LinkAttemptModel.get(key, consistent_read=True)
        except DoesNotExist:
            return None
        return item if item.window_ends > now.timestamp() else None

    def failures(self, key: str, now: datetime) -> int:
        item = self._open(key, now)
        return int(item.failures) if item else 0

    def add_failure(self, key: str, now: datetime, window: timedelta) -> int:
        for _ in range(_RACES):
            item = self._open(key, now)
            if item is None:  # no window open: this try opens one (an ended one is replaced)
                count, ends = 1, math.ceil((now + window).timestamp())
                condition = LinkAttemptModel.key.does_not_exist() | (LinkAttemptModel.window_ends <= now.timestamp())
            else:
                count, ends = int(item.failures) + 1, int(item.window_ends)
                condition = (LinkAttemptModel.failures == item.failures) & (LinkAttemptModel.window_ends == ends)
            try:
                LinkAttemptModel(key, failures=count, window_ends=ends,
                                 expires_at=ends + int(_KEEP.total_seconds())).save(condition=condition)
            except PutError as error:
                if error.cause_response_code == "ConditionalCheckFailedException":
                    continue  # another container counted a try meanwhile: count on top of it
                raise
            return count
        return _CONTENDED

    def remove_failure(self, key: str, now: datetime) -> None:
        for _ in range(_RACES):
            item = self._open(key, now)
            if item is None or int(item.failures) <= 0:
                return
            try:
                LinkAttemptModel(key, failures=int(item.failures) - 1, window_ends=int(item.window_ends),
                                 expires_at=item.expires_at).save(condition=LinkAttemptModel.failures == item.failures)
            except PutError as error:
                if error.cause_response_code == "ConditionalCheckFailedException":
                    continue
                raise
            return
