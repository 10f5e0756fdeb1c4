"""The directory: which district (or state number) owns a line, and each district's configuration.

Cached in the container's memory for a short time: the IVR asks on every step, and a directory
edit reaching callers a minute later is fine.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from chalicelib import settings
from chalicelib.domain.district import District, parse_district
from chalicelib.domain.state_line import StateLine, parse_state_line
from chalicelib.i18n import available_languages
from chalicelib.store.models import DirectoryModel

_MISSING = object()


class CachedDirectory:
    def __init__(self, ttl_seconds: float | None = None) -> None:
        self._ttl = settings.directory_cache_seconds() if ttl_seconds is None else ttl_seconds
        self._cache: dict[str, tuple[float, Any]] = {}

    def _cached(self, key: str, load: Callable[[], Any]) -> Any:
        hit = self._cache.get(key)
        now = time.monotonic()
        if hit and now - hit[0] < self._ttl:
            return hit[1]
        value = load()
        self._cache[key] = (now, value)
        return value

    def _owner(self, line: str) -> tuple[str | None, str | None]:
        # One item answers both questions, so a district line costs no extra read for the state check.
        return self._cached(f"LINE#{line}", lambda: line_owners(line))

    def district_for_line(self, line: str) -> District | None:
        code = self._owner(line)[0]
        return self.district(code) if code else None

    def district_for_number(self, number: str) -> District | None:
        """The district a citizen's text reached: a hotline line, else its SMS or WhatsApp sender number."""
        found = self.district_for_line(number)
        if found:
            return found
        code = self._cached(f"SENDER#{number}", lambda: sender_owner(number))
        return self.district(code) if code else None

    def state_for_line(self, line: str) -> StateLine | None:
        """The state number (181) a line belongs to; None for a district's own line or an unknown one."""
        code = self._owner(line)[1]
        return self.state(code) if code else None

    def state(self, code: str) -> StateLine | None:
        return self._cached(f"STATE#{code}", lambda: _load_state(code))

    def district(self, code: str) -> District | None:
        return self._cached(f"DISTRICT#{code}", lambda: _load_district(code))

    def blocked_phones(self, code: str) -> frozenset[str]:
        """The district's blocklist: one Query on a cold container, then none until the TTL runs out."""
        from chalicelib.store.blocklist import blocked_phones

        return self._cached(f"BLOCKLIST#{code}", lambda: blocked_phones(code))

    def clear(self) -> None:
        self._cache.clear()


def _get_attr(pk: str, sk: str, attr: str) -> Any:
    try:
        return getattr(DirectoryModel.get(pk, sk), attr)
    except DirectoryModel.DoesNotExist:
        return None


def _load_district(code: str) -> District | None:
    config = _get_attr(f"DISTRICT#{code}", "CONFIG", "config")
    return parse_district(config, available_languages()) if config else None


def district_items(district: District, updated_at: str) -> list[DirectoryModel]:
    """Everything a district file puts in the directory."""
    items = [DirectoryModel(f"DISTRICT#{district.code}", "CONFIG", district=district.code,
                            config=district.raw, updated_at=updated_at)]
    items += [DirectoryModel(f"LINE#{line}", "LINE", district=district.code, hotline=hotline,
                             updated_at=updated_at) for line, hotline in district.lines()]
    return items


def line_owners(line: str) -> tuple[str | None, str | None]:
    """(district, state) of a line's item: at most one is set; (None, None) when nobody owns it."""
    try:
        item = DirectoryModel.get(f"LINE#{line}", "LINE")
    except DirectoryModel.DoesNotExist:
        return None, None
    return item.district, item.state


def _load_state(code: str) -> StateLine | None:
    config = _get_attr(f"STATE#{code}", "CONFIG", "config")
    return parse_state_line(config, available_languages()) if config else None


def state_items(state: StateLine, updated_at: str) -> list[DirectoryModel]:
    """Everything a state file puts in the directory: its file and one LINE item per number."""
    items = [DirectoryModel(f"STATE#{state.code}", "CONFIG", state=state.code, config=state.raw,
                            updated_at=updated_at)]
    items += [DirectoryModel(f"LINE#{line}", "LINE", state=state.code, updated_at=updated_at) for line in state.lines]
    return items


def sender_items(district: District, updated_at: str) -> list[DirectoryModel]:
    """The district's SENDER items, but for a sender another district has: one shared by several districts (a
    state-wide number) stays with the first to claim it, since a citizen's text to it cannot tell the districts
    apart; such districts take texts on their hotline lines. One GetItem per sender (at most two)."""
    return [DirectoryModel(f"SENDER#{number}", "SENDER", district=district.code, updated_at=updated_at)
            for number in district.sender_numbers() if sender_owner(number) in (None, district.code)]


def sender_owner(number: str) -> str | None:
    return _get_attr(f"SENDER#{number}", "SENDER", "district")
