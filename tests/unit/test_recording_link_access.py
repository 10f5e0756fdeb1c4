"""A recording link takes a few wrong numbers, then refuses every number until its window ends."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.operations.recording_link_access import MAX_WRONG_NUMBERS, WINDOW, check_officer_phone
from tests.fakes.link_attempts import MemoryLinkAttempts

OFFICER = "+919000000301"
T0 = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_the_officers_number_opens_the_link_and_counts_nothing():
    attempts = MemoryLinkAttempts()
    assert check_officer_phone("k", OFFICER, OFFICER, attempts, T0) == "granted"
    assert attempts.failures("k", T0) == 0


def test_after_the_fifth_wrong_number_even_the_right_one_waits_for_the_window_to_end():
    attempts = MemoryLinkAttempts()
    outcomes = [check_officer_phone("k", f"+91900000040{n}", OFFICER, attempts, T0 + timedelta(minutes=n))
                for n in range(MAX_WRONG_NUMBERS)]
    assert outcomes == ["wrong_number"] * (MAX_WRONG_NUMBERS - 1) + ["locked"]
    assert check_officer_phone("k", OFFICER, OFFICER, attempts, T0 + WINDOW - timedelta(seconds=1)) == "locked"
    assert check_officer_phone("other", OFFICER, OFFICER, attempts, T0) == "granted"  # per link
    assert check_officer_phone("k", OFFICER, OFFICER, attempts, T0 + WINDOW) == "granted"


def test_an_unreadable_number_counts_as_a_wrong_one():
    attempts = MemoryLinkAttempts()
    assert check_officer_phone("k", None, OFFICER, attempts, T0) == "wrong_number"
    assert attempts.failures("k", T0) == 1


def test_guesses_sent_all_at_once_are_each_counted_before_any_is_compared():
    """Parallel requests each take their place in the count first, so once five are in flight the next is
    locked out whatever it types; a right number among them gives its place back."""
    attempts = MemoryLinkAttempts()
    assert [attempts.add_failure("k", T0, WINDOW) for _ in range(4)] == [1, 2, 3, 4]  # four guesses in flight
    assert check_officer_phone("k", OFFICER, OFFICER, attempts, T0) == "granted"
    assert attempts.failures("k", T0) == 4  # the right number used no place
    attempts.add_failure("k", T0, WINDOW)  # a fifth guess in flight
    assert check_officer_phone("k", OFFICER, OFFICER, attempts, T0) == "locked"
