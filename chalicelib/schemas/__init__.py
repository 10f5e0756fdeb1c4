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
