"""Opaque page cursors: DynamoDB's LastEvaluatedKey, signed so a client cannot point a query elsewhere."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from chalicelib import settings
from chalicelib.api.errors import bad_request


def _mac(payload: bytes) -> str:
    key = ("cursor:" + settings.link_secret()).encode()
    return base64.urlsafe_b64encode(hmac.new(key, payload, hashlib.sha256).digest()[:16]).decode().rstrip("=")


def encode(key: dict[str, Any] | None, scope: str) -> str | None:
    """`scope` names the query the cursor belongs to (view and its keys)."""
    if not key:
        return None
    payload = json.dumps({"k": key, "s": scope}, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + _mac(payload)


def decode(cursor: str | None, scope: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    body, _, mac = cursor.partition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        ok = hmac.compare_digest(mac.encode("ascii"), _mac(payload).encode("ascii"))
        data = json.loads(payload) if ok else None
    except (ValueError, UnicodeError):
        data = None
    if not data or data.get("s") != scope:
        raise bad_request("bad_cursor")
    return data["k"]
