"""Loading a district file into the directory: validate everything first, then write, with progress."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from chalicelib.domain.clock import iso
from chalicelib.domain.district import District, DistrictConfigError
from chalicelib.store.directory import district_items, line_owner


def load_district(district: District, progress: Callable[[int, int, str], None] = lambda *_: None) -> int:
    """Write the district's directory items; refuse lines another district owns. Returns items written."""
    for line, _hotline in district.lines():
        owner = line_owner(line)
        if owner and owner != district.code:
            raise DistrictConfigError(f"line {line} already belongs to district {owner}")
    items = district_items(district, iso(datetime.now(UTC)))
    for n, item in enumerate(items, start=1):
        item.save()
        progress(n, len(items), f"{item.pk}")
    return len(items)
