"""Reading a state number's YAML file (on the admin's machine or the local stack; not in Lambda)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from chalicelib.domain.state_line import StateConfigError, StateLine, parse_state_line
from chalicelib.i18n import available_languages


def _yaml(path: str | Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise StateConfigError(f"{path}: cannot read: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise StateConfigError(f"{path}: not valid YAML: {error}") from error


def is_state_file(path: str | Path) -> bool:
    """A state file names its `state:`; a district file its `code:`."""
    data = _yaml(path)
    return isinstance(data, dict) and "state" in data


def read_state_file(path: str | Path) -> StateLine:
    return parse_state_line(_yaml(path), available_languages())
