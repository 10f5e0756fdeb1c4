"""The DistrictConfigs port: tests/fakes/district_configs.py keeps store/district_configs.py's versions, line
ownership, transaction limit and audit trail."""
from __future__ import annotations

import copy
from typing import Any

import pytest

from chalicelib.domain.district import District, parse_district
from chalicelib.domain.ports import DistrictConfigs, LineTaken, StaleConfig, TooManyLines
from chalicelib.i18n import available_languages
from tests.fakes.district_configs import MemoryDistrictConfigs
from tests.support.demo import demo_on

DISTRICT = demo_on("twilio")  # as the `aws` fixture loads it
OTHER_LINE = "+917752000001"


def parsed(raw: dict[str, Any]) -> District:
    return parse_district(raw, available_languages())


def load(configs: DistrictConfigs, district: District) -> None:
    """What `manage.py load-district` does, on either side."""
    if isinstance(configs, MemoryDistrictConfigs):
        configs.load(district)
        return
    from chalicelib.store.district_loader import load_district

    load_district(district)


@pytest.fixture
def configs(backend: str) -> DistrictConfigs:
    if backend == "memory":
        fake = MemoryDistrictConfigs()
        fake.load(DISTRICT)  # the `aws` fixture loads the demo district on the dynamo side
        return fake
    from chalicelib.store.district_configs import DynamoDistrictConfigs

    return DynamoDistrictConfigs()


def test_a_loaded_file_reads_back_and_a_save_moves_its_version(configs: DistrictConfigs):
    found = configs.district_config("RPR")
    assert found is not None and found[0] == DISTRICT.raw
    version = found[1]
    changed = copy.deepcopy(DISTRICT.raw)
    changed["fallback_contact"]["en"] = "Or write to the Collectorate."
    saved = configs.save_district_config(parsed(changed), version, "collector.rpr", "2026-12-01T06:00:00Z",
                                         "wording", [], section="fallback_contact")
    assert saved == version + 1 and configs.district_config("RPR") == (changed, version + 1)
    assert configs.district_config("ZZZ") is None


def test_a_save_from_an_old_version_is_stale_and_writes_nothing(configs: DistrictConfigs):
    found = configs.district_config("RPR")
    assert found is not None
    configs.save_district_config(DISTRICT, found[1], "state.admin", "2026-12-01T06:00:00Z", "first", [])
    with pytest.raises(StaleConfig):
        configs.save_district_config(DISTRICT, found[1], "collector.rpr", "2026-12-01T06:01:00Z", "second", [])
    assert configs.district_config("RPR") == (DISTRICT.raw, found[1] + 1)
    entries, _ = configs.audit("RPR", 10, None)
    assert [e.summary for e in entries] == ["first"]


def test_a_line_is_one_districts_until_its_file_lets_it_go(configs: DistrictConfigs):
    other = copy.deepcopy(DISTRICT.raw)
    other.update(code="BSP", hotlines=[{**other["hotlines"][0], "lines": [OTHER_LINE]}])
    load(configs, parsed(other))
    found = configs.district_config("RPR")
    assert found is not None
    grabbing = copy.deepcopy(DISTRICT.raw)
    grabbing["hotlines"][0]["lines"].append(OTHER_LINE)
    with pytest.raises(LineTaken):
        configs.save_district_config(parsed(grabbing), found[1], "collector.rpr", "2026-12-01T06:00:00Z", "", [])
    assert configs.district_config("RPR") == found

    released = copy.deepcopy(other)
    released["hotlines"][0]["lines"] = ["+917752000002"]
    bsp = configs.district_config("BSP")
    assert bsp is not None
    configs.save_district_config(parsed(released), bsp[1], "collector.bsp", "2026-12-01T06:01:00Z", "", [OTHER_LINE])
    assert configs.save_district_config(parsed(grabbing), found[1], "collector.rpr", "2026-12-01T06:02:00Z", "",
                                        []) == found[1] + 1


def test_more_lines_than_one_transaction_takes_are_refused(configs: DistrictConfigs):
    found = configs.district_config("RPR")
    assert found is not None
    many = copy.deepcopy(DISTRICT.raw)
    many["hotlines"][0]["lines"] += [f"+9177520{n:05d}" for n in range(100)]
    with pytest.raises(TooManyLines):
        configs.save_district_config(parsed(many), found[1], "collector.rpr", "2026-12-01T06:00:00Z", "", [])
    assert configs.district_config("RPR") == found


def test_the_audit_trail_is_newest_first_page_after_page(configs: DistrictConfigs):
    found = configs.district_config("RPR")
    assert found is not None
    version = found[1]
    for minute in range(3):
        version = configs.save_district_config(DISTRICT, version, f"user{minute}", f"2026-12-01T06:0{minute}:00Z",
                                               f"save {minute}", [], section="departments")
    first, start = configs.audit("RPR", 2, None)
    assert [(e.by, e.summary, e.section, e.version) for e in first] == [
        ("user2", "save 2", "departments", version), ("user1", "save 1", "departments", version - 1)]
    assert start is not None
    rest, _ = configs.audit("RPR", 2, start)
    assert [e.by for e in rest] == ["user0"] and rest[0].at == "2026-12-01T06:00:00Z"
