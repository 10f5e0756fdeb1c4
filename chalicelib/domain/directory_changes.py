"""What a save of the district file changed, field by field, for its audit entry: an officer's phone, a
category's clock, who is on which shift. Places are named by ids (a department, a category, an operator), not
list positions, so an entry still reads right after the lists are reordered; the API words them."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.directory_fields import LEVELS, WEEKDAYS

MAX_CHANGES = 100  # an audit entry stays small; a save changing more says so in its last line
_FORMS = ("departments", "categories", "operators", "office_hours", "holidays", "level_hours")

Change = dict[str, Any]  # {"what": [kind, *ids], "before": str | None, "after": str | None}


def config_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The changes from `old` to `new`, officers first; at most MAX_CHANGES (then a ["more", n] line)."""
    changes = (_officers(old, new) + _categories(old, new) + _roster(old, new) + _level_hours(old, new)
               + _office_hours(old, new) + _holidays(old, new))
    changes += [_change(["section", key], None, None) for key in sorted(old.keys() | new.keys())
                if key not in _FORMS and old.get(key) != new.get(key)]
    if len(changes) > MAX_CHANGES:
        changes = [*changes[:MAX_CHANGES - 1], _change(["more", len(changes) - MAX_CHANGES + 1], None, None)]
    return changes


def _change(what: list[Any], before: Any, after: Any) -> Change:
    return {"what": what, "before": _text(before), "after": _text(after)}


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):  # an operator's languages or skills
        return ", ".join(str(v) for v in value) or None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _by_id(config: dict[str, Any], key: str, id_key: str = "id") -> dict[str, dict[str, Any]]:
    items = config.get(key)
    if not isinstance(items, list):
        return {}
    return {str(item.get(id_key)): item for item in items if isinstance(item, dict)}


def _officers(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    before, after = _by_id(old, "departments"), _by_id(new, "departments")
    changes = []
    for dep in [d for d in after if d in before] + [d for d in after if d not in before]:
        old_officers = (before.get(dep) or {}).get("officers") or {}
        new_officers = after[dep].get("officers") or {}
        for level in LEVELS:
            was, now = old_officers.get(level) or {}, new_officers.get(level) or {}
            for field in ("name", "phone", "whatsapp"):
                if was.get(field) != now.get(field):
                    changes.append(_change(["officer", dep, level, field], was.get(field), now.get(field)))
    return changes + [_change(["department_removed", dep], dep, None) for dep in before if dep not in after]


def _categories(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    before, after = _by_id(old, "categories"), _by_id(new, "categories")
    changes = []
    for cat, now in after.items():
        was = before.get(cat)
        if was is None:
            changes.append(_change(["category_added", cat], None, now.get("sla_hours")))
            continue
        for field in ("department", "sla_hours"):
            if was.get(field) != now.get(field):
                changes.append(_change(["category", cat, field], was.get(field), now.get(field)))
        was_clocks, now_clocks = was.get("level_hours") or {}, now.get("level_hours") or {}
        changes += [_change(["category_clock", cat, level], was_clocks.get(level), now_clocks.get(level))
                    for level in LEVELS if was_clocks.get(level) != now_clocks.get(level)]
    return changes + [_change(["category_removed", cat], cat, None) for cat in before if cat not in after]


def shifts_text(shifts: Any) -> str:
    """An operator's shifts as the audit reads them: "mon,tue 08:00-20:00; sun 20:00-08:00"."""
    parts = []
    for shift in shifts if isinstance(shifts, list) else []:
        if isinstance(shift, dict):
            days = [d for d in WEEKDAYS if d in (shift.get("days") or WEEKDAYS)]
            parts.append(f"{','.join(days)} {shift.get('start')}-{shift.get('end')}")
    return "; ".join(parts)


def _roster(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    before, after = _by_id(old, "operators", "username"), _by_id(new, "operators", "username")
    changes = []
    for user in list(after) + [u for u in before if u not in after]:
        was, now = before.get(user), after.get(user)
        was_text = shifts_text(was.get("shifts")) if was else None
        now_text = shifts_text(now.get("shifts")) if now else None
        if was is None or now is None or was_text != now_text:
            changes.append(_change(["shifts", user], was_text or None, now_text or None))
        for field in ("name", "phone", "languages", "skills"):
            if was and now and was.get(field) != now.get(field):
                changes.append(_change(["operator", user, field], was.get(field), now.get(field)))
    return changes


def _level_hours(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    was, now = old.get("level_hours") or {}, new.get("level_hours") or {}
    return [_change(["level_hours", level], was.get(level), now.get(level))
            for level in LEVELS if was.get(level) != now.get(level)]


def _office_hours(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    was, now = old.get("office_hours") or {}, new.get("office_hours") or {}
    changes = [_change(["office_hours", key], was.get(key), now.get(key)) for key in ("open", "close")
               if was.get(key) != now.get(key)]
    if was.get("days") != now.get("days"):
        days = [",".join(hours.get("days") or []) for hours in (was, now)]
        changes.append(_change(["office_hours", "days"], *days))
    return changes


def _holidays(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    was, now = set(old.get("holidays") or []), set(new.get("holidays") or [])
    return ([_change(["holiday"], None, day) for day in sorted(now - was)]
            + [_change(["holiday"], day, None) for day in sorted(was - now)])
