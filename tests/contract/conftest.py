"""Contract tests: one suite per port, run against its in-memory fake and its DynamoDB adapter (under moto).

A port's fixture takes `backend` and builds the fake for "memory" or the adapter for "dynamo"; every test of the
suite runs on both, so a fake that drifts from the real adapter fails here, not in a unit test that trusted it.
"""
from __future__ import annotations

import pytest

from tests.support.fixtures import aws, demo_carrier  # noqa: F401


@pytest.fixture(params=["memory", "dynamo"])
def backend(request: pytest.FixtureRequest) -> str:
    """Which side of the contract runs; "dynamo" starts moto with the real tables (the `aws` fixture)."""
    if request.param == "dynamo":
        request.getfixturevalue("aws")
    return str(request.param)
