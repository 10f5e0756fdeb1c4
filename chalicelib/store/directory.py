"""The directory: which district owns a line, and each district's configuration.

Cached in the container's memory for a short time: the IVR asks on every step, and a directory
edit reaching callers a minute later is fine.
"""
from __future__ import annotations

import time
from typing import Any

from chalicelib import settings
from chalicelib.domain.district import District, parse_district
from chalicelib.i18n import available_languages
from chalicelib.store.models import DirectoryModel

_MISSING = object()


class CachedDirectory:
    def __init__(self, ttl_seconds: float | None = None) -> None:
        self._ttl = settings.directory_cache_seconds() if ttl_seconds is None else ttl_seconds
        self._cache: dict[str, tuple[float, Any]] = {}

    def _cached(self, key: str, load) -> Any:
        hit = self._cache.get(key)
        now = time.monotonic()
        if hit and now - hit[0] < self._ttl:
            return hit[1]
        value = load()
        self._cache[key] = (now, value)
        return value

    def district_for_line(self, line: str) -> District | None:
        code = self._cached(f"LINE#{line}", lambda: _get_attr(f"LINE#{line}", "LINE", "district"))
        return self.district(code) if code else None

    def district(self, code: str) -> District | None:
        return self._cached(f"DISTRICT#{code}", lambda: _load_district(code))

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


def line_owner(line: str) -> str | None:
    return _get_attr(f"LINE#{line}", "LINE", "district")
