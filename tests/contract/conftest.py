"""Contract tests: one suite per port, run against its in-memory fake and its DynamoDB adapter (under moto).

A port's fixture takes `backend` and builds the fake for "memory" or the adapter for "dynamo"; every test of the
suite runs on both, so a fake that drifts from the real adapter fails here, not in a unit test that trusted it.
"""
from __future__ import annotations

import pytest

from chalicelib.domain.ports import CallerHistory, TicketStore
from tests.fakes.caller_history import MemoryCallerHistory
from tests.fakes.tickets import MemoryTicketStore
from tests.support.fixtures import aws, demo_carrier  # noqa: F401


@pytest.fixture(params=["memory", "dynamo"])
def backend(request: pytest.FixtureRequest) -> str:
    """Which side of the contract runs; "dynamo" starts moto with the real tables (the `aws` fixture)."""
    if request.param == "dynamo":
        request.getfixturevalue("aws")
    return str(request.param)


@pytest.fixture
def history_and_tickets(backend: str) -> tuple[CallerHistory, TicketStore]:
    """Callers' history and the tickets it reads, both in memory or both on DynamoDB (test_caller_*)."""
    if backend == "memory":
        tickets = MemoryTicketStore()
        return MemoryCallerHistory(tickets), tickets
    from chalicelib.store.callers import DynamoCallerHistory
    from chalicelib.store.tickets import DynamoTicketStore

    return DynamoCallerHistory(), DynamoTicketStore()
