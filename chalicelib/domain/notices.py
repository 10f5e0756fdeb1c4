"""Who is told what, for each event: officers, the Collector and citizens, each notice with its message kind
(domain/message_kinds.py) for the channel plan, the WhatsApp template's values and the SMS text.

Pure: returns Notice values; the notifier (domain/delivery.py) walks the district's channel plan for each.

Replies only where they can arrive. Each SMS has its words for the district's `sms` route: where that route
carries replies back (District.sms_replies) a message may ask for one ("Reply 1 if satisfied"); where it does not
(India's DLT routes, Twilio SMS to India) it says what to do instead: an officer calls the officers' line and
enters their PIN (the officers' IVR), a citizen hears the feedback call or calls the hotline. The catalog key
without a suffix is the no-reply wording (India's); `<key>_reply` asks for a reply; the international route
(Twilio SMS, no replies in India) always takes the no-reply wording (Notice.international_body). WhatsApp
carries replies, so its text asks for them.

Each SMS is a catalog message, and on India's DLT routes it must match the template registered for that
message and language: the catalog text with each {variable} as DLT's {#var#} (dlt_template). A DLT variable
takes at most 30 characters, so on such a route every value is cut to fit (a remark, a name, a reason).

A segment budget: no SMS is sent longer than two segments (tests/unit/test_segment_budget.py holds each
message to its own budget, most citizens' to one); free text (a remark, a reason, a name) is shortened to fit.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from chalicelib.domain.clock import IST, parse_iso
from chalicelib.domain.district import District, Hotline, Officer, is_reachable
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.lifecycle import next_level
from chalicelib.domain.message_kinds import ASKS_A_REPLY, KIND_OF
from chalicelib.domain.schedule import NO_FEEDBACK_CALLS
from chalicelib.domain.sms_segments import is_gsm7, segments
from chalicelib.domain.ticket import OPEN_STATUSES
from chalicelib.i18n import Catalog, catalog

# An officer's link to hear the recording: (complaint number, officer phone, valid hours) -> URL
RecordingLinks = Callable[[str, str, int], str]

# Every message the notifier sends by SMS, by its no-reply key. Officers (and the Collector) read the
# district's first language; citizens their own, any of the district's languages.
OFFICER_SMS = ("officer_assigned", "officer_assigned_text", "officer_assigned_caller", "officer_reopened",
               "officer_reminder", "officer_moved_up", "approval_extension", "approval_closure", "decision_approved",
               "decision_rejected", "collector_flag")
CITIZEN_SMS = ("sms_ticket_registered", "citizen_reopened", "citizen_resolved", "citizen_closed_satisfied",
               "citizen_closed_no_response", "citizen_closed_special", "citizen_extended",
               "citizen_unreachable_callback")
# A district that takes other kinds than complaints sends their acknowledgement and their outcomes too.
KIND_SMS = {"suggestion": ("sms_suggestion_registered", "citizen_suggestion_answered"),
            "demand": ("sms_demand_registered", "citizen_demand_accepted", "citizen_demand_declined"),
            "request": ("sms_request_registered", "citizen_request_done", "citizen_request_refused")}
# A district that takes sign-language video calls sends their links (domain/video_calls.py): now, or a slot.
VIDEO_SMS = ("citizen_video_now", "citizen_video_booked")
# A video call's ticket gets no feedback call (domain/schedule.py): where SMS carries no reply, its resolution
# asks for the answer on WhatsApp (1/2, or "वीडियो" for a video call) instead of promising a call.
VIDEO_RESOLVED = "citizen_video_resolved"
REPLY_SUFFIX = "_reply"
# Every catalog key the notifier may send by SMS, in any wording.
SMS_KEYS = (*OFFICER_SMS, *CITIZEN_SMS, *(key for keys in KIND_SMS.values() for key in keys), *VIDEO_SMS,
            VIDEO_RESOLVED,
            *(key + REPLY_SUFFIX for key in sorted(ASKS_A_REPLY)))

DLT_VAR_MAX = 30  # characters a DLT {#var#} takes
# A link is DLT's URL variable (its domain registered with the template), never cut: a cut link opens nothing.
URL_VARIABLES = frozenset({"link"})
MOST_SEGMENTS = 2  # no SMS goes longer: free text is shortened until the message fits
# Values written by people (officers' remarks and reasons, names, a complaint's text) that may be shortened to
# keep a message in budget, down to this many characters; everything else (numbers, dates, links) stays whole.
FREE_TEXT = ("remark", "reason", "note", "summary", "caller", "requester", "category", "department",
             "caller_name")
# A district's own sentence (fallback_contact: "bring your complaint to the Collectorate"): half of it would mislead,
# so it goes whole or not at all — left out where it does not fit, and on DLT routes when longer than a variable.
WHOLE_OR_NONE = ("contact",)
FREE_TEXT_KEPT = 12
WRITTEN = ("remark", "reason", "note")  # typed or said by an officer: their spacing and last full stop go
WHATSAPP_FREE_MAX = 200  # a WhatsApp template value is not cut to DLT's 30, but a page-long remark is
_VARIABLE = re.compile(r"\{(\w+)\}")


def sms_key(district: District, key: str) -> str:
    """The catalog key of message `key` worded for the district's `sms` route (see the module's docstring)."""
    if district.sms_replies and key in ASKS_A_REPLY:
        return key + REPLY_SUFFIX
    return key


def sms_messages(district: District) -> list[tuple[str, str]]:
    """(catalog key, language) of every SMS the district's `sms` route can carry: each needs its DLT template id."""
    citizens = (*CITIZEN_SMS, *(key for kind in district.offered_kinds for key in KIND_SMS.get(kind, ())),
                *(VIDEO_SMS if district.video.enabled else ()),
                *((VIDEO_RESOLVED,) if district.video.enabled and not district.sms_replies else ()))
    return [(sms_key(district, key), district.default_language) for key in OFFICER_SMS] + [
        (sms_key(district, key), language) for key in citizens for language in district.languages]


