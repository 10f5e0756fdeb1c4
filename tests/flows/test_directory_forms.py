"""The directory's forms through the real API (chalice's test client against moto): a wrong field is answered
field by field in the user's language with no JSON path in the words, nothing is saved; a save's audit entry
lists what changed (before → after) in the reader's language."""
from __future__ import annotations

import copy
from typing import Any

from tests.support.responses import ok, refused

CONFIG = "/api/districts/RPR/config"


def _opened(api: Any) -> tuple[dict[str, Any], int]:
    opened = ok(api.get("collector.rpr", CONFIG))
    return opened["config"], opened["version"]


def _department(config: dict[str, Any], dep: str) -> tuple[int, dict[str, Any]]:
    return next((i, d) for i, d in enumerate(config["departments"]) if d["id"] == dep)


def test_a_wrong_phone_and_clock_are_answered_field_by_field_in_hindi_and_english_and_nothing_is_saved(api):
    config, version = _opened(api)
    broken = copy.deepcopy(config)
    water_at, water = _department(broken, "water")
    water["officers"]["L2"]["phone"] = "+91980000"  # a digit short, as typed in a hurry
    water["officers"]["L2"]["name"] = " "
    category_at = next(i for i, c in enumerate(broken["categories"]) if c["id"] == "water")
    broken["categories"][category_at]["sla_hours"] = 0
    broken["categories"][category_at]["level_hours"] = {"L1": 900}
    broken["office_hours"]["open"] = "9 baje"
    broken["holidays"] = ["2026-02-30"]

    answers = {}
    for language in ("hi", "en"):
        answer = api.put("collector.rpr", CONFIG, {"version": version, "config": broken, "summary": "x"},
                         headers={"Accept-Language": language})
        message = refused(answer, 422, "invalid_fields")
        answers[language] = (message, {tuple(f["path"]): (f["code"], f["message"])
                                       for f in answer.json["error"]["fields"]})

    officer = ("departments", water_at, "officers", "L2")
    hi_message, hi = answers["hi"]
    assert "कुछ सहेजा नहीं गया" in hi_message
    assert hi == {
        (*officer, "name"): ("required", "यह भरना ज़रूरी है।"),
        (*officer, "phone"): ("phone", "फ़ोन नंबर +91 से शुरू होकर 10 अंकों का हो, जैसे +919000000301।"),
        ("categories", category_at, "sla_hours"): ("hours", "घंटे 1 से 720 के बीच हों।"),
        ("categories", category_at, "level_hours", "L1"): ("hours", "घंटे 1 से 720 के बीच हों।"),
        ("office_hours", "open"): ("time", "समय घंटे:मिनट में लिखें, जैसे 08:00।"),
        ("holidays", 0): ("date", "तारीख वर्ष-महीना-दिन में लिखें, जैसे 2026-01-26।"),
    }
    en_message, en = answers["en"]
    assert "Nothing was saved" in en_message
    assert en[(*officer, "phone")] == ("phone", "A phone number starts with +91 and has 10 digits, e.g. "
                                                "+919000000301.")
    assert en[("categories", category_at, "sla_hours")] == ("hours", "Hours between 1 and 720.")
    assert set(en) == set(hi)
    for _, fields in answers.values():  # the words name no place in the file
        assert not any("departments" in m or "[" in m or "officers" in m for _, m in fields.values())

    assert ok(api.get("collector.rpr", CONFIG)) == {"code": "RPR", "version": version, "config": config}
    assert ok(api.get("collector.rpr", "/api/districts/RPR/audit"))["items"] == []


def test_a_value_of_the_wrong_kind_is_named_by_its_field_not_by_a_json_path(api):
    config, version = _opened(api)
    broken = copy.deepcopy(config)
    broken["hotlines"][0]["lines"] = "+919977222564"  # one line typed where the file has a list
    answer = api.put("collector.rpr", CONFIG, {"version": version, "config": broken},
                     headers={"Accept-Language": "hi"})
    refused(answer, 422, "invalid_fields")
    assert answer.json["error"]["fields"] == [{"code": "schema_type", "path": ["hotlines", 0, "lines"],
                                               "message": "यहाँ इस तरह का मान नहीं चलता।"}]


