"""Checks request bodies, path parameters and query strings against the OpenAPI document's schemas, so the
document is what the routes really accept.

fastjsonschema does the checking (the district file's validator too: chalicelib/schemas/), each schema compiled
once per container with the document's components beside it, so `$ref`, `items`, `oneOf` and the rest mean
what JSON Schema says. This module only words its refusal for the person who sent the request.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from chalicelib.api.errors import ApiError, bad_request

_compiled: dict[str, Callable[[Any], Any]] = {}


def _validator(schema: dict[str, Any]) -> Callable[[Any], Any]:
    key = json.dumps(schema, sort_keys=True)
    if key not in _compiled:
        import fastjsonschema

        from chalicelib.api.openapi import SCHEMAS

        # The components travel with the schema so that its "#/components/schemas/…" references resolve.
        _compiled[key] = fastjsonschema.compile({"allOf": [schema], "components": {"schemas": SCHEMAS}})
    return _compiled[key]


def check(value: Any, schema: dict[str, Any], where: str) -> None:
    """Refuse `value` with a 400 that says where and what, unless it has the schema's shape."""
    from fastjsonschema import JsonSchemaValueException

    _no_nul(value, where)
    try:
        _validator(schema)(value)
    except JsonSchemaValueException as error:
        raise _refusal(error, where) from None


def _no_nul(value: Any, where: str) -> None:
    """A NUL is no character a person types, and some stores cut a string at it: refused everywhere."""
    if isinstance(value, str) and "\x00" in value:
        raise bad_request("field_nul", field=where)
    if isinstance(value, dict):
        for name, item in value.items():
            _no_nul(item, name)
    elif isinstance(value, list):
        for item in value:
            _no_nul(item, where)


def _refusal(error: Any, where: str) -> ApiError:
    """fastjsonschema's failure, e.g. rule "maxLength" at "data.remark", as field_too_long with field=remark."""
    path = (error.name or "data").removeprefix("data")
    field = re.sub(r"^\.", "", path) or where
    rule, limit, value = error.rule, error.rule_definition, error.value
    if rule == "required":
        missing = [name for name in limit if not isinstance(value, dict) or name not in value]
        name = missing[0] if missing else limit[0]
        return bad_request("field_required", field=name if field == where == "body" else f"{field}.{name}")
    if rule == "additionalProperties":
        known = set((error.definition or {}).get("properties", {}))
        extra = sorted(set(value) - known) if isinstance(value, dict) else []
        return bad_request("field_unknown", field=extra[0] if extra else field)
    if rule == "type":
        kinds = [k for k in (limit if isinstance(limit, list) else [limit]) if k != "null"]
        return bad_request("field_type", field=field, kinds=" / ".join(kinds))
    if rule == "enum":
        return bad_request("field_choice", field=field, choices=", ".join(map(str, limit)))
    if rule == "minLength":
        return bad_request("field_empty" if value == "" else "field_too_short", field=field)
    if rule == "maxLength":
        return bad_request("field_too_long", field=field, limit=limit)
    if rule == "pattern":
        return bad_request("field_pattern", field=field)
    if rule in ("minimum", "maximum"):
        bounds = error.definition or {}
        return bad_request("field_range", field=field, minimum=bounds.get("minimum"), maximum=bounds.get("maximum"))
    return bad_request("field_invalid", field=field)


def query(params: dict[str, str], parameters: list[dict[str, Any]]) -> dict[str, Any]:
    """The query string as typed values; unknown parameters are ignored, as HTTP APIs usually do."""
    values: dict[str, Any] = {}
    for parameter in parameters:
        if parameter["in"] != "query":
            continue
        name, schema = parameter["name"], parameter["schema"]
        raw = params.get(name)
        if raw is None:
            if parameter.get("required"):
                raise bad_request("query_required", field=name)
            if "default" in schema:
                values[name] = schema["default"]
            continue
        value: Any = raw
        if schema.get("type") == "integer":
            if not re.fullmatch(r"-?[0-9]{1,9}", raw):
                raise bad_request("field_whole_number", field=name)
            value = int(raw)
        check(value, schema, name)
        values[name] = value
    return values
