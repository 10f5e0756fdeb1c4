"""Checks request bodies and query strings against the OpenAPI document's schemas, so the document is
what the routes really accept (the subset it uses: objects, strings, integers, booleans)."""
from __future__ import annotations

import re
from typing import Any

from chalicelib.api.errors import bad_request

_TYPES = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list, "number": (int, float)}


def check(value: Any, schema: dict[str, Any], where: str) -> None:
    kind = schema.get("type")
    if kind:
        kinds = kind if isinstance(kind, list) else [kind]
        if value is None and "null" in kinds:
            return
        ok = any(isinstance(value, _TYPES[k]) and not (k in ("integer", "number") and isinstance(value, bool))
                 for k in kinds if k != "null")
        if not ok:
            raise bad_request(f"{where} must be {' or '.join(kinds)}")
    if "enum" in schema and value not in schema["enum"]:
        raise bad_request(f"{where} must be one of {', '.join(map(str, schema['enum']))}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            raise bad_request(f"{where} is empty" if not value else f"{where} is too short")
        if len(value) > schema.get("maxLength", 1 << 30):
            raise bad_request(f"{where} is longer than {schema['maxLength']} characters")
        if "\x00" in value:
            raise bad_request(f"{where} has a NUL character")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            raise bad_request(f"{where} is not in the expected form")
    if isinstance(value, int) and not isinstance(value, bool):
        if value < schema.get("minimum", -(1 << 62)) or value > schema.get("maximum", 1 << 62):
            raise bad_request(f"{where} must be between {schema.get('minimum')} and {schema.get('maximum')}")
    if isinstance(value, dict) and "properties" in schema:
        for name in schema.get("required", []):
            if name not in value:
                raise bad_request(f"{where}.{name} is required" if where != "body" else f"'{name}' is required")
        for name, item in value.items():
            sub = schema["properties"].get(name)
            if sub is None:
                if schema.get("additionalProperties") is False:
                    raise bad_request(f"'{name}' is not a field this takes")
                continue
            check(item, sub, name)


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
                raise bad_request(f"the query parameter '{name}' is required")
            if "default" in schema:
                values[name] = schema["default"]
            continue
        value: Any = raw
        if schema.get("type") == "integer":
            if not re.fullmatch(r"-?[0-9]{1,9}", raw):
                raise bad_request(f"{name} must be a whole number")
            value = int(raw)
        check(value, schema, name)
        values[name] = value
    return values
