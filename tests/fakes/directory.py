"""The Directory port in memory: districts (and state numbers) given at construction, a blocklist to fill."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.district import District
from chalicelib.domain.ports import Directory
from chalicelib.domain.state_line import StateLine


class MemoryDirectory:
    def __init__(self, *districts: District, states: tuple[StateLine, ...] = ()) -> None:
        self._districts = {d.code: d for d in districts}
        self._states = states
        self.blocked: dict[str, set[str]] = {}  # district code → phones its office blocked

    def district_for_line(self, line: str) -> District | None:
        return next((d for d in self._districts.values() if d.hotline_for_line(line)), None)

    def district_for_number(self, number: str) -> District | None:
        found = self.district_for_line(number)
        if found:
            return found
        # The first district to claim a sender keeps it, as store/directory.py's sender_items does.
        return next((d for d in self._districts.values() if number in d.sender_numbers()), None)

    def state_for_line(self, line: str) -> StateLine | None:
        if self.district_for_line(line):
            return None
        return next((s for s in self._states if line in s.lines), None)

    def district(self, code: str) -> District | None:
        return self._districts.get(code)

    def state(self, code: str) -> StateLine | None:
        return next((s for s in self._states if s.code == code), None)

    def blocked_phones(self, code: str) -> frozenset[str]:
        return frozenset(self.blocked.get(code, ()))

    def clear(self) -> None:
        """Nothing is cached here."""


if TYPE_CHECKING:
    _: Directory = MemoryDirectory()
