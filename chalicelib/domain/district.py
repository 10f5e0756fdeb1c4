"""A district's configuration: the data a Collector's office edits in YAML.

Parsed from a plain dict (YAML on the admin's machine, JSON in the directory table) and validated
here, so a mistake in the file is reported before anything is written.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.message_kinds import ALL_KINDS, CITIZEN_KINDS, OLD_KIND_NAMES
from chalicelib.domain.roster import Operator, RosterError, parse_operators

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_CODE = re.compile(r"^[A-Z]{2,5}$")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
_DLT_HEADER = re.compile(r"^[A-Za-z]{6}$")  # a DLT sender ID ("header"): six letters for service messages
_DLT_ID = re.compile(r"^[A-Za-z0-9]{4,30}$")
_SHORT_CODE = re.compile(r"^\d{3,6}$")  # a public short code (1950, 181): what citizens dial and read
LEVELS = ("L1", "L2", "L3", "L4")
CARRIERS = ("twilio", "plivo")


class DistrictConfigError(ValueError):
    """The district file is wrong; the message says where and how."""


def is_e164(phone: str) -> bool:
    return bool(_E164.match(phone or ""))


# What Twilio puts in From when the caller ID is withheld: the words spelled on a keypad (ANONYMOUS,
# RESTRICTED, BLOCKED, UNKNOWN, UNAVAILABLE). They look like E.164 numbers but reach nobody.
WITHHELD_CALLER_IDS = frozenset({"+266696687", "+7378742833", "+2562533", "+8656696", "+86282452253"})


def typed_phone(text: str) -> str | None:
    """The E.164 number a person typed into a page: with + and a country code, or an Indian mobile number
    without them (10 digits, or with a leading 0 or 91); spaces and dashes ignored, Devanagari and other decimal
    digits count as digits. None: not a number."""
    text = text.strip()
    digits = "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())
    if text.startswith("+"):
        number = "+" + digits
    elif digits.startswith("00"):
        number = "+" + digits[2:]
    elif len(digits) == 10:
        number = "+91" + digits
    elif len(digits) == 11 and digits.startswith("0"):
        number = "+91" + digits[1:]
    else:
        number = "+" + digits  # the country code without the +
    return number if is_e164(number) else None


def is_reachable(phone: str) -> bool:
    """A caller we may text or call back: a real E.164 number, not a withheld caller ID."""
    return is_e164(phone) and phone not in WITHHELD_CALLER_IDS


@dataclass(frozen=True)
class Officer:
    level: str
    name: str
    phone: str
    whatsapp: str | None = None


@dataclass(frozen=True)
class Department:
    id: str
    names: dict[str, str]
    officers: dict[str, Officer] = field(default_factory=dict)


@dataclass(frozen=True)
class Category:
    id: str
    names: dict[str, str]
    department: str
    sla_hours: int  # the normal clock; `clocks` holds it and those of the urgencies the category offers
    transcribe: bool = True  # False: its recordings are never sent for transcription (e.g. a sensitive category)
    # Words that point to this category in a transcript, per language (domain/category_hints.py).
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    urgency: str = "normal"  # a new ticket's urgency unless the caller or the operator says it is more urgent
    clocks: dict[str, Clocks] = field(default_factory=dict)  # by urgency (domain/clocks.py)
    # A request's short form (the file's `requests`): a category of its own, never in the IVR's menu.
    form: tuple[FormField, ...] = ()

    @property
    def is_request(self) -> bool:
        return bool(self.form)

    @property
    def urgencies(self) -> tuple[str, ...]:
        """The urgencies a ticket of this category may have, most urgent first."""
        return tuple(u for u in URGENCIES if u in self.clocks)


# A ticket's urgency, most urgent first: its clocks (domain/clocks.py) and its place at the head of lists.
URGENCIES = ("emergency", "urgent", "normal")
NORMAL = "normal"
EMERGENCY = "emergency"  # rings its officer as well as writing (domain/officer_rings.py)


# What a citizen brings (a ticket's kind): a complaint runs the ladder and ends with "was it solved?"; a suggestion
# is answered (no ladder above L1, no feedback call); a demand ends accepted or declined, a request (one of the
# district's short forms) done or refused, the reason told to the citizen.
KINDS = ("complaint", "suggestion", "demand", "request")
COMPLAINT, SUGGESTION, DEMAND, REQUEST = KINDS
# Each kind's outcomes, the first the "done" one DONE and the console's resolve give; the second, DECLINE's.
OUTCOMES = {SUGGESTION: ("answered",), DEMAND: ("accepted", "declined"), REQUEST: ("done", "refused")}


@dataclass(frozen=True)
class FormField:
    """One blank of a request's short form (a migrant's destination state, say)."""
    id: str
    names: dict[str, str]
    type: str = "text"  # text | phone (E.164)
    required: bool = True


@dataclass(frozen=True)
class Clocks:
    """Hours to resolve (the SLA) and each level's hours; a level not named gets the SLA's, at most 72."""
    sla_hours: float
    level_hours: dict[str, float] = field(default_factory=dict)


SPECIAL_CLOSURE_CODES = ("outside_power", "sub_judice", "duplicate", "false_complaint")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOTLINE_MODES = ("ivr", "missed_call", "operators")
AFTER_HOURS_CHOICES = ("record", "callback")
RING_ORDERS = ("simultaneous", "in_turn")
HOTLINE_PURPOSES = ("citizens", "officers")


@dataclass(frozen=True)
class OfficeHours:
    days: tuple[int, ...]  # 0 = Monday
    open_minute: int
    close_minute: int
    holidays: frozenset[str]  # IST dates, YYYY-MM-DD


@dataclass(frozen=True)
class MissedCallPolicy:
    """The call is rejected unanswered (free for the caller) and we call back."""
    callbacks_per_day: int = 3  # per caller, per IST day
    tries: int = 3  # an unanswered callback is placed again, up to this many times in all
    retry_minutes: int = 10  # between tries


@dataclass(frozen=True)
class OperatorRing:
    """The call rings the operators on duty; nobody answers in time, or nobody is on duty: the IVR."""
    order: str = "simultaneous"  # or in_turn: one operator after another
    answer_seconds: int = 20  # per operator when in turn, for all at once when simultaneous


@dataclass(frozen=True)
class Hotline:
    id: str
    lines: tuple[str, ...]
    greeting_audio_url: str | None = None
    record_max_seconds: int = 120
    mode: str = "ivr"  # one of HOTLINE_MODES
    hours: OfficeHours | None = None  # None: answered round the clock
    after_hours: tuple[str, ...] = AFTER_HOURS_CHOICES  # what a caller may do when the hotline is closed
    missed_call: MissedCallPolicy = field(default_factory=MissedCallPolicy)
    ring: OperatorRing = field(default_factory=OperatorRing)
    carrier: str = "twilio"  # one of CARRIERS: its lines' calls come in, and its calls go out, through it
    # Twilio calls India only from an international caller ID: the file accepts that for this hotline's calls
    # to citizens (callbacks; feedback calls from the first hotline). Checked by domain/carrier_plan.py.
    accept_international_caller_id: bool = False
    # citizens: the IVR and its modes; officers: a line only for officers, who go straight to their PIN
    # (routing/officer_ivr.py). Officers may also call a citizens' line and press star.
    purpose: str = "citizens"  # one of HOTLINE_PURPOSES
    # The public short code citizens know the hotline by ("1950", "181"): messages and the console show it
    # instead of the long number; `lines` keep the carrier numbers the calls arrive on. None: the first line.
    short_code: str | None = None


@dataclass(frozen=True)
class CallerLimits:
    """Abuse and repeat callers: per caller, per district."""
    complaints_per_day: int = 5  # new tickets a caller may register in an IST day
    repeat_window_days: int = 7  # an open complaint this recent is offered before a new one


@dataclass(frozen=True)
class VideoPolicy:
    """The district file's `video_calls`."""
    enabled: bool = False
    max_minutes: int = 20  # the cap: the meeting is ended then, whoever is still in it
    slot_minutes: int = 30  # how long a booked slot waits for the citizen before it is missed
    per_day: int = 3  # links one phone may ask for in an IST day (each is a message sent)
    media_region: str = "ap-south-1"


