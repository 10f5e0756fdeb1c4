"""The district file as the directory admin edits it: versioned, saved with its line and sender items in one
transaction, and audited (the blocklist's changes share the audit trail, store/blocklist.py)."""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.district import District
from chalicelib.domain.ports import AuditEntry, LineTaken, StaleConfig, TooManyLines
from chalicelib.store.connection import connection
from chalicelib.store.directory import district_items, sender_items
from chalicelib.store.models import DirectoryModel, TimelineModel

# DynamoDB takes 100 writes in a transaction: the file, its audit entry and at most two senders leave 96
# for the lines kept and removed. A bigger district is loaded with `manage.py load-district`.
TRANSACTION_ITEMS = 100
OTHER_ITEMS = 4
MAX_LINES = TRANSACTION_ITEMS - OTHER_ITEMS


class DynamoDistrictConfigs:
    def district_config(self, code: str) -> tuple[dict[str, Any], int] | None:
        try:
            item = DirectoryModel.get(f"DISTRICT#{code}", "CONFIG", consistent_read=True)
        except DirectoryModel.DoesNotExist:
            return None
        return item.config or {}, int(item.version or 0)

    def save_district_config(self, district: District, version: int, by: str, at: str, summary: str,
                             removed_lines: list[str], section: str = "",
                             changes: list[dict[str, Any]] | None = None) -> int:
        if len(district.lines()) + len(removed_lines) > MAX_LINES:
            raise TooManyLines(MAX_LINES)
        new_version = version + 1
        items = district_items(district, at)
        config, lines = items[0], items[1:]
        senders = sender_items(district, at)  # texts to a new SMS or WhatsApp sender reach the chat intake
        config.version, config.updated_by = new_version, by
        try:
            with TransactWrite(connection=connection()) as txn:
                condition = DirectoryModel.version == version if version else DirectoryModel.version.does_not_exist()
                txn.save(config, condition=condition)
                for line in lines:
                    # A line belongs to one district or one state number (181): never taken from either.
                    txn.save(line, condition=(DirectoryModel.district == district.code)
                             | (DirectoryModel.district.does_not_exist() & DirectoryModel.state.does_not_exist()))
                for sender in senders:
                    txn.save(sender, condition=(DirectoryModel.district == district.code)
                             | DirectoryModel.district.does_not_exist())
                for removed in removed_lines:
                    txn.delete(DirectoryModel(f"LINE#{removed}", "LINE"),
                               condition=DirectoryModel.district == district.code)
                txn.save(TimelineModel(f"AUDIT#{district.code}", f"{at}#{new_version:06d}", actor_type="user",
                                       actor_id=by, action="directory_saved", channel="console",
                                       detail={"summary": summary, "version": new_version, "section": section,
                                               "changes": changes or []}))
        except TransactWriteError as error:
            codes = [r.code if r is not None else None for r in (error.cancellation_reasons or [])]
            # The reasons follow the request: pynamodb sends the deletes (removed lines) before the puts.
            config_code = codes[len(removed_lines)] if len(codes) > len(removed_lines) else None
            if config_code in ("ConditionalCheckFailed", "TransactionConflict"):
                raise StaleConfig(district.code) from error
            if "ConditionalCheckFailed" in codes:
                raise LineTaken(district.code) from error
            raise
        return new_version

    def audit(self, code: str, limit: int,
              start: dict[str, Any] | None) -> tuple[list[AuditEntry], dict[str, Any] | None]:
        results = TimelineModel.query(f"AUDIT#{code}", scan_index_forward=False, limit=limit,
                                      last_evaluated_key=start)
        entries = [AuditEntry(at=item.at_id.split("#", 1)[0], by=item.actor_id,
                              section=item.detail.get("section", ""), summary=item.detail.get("summary", ""),
                              version=int(item.detail.get("version", 0)),
                              changes=tuple(item.detail.get("changes") or ()))
                   for item in results]
        return entries, results.last_evaluated_key
