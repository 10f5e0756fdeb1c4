"""Who is told what, for each event: officers (WhatsApp template, SMS fallback) and citizens (SMS).

Pure: returns Notice values; the notifier sends each one once (claims keyed by event and notice).

Each SMS is a catalog message, and on India's DLT routes it must match the template registered for that
message and language: the catalog text with each {variable} as DLT's {#var#} (dlt_template). A DLT variable
takes at most 30 characters, so on such a route every value is cut to fit (a remark, a name, a reason).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.domain.clock import IST, parse_iso
from chalicelib.domain.district import District, is_reachable
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.lifecycle import next_level
from chalicelib.domain.sms_segments import segments
from chalicelib.i18n import Catalog, catalog

# An officer's link to hear the recording: (complaint number, officer phone, valid hours) -> URL
RecordingLinks = Callable[[str, str, int], str]

# Every catalog message the notifier sends by SMS. Officers (and the Collector) read the district's first
# language; citizens their own, any of the district's languages.
OFFICER_SMS = ("officer_assigned", "officer_assigned_text", "officer_reopened", "officer_reminder",
               "officer_moved_up", "approval_extension", "approval_closure", "decision_approved",
               "decision_rejected", "collector_flag")
CITIZEN_SMS = ("sms_ticket_registered", "citizen_reopened", "citizen_resolved", "citizen_closed_satisfied",
               "citizen_closed_no_response", "citizen_closed_special")
DLT_VAR_MAX = 30  # characters a DLT {#var#} takes
# A link is DLT's URL variable (its domain registered with the template), never cut: a cut link opens nothing.
URL_VARIABLES = frozenset({"link"})
_VARIABLE = re.compile(r"\{(\w+)\}")


def sms_messages(district: District) -> list[tuple[str, str]]:
    """(catalog key, language) of every SMS the district can send: each needs its DLT template id."""
    return [(key, district.default_language) for key in OFFICER_SMS] + [
        (key, language) for key in CITIZEN_SMS for language in district.languages]


def dlt_template(key: str, language: str) -> str:
    """The text to register on the DLT portal for this message: the catalog's, each {variable} as {#var#}."""
    return _VARIABLE.sub(lambda m: "{#url#}" if m.group(1) in URL_VARIABLES else "{#var#}",
                         catalog(language).raw(key))


def dlt_value(text: str) -> str:
    """A value cut to what a DLT variable takes, marked as cut."""
    return text if len(text) <= DLT_VAR_MAX else text[:DLT_VAR_MAX - 1] + "…"


@dataclass(frozen=True)
class Notice:
    key: str  # unique within its event: officer, previous-officer, approver, collector, citizen
    to: str
    body: str  # the SMS text (and the WhatsApp fallback)
    whatsapp_to: str | None = None
    template: str | None = None  # a kind in the district's whatsapp.templates
    variables: dict[str, str] = field(default_factory=dict)
    message: str = ""  # the catalog key `body` was written from: its DLT template
    language: str = ""  # and the catalog's language


def officer_due(iso_time: str) -> str:
    return f"{parse_iso(iso_time).astimezone(IST):%d-%m %H:%M}"


def notices_for(event: DomainEvent, district: District, links: RecordingLinks) -> list[Notice]:
    data = event.data
    builder = _BUILDERS.get(event.type)
    return builder(event, data, district, links) if builder else []


def _words(district: District) -> Catalog:
    return catalog(district.default_language)


def _sms(district: District, words: Catalog, key: str, /, **values: object) -> tuple[str, str, str]:
    """The SMS body from catalog message `key`, with its key and language (Notice's body, message, language);
    on a DLT route each value fits its variable."""
    if district.dlt:
        values = {name: value if name in URL_VARIABLES else dlt_value(str(value)) for name, value in values.items()}
    return words.text(key, **values), key, words.language


def _category_name(district: District, data: dict[str, Any], language: str) -> str:
    category = district.category(data.get("category", ""))
    return category.names.get(language, category.id) if category else data.get("category", "")


