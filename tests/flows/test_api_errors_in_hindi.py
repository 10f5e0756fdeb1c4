"""Every refusal of the API says what was refused with a code of its own, and says it in the user's language
(Accept-Language: hi unless en), its values filled in: the console shows the message as it comes.

The first test finds every code the code base can raise by reading its source (Python's own parser, not a
list kept by hand), so a new refusal without Hindi and English words fails here."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from chalicelib.api.openapi import document
from chalicelib.i18n import catalog
from tests.support.fixtures import CALLER
from tests.support.responses import ok, refused

ROOT = Path(__file__).resolve().parents[2] / "chalicelib"
HELPERS = {"bad_request", "not_found", "forbidden", "unauthorized"}
WORDING = {"_refused", "refusal"}  # api_console/_directory's _refused(call, status, code, key), api_common's
GENERIC = {"bad_request", "not_found", "forbidden", "unauthorized", "error"}  # say nothing of what was refused


def _name(node: ast.AST) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _strings(node: ast.AST | None) -> list[str]:
    """The string constants an argument can be: "a", or "a" if … else "b"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _catalog_key(node: ast.AST) -> list[str]:
    """The key of a message worded from a catalog: words.text("key", …) or catalog(lang).text("key", …)."""
    if isinstance(node, ast.Call) and _name(node.func) == "text" and node.args:
        return _strings(node.args[0])
    return []


def _refusals() -> tuple[dict[str, set[str]], list[str]]:
    """Catalog keys the refusals need (key -> where), and the refusals written in the older English-only form."""
    needed: dict[str, set[str]] = {}
    untranslated: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # The helpers that word a refusal from a key they are given: their callers' keys are the ones checked.
        wording = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name in WORDING
                   for n in ast.walk(f)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or id(node) in wording:
                continue
            where, called, args = f"{path.relative_to(ROOT.parent)}:{node.lineno}", _name(node.func), node.args
            keys: list[str] = []
            if called == "ApiError" and len(args) >= 2 and path.name != "errors.py":
                codes = _strings(args[1])
                untranslated += [f"{where}: generic code {c}" for c in codes if c in GENERIC]
                if len(args) >= 3:
                    keys = _catalog_key(args[2])
                    if not keys:
                        untranslated.append(f"{where}: a message not from the catalogs")
                else:
                    keys = [f"error_{c}" for c in codes]
            elif called in HELPERS and args and path.name != "errors.py":
                codes = _strings(args[0])
                if len(args) > 1 or not all(c.isidentifier() for c in codes) or not codes:
                    untranslated.append(f"{where}: {called}(…) with an English sentence, not a code")
                untranslated += [f"{where}: generic code {c}" for c in codes if c in GENERIC]
                keys = [f"error_{c}" for c in codes if c.isidentifier()]
            elif called == "_refused" and len(args) >= 4:
                untranslated += [f"{where}: generic code {c}" for c in _strings(args[2]) if c in GENERIC]
                keys = _strings(args[3])
            elif called == "NotAllowed" and args:
                # The lifecycle's refusals: the officer's reply words, or the API's own (api_common.refusal).
                keys = [next((k for k in (f"reply_{r}", f"error_{r}") if k in catalog("en").keys()), f"reply_{r}")
                        for r in _strings(args[0])]
            for key in keys:
                needed.setdefault(key, set()).add(where)
    return needed, untranslated


def test_every_code_the_code_base_raises_has_hindi_and_english_words():
    needed, untranslated = _refusals()
    assert len(needed) > 60, sorted(needed)  # the walk found the refusals (a broken walk finds none)
    missing = [f"{key} ({lang}) for {sorted(where)[0]}" for key, where in sorted(needed.items())
               for lang in ("hi", "en") if key not in catalog(lang).keys()]
    assert not missing, "\n".join(missing)
    assert not untranslated, "\n".join(untranslated)
    hindi, english = catalog("hi"), catalog("en")
    for key in needed:
        if key.startswith("error_"):
            assert any("\u0900" <= ch <= "\u097f" for ch in hindi.raw(key)), key  # Hindi, not English copied
            assert not _devanagari(english.raw(key)), key  # and English, not Hindi
            # Hindi fills in only values the code gives (the English words are written against the code).
            assert _fields(hindi.raw(key)) <= _fields(english.raw(key)), key


