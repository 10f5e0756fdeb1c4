"""The DistrictConfigs port in memory: versioned files, lines owned by one district, the audit trail, and
the one-transaction limit of store/district_configs.py."""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from chalicelib.domain.district import District
from chalicelib.domain.ports import AuditEntry, DistrictConfigs, LineTaken, StaleConfig, TooManyLines

MAX_LINES = 96  # as store/district_configs.py: DynamoDB's 100 writes less the file, the audit and two senders


class MemoryDistrictConfigs:
    def __init__(self) -> None:
        self.files: dict[str, tuple[dict[str, Any], int]] = {}
        self.line_owners: dict[str, str] = {}  # line → district code, or "STATE#<code>" for a state number's
        self.audits: dict[str, list[AuditEntry]] = {}

    def load(self, district: District, version: int = 0) -> None:
        """What `manage.py load-district` leaves: the file and its lines."""
        self.files[district.code] = (copy.deepcopy(district.raw), version)
        for line, _ in district.lines():
            self.line_owners[line] = district.code

    def district_config(self, code: str) -> tuple[dict[str, Any], int] | None:
        found = self.files.get(code)
        return (copy.deepcopy(found[0]), found[1]) if found else None

    def save_district_config(self, district: District, version: int, by: str, at: str, summary: str,
                             removed_lines: list[str], section: str = "",
                             changes: list[dict[str, Any]] | None = None) -> int:
        if len(district.lines()) + len(removed_lines) > MAX_LINES:
            raise TooManyLines(MAX_LINES)
        stored = self.files.get(district.code, ({}, 0))[1]
        if stored != version:
            raise StaleConfig(district.code)
        lines = [line for line, _ in district.lines()]
        if any(self.line_owners.get(line, district.code) != district.code for line in lines + removed_lines):
            raise LineTaken(district.code)
        for line in removed_lines:
            self.line_owners.pop(line, None)
        for line in lines:
            self.line_owners[line] = district.code
        self.files[district.code] = (copy.deepcopy(district.raw), version + 1)
        self.audits.setdefault(district.code, []).append(AuditEntry(at, by, section, summary, version + 1,
                                                                           tuple(changes or ())))
        return version + 1

    def audit(self, code: str, limit: int,
              start: dict[str, Any] | None) -> tuple[list[AuditEntry], dict[str, Any] | None]:
        newest = sorted(self.audits.get(code, []), key=lambda e: (e.at, e.version), reverse=True)
        begin = int(start["position"]) if start else 0
        page = newest[begin:begin + limit]
        more = len(page) == limit and begin + limit < len(newest)
        return page, {"position": begin + limit} if more else None


if TYPE_CHECKING:
    _: DistrictConfigs = MemoryDistrictConfigs()
