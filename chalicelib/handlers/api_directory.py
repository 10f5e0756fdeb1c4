"""The directory admin's API: the district file as its forms read it, its one save (the version the user opened;
each wrong field answered beside its input, in the user's language) and the audit of what changed.

Every refusal here is worded from the i18n catalogs in the language of the request (Accept-Language)."""
from __future__ import annotations

from typing import Any

from chalicelib import wiring
from chalicelib.api import access, cursor
from chalicelib.api.errors import ApiError
from chalicelib.api.http import Call
from chalicelib.domain.clock import iso
from chalicelib.domain.directory_fields import FieldProblem
from chalicelib.handlers import api_common as common
from chalicelib.i18n import Catalog, catalog


class FieldErrors(ApiError):
    """A 422 whose body also lists each wrong field: {"code", "path", "message"} (api/http.py writes it)."""

    def __init__(self, message: str, fields: list[dict[str, Any]]) -> None:
        super().__init__(422, "invalid_fields", message)
        self.fields = fields


def district_config(call: Call) -> dict[str, Any]:
    code = access.district_code(call.user, call.path["code"])
    found = wiring.district_configs().district_config(code)
    if found is None:
        raise _refused(call, 404, "no_district", "directory_not_found", code=code)
    config, version = found
    return {"code": code, "version": version, "config": config}


def save_district_config(call: Call) -> dict[str, Any]:
    from chalicelib.domain.ports import LineTaken, StaleConfig, TooManyLines
    from chalicelib.i18n import available_languages
    from chalicelib.operations import console_district_config as operation

    code = access.district_code(call.user, call.path["code"])
    try:
        saved = operation.save_district_config(
            code, call.body["version"], call.body["config"], call.body.get("summary") or "", call.user.username,
            iso(common.now()), wiring.district_configs(), available_languages())
    except operation.UnknownDistrict:
        raise _refused(call, 404, "no_district", "directory_not_found", code=code) from None
    except StaleConfig as stale:
        raise _refused(call, 409, "stale", "directory_stale", version=stale.current or "—") from None
    except operation.WrongDistrictCode:
        raise _refused(call, 422, "district_code", "directory_code", code=code) from None
    except operation.InvalidFields as invalid:
        words = catalog(call.language)
        raise FieldErrors(words.text("directory_invalid_fields"),
                          [_field(words, problem) for problem in invalid.problems]) from None
    except operation.InvalidDistrict as invalid:
        raise _refused(call, 422, "invalid_district", "directory_invalid", detail=str(invalid)) from None
    except TooManyLines:
        raise _refused(call, 422, "too_many_lines", "directory_too_many_lines") from None
    except LineTaken:
        raise _refused(call, 422, "line_taken", "directory_line_taken") from None
    common.forget_cached_directory()
    return {"code": code, "version": saved.version, "config": saved.district.raw}


def audit(call: Call) -> dict[str, Any]:
    code = access.district_code(call.user, call.path["code"])
    scope = f"audit:{code}"
    entries, last = wiring.district_configs().audit(code, call.params["limit"],
                                                    cursor.decode(call.params.get("cursor"), scope))
    names = _names(code, call.language)
    words = catalog(call.language)
    return {"items": [{"at": e.at, "by": e.by, "section": e.section, "summary": e.summary, "version": e.version,
                       "changes": [_change(words, names, c) for c in e.changes]}
                      for e in entries],
            "next_cursor": cursor.encode(last, scope)}


def _refused(call: Call, status: int, error_code: str, key: str, /, **values: Any) -> ApiError:
    return ApiError(status, error_code, catalog(call.language).text(key, **values))


def _field(words: Catalog, problem: FieldProblem) -> dict[str, Any]:
    key = f"field_{problem.code}"
    message = words.text(key) if key in words.keys() else words.text("field_schema_invalid")
    return {"code": problem.code, "path": list(problem.path), "message": message}


def _names(code: str, language: str) -> dict[str, str]:
    """The district's departments and categories by id, in `language`, for the audit's words."""
    found = wiring.district_configs().district_config(code)
    config: dict[str, Any] = dict(found[0]) if found else {}
    names: dict[str, str] = {}
    for key in ("departments", "categories"):
        for item in config.get(key) or []:
            if isinstance(item, dict):
                name = item.get("name")
                names[f"{key}:{item.get('id')}"] = (name.get(language) or name.get("en") or str(item.get("id"))
                                                    if isinstance(name, dict) else str(name or item.get("id")))
    return names


def _change(words: Catalog, names: dict[str, str], change: dict[str, Any]) -> dict[str, Any]:
    """A stored change (domain/directory_changes.py) in the user's words: what, before, after."""
    kind, *ids = change.get("what") or ["section", "?"]
    ids += ["?"] * (3 - len(ids))  # an entry of an older shape still reads
    values = {"department": names.get(f"departments:{ids[0]}", str(ids[0])),
              "category": names.get(f"categories:{ids[0]}", str(ids[0])), "operator": ids[0], "section": ids[0],
              "n": ids[0], "level": ids[1] if kind in ("officer", "category_clock") else ids[0],
              "field": _field_word(words, ids[2] if kind == "officer" else ids[1])}
    key = f"change_{kind}_{ids[0]}" if kind == "office_hours" else f"change_{kind}"
    what = words.text(key, **values) if key in words.keys() else words.text("change_section", **values)
    return {"what": what, "before": _value(words, change.get("before")),
            "after": _value(words, change.get("after"))}


def _field_word(words: Catalog, field: Any) -> str:
    key = f"change_field_{field}"
    return words.text(key) if key in words.keys() else str(field)


def _value(words: Catalog, value: Any) -> str | None:
    return words.text(f"change_{value}") if value in ("yes", "no") else value
