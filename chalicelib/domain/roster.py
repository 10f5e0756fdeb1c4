"""The district's call-centre operators and their shifts (the roster), part of the district file.

Operators sign in to the console with their user name (the user pool's); the roster says who is on duty
when, in which languages — what a Collector's office edits in the directory admin page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_USER = re.compile(r"^[a-z0-9][a-z0-9._-]{1,60}$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
SKILLS = ("sign_language",)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class RosterError(ValueError):
    pass


@dataclass(frozen=True)
class Shift:
    days: tuple[str, ...]
    start: str  # HH:MM IST; a shift ending before it starts runs past midnight (a night shift)
    end: str


@dataclass(frozen=True)
class Operator:
    username: str
    name: str
    phone: str | None
    languages: tuple[str, ...]
    shifts: tuple[Shift, ...]
    skills: tuple[str, ...] = ()  # SKILLS: what else the operator does (sign_language: answers video calls)


def parse_operators(data: Any, languages: tuple[str, ...], is_phone: Any) -> tuple[Operator, ...]:
    if data in (None, []):
        return ()
    if not isinstance(data, list):
        raise RosterError("operators: a list of {username, name, phone, languages, shifts}")
    operators, seen = [], set()
    for i, o in enumerate(data):
        where = f"operators[{i}]"
        if not isinstance(o, dict):
            raise RosterError(f"{where}: a mapping with username, name, languages, shifts")
        username = str(o.get("username", ""))
        if not _USER.match(username):
            raise RosterError(f"{where}: username '{username}' must be lower-case letters, digits, . _ -")
        if username in seen:
            raise RosterError(f"{where}: {username} is listed twice")
        seen.add(username)
        phone = o.get("phone") or None
        if phone is not None and not is_phone(str(phone)):
            raise RosterError(f"{where}: phone '{phone}' is not an E.164 number like +919000000501")
        # An operator may speak more languages than the IVR offers: only the form is checked.
        spoken = tuple(str(x) for x in (o.get("languages") or languages))
        if not all(isinstance(x, str) and x.isascii() and x.isalpha() and len(x) <= 3 for x in spoken):
            raise RosterError(f"{where}: languages as codes, e.g. [hi, en]")
        skills = tuple(str(x) for x in (o.get("skills") or []))
        if any(x not in SKILLS for x in skills):
            raise RosterError(f"{where}: skills among {', '.join(SKILLS)}")
        operators.append(Operator(username=username, name=str(o.get("name") or username),
                                  phone=str(phone) if phone else None, languages=spoken, skills=skills,
                                  shifts=tuple(_shift(s, f"{where}.shifts[{n}]")
                                               for n, s in enumerate(o.get("shifts") or []))))
    return tuple(operators)


def _shift(data: Any, where: str) -> Shift:
    if not isinstance(data, dict):
        raise RosterError(f"{where}: {{days: [mon, …], start: '08:00', end: '20:00'}}")
    days = tuple(str(d) for d in (data.get("days") or WEEKDAYS))
    bad = [d for d in days if d not in WEEKDAYS]
    if bad:
        raise RosterError(f"{where}: days must be among {', '.join(WEEKDAYS)}")
    start, end = str(data.get("start", "")), str(data.get("end", ""))
    if not (_TIME.match(start) and _TIME.match(end)) or start == end:
        raise RosterError(f"{where}: start and end as HH:MM (IST), different from each other")
    return Shift(days=days, start=start, end=end)
