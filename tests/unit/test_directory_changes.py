"""What a directory save changed, computed from the old and new district file: named by ids, so a reordered list
is no change, and bounded, so one entry stays small."""
from __future__ import annotations

import copy

from chalicelib.domain.directory_changes import MAX_CHANGES, config_changes
from chalicelib.domain.directory_fields import FieldProblem, field_problems
from tests.support.demo import DEMO


def _file() -> dict:
    import yaml

    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


def test_a_reordered_list_is_no_change_and_a_moved_officer_is_named_by_department():
    old = _file()
    new = copy.deepcopy(old)
    new["departments"].reverse()
    new["categories"].reverse()
    assert config_changes(old, new) == []
    [water] = [d for d in new["departments"] if d["id"] == "water"]
    water["officers"]["L1"]["phone"] = "+919000000399"
    assert config_changes(old, new) == [{"what": ["officer", "water", "L1", "phone"], "before": "+919000000301",
                                         "after": "+919000000399"}]


def test_office_hours_holidays_and_other_sections_each_say_what_changed():
    old = _file()
    new = copy.deepcopy(old)
    new["office_hours"] = {**old["office_hours"], "close": "17:30", "days": ["mon", "tue"]}
    new["holidays"] = ["2026-01-26", "2026-12-25"]
    new["fallback_contact"] = {"hi": "नया", "en": "new"}
    assert config_changes(old, new) == [
        {"what": ["office_hours", "close"], "before": "18:00", "after": "17:30"},
        {"what": ["office_hours", "days"], "before": "mon,tue,wed,thu,fri", "after": "mon,tue"},
        {"what": ["holiday"], "before": None, "after": "2026-12-25"},
        {"what": ["holiday"], "before": "2026-08-15", "after": None},
        {"what": ["holiday"], "before": "2026-10-02", "after": None},
        {"what": ["section", "fallback_contact"], "before": None, "after": None},
    ]


def test_a_save_changing_everything_keeps_a_bounded_list():
    old = _file()
    new = copy.deepcopy(old)
    for n, dep in enumerate(new["departments"]):
        for level, officer in dep["officers"].items():
            officer.update(name=f"x{n}{level}", phone=f"+9197000{n:02d}{level[1]}00")
    new["holidays"] = [f"2027-{m:02d}-{d:02d}" for m in (1, 2, 3) for d in range(1, 29)]
    changes = config_changes(old, new)
    assert len(changes) == MAX_CHANGES and changes[-1]["what"][0] == "more"


def test_the_demo_files_have_no_field_problem_and_a_new_officer_needs_a_name_and_phone():
    data = _file()
    assert field_problems(data) == []
    data["departments"][0]["officers"]["L2"] = {"name": "", "phone": "9000000102"}
    assert field_problems(data) == [FieldProblem("required", ("departments", 0, "officers", "L2", "name")),
                                    FieldProblem("phone", ("departments", 0, "officers", "L2", "phone"))]


def test_who_signs_is_a_change_of_the_operator_the_audit_keeps():
    old = _file()
    new = copy.deepcopy(old)
    [day] = [o for o in new["operators"] if o["username"] == "operator.rpr"]
    day["skills"] = ["sign_language"]
    assert config_changes(old, new) == [{"what": ["operator", "operator.rpr", "skills"], "before": None,
                                         "after": "sign_language"}]