def dlt_template(key: str, language: str) -> str:
    """The text to register on the DLT portal for this message: the catalog's, each {variable} as {#var#}."""
    return _VARIABLE.sub(lambda m: "{#url#}" if m.group(1) in URL_VARIABLES else "{#var#}",
                         catalog(language).raw(key))


def shortened(text: str, most: int) -> str:
    """`text` in at most `most` characters, marked as cut; the mark in GSM-7 when the text is, so a cut English
    value does not turn a whole message into UCS-2 (70 characters a segment instead of 160)."""
    if len(text) <= most:
        return text
    mark = _cut_mark(text)
    return text[:most - len(mark)].rstrip() + mark


def _cut_mark(text: str) -> str:
    return "..." if is_gsm7(text) else "…"


def dlt_value(text: str) -> str:
    """A value cut to what a DLT variable takes, marked as cut."""
    return shortened(text, DLT_VAR_MAX)


def dialled(phone: str) -> str:
    """A number as people in India dial it from a mobile: 0 and the ten digits (a toll-free 1800 number
    without the 0); numbers elsewhere stay as they are."""
    if phone.startswith("+91") and len(phone) == 13:
        national = phone[3:]
        return national if national.startswith(("1800", "1860")) else "0" + national
    return phone


@dataclass(frozen=True)
class Notice:
    key: str  # unique within its event: officer, previous-officer, approver, collector, citizen
    to: str
    body: str  # the SMS text for the district's `sms` route
    whatsapp_to: str | None = None
    template: str | None = None  # the kind: its key in the district's whatsapp.templates
    variables: dict[str, str] = field(default_factory=dict)  # the WhatsApp template's values, "1", "2", …
    message: str = ""  # the catalog key `body` was written from: its DLT template
    language: str = ""  # and the catalog's language
    # The message kind (domain/message_kinds.py): the channel plan's and whatsapp.templates' key.
    kind: str = field(default="", kw_only=True)
    # May this go by WhatsApp: officers always; a citizen only with the ticket's whatsapp_consent.
    consent: bool = field(default=False, kw_only=True)
    # The words for the international route (Twilio SMS, no DLT, no replies in India); None: the same as `body`.
    international_body: str | None = field(default=None, kw_only=True)


