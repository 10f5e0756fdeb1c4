"""The ShortLinks port in memory."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.ports import ShortLink, ShortLinks


class MemoryShortLinks:
    def __init__(self) -> None:
        self.links: dict[str, ShortLink] = {}  # digest of the token → the link

    def add(self, digest: str, link: ShortLink) -> bool:
        if digest in self.links:
            return False
        self.links[digest] = link
        return True

    def find(self, digest: str) -> ShortLink | None:
        return self.links.get(digest)


if TYPE_CHECKING:
    _: ShortLinks = MemoryShortLinks()
