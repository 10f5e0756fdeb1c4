"""Every SMS the notifier sends on a DLT route matches the template registered for exactly its message and
language: the catalog text with its {variables} as {#var#} (at most 30 characters each) and {link} as {#url#}.

The notices are rendered from real events through domain/delivery.py into the in-memory Messenger, with the
longest values a district file and its officers can produce (names past 30 characters, a page-long remark), so
what is checked is what would reach Plivo."""
from __future__ import annotations

import copy
import re

import pytest

from chalicelib.district_file import read_yaml
from chalicelib.domain.carrier_plan import check_carrier_plan
from chalicelib.domain.delivery import deliver
from chalicelib.domain.district import District, parse_district
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.notices import CITIZEN_SMS, DLT_VAR_MAX, OFFICER_SMS, SMS_KEYS, dlt_template, sms_messages
from chalicelib.i18n import available_languages, catalog
from tests.fakes.claims import MemoryClaims
from tests.fakes.directory import MemoryDirectory
from tests.fakes.messaging import MemoryMessenger
from tests.support.demo import DEMO

NUMBER = "RPR2611230001"
LONG = "लम्बा " * 100  # free text far past any limit: a remark, a reason, a summary
CITIZEN = "+919812345678"


def _longest_demo() -> District:
    """The demo district with every name it puts in an SMS made longer than a DLT variable takes."""
    data = copy.deepcopy(read_yaml(DEMO))
    for department in data["departments"]:
        department["name"] = {lang: f"{name} ({name})" for lang, name in department["name"].items()}
        for officer in department["officers"].values():
            officer["name"] = officer["name"] + " and Additional Charge of the Sub Division"
    for category in data["categories"]:
        category["name"] = {lang: f"{name}, {name}, {name}" for lang, name in category["name"].items()}
    data["name"] = {"hi": "रायपुर " * 8, "en": "Raipur " * 8}
    district = parse_district(data, available_languages())
    check_carrier_plan(district)
    return district


def _links(number: str, phone: str, hours: int) -> str:
    return f"https://api.samvad.example/prod/r/{'x' * 120}"  # a signed link is long; DLT's URL variable takes it


def _events(language: str) -> list[DomainEvent]:
    base = {"district": "RPR", "department": "water", "category": "water", "language": language,
            "caller_phone": CITIZEN, "caller_name": LONG, "created_at": "2026-11-23T05:00:00Z",
            "level_due_at": "2026-11-26T05:00:00Z"}

    def event(event_type: str, /, **data: object) -> DomainEvent:
        return DomainEvent(event_type, NUMBER, 2, "2026-11-23T06:00:00Z", {**base, "level": "L1", **data})

    return [
        event("ticket.created", has_recording=True),
        event("ticket.created", has_recording=False, summary=LONG),  # the caller's name and words
        event("ticket.created", has_recording=False, summary=LONG, caller_name="-"),  # the words only
        # The forward that waited for the transcript: who called, from where, and what they said.
        event("ticket.created", has_recording=True, transcribing=True),
        event("ticket.transcribed", has_recording=True, summary=LONG, address=LONG, status="registered",
              forward_waits=True),
        event("ticket.escalated", level="L2", from_level="L1", reason="deadline", has_recording=True),
        event("ticket.escalated", level="L2", from_level="L1", reason=LONG, has_recording=True),  # the Collector's
        event("ticket.reopened", level="L2", remark=LONG, has_recording=True),
        event("ticket.reminder"),
        event("ticket.extension_requested", days=30, reason=LONG, requested_by="+919000000301"),
        event("ticket.closure_proposed", code="false_complaint", reason=LONG, requested_by="+919000000301"),
        event("ticket.request_decided", approved=True, requested_by="+919000000301"),
        event("ticket.request_decided", approved=True, kind="extension", requested_by="+919000000301",
              level_due_at="2026-12-23T05:00:00Z"),  # the citizen is told the new date
        event("ticket.request_decided", approved=False, note=LONG, requested_by="+919000000301"),
        event("ticket.flagged", level="L4", reason="l4_by_hand"),
        event("callback.given_up", line="+919977222600", reason="missed_call"),  # how else to reach the office
        event("ticket.resolved", remark=LONG),
        event("ticket.resolved", remark=LONG, channel="video"),  # a video call's: answered on WhatsApp
        *(event("ticket.closed", closure=closure) for closure in (
            "satisfied", "no_response", "special:outside_power", "special:sub_judice", "special:duplicate",
            "special:false_complaint")),
        # A sign-language video call's link (no ticket yet): for now, and for a later slot.
        *(DomainEvent("video.booked", "", 0, "2026-11-23T06:00:00Z",
                      {"district": "RPR", "caller_phone": CITIZEN, "language": language, "source": "web",
                       "link": f"https://api.samvad.example/prod/video/VC{'0' * 32}", "slot_at": slot,
                       "video_call": f"VC{'0' * 32}"})
          for slot in ("2026-11-23T06:00:00Z", "2026-11-24T04:30:00Z")),
    ]


