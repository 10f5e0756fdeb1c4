"""Checks on a caller at voice `incoming` (the chat intake asks the same cached directory itself)."""
from __future__ import annotations

from chalicelib import wiring
from chalicelib.domain.district import District


def is_blocked(district: District, phone: str) -> bool:
    """The Collector's office has blocked this number for the district. No request when the cache is warm
    (the directory's TTL); a withheld caller ID is never on the list (it is no one's number)."""
    return bool(phone) and phone in wiring.directory().blocked_phones(district.code)
