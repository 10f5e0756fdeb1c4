"""The one way to retry a read-decide-write on a ticket (or a video call) that someone else changed meanwhile."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from chalicelib.domain.ports import StaleTicket

STALE_TRIES = 3  # a ticket busy enough to be stale three times in a row is left for the caller to retry

T = TypeVar("T")


def retry_on_stale(attempt: Callable[[], T], tries: int = STALE_TRIES,
                   stale: type[Exception] = StaleTicket) -> T:
    """Run `attempt` (which reads the ticket — or whatever `stale` is about, a video call — afresh each time)
    until it does not raise `stale`; the last try's goes to the caller."""
    for _ in range(tries - 1):
        try:
            return attempt()
        except stale:
            continue
    return attempt()
