"""Who is told what: every notice carries its message kind, who may get it on WhatsApp and with what values, and
SMS words that never ask for a reply the route cannot bring back."""
from __future__ import annotations

import copy

import pytest

from chalicelib.district_file import read_yaml
from chalicelib.domain.district import District, parse_district
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.message_kinds import ALL_KINDS, CITIZEN_KINDS, KIND_OF, OFFICER_KINDS
from chalicelib.domain.notices import dialled, notices_for, shortened
from chalicelib.domain.sms_segments import is_gsm7, segments
from chalicelib.i18n import available_languages
from tests.support.demo import DEMO

NUMBER = "RPR2611230001"
CITIZEN = "+919812345678"
HEALTH_L1 = "+919000000101"  # on WhatsApp in the demo file
WATER_L1, WATER_L2 = "+919000000301", "+919000000302"


def _district(**changes: object) -> District:
    data = copy.deepcopy(read_yaml(DEMO))
    data.update(changes)
    return parse_district(data, available_languages())


RAIPUR = _district()  # DLT SMS on Plivo: no replies
TWO_WAY = _district(sms_sender={"from": "+14155550199"})  # a Twilio sender whose replies come back


def _event(event_type: str, /, **data: object) -> DomainEvent:
    base = {"district": "RPR", "department": "water", "category": "water", "level": "L1", "language": "hi",
            "caller_phone": CITIZEN, "caller_name": "-", "created_at": "2026-11-23T05:00:00Z",
            "level_due_at": "2026-11-26T05:00:00Z", "whatsapp_consent": False}
    return DomainEvent(event_type, NUMBER, 2, "2026-11-23T06:00:00Z", {**base, **data})


def _links(number: str, phone: str, hours: int) -> str:
    return f"https://smvd.example/r/{phone[-4:]}{hours:07d}"


EVERY_EVENT = [
    _event("ticket.created", has_recording=True),
    _event("ticket.created", department="health", category="health", has_recording=True),
    _event("ticket.escalated", level="L2", from_level="L1", reason="deadline", has_recording=True),
    _event("ticket.reopened", level="L2", remark="pump repaired", has_recording=True),
    _event("ticket.reminder"),
    _event("ticket.extension_requested", days=5, reason="pipe on order", requested_by=WATER_L1),
    _event("ticket.closure_proposed", code="duplicate", reason="same as before", requested_by=WATER_L1),
    _event("ticket.request_decided", approved=True, kind="extension", requested_by=WATER_L1,
           level_due_at="2026-12-01T05:00:00Z"),
    _event("ticket.request_decided", approved=False, kind="closure", note="visit first", requested_by=WATER_L1),
    _event("ticket.flagged", level="L4", reason="past_l4"),
    _event("ticket.resolved", remark="pump repaired"),
    _event("ticket.closed", closure="no_response"),
]


def test_the_kinds_are_one_list_and_every_message_has_one():
    assert set(ALL_KINDS) == set(CITIZEN_KINDS) | set(OFFICER_KINDS) and len(ALL_KINDS) == 15
    assert set(KIND_OF.values()) <= set(ALL_KINDS)


@pytest.mark.parametrize("district", [RAIPUR, TWO_WAY], ids=["no-replies", "replies"])
def test_every_notice_names_its_kind_its_template_and_its_whatsapp_values(district):
    notices = [n for event in EVERY_EVENT for n in notices_for(event, district, _links)]
    assert {n.kind for n in notices} == {"forward", "acknowledgement", "escalation", "reopening", "reminder",
                                         "approval_request", "decision", "extension_approved", "alert", "resolution",
                                         "closure"}
    for notice in notices:
        assert notice.kind == KIND_OF[notice.message] and notice.template == notice.kind
        assert notice.variables["1"] == NUMBER and all(notice.variables.values()), notice
        assert notice.consent is (notice.kind in OFFICER_KINDS)  # these citizens said no to WhatsApp


def test_a_citizen_may_get_whatsapp_on_the_phone_that_called_only_with_consent():
    event = _event("ticket.resolved", remark="pump repaired", whatsapp_consent=True)
    [notice] = notices_for(event, RAIPUR, _links)
    assert (notice.to, notice.whatsapp_to, notice.consent, notice.kind) == (CITIZEN, CITIZEN, True, "resolution")
    # WhatsApp carries replies: its words ask for one, the DLT SMS does not.
    assert notice.variables["2"].endswith("संतुष्ट हों तो 1, नहीं तो 2 भेजें।")
    assert notice.body.endswith("आपकी राय जानने हम कॉल करेंगे।")
    [old] = notices_for(_event("ticket.resolved", remark="x", whatsapp_consent=None), RAIPUR, _links)
    assert old.consent is False  # an event from before consent was asked
    assert notices_for(_event("ticket.resolved", remark="x", caller_phone="anonymous"), RAIPUR, _links) == []


def test_officers_get_whatsapp_on_their_whatsapp_number_with_the_forwards_registered_values():
    [officer, _citizen] = notices_for(_event("ticket.created", department="health", category="health",
                                             has_recording=True, caller_name="Ramesh"), RAIPUR, _links)
    assert (officer.to, officer.whatsapp_to, officer.consent) == (HEALTH_L1, HEALTH_L1, True)
    assert officer.variables == {"1": NUMBER, "2": "स्वास्थ्य", "3": "Ramesh", "4": "26-11 10:30",
                                 "5": "https://smvd.example/r/01010000072"}
    [water, _] = notices_for(_event("ticket.created", has_recording=True), RAIPUR, _links)
    assert water.whatsapp_to is None  # not on WhatsApp: the plan's next channel