@dataclass(frozen=True)
class FollowUpPolicy:
    reminders_at_percent: tuple[int, ...] = (50, 90)
    auto_escalate_to_l4: bool = True
    feedback_call_hours: tuple[int, ...] = (0, 24, 48)  # three calls over two days
    no_response_close_after_hours: int = 60
    reopen_window_hours: int = 72
    recording_link_hours: int = 72
    office_hours_only: bool = False  # count only office hours on the level and SLA clocks
    # An emergency rings its officer (domain/officer_rings.py): this many calls, this many minutes apart, until
    # one presses 1; then it goes a level up without waiting for the level's deadline.
    emergency_rings: int = 3
    emergency_ring_minutes: int = 10
    suggestion_hours: int = 168  # a suggestion's one clock, at L1: answered within the week, on the Collector's list


@dataclass(frozen=True)
class TranscriptionPolicy:
    """Voice to text (operations/transcription.py): whether the district's recordings are transcribed, below
    which confidence a transcript is shown as "listen before acting", and how long the audio and the
    transcripts are kept (the bucket's lifecycle rule for the district)."""
    enabled: bool = True
    min_confidence: float = 0.5
    retention_days: int = 365


@dataclass(frozen=True)
class WhatsAppConfig:
    sender: str  # "whatsapp:+91..."
    templates: dict[str, str]  # message kind -> approved Content SID (HX...)


# The channels a message can go by, in the channel plan's words: a WhatsApp template (Twilio), the district's
# `sms_sender` (DLT SMS on Plivo in the India plan), Twilio SMS from `international_sms_sender` (no DLT).
CHANNELS = ("whatsapp", "sms", "international_sms")
PLAN_GROUPS = ("citizen", "officer")  # the keys that set the defaults of every citizen's and officer's kind
# The whatsapp.templates keys from before message kinds, loaded as the kinds they always meant.
OLD_TEMPLATE_KEYS = {"officer_assignment": "forward", "officer_reminder": "reminder", **OLD_KIND_NAMES}


@dataclass(frozen=True)
class ChannelPlan:
    """For each kind of message, the channels tried in order until one takes it. Without a plan a district
    keeps what it did before: citizens by SMS, officers by WhatsApp and SMS when WhatsApp fails."""
    citizen: tuple[str, ...] = ("sms",)
    officer: tuple[str, ...] = ("whatsapp", "sms")  # the Collector's alert too
    kinds: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a kind's own order, over its group's
    given: tuple[str, ...] = ()  # the keys the file wrote (citizen, officer, kinds): the rest are defaults

    def channels_for(self, kind: str) -> tuple[str, ...]:
        if kind in self.kinds:
            return self.kinds[kind]
        return self.citizen if kind in CITIZEN_KINDS else self.officer

    def named(self) -> set[str]:
        """Every channel some kind goes by."""
        return {channel for kind in ALL_KINDS for channel in self.channels_for(kind)}


