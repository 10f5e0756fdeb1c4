"""Container-wide singletons (chalicelib/singleton.py): made once, replaceable, all forgotten by one reset."""
from __future__ import annotations

from datetime import UTC, datetime

from chalicelib import wiring
from chalicelib.domain.clock import FixedClock, SystemClock
from chalicelib.singleton import reset_all, singleton

made: list[str] = []


@singleton
def greeting(name: str = "world") -> str:
    made.append(name)
    return f"hello {name}"


def test_a_singleton_is_made_once_per_arguments_until_everything_is_reset():
    reset_all()
    made.clear()
    assert greeting() == greeting() == "hello world"
    assert greeting("raipur") == "hello raipur"
    assert made == ["world", "raipur"]
    wiring.reset()  # the wiring's reset forgets singletons declared anywhere, not a list of its own
    assert greeting() == "hello world" and made == ["world", "raipur", "world"]


def test_a_replacement_stands_in_until_it_is_withdrawn_or_reset():
    fixed = FixedClock(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    wiring.use_clock(fixed)
    assert wiring.clock() is fixed
    wiring.use_clock(None)
    assert isinstance(wiring.clock(), SystemClock)
    wiring.clock.use(fixed)
    wiring.reset()
    assert isinstance(wiring.clock(), SystemClock) and wiring.clock() is wiring.clock()
