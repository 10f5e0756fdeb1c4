"""Reading a state number's YAML file (on the admin's machine or the local stack; not in Lambda)."""
from __future__ import annotations

from pathlib import Path

from chalicelib.district_file import read_yaml
from chalicelib.domain.state_line import StateConfigError, StateLine, parse_state_line
from chalicelib.i18n import available_languages


def is_state_file(path: str | Path) -> bool:
    """A state file names its `state:`; a district file its `code:`."""
    data = read_yaml(path, StateConfigError)
    return isinstance(data, dict) and "state" in data


def read_state_file(path: str | Path) -> StateLine:
    return parse_state_line(read_yaml(path, StateConfigError), available_languages())