@dataclass(frozen=True)
class DltRegistration:
    """India's DLT registration of the district's SMS: its Principal Entity id and, per catalog message and
    language, the id of the template registered for exactly that text (domain/notices.py dlt_template)."""
    entity_id: str
    templates: dict[str, dict[str, str]]  # catalog key -> language -> DLT template id

    def template_id(self, key: str, language: str) -> str | None:
        return self.templates.get(key, {}).get(language)


@dataclass(frozen=True)
class District:
    code: str
    names: dict[str, str]
    languages: tuple[str, ...]
    hotlines: tuple[Hotline, ...]
    departments: dict[str, Department]
    categories: tuple[Category, ...]
    level_hours: dict[str, int]
    sms_sender: str
    fallback_contact: dict[str, str]
    collector: Officer | None = None
    follow_up: FollowUpPolicy = field(default_factory=FollowUpPolicy)
    office_hours: OfficeHours | None = None
    whatsapp: WhatsAppConfig | None = None
    operators: tuple[Operator, ...] = ()
    fallback_category: str = ""  # for complaints with no menu choice (the outage fallback); default: the last
    callers: CallerLimits = field(default_factory=CallerLimits)
    sms_carrier: str = "twilio"  # the carrier `sms_sender` sends through
    dlt: DltRegistration | None = None  # set: every SMS carries its DLT entity and template ids
    # Officers without WhatsApp and citizens cannot text back through the SMS sender in India; the file
    # accepts that (they act in the console, answer the feedback call). Checked by domain/carrier_plan.py.
    accept_no_sms_replies: bool = False
    channel_plan: ChannelPlan = field(default_factory=ChannelPlan)
    international_sms_sender: str | None = None  # Twilio: the `international_sms` channel's sender, no DLT
    transcription: TranscriptionPolicy = field(default_factory=TranscriptionPolicy)
    kinds: tuple[str, ...] = (COMPLAINT,)  # complaint, suggestion, demand: what the IVR and the chat ask for
    requests: tuple[Category, ...] = ()  # the short forms a request fills (Category.form)
    video: VideoPolicy = field(default_factory=VideoPolicy)  # sign-language video calls (domain/video_calls.py)
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def sms_replies(self) -> bool:
        """Whether an SMS from `sms_sender` can be answered by SMS: not over India's DLT routes (Plivo's
        headers and numbers take no SMS), nor where the file accepts that nobody can text back."""
        return self.sms_carrier == "twilio" and self.dlt is None and not self.accept_no_sms_replies

    def hotline_for_line(self, line: str) -> Hotline | None:
        return next((h for h in self.hotlines if line in h.lines), None)

    def carrier_for_line(self, line: str) -> str:
        """The carrier a line's calls go through; "twilio" for a number that is not one of the lines."""
        hotline = self.hotline_for_line(line)
        return hotline.carrier if hotline else "twilio"

    @property
    def feedback_line(self) -> tuple[str, str]:
        """The caller ID citizens' feedback calls come from, and its carrier: the first hotline's first line."""
        return self.hotlines[0].lines[0], self.hotlines[0].carrier

    def category_by_key(self, key: str) -> Category | None:
        """Menu keys are the categories' positions, 1 to 9, in the file's order."""
        if not (key.isascii() and key.isdigit()):
            return None
        index = int(key) - 1
        return self.categories[index] if 0 <= index < len(self.categories) else None

    def category(self, category_id: str) -> Category | None:
        """A complaint's category, or one of the request forms (a category of their own)."""
        return next((c for c in (*self.categories, *self.requests) if c.id == category_id), None)

    @property
    def offered_kinds(self) -> tuple[str, ...]:
        """The kinds a citizen may bring here: the file's `kinds`, and requests where it has forms."""
        return (*self.kinds, *((REQUEST,) if self.requests else ()))

    def categories_for(self, kind: str) -> tuple[Category, ...]:
        return self.requests if kind == REQUEST else self.categories

    def transcribes(self, category_id: str) -> bool:
        """Whether a recording of this category is transcribed: the district's switch and the category's."""
        category = self.category(category_id)
        return self.transcription.enabled and category is not None and category.transcribe

    @property
    def catch_all(self) -> Category:
        """Where a complaint recorded without the menu goes: `fallback_category`, else the last category."""
        return self.category(self.fallback_category) or self.categories[-1]

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.names[self.default_language]

    def lines(self) -> list[tuple[str, str]]:
        return [(line, h.id) for h in self.hotlines for line in h.lines]

    def sender_numbers(self) -> list[str]:
        """The numbers the district texts from (sms_sender when a number, the WhatsApp sender's number):
        citizens text back to them, so each leads to the district for the WhatsApp and SMS intake."""
        numbers = [self.sms_sender] if self.sms_sender.startswith("+") else []
        if self.whatsapp:
            numbers.append(self.whatsapp.sender.removeprefix("whatsapp:"))
        return list(dict.fromkeys(numbers))

    @property
    def counted_hours(self) -> OfficeHours | None:
        """The hours the SLA and level clocks count: office hours where the district says so, else all."""
        return self.office_hours if self.follow_up.office_hours_only else None

    def officer(self, department: str, level: str) -> Officer | None:
        dep = self.departments.get(department)
        return dep.officers.get(level) if dep else None

    def posts_of(self, phone: str) -> list[tuple[str, str]]:
        """(department, level) pairs an officer's phone holds; one person may hold several posts."""
        return [(dep.id, level) for dep in self.departments.values()
                for level, officer in dep.officers.items() if officer.phone == phone]

    def officer_phones(self) -> set[str]:
        phones = {o.phone for dep in self.departments.values() for o in dep.officers.values()}
        return phones | ({self.collector.phone} if self.collector else set())

    @property
    def officers_line(self) -> str:
        """The number officers call for their IVR (PIN, then their complaints): the first line of a hotline
        with `purpose: officers`, else the first citizens' line, where they press star."""
        own = next((h for h in self.hotlines if h.purpose == "officers"), None)
        return (own or self.hotlines[0]).lines[0]


