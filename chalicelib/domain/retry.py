"""The one way to retry a read-decide-write on a ticket that someone else changed meanwhile."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from chalicelib.domain.ports import StaleTicket

STALE_TRIES = 3  # a ticket busy enough to be stale three times in a row is left for the caller to retry

T = TypeVar("T")


def retry_on_stale(attempt: Callable[[], T], tries: int = STALE_TRIES) -> T:
    """Run `attempt` (which reads the ticket afresh each time) until it does not raise StaleTicket; the
    last try's StaleTicket goes to the caller."""
    for _ in range(tries - 1):
        try:
            return attempt()
        except StaleTicket:
            continue
    return attempt()
