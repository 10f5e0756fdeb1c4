"""The directory admin saves a district file from the console: it must still be the version the user opened,
keep its district code and parse as a district; the lines it no longer lists are freed, and the store writes
the file, its lines and senders and the audit entry at once (refusing lines another district holds)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.carrier_plan import check_carrier_plan
from chalicelib.domain.directory_changes import config_changes
from chalicelib.domain.directory_fields import FieldProblem, field_problems
from chalicelib.domain.district import District, DistrictConfigError, parse_district
from chalicelib.domain.ports import DistrictConfigs, StaleConfig
from chalicelib.domain.shared_phones import check_operators_own_phones


class UnknownDistrict(Exception):
    """No district file under that code."""


class WrongDistrictCode(Exception):
    """The file names another district than the one it is saved under."""


class InvalidDistrict(Exception):
    """The file does not parse as a district; the message says where."""


class InvalidFields(Exception):
    """Fields the forms edit are wrong: each named by its place and a problem code."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(", ".join(p.code for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class SavedConfig:
    version: int
    district: District


def save_district_config(code: str, version: int, config: dict[str, Any], summary: str, by: str, at: str,
                         configs: DistrictConfigs, languages: set[str]) -> SavedConfig:
    """Raises UnknownDistrict, StaleConfig, WrongDistrictCode, InvalidFields, InvalidDistrict, and the store's
    LineTaken and TooManyLines; nothing is written then. The audit entry keeps what changed, field by field."""
    found = configs.district_config(code)
    if found is None:
        raise UnknownDistrict(code)
    old_config, stored = found
    if version != stored:
        raise StaleConfig(code, stored)
    if config.get("code") != code:
        raise WrongDistrictCode(code)
    problems = field_problems(config) or _shape_problems(config)
    if problems:
        raise InvalidFields(problems)
    district = _parsed(config, languages)
    old_lines = {line for line, _ in parse_district(old_config, languages).lines()}
    removed = sorted(old_lines - {line for line, _ in district.lines()})
    changed = ", ".join(sorted(k for k in old_config.keys() | config.keys() if old_config.get(k) != config.get(k)))
    saved = configs.save_district_config(district, stored, by, at, summary.strip() or "directory edited", removed,
                                         section=changed, changes=config_changes(old_config, config))
    return SavedConfig(saved, district)


def _shape_problems(config: dict[str, Any]) -> list[FieldProblem]:
    """The district schema's first complaint as a field problem (its rule kind the code): a type, a missing
    field, a choice not on the list."""
    from chalicelib import schemas

    found = schemas.field_problem("district", config)
    return [FieldProblem(f"schema_{found[0]}", found[1])] if found else []


def _parsed(config: dict[str, Any], languages: set[str]) -> District:
    try:
        district = parse_district(config, languages)
        check_carrier_plan(district)  # as load-district does: what the carriers cannot carry in India
        check_operators_own_phones(district)  # and an operator's phone that is an officer's
        return district
    except DistrictConfigError as error:
        raise InvalidDistrict(str(error)) from None
    except (TypeError, ValueError, AttributeError, KeyError) as error:  # a section of the wrong shape
        raise InvalidDistrict(f"A section has the wrong shape ({type(error).__name__}: {str(error)[:200]}); "
                              "compare with the district file") from None