def _names(value: Any, where: str, languages: tuple[str, ...]) -> dict[str, str]:
    if isinstance(value, str):
        return {lang: value for lang in languages}
    if not isinstance(value, dict) or not value:
        raise DistrictConfigError(f"{where}: give a name per language, e.g. {{hi: ..., en: ...}}")
    missing = [lang for lang in languages if not str(value.get(lang, "")).strip()]
    if missing:
        raise DistrictConfigError(f"{where}: missing the name in {', '.join(missing)}")
    return {str(k): str(v) for k, v in value.items()}


def _require(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data or data[key] in (None, "", [], {}):
        raise DistrictConfigError(f"{where}: '{key}' is required")
    return data[key]


def parse_district(data: dict[str, Any], known_languages: set[str]) -> District:
    """Validate a district file's content; raise DistrictConfigError naming the first problem."""
    if not isinstance(data, dict):
        raise DistrictConfigError("the district file must be a mapping at the top level")
    code = str(_require(data, "code", "district"))
    if not _CODE.match(code):
        raise DistrictConfigError(f"district code '{code}' must be 2 to 5 capital letters")
    languages = tuple(str(x) for x in _require(data, "languages", "district"))
    unknown = [lang for lang in languages if lang not in known_languages]
    if unknown:
        raise DistrictConfigError(
            f"languages: no prompt catalog for {', '.join(unknown)} "
            f"(have {', '.join(sorted(known_languages))}; add chalicelib/i18n/<lang>.json)"
        )
    if len(languages) > 9:
        raise DistrictConfigError("languages: at most 9 (one keypad digit each)")

    seen_lines: set[str] = set()
    hotlines = []
    for i, h in enumerate(_require(data, "hotlines", "district")):
        where = f"hotlines[{i}]"
        lines = tuple(str(x) for x in _require(h, "lines", where))
        for line in lines:
            if not is_e164(line):
                raise DistrictConfigError(f"{where}: line '{line}' is not an E.164 number like +919977222564")
            if line in seen_lines:
                raise DistrictConfigError(f"{where}: line {line} is listed twice")
            seen_lines.add(line)
        max_seconds = int(h.get("record_max_seconds", 120))
        if not 10 <= max_seconds <= 3600:
            raise DistrictConfigError(f"{where}: record_max_seconds must be between 10 and 3600")
        hotlines.append(Hotline(id=str(_require(h, "id", where)), lines=lines,
                                greeting_audio_url=h.get("greeting_audio_url") or None,
                                record_max_seconds=max_seconds, carrier=_carrier(h.get("carrier"), where),
                                accept_international_caller_id=_flag(h, "accept_international_caller_id", where),
                                purpose=_hotline_purpose(h.get("purpose"), where),
                                short_code=_short_code(h.get("short_code"), where),
                                **_hotline_modes(h, where, data.get("holidays"))))

    departments: dict[str, Department] = {}
    for i, d in enumerate(_require(data, "departments", "district")):
        where = f"departments[{i}]"
        dep_id = str(_require(d, "id", where))
        if not _ID.match(dep_id):
            raise DistrictConfigError(f"{where}: id '{dep_id}' must be lower-case letters, digits, _")
        officers = {}
        for level, o in (d.get("officers") or {}).items():
            if level not in LEVELS:
                raise DistrictConfigError(f"{where}: officer level '{level}' must be one of {', '.join(LEVELS)}")
            officers[level] = _officer(o, level, f"{where}.officers.{level}")
        departments[dep_id] = Department(id=dep_id, names=_names(d.get("name"), where, languages),
                                         officers=officers)

    categories = []
    for i, c in enumerate(_require(data, "categories", "district")):
        where = f"categories[{i}]"
        dep = str(_require(c, "department", where))
        if dep not in departments:
            raise DistrictConfigError(f"{where}: department '{dep}' is not in departments")
        sla = int(_require(c, "sla_hours", where))
        if sla <= 0:
            raise DistrictConfigError(f"{where}: sla_hours must be positive")
        clocks = {NORMAL: Clocks(float(sla), _level_hours(c.get("level_hours"), f"{where}.level_hours"))}
        for urgency, spec in (c.get("urgencies") or {}).items():
            if urgency not in URGENCIES or urgency == NORMAL:
                raise DistrictConfigError(f"{where}.urgencies: '{urgency}' is not an urgency: emergency or urgent")
            clocks[urgency] = _clocks(spec, f"{where}.urgencies.{urgency}")
        urgency = str(c.get("urgency") or NORMAL)
        if urgency not in URGENCIES:
            raise DistrictConfigError(f"{where}.urgency: '{urgency}' is not an urgency: {', '.join(URGENCIES)}")
        if urgency not in clocks:
            raise DistrictConfigError(f"{where}.urgency: {urgency} needs its clocks, e.g. urgencies: {{{urgency}: "
                                      "{sla_hours: 2, level_hours: {L1: 1, L2: 1}}}")
        categories.append(Category(id=str(_require(c, "id", where)),
                                   names=_names(c.get("name"), where, languages),
                                   department=dep, sla_hours=sla,
                                   transcribe=_flag(c, "transcribe", where, default=True),
                                   keywords=_keywords(c.get("keywords"), known_languages, f"{where}.keywords"),
                                   urgency=urgency, clocks=clocks))
    if len(categories) > 9:
        raise DistrictConfigError("categories: at most 9 (one keypad digit each)")

    kinds = tuple(str(k) for k in (data.get("kinds") or [COMPLAINT]))
    wrong = [k for k in kinds if k not in KINDS or k == REQUEST]
    if wrong or len(set(kinds)) != len(kinds):
        raise DistrictConfigError(f"kinds: {', '.join(wrong) or 'each once'}: complaint, suggestion, demand "
                                  "(requests are the file's `requests` forms)")
    requests = _requests(data.get("requests") or [], departments, languages, {c.id for c in categories})

    fallback_category = str(data.get("fallback_category") or categories[-1].id)
    if not any(c.id == fallback_category for c in categories):
        raise DistrictConfigError(f"fallback_category: '{fallback_category}' is not in categories "
                                  f"({', '.join(c.id for c in categories)})")

    level_hours = {str(k): int(v) for k, v in (data.get("level_hours") or {}).items()}
    bad = [k for k in level_hours if k not in LEVELS]
    if bad:
        raise DistrictConfigError(f"level_hours: unknown level {', '.join(bad)}")

    sms = _sms_sender(_require(data, "sms_sender", "district"))

    try:
        operators = parse_operators(data.get("operators"), languages, is_e164)
    except RosterError as error:
        raise DistrictConfigError(str(error)) from error

    return District(
        callers=_caller_limits(data.get("callers") or {}),
        video=_video(data.get("video_calls")),
        operators=operators,
        fallback_category=fallback_category,
        collector=_officer(data["collector"], "collector", "collector") if data.get("collector") else None,
        follow_up=_follow_up(data.get("follow_up") or {}),
        office_hours=_office_hours(data.get("office_hours"), data.get("holidays") or []),
        whatsapp=_whatsapp(data.get("whatsapp")),
        code=code,
        names=_names(data.get("name"), "name", languages),
        languages=languages,
        hotlines=tuple(hotlines),
        departments=departments,
        categories=tuple(categories),
        level_hours=level_hours,
        sms_sender=sms["sms_sender"],
        sms_carrier=sms["sms_carrier"],
        dlt=sms["dlt"],
        accept_no_sms_replies=sms["accept_no_sms_replies"],
        channel_plan=_channel_plan(data.get("channel_plan"), has_whatsapp=bool(data.get("whatsapp"))),
        international_sms_sender=_international_sms_sender(data.get("international_sms_sender")),
        fallback_contact=_names(data.get("fallback_contact"), "fallback_contact", languages),
        transcription=_transcription(data.get("transcription")),
        kinds=kinds,
        requests=requests,
        raw=data,
    )


def _hours(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 24 * 366:
        raise DistrictConfigError(f"{where}: hours, a positive number like 2 or 0.5")
    return float(value)


def _level_hours(data: Any, where: str) -> dict[str, float]:
    if data in (None, {}):
        return {}
    if not isinstance(data, dict):
        raise DistrictConfigError(f"{where}: each level's hours, e.g. {{L1: 1, L2: 1, L3: 1}}")
    bad = [str(k) for k in data if k not in LEVELS]
    if bad:
        raise DistrictConfigError(f"{where}: unknown level {', '.join(bad)} (levels are {', '.join(LEVELS)})")
    return {str(level): _hours(hours, f"{where}.{level}") for level, hours in data.items()}


def _clocks(data: Any, where: str) -> Clocks:
    if not isinstance(data, dict) or "sla_hours" not in data:
        raise DistrictConfigError(f"{where}: the hours to resolve and each level's, e.g. "
                                  "{sla_hours: 2, level_hours: {L1: 1, L2: 1}}")
    return Clocks(_hours(data["sla_hours"], f"{where}.sla_hours"),
                  _level_hours(data.get("level_hours"), f"{where}.level_hours"))


def _short_code(value: Any, where: str) -> str | None:
    """A hotline's public short code: 3 to 6 digits, written in quotes (YAML reads 0181 as a number)."""
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # short_code: 1950 unquoted
    if not isinstance(value, str) or not _SHORT_CODE.match(value):
        raise DistrictConfigError(f"{where}.short_code: the public short code citizens dial, 3 to 6 digits in "
                                  f"quotes, e.g. short_code: \"1950\" (the carrier numbers stay in lines)")
    return value


def _hotline_purpose(value: Any, where: str) -> str:
    purpose = str(value or "citizens")
    if purpose not in HOTLINE_PURPOSES:
        raise DistrictConfigError(f"{where}: purpose '{purpose}' must be one of {', '.join(HOTLINE_PURPOSES)}")
    return purpose


def _carrier(value: Any, where: str) -> str:
    carrier = str(value or "twilio")
    if carrier not in CARRIERS:
        raise DistrictConfigError(f"{where}.carrier: '{carrier}' is not a carrier: one of {', '.join(CARRIERS)}")
    return carrier


def _flag(data: dict[str, Any], key: str, where: str, default: bool = False) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise DistrictConfigError(f"{where}.{key}: true or false")
    return value


def _sms_sender(value: Any) -> dict[str, Any]:
    """`sms_sender: "+91…"` (a Twilio number or Messaging Service SID, as before), or a mapping that names the
    carrier and, for India's DLT, the entity and template ids: {carrier: plivo, from: RPRGOV, dlt_entity_id: …,
    dlt_templates: {sms_ticket_registered: {hi: …, en: …}, …}}."""
    if isinstance(value, str):
        value = {"from": value}
    if not isinstance(value, dict):
        raise DistrictConfigError("sms_sender: a number, or {carrier: plivo, from: …, dlt_entity_id: …, "
                                  "dlt_templates: …}")
    carrier = _carrier(value.get("carrier"), "sms_sender")
    sender = str(value.get("from") or "")
    if carrier == "twilio" and not (is_e164(sender) or sender.startswith("MG")):
        raise DistrictConfigError("sms_sender.from: for Twilio, an E.164 number or a Messaging Service SID (MG...)")
    if carrier == "plivo" and not (is_e164(sender) or _DLT_HEADER.match(sender)):
        raise DistrictConfigError("sms_sender.from: for Plivo, the DLT header registered for the templates "
                                  "(six letters, e.g. RPRGOV) or an E.164 number")
    # Plivo's SMS from an Indian account go to Indian phones over DLT; a Twilio sender does when the file says.
    uses_dlt = value.get("dlt", carrier == "plivo")
    if not isinstance(uses_dlt, bool):
        raise DistrictConfigError("sms_sender.dlt: true or false")
    if carrier == "plivo" and not uses_dlt:
        raise DistrictConfigError("sms_sender.dlt: a Plivo sender's SMS to India go over DLT; remove `dlt: false`")
    dlt = _dlt(value) if uses_dlt else None
    if not uses_dlt and (value.get("dlt_entity_id") or value.get("dlt_templates")):
        raise DistrictConfigError("sms_sender: dlt_entity_id and dlt_templates are for a DLT sender: add `dlt: true`")
    return {"sms_sender": sender, "sms_carrier": carrier, "dlt": dlt,
            "accept_no_sms_replies": _flag(value, "accept_no_sms_replies", "sms_sender")}


def _dlt(value: dict[str, Any]) -> DltRegistration:
    """Template ids of languages the district does not speak are kept, unused: a language taken out of
    `languages` for a while need not lose its registrations."""
    entity = str(value.get("dlt_entity_id") or "")
    if not _DLT_ID.match(entity):
        raise DistrictConfigError("sms_sender.dlt_entity_id: the district's Principal Entity id on the DLT portal "
                                  "(letters and digits)")
    raw = value.get("dlt_templates") or {}
    if not isinstance(raw, dict):
        raise DistrictConfigError("sms_sender.dlt_templates: {message key: {language: template id}}")
    templates: dict[str, dict[str, str]] = {}
    for key, by_language in raw.items():
        where = f"sms_sender.dlt_templates.{key}"
        if not isinstance(by_language, dict):
            raise DistrictConfigError(f"{where}: one template id per language, e.g. {{hi: …, en: …}}")
        for language, template_id in by_language.items():
            if not _DLT_ID.match(str(template_id or "")):
                raise DistrictConfigError(f"{where}.{language}: a DLT template id (letters and digits)")
        templates[str(key)] = {str(lang): str(tid) for lang, tid in by_language.items()}
    return DltRegistration(entity_id=entity, templates=templates)


def _int_in(data: dict[str, Any], key: str, default: int, low: int, high: int, where: str) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DistrictConfigError(f"{where}.{key}: a whole number from {low} to {high}")
    return value


def _hotline_modes(h: dict[str, Any], where: str, holidays: Any) -> dict[str, Any]:
    """How a hotline takes calls: its mode, its hours, the missed-call and operator settings."""
    mode = str(h.get("mode", "ivr"))
    if mode not in HOTLINE_MODES:
        raise DistrictConfigError(f"{where}.mode: one of {', '.join(HOTLINE_MODES)}")
    hours = _office_hours(h["hours"], holidays or [], f"{where}.hours") if h.get("hours") else None
    after = tuple(str(x) for x in (h.get("after_hours") or AFTER_HOURS_CHOICES))
    if not set(after) <= set(AFTER_HOURS_CHOICES):
        raise DistrictConfigError(f"{where}.after_hours: some of {', '.join(AFTER_HOURS_CHOICES)}")
    missed = h.get("missed_call") or {}
    ring = h.get("operators") or {}
    if not isinstance(missed, dict) or not isinstance(ring, dict):
        raise DistrictConfigError(f"{where}: missed_call and operators are mappings")
    order = str(ring.get("ring", "simultaneous"))
    if order not in RING_ORDERS:
        raise DistrictConfigError(f"{where}.operators.ring: one of {', '.join(RING_ORDERS)}")
    return {
        "mode": mode, "hours": hours, "after_hours": after,
        "missed_call": MissedCallPolicy(
            callbacks_per_day=_int_in(missed, "callbacks_per_day", 3, 1, 50, f"{where}.missed_call"),
            tries=_int_in(missed, "tries", 3, 1, 10, f"{where}.missed_call"),
            retry_minutes=_int_in(missed, "retry_minutes", 10, 1, 24 * 60, f"{where}.missed_call")),
        "ring": OperatorRing(order=order, answer_seconds=_int_in(ring, "answer_seconds", 20, 5, 120,
                                                                   f"{where}.operators")),
    }


def _keywords(value: Any, known_languages: set[str], where: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DistrictConfigError(f"{where}: words per language, e.g. {{hi: [पानी, नल], en: [water, tap]}}")
    keywords: dict[str, tuple[str, ...]] = {}
    for language, words in value.items():
        # Any language Samvad has catalogs for, not only the district's: like names, a district that stops
        # offering English keeps its English words, which Latin-typed searches and transcripts still meet.
        if language not in known_languages:
            raise DistrictConfigError(f"{where}: '{language}' is not one of the languages Samvad speaks "
                                      f"({', '.join(sorted(known_languages))})")
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise DistrictConfigError(f"{where}.{language}: a list of words")
        keywords[str(language)] = tuple(w.strip() for w in words)
    return keywords


def _transcription(data: Any) -> TranscriptionPolicy:
    if data is None:
        return TranscriptionPolicy()
    if not isinstance(data, dict):
        raise DistrictConfigError("transcription: {enabled: true, min_confidence: 0.5, retention_days: 365}")
    unknown = sorted(set(data) - {"enabled", "min_confidence", "retention_days"})
    if unknown:
        raise DistrictConfigError(f"transcription: unknown setting {', '.join(unknown)}")
    default = TranscriptionPolicy()
    confidence = data.get("min_confidence", default.min_confidence)
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0 <= confidence <= 1:
        raise DistrictConfigError("transcription.min_confidence: a number from 0 to 1")
    return TranscriptionPolicy(
        enabled=_flag(data, "enabled", "transcription", default=default.enabled),
        min_confidence=float(confidence),
        retention_days=_int_in(data, "retention_days", default.retention_days, 1, 36500, "transcription"))


def _caller_limits(data: dict[str, Any]) -> CallerLimits:
    if not isinstance(data, dict):
        raise DistrictConfigError("callers: {complaints_per_day: 5, repeat_window_days: 7}")
    return CallerLimits(complaints_per_day=_int_in(data, "complaints_per_day", 5, 1, 100, "callers"),
                        repeat_window_days=_int_in(data, "repeat_window_days", 7, 0, 90, "callers"))


def _video(data: Any) -> VideoPolicy:
    if data in (None, {}):
        return VideoPolicy()
    if not isinstance(data, dict):
        raise DistrictConfigError("video_calls: {enabled: true, max_minutes: 20, slot_minutes: 30, per_day: 3}")
    default = VideoPolicy()
    return VideoPolicy(enabled=_flag(data, "enabled", "video_calls", default=True),
                       max_minutes=_int_in(data, "max_minutes", default.max_minutes, 5, 120, "video_calls"),
                       slot_minutes=_int_in(data, "slot_minutes", default.slot_minutes, 10, 240, "video_calls"),
                       per_day=_int_in(data, "per_day", default.per_day, 1, 20, "video_calls"),
                       media_region=str(data.get("media_region") or default.media_region))


def _officer(o: dict[str, Any], level: str, where: str) -> Officer:
    phone = str(_require(o, "phone", where))
    if not is_e164(phone):
        raise DistrictConfigError(f"{where}: phone '{phone}' is not E.164")
    whatsapp = o.get("whatsapp") or None
    if whatsapp is True:
        whatsapp = phone
    if whatsapp and not is_e164(str(whatsapp)):
        raise DistrictConfigError(f"{where}: whatsapp '{whatsapp}' is not E.164 (or true for the same number)")
    return Officer(level=level, name=str(_require(o, "name", where)), phone=phone, whatsapp=whatsapp)


def _requests(data: list[dict[str, Any]], departments: dict[str, Department], languages: tuple[str, ...],
              taken: set[str]) -> tuple[Category, ...]:
    forms = []
    for i, r in enumerate(data):
        where = f"requests[{i}]"
        form_id, dep = str(_require(r, "id", where)), str(_require(r, "department", where))
        if form_id in taken:
            raise DistrictConfigError(f"{where}: id '{form_id}' is taken (a category or another form)")
        if dep not in departments:
            raise DistrictConfigError(f"{where}: department '{dep}' is not in departments")
        sla = int(_require(r, "sla_hours", where))
        fields = []
        for j, f in enumerate(_require(r, "fields", where)):
            at = f"{where}.fields[{j}]"
            kind = str(f.get("type") or "text")
            if kind not in ("text", "phone"):
                raise DistrictConfigError(f"{at}.type: text or phone")
            fields.append(FormField(id=str(_require(f, "id", at)), names=_names(f.get("name"), at, languages),
                                    type=kind, required=_flag(f, "required", at, default=True)))
        if len({f.id for f in fields}) != len(fields):
            raise DistrictConfigError(f"{where}.fields: each id once")
        taken.add(form_id)
        forms.append(Category(id=form_id, names=_names(r.get("name"), where, languages), department=dep,
                              sla_hours=sla, transcribe=False,
                              clocks={NORMAL: Clocks(float(sla), _level_hours(r.get("level_hours"),
                                                                              f"{where}.level_hours"))},
                              form=tuple(fields)))
    return tuple(forms)


def _follow_up(data: dict[str, Any]) -> FollowUpPolicy:
    policy = FollowUpPolicy()
    try:
        result = FollowUpPolicy(
            reminders_at_percent=tuple(int(p) for p in data.get("reminders_at_percent", policy.reminders_at_percent)),
            auto_escalate_to_l4=bool(data.get("auto_escalate_to_L4", policy.auto_escalate_to_l4)),
            feedback_call_hours=tuple(int(h) for h in data.get("feedback_call_hours", policy.feedback_call_hours)),
            no_response_close_after_hours=int(data.get("no_response_close_after_hours",
                                                       policy.no_response_close_after_hours)),
            reopen_window_hours=int(data.get("reopen_window_hours", policy.reopen_window_hours)),
            recording_link_hours=int(data.get("recording_link_hours", policy.recording_link_hours)),
            office_hours_only=data.get("clock", "calendar") == "office_hours",
            emergency_rings=int(data.get("emergency_rings", policy.emergency_rings)),
            emergency_ring_minutes=int(data.get("emergency_ring_minutes", policy.emergency_ring_minutes)),
            suggestion_hours=int(data.get("suggestion_hours", policy.suggestion_hours)),
        )
    except (TypeError, ValueError) as error:
        raise DistrictConfigError(f"follow_up: {error}") from error
    if any(not 0 < p < 100 for p in result.reminders_at_percent):
        raise DistrictConfigError("follow_up.reminders_at_percent: each between 1 and 99")
    if not result.feedback_call_hours or list(result.feedback_call_hours) != sorted(result.feedback_call_hours):
        raise DistrictConfigError("follow_up.feedback_call_hours: at least one, in increasing order")
    if result.no_response_close_after_hours < result.feedback_call_hours[-1]:
        raise DistrictConfigError("follow_up.no_response_close_after_hours: after the last feedback call")
    if not 1 <= result.emergency_rings <= 5 or not 2 <= result.emergency_ring_minutes <= 60:
        raise DistrictConfigError("follow_up.emergency_rings: 1 to 5 calls, emergency_ring_minutes: 2 to 60 apart")
    if data.get("clock", "calendar") not in ("calendar", "office_hours"):
        raise DistrictConfigError("follow_up.clock: calendar or office_hours")
    return result


def _minute(text: str, where: str) -> int:
    try:
        hours, minutes = str(text).split(":")
        value = int(hours) * 60 + int(minutes)
    except ValueError as error:
        raise DistrictConfigError(f"{where}: '{text}' is not HH:MM") from error
    if not 0 <= value <= 24 * 60:
        raise DistrictConfigError(f"{where}: '{text}' is not a time of day")
    return value


def _office_hours(data: Any, holidays: list[Any], where: str = "office_hours") -> OfficeHours | None:
    if not data:
        return None
    if not isinstance(data, dict):
        raise DistrictConfigError(f"{where}: {{days: [mon, …], open: '10:00', close: '18:00'}}")
    days = tuple(WEEKDAYS.index(d) for d in data.get("days", WEEKDAYS[:5]) if d in WEEKDAYS)
    if len(days) != len(data.get("days", WEEKDAYS[:5])):
        raise DistrictConfigError(f"{where}.days: use {', '.join(WEEKDAYS)}")
    opens, closes = _minute(data.get("open", "10:00"), f"{where}.open"), _minute(
        data.get("close", "18:00"), f"{where}.close")
    if closes <= opens:
        raise DistrictConfigError(f"{where}: close must be after open")
    return OfficeHours(days=days, open_minute=opens, close_minute=closes,
                       holidays=frozenset(str(h) for h in holidays))


def _whatsapp(data: Any) -> WhatsAppConfig | None:
    if not data:
        return None
    sender = str(_require(data, "sender", "whatsapp"))
    if not sender.startswith("whatsapp:+"):
        raise DistrictConfigError("whatsapp.sender: like whatsapp:+14155238886")
    raw = data.get("templates") or {}
    if not isinstance(raw, dict):
        raise DistrictConfigError("whatsapp.templates: {message kind: Content SID}, e.g. {forward: HX…}")
    templates: dict[str, str] = {}
    for key, sid in raw.items():
        kind = OLD_TEMPLATE_KEYS.get(str(key), str(key))
        if kind not in ALL_KINDS:
            raise DistrictConfigError(f"whatsapp.templates: '{key}' is no kind of message (the kinds are "
                                      f"{', '.join(ALL_KINDS)})")
        if kind in templates:
            raise DistrictConfigError(f"whatsapp.templates: {kind} is given twice (once as its old name "
                                      f"{next(k for k, v in OLD_TEMPLATE_KEYS.items() if v == kind)}): keep one")
        templates[kind] = str(sid)
    bad = [k for k, v in templates.items() if not v.startswith("HX")]
    if bad:
        raise DistrictConfigError(f"whatsapp.templates: {', '.join(bad)} must be Content SIDs (HX...)")
    return WhatsAppConfig(sender=sender, templates=templates)


def _channel_plan(data: Any, has_whatsapp: bool) -> ChannelPlan:
    """`channel_plan: {citizen: [whatsapp, sms], officer: [whatsapp, sms], acknowledgement: [...]}`; what it
    leaves out keeps its default (officers' WhatsApp only where the district has a WhatsApp sender). Whether
    the district can send on each channel the file names is domain/carrier_plan.py's."""
    default = ChannelPlan() if has_whatsapp else ChannelPlan(officer=("sms",))
    if data is None:
        return default
    if not isinstance(data, dict):
        raise DistrictConfigError("channel_plan: a mapping of message kind (or citizen / officer) to channels, e.g. "
                                  "{citizen: [whatsapp, sms], acknowledgement: [whatsapp, sms, international_sms]}")
    orders: dict[str, tuple[str, ...]] = {}
    for written, channels in data.items():
        where = f"channel_plan.{written}"
        key = OLD_KIND_NAMES.get(str(written), written)
        if key in orders:
            raise DistrictConfigError(f"{where}: {key} is given twice (once as its old name {written}): keep one")
        if key not in PLAN_GROUPS and key not in ALL_KINDS:
            raise DistrictConfigError(f"{where}: '{key}' is no kind of message: one of citizen, officer or a kind "
                                      f"({', '.join(ALL_KINDS)})")
        if not isinstance(channels, list) or not channels:
            raise DistrictConfigError(f"{where}: the channels to try in order, e.g. [whatsapp, sms]")
        unknown = [str(c) for c in channels if c not in CHANNELS]
        if unknown:
            raise DistrictConfigError(f"{where}: {', '.join(unknown)} is no channel: use {', '.join(CHANNELS)}")
        if len(set(channels)) != len(channels):
            raise DistrictConfigError(f"{where}: each channel once (a refused channel is not tried again)")
        orders[str(key)] = tuple(str(c) for c in channels)
    given = tuple(orders)
    return ChannelPlan(citizen=orders.pop("citizen", default.citizen), officer=orders.pop("officer", default.officer),
                       kinds=orders, given=given)


def _international_sms_sender(value: Any) -> str | None:
    if value in (None, ""):
        return None
    sender = str(value)
    if not (is_e164(sender) or sender.startswith("MG")):
        raise DistrictConfigError("international_sms_sender: a Twilio number (E.164, e.g. +14155550100) or "
                                  "Messaging Service SID (MG...)")
    return sender
