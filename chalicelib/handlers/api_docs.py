"""The OpenAPI document. Like every /api route it needs a token (any role): only /health, the signed
Twilio routes and the console's static files (which hold no data) answer without one."""
from __future__ import annotations

import json
from functools import cache
from typing import Any

from chalice import Response

from chalicelib.api.auth import user_from_headers
from chalicelib.api.errors import ApiError
from chalicelib.api.http import error_response, request_language


@cache
def _body() -> str:
    from chalicelib.api.openapi import document

    return json.dumps(document(), ensure_ascii=False)


def openapi(request: Any) -> Response:
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    try:
        user_from_headers(headers)
    except ApiError as error:
        return error_response(error, request_language(headers))
    return Response(_body(), status_code=200, headers={"Content-Type": "application/json; charset=utf-8"})
