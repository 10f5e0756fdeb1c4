"""The OfficerPins port: tests/fakes/officer_pins.py keeps store/officer_pins.py's hashes, one per district and
phone, and a reset replaces the PIN."""
from __future__ import annotations

import pytest

from chalicelib.domain.officer_pins import hash_pin, pin_matches
from chalicelib.domain.ports import OfficerPins
from tests.fakes.officer_pins import MemoryOfficerPins

ONE, TWO = "+919000000301", "+919000000302"


@pytest.fixture
def pins(backend: str) -> OfficerPins:
    if backend == "memory":
        return MemoryOfficerPins()
    from chalicelib.store.officer_pins import DynamoOfficerPins

    return DynamoOfficerPins()


def test_a_pin_is_kept_per_district_and_phone_and_a_reset_replaces_it(pins: OfficerPins):
    assert pins.pin_hash("RPR", ONE) is None
    pins.set_pin_hash("RPR", ONE, hash_pin("1234", iterations=1000), "water.l1", "2026-12-01T06:00:00Z")
    assert pin_matches("1234", pins.pin_hash("RPR", ONE))
    assert pins.pin_hash("RPR", TWO) is None and pins.pin_hash("BSP", ONE) is None
    pins.set_pin_hash("RPR", ONE, hash_pin("9876", iterations=1000), "collector.rpr", "2026-12-01T07:00:00Z")
    assert pin_matches("9876", pins.pin_hash("RPR", ONE)) and not pin_matches("1234", pins.pin_hash("RPR", ONE))


def test_setting_a_pin_is_in_the_directory_audit(backend: str, pins: OfficerPins):
    pins.set_pin_hash("RPR", ONE, hash_pin("1234", iterations=1000), "collector.rpr", "2026-12-01T06:00:00Z")
    if backend == "memory":
        assert pins.audit == [("RPR", ONE, "collector.rpr")]  # type: ignore[attr-defined]
        return
    from chalicelib.store.district_configs import DynamoDistrictConfigs

    entries, _more = DynamoDistrictConfigs().audit("RPR", 10, None)
    assert [(e.by, e.section, e.summary) for e in entries] == [
        ("collector.rpr", "officer_pins", f"IVR PIN set for {ONE}")]
