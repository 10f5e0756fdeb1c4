"""The ShortLinks port on DynamoDB: one item per short recording link in the idempotency table, with its TTL.

A new link is one conditional PutItem by the notifier (which already writes its claims there); opening one is a
GetItem by the api_handler (which already reads the links' wrong tries there): no new table, no new permission.
"""
from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.domain.ports import ShortLink
from chalicelib.store.models import ShortLinkModel

PREFIX = "link#"
_KEPT_AFTER_EXPIRY = 7 * 24 * 3600  # an expired link still says "expired" for a week, then TTL removes it


class DynamoShortLinks:
    def add(self, digest: str, link: ShortLink) -> bool:
        item = ShortLinkModel(PREFIX + digest, complaint_number=link.complaint_number, phone=link.phone,
                              link_expires_at=link.expires_at, expires_at=link.expires_at + _KEPT_AFTER_EXPIRY)
        try:
            item.save(condition=ShortLinkModel.key.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def find(self, digest: str) -> ShortLink | None:
        try:
            item = ShortLinkModel.get(PREFIX + digest)
        except DoesNotExist:
            return None
        return ShortLink(item.complaint_number, item.phone, int(item.link_expires_at))
