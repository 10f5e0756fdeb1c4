"""The SearchIndex port in memory: entries per (district, term) with their expiry, read as the DynamoDB adapter
reads them (domain/hindi_search.search_page), so the items a page reads are the same figure on both."""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from chalicelib.domain.hindi_search import entry_key, search_page
from chalicelib.domain.ports import SearchIndex, SearchPage


class MemorySearchIndex:
    def __init__(self) -> None:
        # (district, term) → entry key (<created_at>#<complaint number>) → expires_at (epoch seconds or None)
        self.entries: dict[tuple[str, str], dict[str, int | None]] = defaultdict(dict)
        self.finds = 0  # searches asked, for tests of what calls the index

    def index(self, district: str, complaint_number: str, created_at: str, terms: set[str],
              expires_at: int | None = None) -> None:
        for term in terms:
            self.entries[(district, term)][entry_key(created_at, complaint_number)] = expires_at

    def unindex(self, district: str, complaint_number: str, created_at: str, terms: set[str]) -> None:
        for term in terms:
            self.entries[(district, term)].pop(entry_key(created_at, complaint_number), None)

    def find(self, district: str, terms: list[str], limit: int, cursor: str | None = None) -> SearchPage:
        self.finds += 1
        if not terms or limit < 1:
            return SearchPage([], None, 0)
        first, others = terms[0], terms[1:]

        def read_keys(after: str | None, size: int) -> list[str]:
            keys = sorted(self.entries.get((district, first), {}), reverse=True)
            return [k for k in keys if after is None or k < after][:size]

        def having(keys: list[str]) -> tuple[set[str], int]:
            left, read = set(keys), 0
            for term in others:
                found = left & set(self.entries.get((district, term), {}))
                read, left = read + len(found), found
            return left, read

        return search_page(read_keys, having, limit, cursor)

    def terms_of(self, district: str, complaint_number: str) -> set[str]:
        """The terms a ticket is findable by (for tests)."""
        return {term for (d, term), keys in self.entries.items()
                if d == district and any(k.endswith("#" + complaint_number) for k in keys)}


if TYPE_CHECKING:
    _: SearchIndex = MemorySearchIndex()