def officer_due(iso_time: str) -> str:
    return f"{parse_iso(iso_time).astimezone(IST):%d-%m %H:%M}"


def citizen_date(iso_time: str) -> str:
    """A date as citizens read it in a text: the IST day, dd-mm-yyyy."""
    return f"{parse_iso(iso_time).astimezone(IST):%d-%m-%Y}"


def citizen_time(iso_time: str) -> str:
    """A time as a citizen's text names it: the IST day and the clock, dd-mm HH:MM (a booked slot is days away
    at most, so the year would only cost characters)."""
    return f"{parse_iso(iso_time).astimezone(IST):%d-%m %H:%M}"


def notices_for(event: DomainEvent, district: District, links: RecordingLinks) -> list[Notice]:
    data = event.data
    builder = _BUILDERS.get(event.type)
    return builder(event, data, district, links) if builder else []


# -- the words -------------------------------------------------------------------------------------------

def _render(words: Catalog, key: str, values: dict[str, object], most: int = MOST_SEGMENTS) -> str:
    """The message, its free text shortened (the longest first) until it fits `most` segments."""
    values = dict(values)
    text = words.text(key, **values)
    while segments(text) > most:
        free = [name for name in FREE_TEXT if len(str(values.get(name, ""))) > FREE_TEXT_KEPT]
        if not free:
            whole = [name for name in WHOLE_OR_NONE if values.get(name)]
            if not whole:
                break  # nothing left to shorten: the catalog's words themselves are over budget (a test says so)
            values[whole[0]] = ""
            text = words.text(key, **values)
            continue
        longest = max(free, key=lambda name: len(str(values[name])))
        values[longest] = _one_shorter(str(values[longest]))
        text = words.text(key, **values)
    # A cut value's mark before the sentence's full stop would make four dots.
    return text.replace("....", "...")


def _one_shorter(value: str) -> str:
    """The value a character shorter, marked as cut (once)."""
    kept = value.removesuffix("...").removesuffix("…")
    mark = _cut_mark(kept)
    return kept[:len(value) - 1 - len(mark)].rstrip() + mark


@dataclass(frozen=True)
class _Texts:
    body: str
    message: str
    language: str
    international_body: str | None
    whatsapp_text: str  # the message as WhatsApp carries it: replies asked for where the message takes one


def _texts(district: District, words: Catalog, key: str, values: dict[str, object]) -> _Texts:
    message = sms_key(district, key)
    # People end their words with a full stop, and the catalog's sentence ends them again.
    values = {name: " ".join(str(value).split()).rstrip(" ।.") if name in WRITTEN else value
              for name, value in values.items()}
    sms_values = values
    if district.dlt:
        sms_values = {name: value if name in URL_VARIABLES
                      else ("" if len(str(value)) > DLT_VAR_MAX else value) if name in WHOLE_OR_NONE
                      else dlt_value(str(value)) for name, value in values.items()}
    body = _render(words, message, sms_values)
    international = _render(words, key, values)
    whatsapp_key = key + REPLY_SUFFIX if key in ASKS_A_REPLY else key
    whatsapp_values = {name: shortened(str(value), WHATSAPP_FREE_MAX) if name in FREE_TEXT else value
                       for name, value in values.items()}
    return _Texts(body, message, words.language, None if international == body else international,
                  words.text(whatsapp_key, **whatsapp_values))


def _officers_words(district: District) -> Catalog:
    return catalog(district.default_language)


def _officer_values(district: District) -> dict[str, object]:
    """What every officer's message may name: the line of the officers' IVR."""
    return {"line": dialled(district.officers_line)}


def public_number(hotline: Hotline) -> str:
    """The number citizens are told to call: the hotline's public short code (1950, 181) when it has one, else
    its first line as dialled from a mobile."""
    return hotline.short_code or dialled(hotline.lines[0])


