"""The TranscriptRetention port: tests/fakes/retention.py and store/transcript_retention.py list what is due alike,
the oldest first, never what is still to come, and forget what was handled. On DynamoDB the listing is one
Query on one partition (no Scan), however many tickets wait."""
from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from chalicelib.domain.ports import RetentionDue, TranscriptRetention
from tests.fakes.retention import MemoryTranscriptRetention


@pytest.fixture
def retention_and_calls(backend: str) -> tuple[TranscriptRetention, Counter[str] | None]:
    if backend == "memory":
        return MemoryTranscriptRetention(), None
    from chalicelib.store.models import SearchModel
    from chalicelib.store.transcript_retention import DynamoTranscriptRetention

    calls: Counter[str] = Counter()
    SearchModel._get_connection().connection.client.meta.events.register(
        "after-call.dynamodb.*", lambda model, **_: calls.update([model.name]))
    return DynamoTranscriptRetention(), calls


@pytest.fixture
def retention(retention_and_calls: tuple[TranscriptRetention, Any]) -> TranscriptRetention:
    return retention_and_calls[0]


def test_what_is_due_comes_oldest_first_and_what_is_to_come_stays(retention: TranscriptRetention):
    retention.keep_until("RPR261201000003", "2027-12-01T09:00:00Z")
    retention.keep_until("RPR261201000001", "2027-12-01T06:00:00Z")
    retention.keep_until("RPR261201000002", "2027-12-01T07:30:00Z")
    retention.keep_until("BSP261201000001", "2027-12-01T07:30:00Z")  # the same moment, another district

    assert retention.due("2027-12-01T05:59:59Z", 25) == []
    assert retention.due("2027-12-01T06:00:00Z", 25) == [RetentionDue("RPR261201000001", "2027-12-01T06:00:00Z")]
    assert retention.due("2027-12-01T08:00:00Z", 25) == [
        RetentionDue("RPR261201000001", "2027-12-01T06:00:00Z"),
        RetentionDue("BSP261201000001", "2027-12-01T07:30:00Z"),
        RetentionDue("RPR261201000002", "2027-12-01T07:30:00Z")]
    assert retention.due("2027-12-01T08:00:00Z", 2) == retention.due("2027-12-01T08:00:00Z", 25)[:2]


def test_a_handled_entry_is_forgotten_and_keeping_it_again_is_harmless(retention: TranscriptRetention):
    retention.keep_until("RPR261201000001", "2027-12-01T06:00:00Z")
    retention.keep_until("RPR261201000001", "2027-12-01T06:00:00Z")  # a retried transcription
    retention.keep_until("RPR261201000002", "2027-12-01T06:30:00Z")
    first, second = retention.due("2027-12-02T00:00:00Z", 25)

    retention.done(first)
    assert retention.due("2027-12-02T00:00:00Z", 25) == [second]
    retention.done(first)  # again: nothing to forget
    retention.done(second)
    assert retention.due("2099-01-01T00:00:00Z", 25) == []


def test_the_listing_is_one_query_however_many_wait(
        retention_and_calls: tuple[TranscriptRetention, Counter[str] | None]):
    retention, calls = retention_and_calls
    for n in range(40):
        retention.keep_until(f"RPR2612010000{n:02d}", f"2027-12-01T06:{n:02d}:00Z")
    if calls is not None:
        calls.clear()
    assert len(retention.due("2027-12-01T06:29:00Z", 25)) == 25
    if calls is not None:
        assert calls == Counter({"Query": 1})
