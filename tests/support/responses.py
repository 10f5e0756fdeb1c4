"""What the console API's tests ask of each response: the status it must have, and for a refusal its code."""
from __future__ import annotations

from typing import Any


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    """The body of a response that has `status`."""
    assert response.status_code == status, (response.status_code, response.body)
    return response.json


def refused(response: Any, status: int, code: str) -> str:
    """The message of a refusal with `status` and error `code` (in the user's language)."""
    assert response.status_code == status, (response.status_code, response.body)
    assert response.json["error"]["code"] == code, response.json
    return response.json["error"]["message"]
