"""Every SMS the notifier sends keeps to its segment budget: most citizens' in one segment, none past two.

Rendered from real events through domain/notices.py, in every language of both example districts, for a route
that carries replies and one that does not, with the longest realistic values: a complaint number, each
district's own names and categories, its officers' names, free text of DLT's 30 characters (a remark, a reason, a
note, a complaint's text) and a short recording link on a 24-character base. A Hindi SMS is UCS-2: 70 characters
in one segment, 134 in two; English is GSM-7: 160 and 306. Every DLT template a district registers is held to
the same budget with its variables filled to what DLT lets through.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from chalicelib import recording_links
from chalicelib.district_file import read_yaml
from chalicelib.domain.district import OUTCOMES, SPECIAL_CLOSURE_CODES, District, parse_district
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.lifecycle import MAX_EXTENSION_DAYS
from chalicelib.domain.message_kinds import KIND_OF
from chalicelib.domain.notices import (
    DLT_VAR_MAX,
    FREE_TEXT,
    FREE_TEXT_KEPT,
    SMS_KEYS,
    Notice,
    dlt_template,
    notices_for,
    sms_messages,
)
from chalicelib.domain.sms_segments import segments
from chalicelib.i18n import available_languages, catalog
from tests.fakes.short_links import MemoryShortLinks

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NUMBER = "RPR2611230001"  # code, yymmdd, a four-digit day's sequence: 13 characters
# The longest base a district should give SHORT_LINK_BASE_URL: the forward's budget is measured with it.
SHORT_BASE = "https://samvad.cg.gov.in"
FREE = {"hi": "हैंडपंप की मरम्मत कर दी गई है।", "en": "Handpump repaired, water flows"}  # 30 each
CITIZEN = "+919812345678"
VIDEO_ID = "VC" + "0123456789abcdef" * 2  # domain/video_calls.new_id: 34 characters
VIDEO_LINK = f"{SHORT_BASE}/video/{VIDEO_ID}"

# Each message's budget in segments, and whether its free text (FREE_TEXT) arrives whole at 30 characters:
# where it does not, the words leave too little room and the notifier shortens it (never below FREE_TEXT_KEPT).
BUDGET: dict[str, tuple[int, bool, str]] = {
    "sms_ticket_registered": (1, True, "the complaint number is all the citizen must keep"),
    "citizen_reopened": (1, True, "fixed words and the number"),
    "citizen_closed_satisfied": (1, True, "fixed words and the number"),
    "citizen_closed_special": (1, True, "the reason is the catalog's own, at most 30 characters"),
    "citizen_extended": (1, True, "the number and a date"),
    "sms_suggestion_registered": (1, True, "the number is all the citizen must keep"),
    "sms_demand_registered": (1, True, "the number is all the citizen must keep"),
    "sms_request_registered": (2, True, "the number and the form's name"),
    "citizen_suggestion_answered": (2, True, "the officer's answer is the message"),
    "citizen_demand_accepted": (2, True, "the officer's remark is the message"),
    "citizen_demand_declined": (2, True, "the reason is the message"),
    "citizen_request_done": (2, True, "the officer's remark is the message"),
    "citizen_request_refused": (2, True, "the reason is the message"),
    # The hotline (its short code, or its ten digits) and the district's own fallback_contact, cut on DLT routes.
    "citizen_unreachable_callback": (2, True, "the hotline and the district's fallback_contact"),
    # A video call's link on a 24-character base (SHORT_LINK_BASE_URL) and, for a later slot, its time.
    "citizen_video_now": (2, True, "the link to open now"),
    "citizen_video_booked": (2, True, "the slot's time and the link"),
    "citizen_video_resolved": (2, True, "the officer's remark, and how to answer on WhatsApp"),
    "citizen_closed_no_response_reply": (1, True, "the number and how to reopen"),
    "citizen_closed_no_response": (2, True, "two numbers, the complaint's and the hotline's, leave 46 characters"),
    "citizen_resolved": (2, True, "the officer's remark is the message"),
    "citizen_resolved_reply": (2, True, "the officer's remark is the message"),
    "officer_assigned": (2, True, "a short link and the officers' line"),
    "officer_assigned_reply": (2, True, "a short link and the command"),
    "officer_assigned_text": (2, True, "the complaint's text and the officers' line"),
    "officer_assigned_text_reply": (2, True, "the complaint's text and the command"),
    # "name, village: the start of the complaint" — two free texts beside the category: Hindi shortens them.
    "officer_assigned_caller": (2, False, "who called, from where, and what they said, and the officers' line"),
    "officer_assigned_caller_reply": (2, False, "who called, from where, and what they said, and the command"),
    "officer_reopened": (2, True, "a short link and the officers' line"),
    "officer_reopened_reply": (2, True, "a short link"),
    "officer_reminder": (2, True, "the category and the officers' line"),
    "officer_reminder_reply": (2, True, "the category and the command"),
    "officer_moved_up": (2, True, "the reason"),
    "approval_extension": (2, True, "the requester's name and reason"),
    "approval_extension_reply": (2, True, "the requester's name and reason"),
    "approval_closure": (2, False, "name, code and reason: the name and reason are shortened in Hindi"),
    "approval_closure_reply": (2, False, "name, code and reason: the name and reason are shortened in Hindi"),
    "decision_approved": (1, True, "fixed words and the number"),
    "decision_rejected": (2, True, "the approver's note"),
    "collector_flag": (2, True, "the department's name and the reason"),
}


def test_the_table_names_every_message_the_notifier_sends():
    assert set(BUDGET) == set(SMS_KEYS) == set(KIND_OF)


def _district(name: str, *, replies: bool, officers_in_english: bool = False) -> District:
    data = copy.deepcopy(read_yaml(EXAMPLES / f"{name}.yaml"))
    if officers_in_english:  # officers read the district's first language
        data["languages"] = list(reversed(data["languages"]))
    if replies:  # a Twilio sender whose replies come back (outside India's routes)
        data["sms_sender"] = {"from": "+14155550199"}
    district = parse_district(data, available_languages())
    assert district.sms_replies is replies
    return district


DISTRICTS = [(name, replies, english) for name in ("raipur", "bilaspur", "janjgir-champa", "gurugram")
             for replies in (False, True) for english in (False, True)]


def _events(district: District, language: str, free: str) -> list[DomainEvent]:
    department = max(district.departments.values(), key=lambda d: len(d.names[language]))
    requester = max(department.officers.values(), key=lambda o: len(o.name))
    base = {"district": district.code, "department": department.id, "language": language,
            "caller_phone": CITIZEN, "caller_name": free, "created_at": "2026-11-23T05:00:00Z",
            "level_due_at": "2026-11-26T05:00:00Z", "level": requester.level, "category": "x"}

    def event(event_type: str, /, **data: object) -> DomainEvent:
        return DomainEvent(event_type, NUMBER, 2, "2026-11-23T06:00:00Z", {**base, **data})

    forwards = [event(event_type, category=category.id, department=category.department, **data)
                for category in district.categories
                for event_type, data in (("ticket.created", {"has_recording": True}),
                                         ("ticket.created", {"summary": free, "caller_name": "-"}),
                                         # A typed complaint with the caller's name and village, and a
                                         # recording's transcript: the forward names them.
                                         ("ticket.created", {"summary": free, "address": free}),
                                         ("ticket.transcribed", {"has_recording": True, "summary": free,
                                                                 "address": free, "status": "registered",
                                                                 "forward_waits": True}),
                                         ("ticket.reopened", {"has_recording": True, "remark": free, "level": "L2"}),
                                         ("ticket.reminder", {}))]
    return [
        *forwards,
        event("ticket.escalated", level="L2", from_level="L1", reason=free, has_recording=True),
        event("ticket.extension_requested", days=MAX_EXTENSION_DAYS, reason=free, requested_by=requester.phone),
        *(event("ticket.closure_proposed", code=code, reason=free, requested_by=requester.phone)
          for code in SPECIAL_CLOSURE_CODES),
        event("ticket.request_decided", approved=True, kind="extension", requested_by=requester.phone,
              level_due_at="2026-12-23T05:00:00Z"),
        event("ticket.request_decided", approved=False, note=free, requested_by=requester.phone),
        event("ticket.flagged", reason=free),
        *(event("callback.given_up", line=line, reason=why) for line, _ in district.lines()[:1]
          for why in ("missed_call", "after_hours")),
        event("ticket.resolved", remark=free),
        event("ticket.resolved", remark=free, channel="video"),  # no feedback call: the answer by WhatsApp
        # Other kinds than complaints: their acknowledgement (and forward, the kind before the category), outcomes.
        *(event("ticket.created", kind=kind, category=category.id, department=category.department, summary=free,
                address=free) for kind in district.offered_kinds if kind != "complaint"
          for category in district.categories_for(kind)),
        *(event("ticket.concluded", kind=kind, outcome=outcome, remark=free)
          for kind in district.offered_kinds for outcome in OUTCOMES.get(kind, ())),
        *(event("ticket.closed", closure=closure) for closure in (
            "satisfied", "no_response", *(f"special:{code}" for code in SPECIAL_CLOSURE_CODES))),
        # A sign-language video call's link, for now and for a later slot (a district that takes them).
        *(DomainEvent("video.booked", "", 0, "2026-11-23T06:00:00Z",
                      {"district": district.code, "caller_phone": CITIZEN, "language": language, "link": VIDEO_LINK,
                       "slot_at": slot, "source": "web", "video_call": VIDEO_ID})
          for slot in ("2026-11-23T06:00:00Z", "2026-11-24T04:30:00Z") if district.video.enabled),
    ]


def _notices(district: District, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Notice, str]]:
    """Each notice, with the language of the free text its event carried."""
    monkeypatch.setenv("SHORT_LINK_BASE_URL", SHORT_BASE)
    store = MemoryShortLinks()

    def links(number: str, phone: str, hours: int) -> str:
        return recording_links.link(number, phone, hours, store=store)

    # Free text in either language in every message: officers may write Hindi to an English-speaking citizen.
    return [(notice, written) for language in district.languages for written, free in FREE.items()
            for event in _events(district, language, free) for notice in notices_for(event, district, links)]


# The values the test writes as free text (names and categories are the district's own); a special closure's
# reason is the catalog's, not free text.
_WRITTEN = ("remark", "reason", "note", "summary", "caller")


def _fits(text: str, key: str, language: str, written_in: str) -> list[str]:
    """What is wrong with this SMS: over its budget, or its free text cut further than the table allows. Hindi
    free text in an English message makes all of it UCS-2, so there it need only keep FREE_TEXT_KEPT."""
    budget, whole, _ = BUDGET[key]
    problems = [] if segments(text) <= budget else [f"{segments(text)} segments, budget {budget}"]
    written = [n for n in _names(key, language) if n in _WRITTEN and key != "citizen_closed_special"]
    free = FREE[written_in].rstrip("।.")  # the notifier drops a last full stop: the sentence has its own
    kept = free if whole and written_in == language else free[:FREE_TEXT_KEPT - 3]  # a cut mark takes up to 3
    if written and kept not in text:
        problems.append(f"its free text is cut below {len(kept)} characters")
    return problems


def _names(key: str, language: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", catalog(language).raw(key))


@pytest.mark.parametrize(("name", "replies", "english"), DISTRICTS)
def test_every_sms_keeps_to_its_budget(name, replies, english, monkeypatch):
    district = _district(name, replies=replies, officers_in_english=english)
    notices = _notices(district, monkeypatch)
    over = []
    for notice, written_in in notices:
        over += [(notice.message, notice.language, p, notice.body)
                 for p in _fits(notice.body, notice.message, notice.language, written_in)]
        if notice.international_body is not None:
            key = notice.message.removesuffix("_reply")  # the international route carries no replies
            over += [(key, notice.language, p, notice.international_body)
                     for p in _fits(notice.international_body, key, notice.language, written_in)]
    assert over == []
    # Every message this district's SMS route carries was rendered, in every language it is sent in.
    assert set(sms_messages(district)) <= {(n.message, n.language) for n, _ in notices}


@pytest.mark.parametrize(("name", "replies", "english"), DISTRICTS)
def test_no_sms_asks_for_a_reply_on_a_route_that_carries_none(name, replies, english, monkeypatch):
    district = _district(name, replies=replies, officers_in_english=english)
    for notice, _ in _notices(district, monkeypatch):
        texts = [notice.international_body or notice.body] + ([] if replies else [notice.body])
        for text in texts:
            assert not re.search(r"\bReply\b|भेजें|भेजकर|जवाब|\bACK\b|\bDONE\b|APPROVE", text), (notice.message, text)


def _longest(name: str, district: District, language: str, key: str = "") -> str:
    """What DLT lets a template's variable carry, at the longest the district's own data gives."""
    fixed = {"number": NUMBER, "due": "26-11 10:30", "date": "23-12-2026", "level": "L4",
             "days": str(MAX_EXTENSION_DAYS), "code": max(SPECIAL_CLOSURE_CODES, key=len),
             "district": district.name_in(language), "line": "0" + "9" * 10, "hotline": "0" + "9" * 10,
             "link": SHORT_BASE + recording_links.SHORT_PATH.format(token="x" * recording_links.TOKEN_LENGTH),
             "time": "24-11 10:00",
             "category": max((c.names[language] for c in district.categories), key=len)}
    if name == "link":  # a video call's link is longer than a recording's short one
        return VIDEO_LINK if key in ("citizen_video_now", "citizen_video_booked") else str(fixed["link"])
    return str(fixed.get(name, FREE[language]))[:DLT_VAR_MAX]


def test_every_registered_dlt_template_fits_its_budget_filled_to_what_dlt_lets_through():
    district = _district("raipur", replies=False)
    for key, language in sms_messages(district):
        budget, whole, _ = BUDGET[key]
        names = _names(key, language)
        values = [_longest(name, district, language, key) for name in names]
        if not whole:  # the notifier shortens the free text of these to fit: at its shortest, they must
            values = [v[:FREE_TEXT_KEPT] if n in FREE_TEXT else v for n, v in zip(names, values, strict=True)]
        parts = re.split(r"\{#(?:var|url)#\}", dlt_template(key, language))
        filled = "".join(part + value for part, value in zip(parts, [*values, ""], strict=True))
        assert segments(filled) <= budget, (key, language, segments(filled), filled)
