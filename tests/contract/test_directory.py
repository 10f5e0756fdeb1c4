"""The Directory port: tests/fakes/directory.py and store/directory.py answer who owns a number alike."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.ports import Directory
from chalicelib.state_file import read_state_file
from tests.fakes.directory import MemoryDirectory
from tests.support.demo import CALLER, LINE, ROOT, demo_on

RAIPUR = demo_on("twilio")  # as the `aws` fixture loads it
BILASPUR = read_district_file(ROOT / "examples" / "bilaspur.yaml")
STATE = read_state_file(ROOT / "examples" / "state-181.yaml")


@dataclass
class Side:
    directory: Directory
    block: Callable[[str, str], None]  # (district code, phone): the Collector's office blocks a caller


@pytest.fixture
def side(backend: str) -> Side:
    """Raipur (the `aws` fixture loads it for "dynamo"), Bilaspur and the state number 181."""
    if backend == "memory":
        memory = MemoryDirectory(RAIPUR, BILASPUR, states=(STATE,))
        return Side(memory, lambda code, phone: memory.blocked.setdefault(code, set()).add(phone))
    from chalicelib.store.blocklist import DynamoBlocklist
    from chalicelib.store.directory import CachedDirectory
    from chalicelib.store.district_loader import load_district, load_state

    load_district(BILASPUR)
    load_state(STATE)
    return Side(CachedDirectory(),
                lambda code, phone: DynamoBlocklist().block(code, phone, "abuse", "collector", "2026-12-01T06:00:00Z"))


def test_a_districts_line_leads_to_its_district(side: Side):
    found = side.directory.district_for_line(LINE)
    assert found is not None and found == side.directory.district("RPR") == RAIPUR
    assert side.directory.district_for_line(BILASPUR.lines()[0][0]) == BILASPUR
    assert side.directory.district_for_line("+919999999999") is None
    assert side.directory.district("ZZZ") is None


def test_a_text_reaches_the_district_by_its_line_or_its_sender_number(side: Side):
    assert RAIPUR.sender_numbers() == ["+919977222500"]
    assert side.directory.district_for_number("+919977222500") == RAIPUR
    assert side.directory.district_for_number(LINE) == RAIPUR
    assert side.directory.district_for_number(BILASPUR.sms_sender) == BILASPUR
    assert side.directory.district_for_number("+919999999999") is None


def test_a_state_number_is_no_districts_line(side: Side):
    state_line = STATE.lines[0]
    found = side.directory.state_for_line(state_line)
    assert found is not None and found.code == STATE.code
    assert side.directory.district_for_line(state_line) is None
    assert side.directory.state_for_line(LINE) is None
    assert side.directory.state_for_line("+919999999999") is None


def test_the_blocklist_is_the_districts_own(side: Side):
    assert side.directory.blocked_phones("RPR") == frozenset()
    side.block("RPR", CALLER)
    side.directory.clear()  # the real directory caches the list for its TTL
    assert side.directory.blocked_phones("RPR") == frozenset({CALLER})
    assert side.directory.blocked_phones("BSP") == frozenset()
