"""Reading a district's YAML file (on the admin's machine or the local stack; not in Lambda)."""
from __future__ import annotations

from pathlib import Path

from chalicelib.domain.district import District, DistrictConfigError, parse_district
from chalicelib.i18n import available_languages


def read_district_file(path: str | Path) -> District:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise DistrictConfigError(f"{path}: cannot read: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise DistrictConfigError(f"{path}: not valid YAML: {error}") from error
    return parse_district(data, available_languages())
