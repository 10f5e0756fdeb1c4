"""Checks on a caller made at every channel's door (voice `incoming`, WhatsApp/SMS intake)."""
from __future__ import annotations

from chalicelib import wiring
from chalicelib.domain.district import District


def is_blocked(district: District, phone: str) -> bool:
    """The Collector's office has blocked this number for the district. No request when the cache is warm
    (the directory's TTL); a withheld caller ID is never on the list (it is no one's number)."""
    if not phone:
        return False
    directory = wiring.directory()
    lookup = getattr(directory, "blocked_phones", None)
    return bool(lookup) and phone in lookup(district.code)
