"""Time, injected so that tests (and `advance` on the local stack) can travel."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Protocol

IST = timezone(timedelta(hours=5, minutes=30), "IST")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        self._at += delta


class OffsetClock:
    """Real time plus an offset that only grows: the local stack's `advance` moves it."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return SystemClock().now() + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


def iso(at: datetime) -> str:
    """Stored form: UTC, ISO-8601, seconds precision, sortable as text."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def ist_date(at: datetime) -> str:
    return at.astimezone(IST).strftime("%Y-%m-%d")


def ist_hour(at: datetime) -> str:
    return at.astimezone(IST).strftime("%Y-%m-%dT%H")
