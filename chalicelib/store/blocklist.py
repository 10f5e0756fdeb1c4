"""The district's blocklist, in the directory table next to the district file (`DISTRICT#<code>` /
`BLOCK#<phone>`), so one Query on the district's key lists it; the IVR reads it through CachedDirectory's
TTL cache (store/directory.py)."""
from __future__ import annotations

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.ports import BlockedCaller
from chalicelib.store.connection import connection
from chalicelib.store.models import DirectoryModel, TimelineModel

BLOCK_PREFIX = "BLOCK#"


def blocked_phones(code: str) -> frozenset[str]:
    return frozenset(entry.phone for entry in DynamoBlocklist().entries(code))


def _audit(txn: TransactWrite, code: str, phone: str, by: str, at: str, action: str, summary: str) -> None:
    # The directory admin's audit trail (store/district_configs.py audit reads it): same key, same shape.
    txn.save(TimelineModel(f"AUDIT#{code}", f"{at}#{action}#{phone}", actor_type="user", actor_id=by,
                           action=action, channel="console",
                           detail={"summary": summary, "version": 0, "section": "blocklist"}))


class DynamoBlocklist:
    def entries(self, code: str) -> list[BlockedCaller]:
        items = DirectoryModel.query(f"DISTRICT#{code}", DirectoryModel.sk.startswith(BLOCK_PREFIX))
        return [BlockedCaller(phone=item.sk[len(BLOCK_PREFIX):], reason=item.reason or "", by=item.updated_by or "",
                              at=item.updated_at or "") for item in items]

    def block(self, code: str, phone: str, reason: str, by: str, at: str) -> None:
        """The entry and its audit entry in one transaction."""
        with TransactWrite(connection=connection()) as txn:
            txn.save(DirectoryModel(f"DISTRICT#{code}", f"{BLOCK_PREFIX}{phone}", district=code, reason=reason,
                                    updated_at=at, updated_by=by))
            summary = f"blocked {phone}: {reason}" if reason else f"blocked {phone}"
            _audit(txn, code, phone, by, at, "blocklist_added", summary)

    def unblock(self, code: str, phone: str, by: str, at: str) -> bool:
        try:
            with TransactWrite(connection=connection()) as txn:
                txn.delete(DirectoryModel(f"DISTRICT#{code}", f"{BLOCK_PREFIX}{phone}"),
                           condition=DirectoryModel.sk.exists())
                _audit(txn, code, phone, by, at, "blocklist_removed", f"unblocked {phone}")
        except TransactWriteError as error:
            codes = [r.code if r is not None else None for r in (error.cancellation_reasons or [])]
            if codes and codes[0] == "ConditionalCheckFailed":
                return False
            raise
        return True
