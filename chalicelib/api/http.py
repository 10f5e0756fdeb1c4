"""The API's one request path: authenticate, check the role against the OpenAPI document, validate,
run the handler's one domain call, and answer JSON (Devanagari as is) or {"error": {...}}."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import cache
from typing import Any

from chalice import Response

from chalicelib.api.auth import User, user_from_headers
from chalicelib.api.errors import ApiError, bad_request, forbidden
from chalicelib.api.validate import check, query

log = logging.getLogger(__name__)
JSON = "application/json; charset=utf-8"


@cache
def operations() -> dict[str, dict[str, Any]]:
    from chalicelib.api.openapi import document

    return {op["operationId"]: op for path in document()["paths"].values() for op in path.values()}


class Call:
    """What a handler gets: the user, the typed query, the checked body, the path's parameters."""

    def __init__(self, user: User, params: dict[str, Any], body: dict[str, Any], path: dict[str, str],
                 language: str, headers: dict[str, str]) -> None:
        self.user, self.params, self.body, self.path = user, params, body, path
        self.language = language  # for refusals' words: the console's chosen language
        self.headers = headers


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), status_code=status,
                    headers={"Content-Type": JSON, "Cache-Control": "no-store", **(headers or {})})


def request_language(headers: dict[str, str]) -> str:
    """The console's chosen language (Accept-Language hi or en); Hindi unless English is asked for."""
    return "hi" if headers.get("accept-language", "hi").lower().startswith("hi") else "en"


def error_response(error: ApiError, language: str = "hi") -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    body: dict[str, Any] = {"code": error.code, "message": error.words(language)}
    if getattr(error, "fields", None):
        body["fields"] = error.fields
    return json_response({"error": body}, error.status, headers)


def handle(request: Any, operation_id: str, handler: Callable[[Call], Any]) -> Response:
    operation = operations()[operation_id]
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    language = request_language(headers)  # known before anything can be refused: every refusal speaks it
    try:
        user = user_from_headers(headers)
        if user.role not in operation["x-roles"]:
            raise forbidden("role_not_allowed")
        params = query(dict(request.query_params or {}), operation.get("parameters", []))
        path = dict(request.uri_params or {})
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                check(path.get(parameter["name"], ""), parameter["schema"], parameter["name"])
        body: dict[str, Any] = {}
        if "requestBody" in operation:
            body = _body(request, operation["requestBody"]["content"]["application/json"]["schema"])
        result = handler(Call(user, params, body, path, language, headers))
    except ApiError as error:
        return error_response(error, language)
    except Exception:
        log.exception("API %s failed", operation_id)
        return error_response(ApiError(500, "internal"), language)
    if isinstance(result, Response):
        return result
    status = 201 if operation_id == "registerTicket" else 200
    return json_response(result, status)


def _body(request: Any, schema: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.api.openapi import SCHEMAS

    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    raw = request.raw_body or b""
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=_number, parse_constant=_not_json) if raw else None
    except (UnicodeDecodeError, ValueError):
        raise bad_request("body_not_json") from None
    if not isinstance(data, dict):
        raise bad_request("body_not_object")
    check(data, schema, "body")
    return data


def _number(text: str) -> float | int:
    """JSON has one number type: 3.0 is the integer 3 (as JSON Schema's "integer" says), so it is read as one."""
    value = float(text)
    return int(value) if value.is_integer() else value


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity: Python reads them, JSON has no such numbers
