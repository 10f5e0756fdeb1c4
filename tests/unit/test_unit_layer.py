"""The unit layer stays light: its tests load neither moto nor Chalice nor the AWS SDKs, so they start in a
fraction of a second and say nothing about adapters (those are tested in tests/flows and tests/contract)."""
from __future__ import annotations

import os

from tests.support.layers import HEAVY, import_unit_tests, unit_modules


def test_unit_tests_import_neither_moto_nor_chalice_nor_the_aws_sdks():
    modules = unit_modules()
    assert "tests.unit.test_lifecycle" in modules and __name__ in modules
    _seconds, loaded = import_unit_tests({**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert loaded == [], f"a unit test module loads {loaded} (of {HEAVY}): move the test to tests/flows"
