"""One pynamodb connection per container, for transactions (models keep their own)."""
from __future__ import annotations

from pynamodb.connection import Connection

from chalicelib import settings
from chalicelib.singleton import singleton


@singleton
def connection() -> Connection:
    return Connection(region=settings.region(), connect_timeout_seconds=1, read_timeout_seconds=3,
                      max_retry_attempts=2)