def _fields(text: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_operation_documents_the_refusals_it_answers_with():
    for path in document()["paths"].values():
        for op in path.values():
            assert {"401", "403"} <= set(op["responses"]), op["operationId"]


# -- through the app: the words in the user's language, values filled in -----------------------------------

def _register(api, headers=None, **fields):
    body = {"caller_phone": CALLER, "category": "water", "description": "हैंडपंप खराब है", **fields}
    return api.post("operator.rpr", "/api/tickets", body, headers=headers or {})


def _devanagari(text: str) -> bool:
    return any("\u0900" <= ch <= "\u097f" for ch in text)


ENGLISH = {"Accept-Language": "en"}
HINDI = {"Accept-Language": "hi-IN,hi;q=0.9"}


@pytest.mark.parametrize(("language", "headers"), [("hi", HINDI), ("hi", {}), ("en", ENGLISH)])
def test_the_refusals_an_operator_meets_speak_the_consoles_language(api, hotline, language, headers):
    words = catalog(language)

    def says(response, status, code, key, **values):
        message = refused(response, status, code)
        if f"field_name_{values.get('field')}" in words.keys():  # by its form's label in Hindi, its name in English
            values["field"] = words.text(f"field_name_{values['field']}")
        assert message == words.text(key, **values)
        assert _devanagari(message) == (language == "hi"), message
        return message

    # A body without a required field, a field of the wrong form, and one the form does not take.
    says(api.post("operator.rpr", "/api/tickets", {"caller_phone": CALLER}, headers=headers), 400,
         "field_required", "error_field_required", field="category")
    if language == "hi":
        assert "category" not in refused(api.post("operator.rpr", "/api/tickets", {"caller_phone": CALLER},
                                                  headers=headers), 400, "field_required")
    says(_register(api, headers, caller_phone="98123"), 400, "field_pattern", "error_field_pattern",
         field="caller_phone")
    says(_register(api, headers, color="red"), 400, "field_unknown", "error_field_unknown", field="color")
    # A category the district does not have: named, with the ones it has.
    says(_register(api, headers, category="roads"), 422, "unknown_category", "error_unknown_category",
         category="roads", district="RPR", offered="health, food, water, electricity, revenue, police, other")
    # A ticket that is not there, or not the user's to see.
    says(api.get("operator.rpr", "/api/tickets/RPR2611230099", headers=headers), 404, "no_ticket",
         "error_no_ticket", number="RPR2611230099")
    # A role that may not: the operator and the Collector's lists; the officer and the form.
    says(api.get("operator.rpr", "/api/tickets?view=overdue", headers=headers), 403, "collectors_lists",
         "error_collectors_lists")
    says(api.post("officer.water.l1", "/api/tickets", {"caller_phone": CALLER, "category": "water",
                                                       "description": "नल"}, headers=headers),
         403, "role_not_allowed", "error_role_not_allowed")
    # Another district's.
    says(api.get("operator.rpr", "/api/tickets?view=recent&district=BSP", headers=headers), 403,
         "other_district", "error_other_district", district="BSP", own="RPR")
    # No sign-in at all.
    says(api.get(None, "/api/me", headers=headers), 401, "sign_in_needed", "error_sign_in_needed")
    # A call that has its ticket: its number, and what to do for another complaint from it.
    call_sid = "CA" + "4" * 32
    number = ok(_register(api, headers, call_sid=call_sid), 201)["complaint_number"]
    message = says(_register(api, headers, call_sid=call_sid), 409, "call_has_ticket", "error_call_has_ticket",
                   number=number)
    assert number in message and ("इसी कॉल से एक और शिकायत" if language == "hi" else "Another complaint") in message


def test_a_refusal_of_the_lifecycle_speaks_the_users_language_too(api, hotline):
    number = ok(_register(api), 201)["complaint_number"]
    ok(api.post("officer.water.l1", f"/api/tickets/{number}/acknowledge"))
    hindi = refused(api.post("officer.water.l1", f"/api/tickets/{number}/acknowledge"), 409, "already_acknowledged")
    english = refused(api.post("officer.water.l1", f"/api/tickets/{number}/acknowledge", headers=ENGLISH), 409,
                      "already_acknowledged")
    assert _devanagari(hindi) and number in hindi
    assert english == f"{number} is acknowledged already."


def test_a_failure_on_our_side_is_said_in_the_users_language_and_changes_nothing(api, hotline, monkeypatch):
    from chalicelib.handlers import api_console

    def broken(_call):
        raise RuntimeError("the table is away")

    monkeypatch.setitem(api_console.OPERATIONS, "me", broken)
    hindi = refused(api.get("operator.rpr", "/api/me"), 500, "internal")
    english = refused(api.get("operator.rpr", "/api/me", headers=ENGLISH), 500, "internal")
    assert hindi == catalog("hi").text("error_internal") and _devanagari(hindi)
    assert english == "Something went wrong on our side; nothing was changed. Try again in a minute."
    assert "table" not in hindi + english  # what broke stays in the log