def citizens_hotline(district: District) -> Hotline:
    return next((h for h in district.hotlines if h.purpose == "citizens"), district.hotlines[0])


def _citizen_values(district: District) -> dict[str, object]:
    """What every citizen's message may name: the hotline to call."""
    return {"hotline": public_number(citizens_hotline(district))}


def _officer_notice(key: str, to: str, whatsapp_to: str | None, texts: _Texts, message: str, number: str,
                    variables: dict[str, str] | None = None) -> Notice:
    """An officer's (or the Collector's) notice; officers take WhatsApp without being asked (it is their work)."""
    kind = KIND_OF[message]
    return Notice(key, to, texts.body, whatsapp_to, kind, variables or _text_variables(number, texts),
                  texts.message, texts.language, kind=kind, consent=True,
                  international_body=texts.international_body)


def _text_variables(number: str, texts: _Texts) -> dict[str, str]:
    """A kind's WhatsApp template values: the complaint number and the whole message in the person's language,
    so one template per kind serves every language and every message of the kind."""
    return {"1": number, "2": texts.whatsapp_text}


def _category_name(district: District, data: dict[str, Any], language: str) -> str:
    category = district.category(data.get("category", ""))
    return category.names.get(language, category.id) if category else data.get("category", "")


def _officers_category(district: District, data: dict[str, Any], language: str) -> str:
    """The category as the officer's forward names it; another kind than a complaint says so first ("सुझाव: पानी"),
    inside the registered templates' category value."""
    name = _category_name(district, data, language)
    kind = data.get("kind") or "complaint"
    return name if kind == "complaint" else f"{catalog(language).text(f'kind_{kind}')}: {name}"


def _reason(words: Catalog, reason: str) -> str:
    # The Collector's ESCALATE carries their own words, not a catalog key.
    return words.text(f"reason_{reason}") if f"reason_{reason}" in words.keys() else reason


# -- officers --------------------------------------------------------------------------------------------