def _pattern(key: str, language: str) -> re.Pattern[str]:
    parts = re.split(r"(\{#var#\}|\{#url#\})", dlt_template(key, language))
    regex = "".join(f"(.{{0,{DLT_VAR_MAX}}})" if part == "{#var#}" else r"(https://\S+|-)" if part == "{#url#}"
                    else re.escape(part) for part in parts)
    return re.compile(regex, re.DOTALL)


def _sent_by_sms(district: District) -> list[dict[str, object]]:
    messenger = MemoryMessenger()
    for language in district.languages:
        for event in _events(language):
            deliver(event, MemoryDirectory(district), messenger, MemoryClaims(), _links)
    return [m for m in messenger.sent if m["channel"] == "sms"]


def test_the_registered_template_is_the_catalog_text_with_dlt_variables():
    assert dlt_template("sms_ticket_registered", "en") == catalog("en").raw("sms_ticket_registered").replace(
        "{number}", "{#var#}").replace("{date}", "{#var#}").replace("{district}", "{#var#}")
    assigned = dlt_template("officer_assigned", "hi")
    assert "{#url#}" in assigned and "{link}" not in assigned
    assert not re.search(r"\{\w+\}", dlt_template("approval_closure", "hi"))


def test_every_sms_matches_the_template_of_exactly_its_message_and_language_and_carries_its_id():
    district = _longest_demo()
    assert district.dlt is not None
    by_id = {tid: (key, lang) for key, langs in district.dlt.templates.items() for lang, tid in langs.items()}
    sent = _sent_by_sms(district)
    seen = set()
    for message in sent:
        dlt = message["dlt"]
        assert message["carrier"] == "plivo" and dlt is not None
        assert dlt.entity_id == district.dlt.entity_id  # type: ignore[attr-defined]
        key, language = by_id[dlt.template_id]  # type: ignore[attr-defined]
        match = _pattern(key, language).fullmatch(str(message["body"]))
        assert match, (key, language, message["body"])
        # Exactly this template: the body matches no other message's registered text.
        others = [(k, lang) for k, lang in sms_messages(district) if (k, lang) != (key, language)
                  and _pattern(k, lang).fullmatch(str(message["body"]))]
        assert others == [], (key, language, others)
        seen.add((key, language))
    assert seen == set(sms_messages(district))  # every SMS the district can send was rendered


def test_values_longer_than_a_dlt_variable_are_cut_in_the_text_and_marked():
    district = _longest_demo()
    assert district.dlt is not None
    resolved_id = district.dlt.template_id("citizen_resolved", "hi")
    resolved = next(m for m in _sent_by_sms(district) if m["dlt"].template_id == resolved_id)  # type: ignore[attr-defined]
    match = _pattern("citizen_resolved", "hi").fullmatch(str(resolved["body"]))
    assert match is not None
    number, remark = match.groups()
    assert number == NUMBER and len(remark) == DLT_VAR_MAX and remark.endswith("…") and LONG.startswith(remark[:-1])


@pytest.mark.parametrize("language", ["hi", "en"])
def test_the_catalogs_fixed_reasons_fit_a_dlt_variable_whole(language):
    words = catalog(language)
    fixed = [k for k in words.keys() if k.startswith(("reason_", "closure_"))]
    assert fixed and all(len(words.text(k)) <= DLT_VAR_MAX for k in fixed), [
        (k, len(words.text(k))) for k in fixed if len(words.text(k)) > DLT_VAR_MAX]


def test_off_dlt_values_are_not_cut_to_a_dlt_variable():
    data = copy.deepcopy(read_yaml(DEMO))
    data["sms_sender"] = {"from": "+919977222500", "accept_no_sms_replies": True}
    district = parse_district(data, available_languages())
    sent = _sent_by_sms(district)
    assert sent and all(m["dlt"] is None and m["carrier"] == "twilio" for m in sent)
    # The resolution's remark keeps what two segments leave it, more than a DLT variable's 30 characters.
    resolved = [str(m["body"]) for m in sent if str(m["body"]).startswith(f"शिकायत {NUMBER} का निराकरण: ")]
    assert resolved and all(LONG[:DLT_VAR_MAX + 5] in body for body in resolved)


def test_the_message_keys_cover_the_catalog():
    for key in (*OFFICER_SMS, *CITIZEN_SMS, *SMS_KEYS):
        assert key in catalog("hi").keys() and key in catalog("en").keys()
