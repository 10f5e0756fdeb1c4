"""The fields a Collector's office types into the directory's forms, checked one by one before the file is
parsed: each wrong field is named by its place in the file and a problem code (the API words it in the user's
language), so the console can put every message beside its own input, all at once rather than first-found."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

LEVELS = ("L1", "L2", "L3", "L4")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_HOURS = 720  # thirty days: a clock longer than this is a typing slip, not a service level
# Officers are rung and texted on Indian numbers (the carriers' plan); a digit short is the usual slip.
_OFFICER_PHONE = re.compile(r"^\+91[0-9]{10}$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")  # a console sign-in, as the user pool and demo users have them
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldProblem:
    code: str  # phone, hours, required, time, date, same_times, department, days, username(_taken): an i18n key's tail
    path: Path  # where in the district file, e.g. ("departments", 2, "officers", "L2", "phone")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def field_problems(config: dict[str, Any]) -> list[FieldProblem]:
    """Every wrong field the forms edit; [] when they all look right (the whole file is checked after)."""
    problems: list[FieldProblem] = []
    departments = _list(config.get("departments"))
    for i, department in enumerate(departments):
        officers = department.get("officers") if isinstance(department, dict) else None
        for level, officer in (officers.items() if isinstance(officers, dict) else ()):
            if isinstance(officer, dict):
                problems += _officer(officer, ("departments", i, "officers", level))
    known = {d.get("id") for d in departments if isinstance(d, dict)}
    categories = _list(config.get("categories"))
    for i, category in enumerate(categories):
        if isinstance(category, dict):
            problems += _category(category, ("categories", i), known)
    problems += _level_hours(config.get("level_hours"), ("level_hours",))
    problems += _hours(config.get("office_hours"), ("office_hours",))
    holidays = _list(config.get("holidays"))
    problems += [FieldProblem("date", ("holidays", i)) for i, day in enumerate(holidays) if not _is_date(day)]
    operators = _list(config.get("operators"))
    seen: set[str] = set()
    for i, operator in enumerate(operators):
        if isinstance(operator, dict):
            problems += _operator(operator, ("operators", i), seen)
        shifts = operator.get("shifts") if isinstance(operator, dict) else None
        for n, shift in enumerate(_list(shifts)):
            if isinstance(shift, dict):
                problems += _shift(shift, ("operators", i, "shifts", n))
    return problems


def _operator(operator: dict[str, Any], at: Path, seen: set[str]) -> list[FieldProblem]:
    """An operator on the roster: their console sign-in (once in the roster), a name, and a phone when given
    (the number the hotline rings; none: the operator works the console only)."""
    found = []
    username = str(operator.get("username") or "")
    if not _USERNAME.match(username):
        found.append(FieldProblem("username", (*at, "username")))
    elif username in seen:
        found.append(FieldProblem("username_taken", (*at, "username")))
    seen.add(username)
    if not str(operator.get("name") or "").strip():
        found.append(FieldProblem("required", (*at, "name")))
    if operator.get("phone") and not _OFFICER_PHONE.match(str(operator["phone"])):
        found.append(FieldProblem("phone", (*at, "phone")))
    return found


def _officer(officer: dict[str, Any], at: Path) -> list[FieldProblem]:
    found = []
    if not str(officer.get("name") or "").strip():
        found.append(FieldProblem("required", (*at, "name")))
    if not _OFFICER_PHONE.match(str(officer.get("phone") or "")):
        found.append(FieldProblem("phone", (*at, "phone")))
    return found


def _category(category: dict[str, Any], at: Path, departments: set[Any]) -> list[FieldProblem]:
    found = []
    if not _is_hours(category.get("sla_hours")):
        found.append(FieldProblem("hours", (*at, "sla_hours")))
    if category.get("department") not in departments:
        found.append(FieldProblem("department", (*at, "department")))
    return found + _level_hours(category.get("level_hours"), (*at, "level_hours"))


def _level_hours(clocks: Any, at: Path) -> list[FieldProblem]:
    if not isinstance(clocks, dict):
        return []
    return [FieldProblem("hours", (*at, level)) for level, hours in clocks.items() if not _is_hours(hours)]


def _hours(hours: Any, at: Path) -> list[FieldProblem]:
    if not isinstance(hours, dict):
        return []
    found = [FieldProblem("time", (*at, key)) for key in ("open", "close") if not _TIME.match(str(hours.get(key, "")))]
    days = hours.get("days")
    if days is not None and (not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days)):
        found.append(FieldProblem("days", (*at, "days")))
    return found


def _shift(shift: dict[str, Any], at: Path) -> list[FieldProblem]:
    found = [FieldProblem("time", (*at, key)) for key in ("start", "end") if not _TIME.match(str(shift.get(key, "")))]
    if not found and shift.get("start") == shift.get("end"):
        found.append(FieldProblem("same_times", (*at, "end")))
    return found


def _is_hours(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value <= MAX_HOURS


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
