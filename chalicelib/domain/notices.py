"""Who is told what, for each event: officers (WhatsApp template, SMS fallback) and citizens (SMS).

Pure: returns Notice values; the notifier sends each one once (claims keyed by event and notice).
"""
from __future__ import annotations

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


@dataclass(frozen=True)
class Notice:
    key: str  # unique within its event: officer, previous-officer, approver, collector, citizen
    to: str
    body: str  # the SMS text (and the WhatsApp fallback)
    whatsapp_to: str | None = None
    template: str | None = None  # a kind in the district's whatsapp.templates
    variables: dict[str, str] = field(default_factory=dict)


def officer_due(iso_time: str) -> str:
    return f"{parse_iso(iso_time).astimezone(IST):%d-%m %H:%M}"


def notices_for(event: DomainEvent, district: District, links: RecordingLinks) -> list[Notice]:
    data = event.data
    builder = _BUILDERS.get(event.type)
    return builder(event, data, district, links) if builder else []


def _words(district: District) -> Catalog:
    return catalog(district.default_language)


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
            body = words.text("officer_reopened", remark=data.get("remark", "")[:60], **values)
        elif link == "-" and summary:  # written by an operator or texted: the officer reads its start
            body = words.text("officer_assigned_text", summary=summary, **values)
            link = summary
        else:
            body = words.text("officer_assigned", **values)
        notices.append(Notice("officer", officer.phone, body, officer.whatsapp, "officer_assignment",
                              {"1": values["number"], "2": values["category"], "3": data.get("caller_name", "-"),
                               "4": values["due"], "5": link}))
    if event.type == "ticket.escalated":
        previous = district.officer(data["department"], data["from_level"])
        if previous and (not officer or previous.phone != officer.phone):
            notices.append(Notice("previous-officer", previous.phone, words.text(
                "officer_moved_up", number=event.complaint_number, level=data["level"],
                reason=_reason(words, data["reason"]))))
    if event.type == "ticket.reopened":
        notices += _citizen(event, data, "citizen_reopened")
    if event.type == "ticket.created":
        notices += _citizen(event, data, "sms_ticket_registered", date=citizen_date(data["created_at"]),
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
    return [Notice("officer-sms", n.to, n.body) for n in notices_for(again, district, links)
            if n.whatsapp_to and n.whatsapp_to == data.get("phone")]


def _reminder(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    officer = district.officer(data["department"], data["level"])
    if not officer:
        return []
    lang = district.default_language
    values = {"number": event.complaint_number, "category": _category_name(district, data, lang),
              "due": officer_due(data["level_due_at"])}
    return [Notice("officer", officer.phone, _words(district).text("officer_reminder", **values), officer.whatsapp,
                   "officer_reminder", {"1": values["number"], "2": values["category"], "3": values["due"]})]


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
        body = _words(district).text("approval_extension", days=data["days"], **values)
    else:
        body = _words(district).text("approval_closure", code=data["code"], **values)
    return [Notice("approver", approver.phone, body)]


def _decision(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    words = _words(district)
    key = "decision_approved" if data["approved"] else "decision_rejected"
    return [Notice("requester", data["requested_by"],
                   words.text(key, number=event.complaint_number, note=data.get("note", "")[:80]))]


def _flagged(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    if not district.collector:
        return []
    words = _words(district)
    department = district.departments.get(data["department"])
    return [Notice("collector", district.collector.phone, words.text(
        "collector_flag", number=event.complaint_number, level=data["level"],
        department=department.names.get(district.default_language) if department else data["department"],
        reason=_reason(words, data["reason"])))]


def _reason(words: Catalog, reason: str) -> str:
    # The Collector's ESCALATE carries their own words, not a catalog key.
    return words.text(f"reason_{reason}") if f"reason_{reason}" in words.keys() else reason


def _resolved(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    return _citizen(event, data, "citizen_resolved", remark=data.get("remark", ""))


def _closed(event: DomainEvent, data: dict[str, Any], district: District, links: RecordingLinks) -> list[Notice]:
    closure = data["closure"]
    if closure.startswith("special:"):
        words = catalog(data["language"])
        return _citizen(event, data, "citizen_closed_special", reason=words.text(f"closure_{closure[8:]}"))
    return _citizen(event, data, f"citizen_closed_{closure}")


def _citizen(event: DomainEvent, data: dict[str, Any], key: str, **values: str) -> list[Notice]:
    phone = data.get("caller_phone", "")
    if not is_reachable(phone):
        return []  # caller ID withheld: nothing to text
    words = catalog(data["language"])
    body = words.text(key, number=event.complaint_number, **values)
    if "remark" in values and segments(body) > 2:
        # The officer's remark is free text: shorten it so the citizen's SMS stays within two segments.
        remark = values["remark"]
        def shortened(text: str) -> str:
            return words.text(key, number=event.complaint_number, **{**values, "remark": text + "…"})

        while remark and segments(shortened(remark)) > 2:
            remark = remark[:-1]
        body = shortened(remark)
    return [Notice("citizen", phone, body)]


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
