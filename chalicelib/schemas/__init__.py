"""JSON Schemas written once and used everywhere they apply: district.schema.json is the district file's shape,
checked before parse_district reads a file (chalicelib/district_file.py) and published as the API's
DistrictConfig (chalicelib/api/openapi.py).

Validators come from fastjsonschema: pure Python (nothing compiled to ship in the Lambda zip) and fast, each
schema compiled once per process."""
from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@cache
def schema(name: str) -> dict[str, Any]:
    """The schema in `<name>.schema.json`, parsed once (callers must not change it)."""
    return json.loads((HERE / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def validator(name: str) -> Callable[[Any], Any]:
    import fastjsonschema

    return fastjsonschema.compile(copy.deepcopy(schema(name)))  # it rewrites the $refs of what it is given


def problem(name: str, value: Any) -> str | None:
    """None when `value` has the schema's shape; else where and what is wrong, e.g.
    "hotlines[0].lines: must be array"."""
    from fastjsonschema import JsonSchemaValueException

    try:
        validator(name)(value)
    except JsonSchemaValueException as error:
        where, _, what = error.message.partition(" ")
        where = where.removeprefix("data").removeprefix(".") or "the file"
        return f"{where}: {what}"
    return None


def field_problem(name: str, value: Any) -> tuple[str, tuple[str | int, ...]] | None:
    """None when `value` has the schema's shape; else the failed rule's kind ("type", "required", "enum",
    "minLength", …) and the place, e.g. ("hotlines", 0, "lines"): the API words it for the person."""
    from fastjsonschema import JsonSchemaValueException

    try:
        validator(name)(value)
    except JsonSchemaValueException as error:
        place = tuple(int(part) if part.isdigit() else part for part in (error.path or [])[1:])
        if error.rule == "required" and isinstance(error.value, dict):
            missing = [field for field in error.rule_definition or [] if field not in error.value]
            place = (*place, *missing[:1])
        return str(error.rule or "invalid"), place
    return None
