"""Officers' IVR PINs, hashed, in the directory table next to the district file (`DISTRICT#<code>` /
`PIN#<phone>`): one GetItem when an officer keys it. A change is audited with the directory's other changes."""
from __future__ import annotations

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib.store.connection import connection
from chalicelib.store.models import DirectoryModel, TimelineModel

PIN_PREFIX = "PIN#"


class DynamoOfficerPins:
    def pin_hash(self, district: str, phone: str) -> str | None:
        try:
            item = DirectoryModel.get(f"DISTRICT#{district}", f"{PIN_PREFIX}{phone}", consistent_read=True,
                                      attributes_to_get=["pin_hash"])
        except DoesNotExist:
            return None
        return item.pin_hash or None

    def set_pin_hash(self, district: str, phone: str, pin_hash: str, by: str, at: str) -> None:
        with TransactWrite(connection=connection()) as txn:
            txn.save(DirectoryModel(f"DISTRICT#{district}", f"{PIN_PREFIX}{phone}", district=district,
                                    pin_hash=pin_hash, updated_at=at, updated_by=by))
            # The directory admin's audit trail (store/district_configs.py audit reads it), as the blocklist's.
            txn.save(TimelineModel(f"AUDIT#{district}", f"{at}#officer_pin_set#{phone}", actor_type="user",
                                   actor_id=by, action="officer_pin_set", channel="console",
                                   detail={"summary": f"IVR PIN set for {phone}", "version": 0,
                                           "section": "officer_pins"}))
