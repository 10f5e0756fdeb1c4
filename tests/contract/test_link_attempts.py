"""The LinkAttempts port: tests/fakes/link_attempts.py and store/link_attempts.py count wrong tries alike."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.ports import LinkAttempts
from tests.fakes.link_attempts import MemoryLinkAttempts

T0 = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


@pytest.fixture
def attempts(backend: str) -> LinkAttempts:
    if backend == "memory":
        return MemoryLinkAttempts()
    from chalicelib.store.link_attempts import DynamoLinkAttempts

    return DynamoLinkAttempts()


def test_wrong_tries_count_up_in_their_window(attempts: LinkAttempts):
    assert attempts.failures("link-tries#a", T0) == 0
    assert [attempts.add_failure("link-tries#a", T0 + timedelta(minutes=n), WINDOW) for n in range(3)] == [1, 2, 3]
    assert attempts.failures("link-tries#a", T0 + timedelta(minutes=5)) == 3
    assert attempts.failures("link-tries#b", T0) == 0  # every link its own count


def test_the_window_opens_at_the_first_wrong_try_and_a_new_one_starts_from_one(attempts: LinkAttempts):
    attempts.add_failure("link-tries#a", T0, WINDOW)
    attempts.add_failure("link-tries#a", T0 + timedelta(minutes=14), WINDOW)  # does not stretch the window
    assert attempts.failures("link-tries#a", T0 + WINDOW - timedelta(seconds=1)) == 2
    assert attempts.failures("link-tries#a", T0 + WINDOW) == 0
    assert attempts.add_failure("link-tries#a", T0 + WINDOW, WINDOW) == 1
    assert attempts.failures("link-tries#a", T0 + 2 * WINDOW - timedelta(seconds=1)) == 1


def test_a_try_given_back_leaves_the_count_as_it_was(attempts: LinkAttempts):
    for n in range(3):
        attempts.add_failure("link-tries#a", T0 + timedelta(minutes=n), WINDOW)
    attempts.remove_failure("link-tries#a", T0 + timedelta(minutes=4))
    assert attempts.failures("link-tries#a", T0 + timedelta(minutes=5)) == 2
    attempts.remove_failure("link-tries#none", T0)  # nothing counted: nothing to give back
    assert attempts.failures("link-tries#none", T0) == 0
