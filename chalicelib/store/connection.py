"""One pynamodb connection per container, for transactions (models keep their own)."""
from __future__ import annotations

from pynamodb.connection import Connection

from chalicelib import settings

_connection: Connection | None = None


def connection() -> Connection:
    global _connection
    if _connection is None:
        _connection = Connection(region=settings.region(), connect_timeout_seconds=1,
                                 read_timeout_seconds=3, max_retry_attempts=2)
    return _connection