def _assignment(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    officer = district.officer(data["department"], data["level"])
    words = _words(district)
    notices = []
    if officer:
        lang = district.default_language
        hours = district.follow_up.recording_link_hours
        link = links(event.complaint_number, officer.phone, hours) if data.get("has_recording") else "-"
        values = {"number": event.complaint_number, "category": _category_name(district, data, lang),
                  "due": officer_due(data["level_due_at"]), "link": link}
        summary = data.get("summary") or ""
        if event.type == "ticket.reopened":
            sms = _sms(district, words, "officer_reopened", remark=data.get("remark", "")[:60], **values)
        elif link == "-" and summary:  # written by an operator or texted: the officer reads its start
            sms = _sms(district, words, "officer_assigned_text", summary=summary, **values)
            link = summary
        else:
            sms = _sms(district, words, "officer_assigned", **values)
        body, message, language = sms
        notices.append(Notice("officer", officer.phone, body, officer.whatsapp, "officer_assignment",
                              {"1": values["number"], "2": values["category"], "3": data.get("caller_name", "-"),
                               "4": values["due"], "5": link}, message, language))
    if event.type == "ticket.escalated":
        previous = district.officer(data["department"], data["from_level"])
        if previous and (not officer or previous.phone != officer.phone):
            body, message, language = _sms(district, words, "officer_moved_up", number=event.complaint_number,
                                           level=data["level"], reason=_reason(words, data["reason"]))
            notices.append(Notice("previous-officer", previous.phone, body, message=message, language=language))
    if event.type == "ticket.reopened":
        notices += _citizen(event, data, district, "citizen_reopened")
    if event.type == "ticket.created":
        notices += _citizen(event, data, district, "sms_ticket_registered", date=citizen_date(data["created_at"]),
                            district=district.name_in(data["language"]))
    return notices


def _whatsapp_failed(event: DomainEvent, data: dict[str, Any], district: District,
                     links: RecordingLinks) -> list[Notice]:
    """A WhatsApp message bounced: the same message again by SMS, to the officer it was for."""
    failed = data.get("failed_event", "")
    # Escalations and transfers forward in the same words as a new ticket; a callback that names no
    # event was set on a forward.
    again = replace(event, type=failed if failed in ("ticket.reopened", "ticket.reminder") else "ticket.created")
    # Officers may have WhatsApp on another number than their SMS phone; Twilio names the WhatsApp one.
    return [Notice("officer-sms", n.to, n.body, message=n.message, language=n.language)
            for n in notices_for(again, district, links) if n.whatsapp_to and n.whatsapp_to == data.get("phone")]


def _reminder(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    officer = district.officer(data["department"], data["level"])
    if not officer:
        return []
    lang = district.default_language
    values = {"number": event.complaint_number, "category": _category_name(district, data, lang),
              "due": officer_due(data["level_due_at"])}
    body, message, language = _sms(district, _words(district), "officer_reminder", **values)
    return [Notice("officer", officer.phone, body, officer.whatsapp, "officer_reminder",
                   {"1": values["number"], "2": values["category"], "3": values["due"]}, message, language)]


def _approval(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    above = next_level(data["level"])
    approver = district.officer(data["department"], above) if above else district.collector
    if approver is None:
        approver = district.collector
    if approver is None:
        return []
    requester = district.officer(data["department"], data["level"])
    values = {"number": event.complaint_number, "requester": requester.name if requester else data["requested_by"],
              "reason": data.get("reason", "")[:80]}
    if event.type == "ticket.extension_requested":
        body, message, language = _sms(district, _words(district), "approval_extension", days=data["days"], **values)
    else:
        body, message, language = _sms(district, _words(district), "approval_closure", code=data["code"], **values)
    return [Notice("approver", approver.phone, body, message=message, language=language)]


def _decision(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    words = _words(district)
    key = "decision_approved" if data["approved"] else "decision_rejected"
    body, message, language = _sms(district, words, key, number=event.complaint_number,
                                   note=data.get("note", "")[:80])
    return [Notice("requester", data["requested_by"], body, message=message, language=language)]


def _flagged(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    if not district.collector:
        return []
    words = _words(district)
    department = district.departments.get(data["department"])
    body, message, language = _sms(
        district, words, "collector_flag", number=event.complaint_number, level=data["level"],
        department=department.names.get(district.default_language) if department else data["department"],
        reason=_reason(words, data["reason"]))
    return [Notice("collector", district.collector.phone, body, message=message, language=language)]


def _reason(words: Catalog, reason: str) -> str:
    # The Collector's ESCALATE carries their own words, not a catalog key.
    return words.text(f"reason_{reason}") if f"reason_{reason}" in words.keys() else reason


def _resolved(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    return _citizen(event, data, district, "citizen_resolved", remark=data.get("remark", ""))


def _closed(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    closure = data["closure"]
    if closure.startswith("special:"):
        words = catalog(data["language"])
        return _citizen(event, data, district, "citizen_closed_special", reason=words.text(f"closure_{closure[8:]}"))
    return _citizen(event, data, district, f"citizen_closed_{closure}")


def _citizen(event: DomainEvent, data: dict[str, Any], district: District, key: str, /,
             **values: str) -> list[Notice]:
    phone = data.get("caller_phone", "")
    if not is_reachable(phone):
        return []  # caller ID withheld: nothing to text
    words = catalog(data["language"])
    body, message, language = _sms(district, words, key, number=event.complaint_number, **values)
    if "remark" in values and segments(body) > 2:
        # The officer's remark is free text: shorten it so the citizen's SMS stays within two segments.
        remark = values["remark"]
        def shortened(text: str) -> str:
            return _sms(district, words, key, number=event.complaint_number, **{**values, "remark": text + "…"})[0]

        while remark and segments(shortened(remark)) > 2:
            remark = remark[:-1]
        body = shortened(remark)
    return [Notice("citizen", phone, body, message=message, language=language)]


def citizen_date(iso_time: str) -> str:
    """A date as citizens read it in a text: the IST day, dd-mm-yyyy."""
    return f"{parse_iso(iso_time).astimezone(IST):%d-%m-%Y}"


_BUILDERS = {
    "ticket.created": _assignment,
    "ticket.escalated": _assignment,
    "ticket.transferred": _assignment,
    "ticket.reopened": _assignment,
    "officer.whatsapp_failed": _whatsapp_failed,
    "ticket.reminder": _reminder,
    "ticket.extension_requested": _approval,
    "ticket.closure_proposed": _approval,
    "ticket.request_decided": _decision,
    "ticket.flagged": _flagged,
    "ticket.resolved": _resolved,
    "ticket.closed": _closed,
}