def test_the_audit_keeps_what_changed_before_and_after_in_the_readers_language(api):
    config, version = _opened(api)
    changed = copy.deepcopy(config)
    _, water = _department(changed, "water")
    old_phone = water["officers"]["L2"]["phone"]
    water["officers"]["L2"].update(name="नए अधिशासी अभियंता", phone="+919700000302", whatsapp=True)
    category = next(c for c in changed["categories"] if c["id"] == "water")
    category["level_hours"] = {"L1": 24}
    night = next(o for o in changed["operators"] if o["username"] == "operator.rpr.night")
    night["shifts"] = [{"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "start": "20:00", "end": "08:00"}]
    changed["holidays"] = [*changed["holidays"], "2026-11-14"]
    ok(api.put("collector.rpr", CONFIG, {"version": version, "config": changed, "summary": "जल विभाग"}))

    hi = ok(api.get("collector.rpr", "/api/districts/RPR/audit", headers={"Accept-Language": "hi"}))["items"][0]
    assert hi["summary"] == "जल विभाग" and hi["version"] == version + 1
    lines = [(c["what"], c["before"], c["after"]) for c in hi["changes"]]
    assert lines == [
        ("लोक स्वास्थ्य यांत्रिकी विभाग L2 अधिकारी का नाम", "Executive Engineer PHE", "नए अधिशासी अभियंता"),
        ("लोक स्वास्थ्य यांत्रिकी विभाग L2 अधिकारी का फ़ोन", old_phone, "+919700000302"),
        ("लोक स्वास्थ्य यांत्रिकी विभाग L2 अधिकारी का व्हाट्सऐप", None, "हाँ"),
        ("पेयजल की L1 समय सीमा (घंटे)", None, "24"),
        ("operator.rpr.night की पालियाँ", "mon,tue,wed,thu,fri,sat,sun 20:00-08:00",
         "mon,tue,wed,thu,fri,sat 20:00-08:00"),
        ("छुट्टी", None, "2026-11-14"),
    ]
    en = ok(api.get("collector.rpr", "/api/districts/RPR/audit", headers={"Accept-Language": "en"}))["items"][0]
    assert en["changes"][1] == {"what": "Public Health Engineering L2 officer's phone", "before": old_phone,
                                "after": "+919700000302"}
    assert en["changes"][2]["after"] == "yes"


def test_the_roster_takes_a_new_operator_and_names_each_wrong_blank_of_theirs(api):
    """The Collector's office adds a night operator: a sign-in typed wrong or already on the roster, a name left
    empty and a short phone are each answered at their place; put right, the operator is saved and the audit
    says who joined with which shifts."""
    config, version = _opened(api)
    first = config["operators"][0]
    wrong = copy.deepcopy(config)
    wrong["operators"] += [{"username": "Night Desk", "name": "", "phone": "+9190000", "languages": ["hi"]},
                           {"username": first["username"], "name": "दूसरी सुनीता", "languages": ["hi"]}]
    new_at = len(config["operators"])
    answer = api.put("collector.rpr", CONFIG, {"version": version, "config": wrong, "summary": "रात की पाली"})
    refused(answer, 422, "invalid_fields")
    fields = {tuple(f["path"]): (f["code"], f["message"]) for f in answer.json["error"]["fields"]}
    assert fields == {
        ("operators", new_at, "username"): ("username", "कंसोल का साइन-इन नाम: छोटे अंग्रेज़ी अक्षर, अंक, बिंदु या -, जैसे "
                                                       "operator.rpr.night।"),
        ("operators", new_at, "name"): ("required", "यह भरना ज़रूरी है।"),
        ("operators", new_at, "phone"): ("phone", "फ़ोन नंबर +91 से शुरू होकर 10 अंकों का हो, जैसे +919000000301।"),
        ("operators", new_at + 1, "username"): ("username_taken", "यह साइन-इन नाम रोस्टर में पहले से है।"),
    }
    assert ok(api.get("collector.rpr", CONFIG))["version"] == version  # nothing saved

    right = copy.deepcopy(config)
    right["operators"].append({"username": "operator.rpr.weekend", "name": "कमला साहू", "phone": "+919000000903",
                               "languages": ["hi"], "shifts": [{"days": ["sat", "sun"], "start": "08:00",
                                                                "end": "20:00"}]})
    ok(api.put("collector.rpr", CONFIG, {"version": version, "config": right, "summary": "सप्ताहांत की पाली"}))
    [entry] = ok(api.get("collector.rpr", "/api/districts/RPR/audit"))["items"]
    assert any("operator.rpr.weekend" in c["what"] and c["before"] is None and "08:00" in c["after"]
               for c in entry["changes"]), entry["changes"]
