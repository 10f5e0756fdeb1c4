"""A state number (181-style) that routes to districts: the data a state's office edits in YAML.

The caller dials one number for the whole state, keys in (or picks from a short spoken menu) their
district's code, and from there hears that district's own IVR; the ticket belongs to the district.
Parsed from a plain dict (YAML on the admin's machine, JSON in the directory table) and validated here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.district import CARRIERS, RING_ORDERS, DistrictConfigError, OperatorRing, is_e164
from chalicelib.domain.roster import Operator, RosterError, parse_operators

_STATE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
_DISTRICT_CODE = re.compile(r"^[A-Z]{2,5}$")
_KEY = re.compile(r"^[0-9]{1,3}$")
MAX_SPOKEN = 9  # a longer spoken menu loses the caller; the rest key in their code
# Where a district's calls on the state number go once the caller chose it: the district's own IVR, the operators
# on duty on its roster, or the state's executives on duty (who register the complaint into the district).
ROUTES = ("ivr", "operators", "executives")


def is_state_code(text: str) -> bool:
    """A state file's code, like CG181 (a capital letter, then 1 to 9 capitals or digits)."""
    return bool(_STATE.match(text))


class StateConfigError(DistrictConfigError):
    """The state file is wrong; the message says where and how."""


@dataclass(frozen=True)
class StateDistrict:
    key: str  # the keypad code, e.g. "01"
    code: str  # the district's code, e.g. "RPR"
    names: dict[str, str] = field(default_factory=dict)  # empty: keyed in only, not named in the menu
    route: str = "ivr"  # ROUTES; nobody on duty, or nobody picks up: the district's IVR all the same


@dataclass(frozen=True)
class StateLine:
    code: str
    names: dict[str, str]
    languages: tuple[str, ...]
    lines: tuple[str, ...]
    districts: tuple[StateDistrict, ...]
    spoken: int = 4  # how many of the first named districts the question names
    carrier: str = "twilio"  # the carrier its lines' calls come in through
    ranking_min_tickets: int = 30  # the state view ranks a district once this many were resolved in 30 days
    # The state's pool of executives on a roster (181's call centre): console users of no district of their own.
    executives: tuple[Operator, ...] = ()
    ring: OperatorRing = field(default_factory=OperatorRing)
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    def route_of(self, code: str) -> str:
        return next((d.route for d in self.districts if d.code == code), "ivr")

    def executives_for(self, languages: tuple[str, ...]) -> tuple[Operator, ...]:
        """The executives who speak one of the district's languages (all of them if none does), in roster order."""
        speaking = tuple(e for e in self.executives if set(e.languages) & set(languages))
        return speaking or self.executives

    @property
    def key_length(self) -> int:
        """Every key has this many digits: the <Gather> ends by itself once they are in."""
        return len(self.districts[0].key)

    def district_for_key(self, digits: str | None) -> str | None:
        """The district code for what the caller keyed in. A caller who pressed "1" and waited is
        taken to mean "01": the keys all have one length, so their numeric values are distinct."""
        if not digits or not (digits.isascii() and digits.isdigit()) or len(digits) > self.key_length:
            return None
        return next((d.code for d in self.districts if int(d.key) == int(digits)), None)

    def serves(self, code: str | None) -> bool:
        return any(d.code == code for d in self.districts)

    def menu(self) -> list[StateDistrict]:
        """The districts named in the spoken question, in the file's order."""
        return [d for d in self.districts if d.names][:self.spoken]

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.names[self.languages[0]]


