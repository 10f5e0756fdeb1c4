"""The Blocklist port: tests/fakes/blocklist.py keeps store/blocklist.py's entries, one per district and phone."""
from __future__ import annotations

import pytest

from chalicelib.domain.ports import BlockedCaller, Blocklist
from tests.fakes.blocklist import MemoryBlocklist

ONE, TWO = "+919800000001", "+919800000002"


@pytest.fixture
def blocklist(backend: str) -> Blocklist:
    if backend == "memory":
        return MemoryBlocklist()
    from chalicelib.store.blocklist import DynamoBlocklist

    return DynamoBlocklist()


def test_blocked_callers_are_listed_by_phone_and_a_second_block_rewords(blocklist: Blocklist):
    assert blocklist.entries("RPR") == []
    blocklist.block("RPR", TWO, "गाली", "collector.rpr", "2026-12-01T06:00:00Z")
    blocklist.block("RPR", ONE, "", "state.admin", "2026-12-01T06:01:00Z")
    blocklist.block("RPR", TWO, "abuse", "collector.rpr", "2026-12-01T06:02:00Z")
    assert blocklist.entries("RPR") == [BlockedCaller(ONE, "", "state.admin", "2026-12-01T06:01:00Z"),
                                        BlockedCaller(TWO, "abuse", "collector.rpr", "2026-12-01T06:02:00Z")]
    assert blocklist.entries("BSP") == []


def test_unblocking_says_whether_the_number_was_listed(blocklist: Blocklist):
    blocklist.block("RPR", ONE, "abuse", "collector.rpr", "2026-12-01T06:00:00Z")
    assert blocklist.unblock("BSP", ONE, "collector.bsp", "2026-12-01T06:01:00Z") is False
    assert blocklist.unblock("RPR", ONE, "collector.rpr", "2026-12-01T06:02:00Z") is True
    assert blocklist.unblock("RPR", ONE, "collector.rpr", "2026-12-01T06:03:00Z") is False
    assert blocklist.entries("RPR") == []
