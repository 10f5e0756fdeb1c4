"""Whether the number typed on a recording link opens it: a few wrong numbers per link, then a pause.

The link's page is the only thing between a forwarded (or guessed) link and the citizen's voice, and the
officer's number is all it asks, so guesses are counted per link in a window that every container shares
(LinkAttempts): after MAX_WRONG_NUMBERS the link refuses every number, the right one too, until the window
that the first wrong number opened ends.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from chalicelib.domain.ports import LinkAttempts

MAX_WRONG_NUMBERS = 5
WINDOW = timedelta(minutes=15)

Access = Literal["granted", "wrong_number", "locked"]


def check_officer_phone(link_key: str, typed: str | None, expected: str, attempts: LinkAttempts,
                        now: datetime) -> Access:
    """"granted" for the link's own number; "wrong_number" for another, counted; "locked" once the link has
    had MAX_WRONG_NUMBERS wrong numbers in its window (this one included), whatever is typed.

    Every try is counted before its number is compared and given back when it proves right: parallel guesses
    each take a place first, so no more than MAX_WRONG_NUMBERS are ever compared in a window."""
    count = attempts.add_failure(link_key, now, WINDOW)
    if count > MAX_WRONG_NUMBERS:
        return "locked"
    if typed is not None and typed == expected:
        attempts.remove_failure(link_key, now)
        return "granted"
    return "locked" if count >= MAX_WRONG_NUMBERS else "wrong_number"
