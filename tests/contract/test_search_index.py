"""The SearchIndex port: tests/fakes/search.py and store/search_index.py find, page and forget alike, and a page
reads at most the page and one more entry for a one-word search. On DynamoDB the items read are DynamoDB's own
figures (each response's Count, each BatchGetItem's items), counted from the client's responses: no Scan, ever."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.domain.ports import SearchIndex, SearchPage
from tests.fakes.search import MemorySearchIndex

Reads = Callable[[], Counter[str]]


@pytest.fixture
def index_and_reads(backend: str) -> tuple[SearchIndex, Reads | None]:
    if backend == "memory":
        return MemorySearchIndex(), None
    from chalicelib.store.models import SearchModel
    from chalicelib.store.search_index import DynamoSearchIndex

    reads: Counter[str] = Counter()

    def count(model: Any, parsed: dict[str, Any], **_: Any) -> None:
        if model.name in ("Query", "Scan"):
            reads[model.name] += parsed.get("ScannedCount", parsed.get("Count", 0))
            reads[model.name + " requests"] += 1
        elif model.name == "BatchGetItem":
            reads[model.name] += sum(len(items) for items in parsed.get("Responses", {}).values())

    SearchModel._get_connection().connection.client.meta.events.register("after-call.dynamodb.*", count)
    return DynamoSearchIndex(), lambda: reads


@pytest.fixture
def index(index_and_reads: tuple[SearchIndex, Reads | None]) -> SearchIndex:
    return index_and_reads[0]


def add(index: SearchIndex, n: int, terms: set[str], district: str = "RPR", expires_at: int | None = None) -> str:
    number = f"{district}26120100{n:02d}"
    index.index(district, number, f"2026-12-01T06:{n:02d}:00Z", terms, expires_at)
    return number


def read_as_said(page: SearchPage, reads: Reads | None) -> None:
    """What the page says it read is what DynamoDB read, in one Query (memory: nothing to measure it by)."""
    if reads is None:
        return
    measured = reads()
    assert measured["Scan"] == 0 and measured["Scan requests"] == 0
    assert measured["Query requests"] == 1
    assert measured["Query"] + measured["BatchGetItem"] == page.items_read, measured
    measured.clear()


def test_one_term_finds_its_tickets_newest_first_in_the_district_only(index: SearchIndex):
    first, second = add(index, 1, {"पानि", "गांव"}), add(index, 2, {"पानि"})
    add(index, 3, {"बिजलि"})
    add(index, 4, {"पानि"}, district="BSP")
    page = index.find("RPR", ["पानि"], 10)
    assert page.numbers == [second, first] and page.cursor is None
    assert index.find("RPR", ["सडक"], 10) == SearchPage([], None, 0)


def test_pages_read_the_page_and_one_more_and_the_last_has_no_cursor(
        index_and_reads: tuple[SearchIndex, Reads | None]):
    index, reads = index_and_reads
    numbers = [add(index, n, {"पानि"}) for n in range(1, 8)]
    newest_first = numbers[::-1]
    if reads:
        reads().clear()

    page = index.find("RPR", ["पानि"], 3)
    assert page.numbers == newest_first[:3] and page.items_read == 4 and page.cursor
    read_as_said(page, reads)
    page = index.find("RPR", ["पानि"], 3, page.cursor)
    assert page.numbers == newest_first[3:6] and page.items_read == 4 and page.cursor
    read_as_said(page, reads)
    page = index.find("RPR", ["पानि"], 3, page.cursor)
    assert page.numbers == newest_first[6:] and page.items_read == 1 and page.cursor is None
    read_as_said(page, reads)


def test_a_page_that_ends_the_list_exactly_has_no_cursor(index: SearchIndex):
    numbers = [add(index, n, {"पानि"}) for n in range(1, 5)]
    page = index.find("RPR", ["पानि"], 2)
    last = index.find("RPR", ["पानि"], 2, page.cursor)
    assert last.numbers == numbers[:2][::-1] and last.cursor is None and last.items_read == 2


def test_many_terms_keep_the_tickets_having_every_one(index_and_reads: tuple[SearchIndex, Reads | None]):
    index, reads = index_and_reads
    both = [add(index, n, {"हैंडपंप", "खराब", "गांव"}) for n in (1, 4)]
    add(index, 2, {"हैंडपंप"})
    add(index, 3, {"खराब", "गांव"})
    if reads:
        reads().clear()
    page = index.find("RPR", ["हैंडपंप", "खराब", "गांव"], 10)
    assert page.numbers == both[::-1] and page.cursor is None
    # 3 entries of the first term, then the other two terms checked on them: 2 + 2
    assert page.items_read == 3 + 2 + 2
    read_as_said(page, reads)


def test_sparse_matches_give_short_pages_with_a_cursor_to_read_on(index: SearchIndex):
    """30 tickets say "पानि", every tenth also "गांव": a page of 2 reads at most 5 rounds of 3 entries."""
    numbers = [add(index, n, {"पानि", "गांव"} if n % 10 == 0 else {"पानि"}) for n in range(30)]
    newest_first = numbers[::-1]  # the matches: newest_first[9], [19], [29]
    page = index.find("RPR", ["पानि", "गांव"], 2)
    assert page.numbers == [newest_first[9]] and page.items_read == 5 * 3 + 1 and page.cursor
    page = index.find("RPR", ["पानि", "गांव"], 2, page.cursor)
    assert page.numbers == [newest_first[19], newest_first[29]] and page.items_read == 5 * 3 + 2
    assert index.find("RPR", ["पानि", "गांव"], 2, page.cursor) == SearchPage([], None, 0)


def test_unindexing_forgets_only_those_terms_and_indexing_again_doubles_nothing(index: SearchIndex):
    number = add(index, 1, {"पानि", "नल"})
    add(index, 1, {"पानि", "नल"})
    index.unindex("RPR", number, "2026-12-01T06:01:00Z", {"नल"})
    assert index.find("RPR", ["नल"], 10).numbers == []
    assert index.find("RPR", ["पानि"], 10).numbers == [number]


def test_entries_carry_the_expiry_they_were_given(backend: str, index: SearchIndex):
    add(index, 1, {"पानि"}, expires_at=1_830_000_000)
    add(index, 2, {"नल"})
    if isinstance(index, MemorySearchIndex):
        expiries = {term: list(keys.values()) for (_, term), keys in index.entries.items()}
    else:
        from chalicelib.store.models import SearchModel

        expiries = {item.pk.split("#", 1)[1]: [item.expires_at] for item in
                    [*SearchModel.query("RPR#पानि"), *SearchModel.query("RPR#नल")]}
    assert expiries == {"पानि": [1_830_000_000], "नल": [None]}