def _assignment(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    officer = district.officer(data["department"], data["level"])
    notices = []
    # A recording being transcribed: the officer's forward waits for `ticket.transcribed` (_transcribed), so it
    # can say what the caller said; the citizen's acknowledgement does not wait.
    waits = event.type == "ticket.created" and bool(data.get("transcribing"))
    if officer and not waits:
        notices.append(_forward(event, data, district, links, officer))
    if event.type == "ticket.escalated":
        previous = district.officer(data["department"], data["from_level"])
        if previous and (not officer or previous.phone != officer.phone):
            texts = _texts(district, _officers_words(district), "officer_moved_up", {
                **_officer_values(district), "number": event.complaint_number, "level": data["level"],
                "reason": _reason(_officers_words(district), data["reason"])})
            notices.append(_officer_notice("previous-officer", previous.phone, previous.whatsapp, texts,
                                           "officer_moved_up", event.complaint_number))
    if event.type == "ticket.reopened":
        notices += _citizen(event, data, district, "citizen_reopened")
    if event.type == "ticket.created":
        kind = data.get("kind") or "complaint"
        key = "sms_ticket_registered" if kind == "complaint" else f"sms_{kind}_registered"
        notices += _citizen(event, data, district, key, district=district.name_in(data["language"]),
                            category=_category_name(district, data, data["language"]))
    return notices


def caller_words(data: dict[str, Any]) -> str:
    """Who called and from where, as the forward names them: "रामलाल, गांव खरोरा"; "" when neither is known."""
    name = data.get("caller_name") or ""
    return ", ".join(part for part in (name if name != "-" else "", data.get("address") or "") if part)


def _forward(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks,
             officer: Officer) -> Notice:
    """The officer's forward: by SMS the complaint's words when there are any ("name, village: the start of the
    complaint" — what an officer on a feature phone can act on), else the link to hear the recording; by
    WhatsApp both, in the template's five values."""
    lang = district.default_language
    hours = district.follow_up.recording_link_hours
    link = links(event.complaint_number, officer.phone, hours) if data.get("has_recording") else "-"
    values: dict[str, object] = {
        **_officer_values(district), "number": event.complaint_number,
        "category": _officers_category(district, data, lang), "due": officer_due(data["level_due_at"]),
        "link": link}
    summary = data.get("summary") or ""
    caller = caller_words(data)
    if event.type == "ticket.reopened":
        key = "officer_reopened"
    elif summary and caller:
        key, values["summary"], values["caller"] = "officer_assigned_caller", summary, caller
    elif summary:
        key, values["summary"] = "officer_assigned_text", summary
    else:
        key = "officer_assigned"
    texts = _texts(district, _officers_words(district), key, values)
    # The forward's template was registered before kinds, with these five values: it keeps them. The caller's
    # value says who called and, with a recording, what they said; the last the link, or else the words.
    said = f"{caller or '-'}: {summary}" if summary and link != "-" else data.get("caller_name") or "-"
    forward = {"1": event.complaint_number, "2": str(values["category"]),
               "3": shortened(said, WHATSAPP_FREE_MAX), "4": str(values["due"]),
               "5": shortened(link if link != "-" or not summary else summary, WHATSAPP_FREE_MAX)}
    return _officer_notice("officer", officer.phone, officer.whatsapp, texts, key, event.complaint_number, forward)


def _transcribed(event: DomainEvent, data: dict[str, Any], district: District,
                 links: RecordingLinks) -> list[Notice]:
    """The forward that waited for the transcript (`ticket.created` said `transcribing`), whatever became of
    it: with the words when there are any, else with the link as before. A transcript of a recording attached
    later (an operator's call) tells nobody: the officer had the operator's words at registration."""
    waited = data.get("forward_waits", data.get("channel") != "console")
    officer = district.officer(data["department"], data["level"])
    if not waited or officer is None or data.get("status") not in OPEN_STATUSES:
        return []
    return [_forward(event, data, district, links, officer)]


def _reminder(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    officer = district.officer(data["department"], data["level"])
    if not officer:
        return []
    values: dict[str, object] = {
        **_officer_values(district), "number": event.complaint_number,
        "category": _category_name(district, data, district.default_language),
        "due": officer_due(data["level_due_at"])}
    texts = _texts(district, _officers_words(district), "officer_reminder", values)
    # Like the forward's, the reminder's template keeps the values it was registered with.
    reminder = {"1": event.complaint_number, "2": str(values["category"]), "3": str(values["due"])}
    return [_officer_notice("officer", officer.phone, officer.whatsapp, texts, "officer_reminder",
                           event.complaint_number, reminder)]


def _approval(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    above = next_level(data["level"])
    approver = district.officer(data["department"], above) if above else district.collector
    if approver is None:
        approver = district.collector
    if approver is None:
        return []
    requester = district.officer(data["department"], data["level"])
    values: dict[str, object] = {
        **_officer_values(district), "number": event.complaint_number,
        "requester": requester.name if requester else data["requested_by"], "reason": data.get("reason", "")}
    if event.type == "ticket.extension_requested":
        key, values["days"] = "approval_extension", data["days"]
    else:
        key, values["code"] = "approval_closure", data["code"]
    texts = _texts(district, _officers_words(district), key, values)
    return [_officer_notice("approver", approver.phone, approver.whatsapp, texts, key, event.complaint_number)]


def _decision(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    key = "decision_approved" if data["approved"] else "decision_rejected"
    texts = _texts(district, _officers_words(district), key, {
        **_officer_values(district), "number": event.complaint_number, "note": data.get("note", "")})
    requester = data["requested_by"]
    notices = [_officer_notice("requester", requester, _whatsapp_of(district, requester), texts, key,
                               event.complaint_number)]
    if data["approved"] and data.get("kind") == "extension":
        notices += _citizen(event, data, district, "citizen_extended", date=citizen_date(data["level_due_at"]))
    return notices


def _whatsapp_of(district: District, phone: str) -> str | None:
    """The WhatsApp number of whoever holds this phone in the directory (a requester is named by phone)."""
    people = [o for dep in district.departments.values() for o in dep.officers.values()]
    people += [district.collector] if district.collector else []
    return next((o.whatsapp for o in people if o.phone == phone and o.whatsapp), None)


def _flagged(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    collector = district.collector
    if not collector:
        return []
    words = _officers_words(district)
    department = district.departments.get(data["department"])
    texts = _texts(district, words, "collector_flag", {
        **_officer_values(district), "number": event.complaint_number, "level": data["level"],
        "department": department.names.get(district.default_language) if department else data["department"],
        "reason": _reason(words, data["reason"])})
    return [_officer_notice("collector", collector.phone, collector.whatsapp, texts, "collector_flag",
                            event.complaint_number)]


# -- citizens --------------------------------------------------------------------------------------------

def _resolved(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    # The ask "satisfied?" travels in the resolution itself (one message, kind resolution): a second message
    # would cost a second SMS for the same moment, and the feedback call asks again where nobody can reply.
    # A video call's ticket has no feedback call: where SMS carries no reply either, the ask is for WhatsApp.
    # (Its template is registered wherever video calls are taken on a route without replies; it is sent only
    # where there is WhatsApp to answer on.)
    no_call = (data.get("channel") in NO_FEEDBACK_CALLS and district.video.enabled and not district.sms_replies
               and district.whatsapp is not None)
    return _citizen(event, data, district, VIDEO_RESOLVED if no_call else "citizen_resolved",
                    remark=data.get("remark", ""))


def _concluded(event: DomainEvent, data: dict[str, Any], district: District,
               links: RecordingLinks) -> list[Notice]:
    """A suggestion answered, a demand accepted or declined, a request done or refused: the outcome and why."""
    kind, outcome = data.get("kind") or "", data.get("outcome") or ""
    if f"citizen_{kind}_{outcome}" not in KIND_OF:
        return []  # a bounce's event names no outcome: nothing to repeat
    return _citizen(event, data, district, f"citizen_{kind}_{outcome}", remark=data.get("remark", ""))


def _closed(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    closure = data.get("closure") or ""
    if closure.startswith("special:"):
        words = catalog(data["language"])
        return _citizen(event, data, district, "citizen_closed_special", reason=words.text(f"closure_{closure[8:]}"))
    if closure not in ("satisfied", "no_response"):
        return []  # a bounce's event names no closure (only the ticket's snapshot): nothing to repeat
    return _citizen(event, data, district, f"citizen_closed_{closure}")


def _citizen(event: DomainEvent, data: dict[str, Any], district: District, key: str, /,
             **values: str) -> list[Notice]:
    phone = data.get("caller_phone", "")
    if not is_reachable(phone):
        return []  # caller ID withheld: nothing to text
    words = catalog(data["language"])
    texts = _texts(district, words, key, {**_citizen_values(district), "number": event.complaint_number, **values})
    kind = KIND_OF[key]
    # WhatsApp to the phone that called: the citizen said yes (or no) to WhatsApp on that number.
    return [Notice("citizen", phone, texts.body, phone, kind, _text_variables(event.complaint_number, texts),
                   texts.message, texts.language, kind=kind, consent=bool(data.get("whatsapp_consent", False)),
                   international_body=texts.international_body)]


def _unreachable(event: DomainEvent, data: dict[str, Any], district: District,
                 links: RecordingLinks) -> list[Notice]:
    """The last callback of a missed call (or an after-hours request) rang out: one SMS saying how else to reach
    the office — the hotline (its short code when it has one) and the district's `fallback_contact`. The
    event's id is the request's (domain/callback_requests.py), so a retried status sends it once."""
    language = data["language"] if data.get("language") in district.languages else district.default_language
    hotline = district.hotline_for_line(data.get("line", "")) or citizens_hotline(district)
    if hotline.purpose != "citizens":
        hotline = citizens_hotline(district)
    return _citizen(event, {**data, "language": language}, district, "citizen_unreachable_callback",
                    hotline=public_number(hotline), contact=district.fallback_contact.get(language, ""))


_WITHIN_A_MINUTE = timedelta(minutes=1)  # a slot this close to the booking is "now" (domain/video_calls.is_now)


def _video_booked(event: DomainEvent, data: dict[str, Any], district: District,
                  links: RecordingLinks) -> list[Notice]:
    """A sign-language video call booked (domain/video_calls.booked_event): its link to the phone that asked,
    "open it now" when the slot is within a minute of the booking, else the slot's time. The event's id is the
    booking's and which sending of it (a retried request sends it once); WhatsApp only with the phone's consent,
    when the event carries it, else SMS. The link is the URL variable, never cut; no complaint number yet."""
    phone = data.get("caller_phone", "")
    if not is_reachable(phone) or not data.get("link"):
        return []
    language = data.get("language") if data.get("language") in district.languages else district.default_language
    now = parse_iso(data.get("slot_at") or event.at) <= parse_iso(event.at) + _WITHIN_A_MINUTE
    key = "citizen_video_now" if now else "citizen_video_booked"
    values: dict[str, object] = {"link": data["link"]}
    if not now:
        values["time"] = citizen_time(data["slot_at"])
    texts = _texts(district, catalog(language), key, values)
    kind = KIND_OF[key]
    # The template's values: the link (its button or its text) and the whole message in the citizen's language.
    return [Notice("citizen", phone, texts.body, phone, kind, {"1": data["link"], "2": texts.whatsapp_text},
                   texts.message, texts.language, kind=kind, consent=bool(data.get("whatsapp_consent", False)),
                   international_body=texts.international_body)]


# -- a WhatsApp message that bounced ---------------------------------------------------------------------

# A bounced forward for an escalation or a transfer is repeated in a new ticket's words: the bounce carries
# the ticket as it is now, not the escalation's reason.
_REPEATED_AS = {"ticket.escalated": "ticket.created", "ticket.transferred": "ticket.created"}


def _bounced(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    """WhatsApp said a message failed: the same notice again (delivery walks on to the next channel). The bounce
    carries the ticket's snapshot, the notice's key and the event the message was for."""
    failed = data.get("failed_event", "")
    again = replace(event, type=_REPEATED_AS.get(failed, failed))
    try:
        notices = notices_for(again, district, links) if again.type in _BUILDERS else []
    except KeyError:
        # What the first message said is not in the ticket now (a request's days, a decision): not repeatable.
        return []
    return [n for n in notices if n.key == data.get("notice") and n.whatsapp_to == data.get("phone")]


def _whatsapp_failed(event: DomainEvent, data: dict[str, Any], district: District,
                     links: RecordingLinks) -> list[Notice]:
    """A bounce from before citizens had WhatsApp (still in queues): the officer's forward or reminder again."""
    failed = data.get("failed_event", "")
    again = replace(event, type=failed if failed in ("ticket.reopened", "ticket.reminder") else "ticket.created")
    # Officers may have WhatsApp on another number than their SMS phone; Twilio names the WhatsApp one.
    return [replace(n, key="officer-sms") for n in notices_for(again, district, links)
            if n.key == "officer" and n.whatsapp_to and n.whatsapp_to == data.get("phone")]


_BUILDERS = {
    "ticket.created": _assignment,
    "ticket.transcribed": _transcribed,
    "ticket.escalated": _assignment,
    "ticket.transferred": _assignment,
    "ticket.reopened": _assignment,
    "notice.whatsapp_bounced": _bounced,
    "officer.whatsapp_failed": _whatsapp_failed,
    "ticket.reminder": _reminder,
    "ticket.extension_requested": _approval,
    "ticket.closure_proposed": _approval,
    "ticket.request_decided": _decision,
    "ticket.flagged": _flagged,
    "ticket.resolved": _resolved,
    "ticket.closed": _closed,
    "ticket.concluded": _concluded,
    "callback.given_up": _unreachable,
    "video.booked": _video_booked,
}
