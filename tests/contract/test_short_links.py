"""The ShortLinks port: tests/fakes/short_links.py and store/short_links.py keep and find links alike."""
from __future__ import annotations

import pytest

from chalicelib.domain.ports import ShortLink, ShortLinks
from tests.fakes.short_links import MemoryShortLinks

LINK = ShortLink("RPR2611230001", "+919000000301", 1_800_000_000)


@pytest.fixture
def links(backend: str) -> ShortLinks:
    if backend == "memory":
        return MemoryShortLinks()
    from chalicelib.store.short_links import DynamoShortLinks

    return DynamoShortLinks()


def test_a_kept_link_is_found_by_its_digest(links: ShortLinks):
    assert links.add("d1", LINK) is True
    assert links.find("d1") == LINK
    assert links.find("d2") is None


def test_a_taken_digest_keeps_its_first_link(links: ShortLinks):
    links.add("d1", LINK)
    other = ShortLink("RPR2611230002", "+919000000302", 1_800_000_100)
    assert links.add("d1", other) is False
    assert links.find("d1") == LINK