def _names(value: Any, where: str, languages: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise StateConfigError(f"{where}: give a name per language, e.g. {{hi: ..., en: ...}}")
    missing = [lang for lang in languages if not str(value.get(lang, "")).strip()]
    if missing:
        raise StateConfigError(f"{where}: missing the name in {', '.join(missing)}")
    return {str(k): str(v) for k, v in value.items()}


def parse_state_line(data: Any, known_languages: set[str]) -> StateLine:
    """Validate a state file's content; raise StateConfigError naming the first problem."""
    if not isinstance(data, dict):
        raise StateConfigError("the state file must be a mapping at the top level")
    code = str(data.get("state") or "")
    if not _STATE.match(code):
        raise StateConfigError(f"state: '{code}' must be a capital letter then 1 to 9 capitals or digits, "
                               "like CG181")
    languages = tuple(str(x) for x in data.get("languages") or [])
    if not languages:
        raise StateConfigError("languages: the languages the district question is asked in, e.g. [hi, en]")
    unknown = [lang for lang in languages if lang not in known_languages]
    if unknown:
        raise StateConfigError(f"languages: no prompt catalog for {', '.join(unknown)} "
                               f"(have {', '.join(sorted(known_languages))})")
    names = _names(data.get("name"), "name", languages)

    lines = tuple(str(x) for x in data.get("lines") or [])
    if not lines:
        raise StateConfigError("lines: at least one number, like [\"+917552555181\"]")
    for line in lines:
        if not is_e164(line):
            raise StateConfigError(f"lines: '{line}' is not an E.164 number like +917552555181")
    if len(set(lines)) != len(lines):
        raise StateConfigError("lines: a number is listed twice")

    raw_districts = data.get("districts") or []
    if not isinstance(raw_districts, list) or not raw_districts:
        raise StateConfigError("districts: at least one, like [{key: \"01\", code: RPR}]")
    districts = []
    for i, d in enumerate(raw_districts):
        where = f"districts[{i}]"
        if not isinstance(d, dict):
            raise StateConfigError(f"{where}: {{key: \"01\", code: RPR}}")
        key, district_code = str(d.get("key", "")), str(d.get("code", ""))
        if not _KEY.match(key):
            raise StateConfigError(f"{where}.key: '{key}' must be 1 to 3 digits (quote it in YAML: \"01\")")
        if not _DISTRICT_CODE.match(district_code):
            raise StateConfigError(f"{where}.code: '{district_code}' must be a district code, 2 to 5 capitals")
        district_names = _names(d["name"], f"{where}.name", languages) if d.get("name") else {}
        route = str(d.get("route") or "ivr")
        if route not in ROUTES:
            raise StateConfigError(f"{where}.route: '{route}' is one of {', '.join(ROUTES)}")
        districts.append(StateDistrict(key=key, code=district_code, names=district_names, route=route))
    if len({len(d.key) for d in districts}) != 1:
        raise StateConfigError("districts: every key must have the same number of digits (01 … 33, not 1 … 33)")
    if len({int(d.key) for d in districts}) != len(districts):
        raise StateConfigError("districts: a key is used twice")
    if len({d.code for d in districts}) != len(districts):
        raise StateConfigError("districts: a district is listed twice")

    spoken = data.get("spoken", 4)
    if isinstance(spoken, bool) or not isinstance(spoken, int) or not 0 <= spoken <= MAX_SPOKEN:
        raise StateConfigError(f"spoken: how many named districts the question lists, 0 to {MAX_SPOKEN}")
    carrier = str(data.get("carrier") or "twilio")
    if carrier not in CARRIERS:
        raise StateConfigError(f"carrier: '{carrier}' is not a carrier: one of {', '.join(CARRIERS)}")
    ranking_min = data.get("ranking_min_tickets", 30)
    if isinstance(ranking_min, bool) or not isinstance(ranking_min, int) or not 0 <= ranking_min <= 100000:
        raise StateConfigError("ranking_min_tickets: how many tickets a district must have resolved in 30 days "
                               "to be ranked in the state view, a whole number like 30 (0 ranks every district)")
    try:
        executives = parse_operators(data.get("executives"), languages, is_e164)
    except RosterError as error:
        raise StateConfigError(str(error).replace("operators", "executives", 1)) from error
    if any(d.route == "executives" for d in districts) and not executives:
        raise StateConfigError("executives: a district's route is executives: list them, with their shifts")
    ring = data.get("ring") or {}
    order = str(ring.get("order", "simultaneous")) if isinstance(ring, dict) else ""
    seconds = ring.get("answer_seconds", 20) if isinstance(ring, dict) else 0
    if order not in RING_ORDERS or isinstance(seconds, bool) or not isinstance(seconds, int) or not 5 <= seconds <= 120:
        raise StateConfigError(f"ring: {{order: {' or '.join(RING_ORDERS)}, answer_seconds: 5 to 120}}")
    return StateLine(code=code, names=names, languages=languages, lines=lines, districts=tuple(districts),
                     spoken=spoken, carrier=carrier, ranking_min_tickets=ranking_min, executives=executives,
                     ring=OperatorRing(order=order, answer_seconds=seconds), raw=data)
