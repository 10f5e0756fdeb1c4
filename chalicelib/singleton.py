"""The one way to keep something for a Lambda container's life: a factory decorated with @singleton.

Made on first use (the webhook path pays for nothing it does not touch), kept until `reset_all()`, which tests
call between cases: every singleton registers itself here, so none can be forgotten.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar, cast

P = ParamSpec("P")
R = TypeVar("R")

_everyone: list[Singleton[Any, Any]] = []


class Singleton(Generic[P, R]):
    """A factory called once per distinct arguments; `use()` puts another instance in its place."""

    def __init__(self, factory: Callable[P, R]) -> None:
        made = functools.cache(factory)
        self._forget = made.cache_clear
        # cache() keeps the factory's signature at run time; its stub only loses it.
        self._made = cast("Callable[P, R]", made)
        self._replacement: R | None = None
        functools.update_wrapper(self, factory)
        _everyone.append(self)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._replacement is not None:
            return self._replacement
        return self._made(*args, **kwargs)

    def use(self, replacement: R | None) -> None:
        """Tests' and the local stack's own instance (a clock they move); None goes back to the factory's."""
        self._replacement = replacement

    def cache_clear(self) -> None:
        """Forget what was made and any replacement."""
        self._forget()
        self._replacement = None


def singleton(factory: Callable[P, R]) -> Singleton[P, R]:
    return Singleton(factory)


def reset_all() -> None:
    """Forget every singleton (tests start each case with fresh adapters, clients and clock)."""
    for made in _everyone:
        made.cache_clear()
