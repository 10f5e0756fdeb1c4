"""Reading a district's YAML file (on the admin's machine or the local stack; not in Lambda)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from chalicelib.domain.district import District, DistrictConfigError, parse_district
from chalicelib.i18n import available_languages


def read_yaml(path: str | Path, error: type[Exception] = DistrictConfigError) -> Any:
    """A district's or a state number's file, parsed; `error` says which file could not be read."""
    import yaml

    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as failure:
        raise error(f"{path}: cannot read: {failure.strerror}") from failure
    except yaml.YAMLError as failure:
        raise error(f"{path}: not valid YAML: {failure}") from failure


def read_district_file(path: str | Path) -> District:
    """The file's shape is checked against chalicelib/schemas/district.schema.json first (where and what is
    wrong, e.g. "hotlines[0].lines: must be array"), then parse_district checks the rules between fields, then
    domain/carrier_plan.py what the carriers cannot carry in India (CarrierPlanError, one line per refusal)."""
    from chalicelib import schemas
    from chalicelib.domain.carrier_plan import check_carrier_plan
    from chalicelib.domain.shared_phones import check_operators_own_phones

    data = read_yaml(path)
    wrong = schemas.problem("district", data)
    if wrong:
        raise DistrictConfigError(wrong)
    district = parse_district(data, available_languages())
    check_carrier_plan(district)
    check_operators_own_phones(district)
    return district