def test_an_approved_extension_tells_the_citizen_the_new_date_in_their_language():
    approved = _event("ticket.request_decided", approved=True, kind="extension", requested_by=WATER_L1,
                      level_due_at="2026-12-01T20:00:00Z", language="en")
    requester, citizen = notices_for(approved, RAIPUR, _links)
    assert (requester.to, requester.kind) == (WATER_L1, "decision")
    assert (citizen.to, citizen.kind, citizen.message, citizen.language) == (
        CITIZEN, "extension_approved", "citizen_extended", "en")
    assert citizen.body == f"The time to resolve complaint {NUMBER} is extended to 02-12-2026."  # the IST day
    rejected = _event("ticket.request_decided", approved=False, kind="extension", requested_by=WATER_L1)
    closure = _event("ticket.request_decided", approved=True, kind="closure", requested_by=WATER_L1)
    assert [n.key for n in notices_for(rejected, RAIPUR, _links)] == ["requester"]
    assert [n.key for n in notices_for(closure, RAIPUR, _links)] == ["requester"]


def test_where_replies_come_back_the_sms_asks_for_one_and_the_international_route_does_not():
    [notice] = notices_for(_event("ticket.resolved", remark="pump repaired", language="en"), TWO_WAY, _links)
    assert notice.message == "citizen_resolved_reply"
    assert notice.body == f"Complaint {NUMBER} resolved: pump repaired. Reply 1 if satisfied, 2 if not."
    assert notice.international_body == (
        f"Complaint {NUMBER} resolved: pump repaired. We will call to ask if you are satisfied.")
    forward = notices_for(_event("ticket.created", has_recording=True, language="en"), TWO_WAY, _links)[0]
    assert forward.body.endswith(f"जवाब: ACK/DONE {NUMBER}")
    assert forward.international_body is not None and forward.international_body.endswith(
        "कार्यवाही: 09977222564 पर कॉल")


def test_where_no_reply_comes_back_officers_are_told_to_call_their_line():
    bodies = [n.body for event in EVERY_EVENT for n in notices_for(event, RAIPUR, _links) if n.kind in OFFICER_KINDS]
    asks = [b for b in bodies if "पर कॉल" in b]
    assert len(asks) >= 5 and all("09977222564" in b for b in asks)  # the first hotline: officers press star
    assert not [b for b in bodies if "APPROVE" in b or "ACK" in b or "DONE" in b or "भेजें" in b]
    # The same words on every route: no second wording for the international one.
    assert all(n.international_body is None for event in EVERY_EVENT[:5] for n in notices_for(event, RAIPUR, _links))


def test_a_dedicated_officers_line_is_the_one_their_messages_name():
    data = copy.deepcopy(read_yaml(DEMO))
    data["hotlines"].append({"id": "officers", "lines": ["+919977222699"], "purpose": "officers"})
    district = parse_district(data, available_languages())
    [forward, _] = notices_for(_event("ticket.created", has_recording=True), district, _links)
    assert forward.body.endswith("कार्यवाही: 09977222699 पर कॉल")


def test_a_bounced_whatsapp_message_is_the_same_notice_again():
    district = RAIPUR
    resolved = _event("ticket.resolved", remark="pump repaired", whatsapp_consent=True)
    [first] = notices_for(resolved, district, _links)
    bounce = DomainEvent("notice.whatsapp_bounced", NUMBER, 3, "2026-11-23T07:00:00Z", {
        **resolved.data, "phone": CITIZEN, "failed_event": "ticket.resolved", "notice": "citizen"})
    assert notices_for(bounce, district, _links) == [first]
    forward = DomainEvent("notice.whatsapp_bounced", NUMBER, 3, "2026-11-23T07:00:00Z", {
        **_event("ticket.escalated", department="health", category="health", has_recording=True).data,
        "phone": HEALTH_L1, "failed_event": "ticket.escalated", "notice": "officer"})
    [again] = notices_for(forward, district, _links)
    assert (again.key, again.kind, again.to) == ("officer", "forward", HEALTH_L1)
    # A decision's bounce carries the ticket, not the decision: nothing it could repeat faithfully.
    decided = DomainEvent("notice.whatsapp_bounced", NUMBER, 3, "2026-11-23T07:00:00Z", {
        **_event("ticket.reminder").data, "phone": WATER_L1, "failed_event": "ticket.request_decided",
        "notice": "requester"})
    assert notices_for(decided, district, _links) == []


def test_free_text_loses_its_last_full_stop_and_english_is_cut_in_gsm():
    [notice] = notices_for(_event("ticket.resolved", remark="  pump   repaired. ", language="en"), RAIPUR, _links)
    assert notice.body.startswith(f"Complaint {NUMBER} resolved: pump repaired. We will")
    long_english = "The hand pump was repaired and the pipeline to the school replaced"
    [cut] = notices_for(_event("ticket.resolved", remark=long_english, language="en"), RAIPUR, _links)
    assert "resolved: The hand pump was repaired... We will" in cut.body
    assert is_gsm7(cut.body) and segments(cut.body) == 1
    assert shortened("हैंडपंप की मरम्मत कर दी गई है और पाइपलाइन बदली", 12) == "हैंडपंप की…"


def test_numbers_are_written_as_they_are_dialled_in_india():
    assert dialled("+919977222564") == "09977222564"
    assert dialled("+911800233444") == "1800233444"
    assert dialled("+14155550100") == "+14155550100"
