"""One pynamodb connection per container, for transactions (models keep their own), and each connection's
botocore client made once however many threads ask for it first."""
from __future__ import annotations

import threading
import weakref

from pynamodb.connection import Connection

from chalicelib import settings
from chalicelib.singleton import singleton

_making = threading.Lock()
_ready: weakref.WeakSet[Connection] = weakref.WeakSet()


def with_client(made: Connection) -> Connection:
    """pynamodb makes a connection's client on its first request, from a botocore session of that thread: threads
    arriving together would each make one, loading the service model again, and the local server starts a
    thread per request (16 callers at once spent a quarter of the stack's CPU there). One thread makes it."""
    if made not in _ready:
        with _making:
            if made.client:  # the property makes the client and keeps it
                _ready.add(made)
    return made


@singleton
def connection() -> Connection:
    return with_client(Connection(region=settings.region(), connect_timeout_seconds=1, read_timeout_seconds=3,
                                  max_retry_attempts=2))
