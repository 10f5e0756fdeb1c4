"""API errors: every refusal is {"error": {"code", "message"}} with its HTTP status.

The code says what was refused (`no_district`, `role_not_allowed`, `field_too_long`, …): the console and any
other client can act on it. The message is the catalog's `error_<code>` in the user's language (Accept-Language,
worked out in api/http.py), its {values} filled in when the response is written, so a handler raises without
knowing the language. A refusal already worded from another catalog entry (a lifecycle reply, a transcript
correction) carries its message instead. tests/flows/test_api_errors_in_hindi.py finds every code the code base
raises and checks that both catalogs have its words.
"""
from __future__ import annotations

from chalicelib.i18n import catalog


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str | None = None, /, **values: object) -> None:
        super().__init__(message or code)
        self.status = status
        self.code = code
        self.message = message  # None: the catalog's error_<code>, in the language of the response
        self.values = values
        self.fields: object = None  # what a form's inline errors need (api/http.py sends it when set)

    def __str__(self) -> str:  # logs and tracebacks: in English
        try:
            return self.words("en")
        except (KeyError, IndexError):
            return self.code

    def words(self, language: str) -> str:
        if self.message is not None:
            return self.message
        words = catalog(language)
        values = dict(self.values)
        # A field is named as its form's label says it in Hindi (field_name_<id>); English names the API's field.
        field = str(values.get("field", ""))
        if f"field_name_{field}" in words.keys():
            values["field"] = words.text(f"field_name_{field}")
        return words.text(f"error_{self.code}", **values)


def _refusal(status: int, generic: str, code: str, legacy_code: str | None, values: dict[str, object]) -> ApiError:
    # The older form, a sentence in English (and a code after it), still answers while callers move over to
    # codes; tests/flows/test_api_errors_in_hindi.py names every call left in that form.
    if legacy_code is not None or not code.isidentifier():
        return ApiError(status, legacy_code or generic, code)
    return ApiError(status, code, **values)


def bad_request(code: str, legacy_code: str | None = None, /, **values: object) -> ApiError:
    return _refusal(400, "bad_request", code, legacy_code, values)


def not_found(code: str, legacy_code: str | None = None, /, **values: object) -> ApiError:
    return _refusal(404, "not_found", code, legacy_code, values)


def forbidden(code: str, legacy_code: str | None = None, /, **values: object) -> ApiError:
    return _refusal(403, "forbidden", code, legacy_code, values)


def unauthorized(code: str, legacy_code: str | None = None, /, **values: object) -> ApiError:
    return _refusal(401, "unauthorized", code, legacy_code, values)
