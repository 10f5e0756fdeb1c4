"""API errors: every refusal is {"error": {"code", "message"}} with its HTTP status."""
from __future__ import annotations


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad_request(message: str, code: str = "bad_request") -> ApiError:
    return ApiError(400, code, message)


def not_found(message: str = "Not found") -> ApiError:
    return ApiError(404, "not_found", message)


def forbidden(message: str = "Your role does not allow this") -> ApiError:
    return ApiError(403, "forbidden", message)


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message)
