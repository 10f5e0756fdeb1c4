"""Kinds (issue 14, point 2): Janjgir-Champa's "संवाद" takes complaints, suggestions and demands
(examples/janjgir-champa.yaml). A suggestion is acknowledged as one, reaches the department, is answered and closed
with no feedback call, and is on the Collector's weekly list; a demand ends accepted or declined with its reason
told to the citizen. Through the console API (signed tokens), the notifier's SMS and the sweeper on the clock."""
from __future__ import annotations

import pytest

from chalicelib.store.district_loader import load_district
from tests.support.demo import untranscribed
from tests.support.fixtures import ROOT
from tests.support.responses import ok, refused

JANJGIR = ROOT / "examples" / "janjgir-champa.yaml"
CITIZEN = "+919812377001"
GENERAL_L1 = "+919300000701"  # Samvad Nodal Officer: the "other" category's department
IDEA = {"caller_phone": CITIZEN, "category": "other", "kind": "suggestion", "caller_name": "रामकुमार",
        "description": "बस स्टैंड पर पीने के पानी की मशीन लगाई जाए", "address": "बस स्टैंड, चांपा"}


@pytest.fixture
def janjgir(aws):
    load_district(untranscribed(JANJGIR))


def test_a_suggestion_is_answered_and_closed_with_no_feedback_call(api, hotline, janjgir):
    ticket = ok(api.post("operator.jch", "/api/tickets", IDEA), 201)
    number = ticket["complaint_number"]
    assert (ticket["kind"], ticket["urgency"], ticket["status"]) == ("suggestion", "normal", "registered")
    hotline.deliver()
    assert hotline.sms_bodies(CITIZEN) == [f"आपका सुझाव {number} दर्ज हो गया है। -जांजगीर-चांपा जिला प्रशासन"]
    [forward] = hotline.sms_bodies(GENERAL_L1)
    assert f"शिकायत {number} (सुझाव: अन्य)" in forward, forward

    answered = ok(api.post("officer.general.jch.l1", f"/api/tickets/{number}/resolve",
                           {"remark": "अगले माह मशीन लगेगी"}))
    assert (answered["status"], answered["closure"]) == ("closed", "answered")
    assert "decline" not in answered["allowed_actions"]
    hotline.deliver()
    assert hotline.sms_bodies(CITIZEN)[-1] == f"आपके सुझाव {number} पर उत्तर: अगले माह मशीन लगेगी। धन्यवाद।"
    hotline.advance(days=3)
    assert hotline.outbound.calls(to=CITIZEN) == []  # no "was your problem solved?" for a suggestion
    assert ok(api.get("collector.jch", f"/api/tickets/{number}"))["status"] == "closed"


def test_the_collectors_weekly_list_holds_the_weeks_suggestions_and_they_never_climb(api, hotline, janjgir):
    first = ok(api.post("operator.jch", "/api/tickets", IDEA), 201)["complaint_number"]
    ok(api.post("operator.jch", "/api/tickets", {**IDEA, "kind": "complaint", "description": "हैंडपंप खराब"}), 201)
    hotline.advance(days=8)  # past the suggestion's week: overdue at L1, never escalated
    later = ok(api.post("operator.jch", "/api/tickets", {**IDEA, "description": "पुस्तकालय शाम तक खुले"}),
               201)["complaint_number"]
    listed = ok(api.get("collector.jch", "/api/tickets?view=kind&kind=suggestion"))["items"]
    assert [t["complaint_number"] for t in listed] == [later]  # the last 7 days', newest first; no complaint
    old = ok(api.get("collector.jch", f"/api/tickets/{first}"))
    assert (old["level"], old["overdue"], old["kind"]) == ("L1", True, "suggestion")
    assert "escalated" not in [e["action"] for e in old["timeline"]]
    refused(api.get("officer.general.jch.l1", "/api/tickets?view=kind&kind=suggestion"), 403, "officers_see_inbox")
    refused(api.get("collector.jch", "/api/tickets?view=kind&kind=request"), 400, "kind_not_offered")


def test_a_demand_declined_tells_the_citizen_why(api, hotline, janjgir):
    demand = ok(api.post("operator.jch", "/api/tickets", {**IDEA, "kind": "demand",
                                                          "description": "गांव में नया स्कूल भवन बने"}), 201)
    number = demand["complaint_number"]
    hotline.deliver()
    assert hotline.sms_bodies(CITIZEN) == [f"आपकी मांग {number} दर्ज हो गई है। -जांजगीर-चांपा जिला प्रशासन"]
    seen = ok(api.get("officer.general.jch.l1", f"/api/tickets/{number}"))
    assert {"resolve", "decline"} <= set(seen["allowed_actions"])
    assert refused(api.post("officer.general.jch.l1", f"/api/tickets/{number}/decline", {"reason": " "}), 422,
                   "reason_needed") == f"कारण लिखें: DECLINE {number} <कारण>"
    declined = ok(api.post("officer.general.jch.l1", f"/api/tickets/{number}/decline",
                           {"reason": "इस वर्ष बजट में नहीं है"}))
    assert (declined["status"], declined["closure"]) == ("closed", "declined")
    hotline.deliver()
    assert hotline.sms_bodies(CITIZEN)[-1] == f"आपकी मांग {number} स्वीकार नहीं हुई। कारण: इस वर्ष बजट में नहीं है।"
    [entry] = [e for e in declined["timeline"] if e["action"] == "concluded"]
    assert entry["detail"] == {"outcome": "declined", "remark": "इस वर्ष बजट में नहीं है"}


def test_a_complaint_cannot_be_declined_and_a_kind_the_district_does_not_take_is_refused_in_hindi(api, hotline,
                                                                                                 janjgir):
    complaint = ok(api.post("operator.jch", "/api/tickets", {**IDEA, "kind": "complaint"}), 201)
    assert "decline" not in ok(api.get("officer.general.jch.l1",
                                       f"/api/tickets/{complaint['complaint_number']}"))["allowed_actions"]
    refused(api.post("officer.general.jch.l1", f"/api/tickets/{complaint['complaint_number']}/decline",
                     {"reason": "नहीं"}), 409, "not_declinable")
    answer = api.post("operator.rpr", "/api/tickets", {**IDEA, "category": "water"},
                      headers={"Accept-Language": "hi"})
    refused(answer, 422, "kind_not_offered")
    assert answer.json["error"]["message"] == "यह ज़िला suggestion नहीं लेता (लेता है: complaint)।"


# -- a request: Gurugram's migrants' registration (examples/gurugram.yaml) ------------------------------------

GURUGRAM = ROOT / "examples" / "gurugram.yaml"
MIGRANTS_L1 = "+919400000701"
WORKER = {"caller_phone": CITIZEN, "kind": "request", "category": "migrant_registration",
          "form": {"name": "रामप्रसाद", "address": "सेक्टर 14, गुरुग्राम", "phone": "+919812377002",
                   "destination_state": "बिहार", "people": "4"}}


@pytest.fixture
def gurugram(aws):
    load_district(untranscribed(GURUGRAM))


def test_a_migrants_registration_is_a_short_form_done_or_refused_with_the_citizen_told(api, hotline, gurugram):
    offered = ok(api.get("operator.ggn", "/api/districts/GGN"))
    assert offered["kinds"] == ["complaint", "request"]
    [form] = offered["requests"]
    assert [f["id"] for f in form["fields"]] == ["name", "address", "phone", "destination_state", "people"]
    assert "migrant_registration" not in [c["id"] for c in offered["categories"]]  # never in the IVR's menu

    ticket = ok(api.post("operator.ggn", "/api/tickets", WORKER), 201)
    number = ticket["complaint_number"]
    assert (ticket["kind"], ticket["department"], ticket["form"]["destination_state"]) == (
        "request", "migrants", "बिहार")
    assert ticket["description"].startswith("नाम: रामप्रसाद; गुरुग्राम में पता: सेक्टर 14")
    hotline.deliver()
    assert hotline.sms_bodies(CITIZEN) == [
        f"आपका आवेदन {number} (प्रवासी श्रमिक पंजीकरण) दर्ज हो गया है। -गुरुग्राम जिला प्रशासन"]
    [forward] = hotline.sms_bodies(MIGRANTS_L1)
    assert f"शिकायत {number} (आवेदन: प्रवासी श्रमिक पंजीकरण)" in forward and "नाम: रामप्रसाद" in forward, forward
    done = ok(api.post("officer.migrants.ggn.l1", f"/api/tickets/{number}/resolve",
                       {"remark": "12 मई की ट्रेन, बस सुबह 6 बजे"}))
    assert (done["status"], done["closure"]) == ("closed", "done")
    hotline.deliver()
    assert hotline.sms_bodies(CITIZEN)[-1] == f"आपका आवेदन {number} पूरा हुआ: 12 मई की ट्रेन, बस सुबह 6 बजे।"

    second = ok(api.post("operator.ggn", "/api/tickets", WORKER), 201)["complaint_number"]
    ok(api.post("officer.migrants.ggn.l1", f"/api/tickets/{second}/decline", {"reason": "पहले से पंजीकृत"}))
    hotline.deliver()
    assert hotline.sms_bodies(CITIZEN)[-1] == f"आपका आवेदन {second} स्वीकार नहीं हुआ। कारण: पहले से पंजीकृत।"


def test_a_form_with_a_blank_left_or_a_wrong_phone_is_refused_naming_them_and_nothing_is_written(api, gurugram):
    form = {**WORKER["form"], "destination_state": " ", "phone": "98123"}
    answer = api.post("operator.ggn", "/api/tickets", {**WORKER, "form": form}, headers={"Accept-Language": "hi"})
    assert refused(answer, 422, "form_not_filled") == \
        "आवेदन migrant_registration अधूरा है: phone, destination_state भरें या ठीक करें।"
    refused(api.post("operator.ggn", "/api/tickets", {**WORKER, "category": "food"}), 422, "unknown_category")
    refused(api.post("operator.ggn", "/api/tickets", {**WORKER, "kind": "complaint", "description": "ट्रेन चाहिए"}),
            422, "unknown_category")  # a form is no complaint's category
    assert ok(api.get("collector.ggn", "/api/dashboard"))["totals"]["today"]["registered"] == 0


# -- by phone: the IVR asks the kind first where the district takes more than complaints -----------------------

JANJGIR_LINE = "+917970001634"


@pytest.fixture
def janjgir_ivr(aws):
    """Janjgir-Champa's number as an IVR (the file rings operators first; nobody free, the same IVR answers)."""
    from chalicelib.district_file import read_yaml
    from chalicelib.domain.district import parse_district
    from chalicelib.i18n import available_languages

    data = read_yaml(JANJGIR)
    data["transcription"] = {"enabled": False}
    data["hotlines"][0].update(mode="ivr", carrier="twilio", accept_international_caller_id=True)
    data["hotlines"][0].pop("operators")
    data["hotlines"][0].pop("hours")
    data["hotlines"][0].pop("after_hours")
    load_district(parse_district(data, available_languages()))


def test_a_caller_presses_2_for_a_suggestion_and_hears_it_registered_as_one(phone, aws, janjgir_ivr):
    from tests.support.fixtures import scan_all

    log = phone("1|1|2|4|say:बस स्टैंड पर प्याऊ बने", caller=CITIZEN, line=JANJGIR_LINE, carrier="twilio")
    assert "आप क्या दर्ज कराना चाहते हैं? शिकायत के लिए 1 दबाएँ। सुझाव के लिए 2 दबाएँ। मांग के लिए 3 दबाएँ।" \
        in log.said
    assert log.said[log.said.index("आप क्या दर्ज कराना चाहते हैं? शिकायत के लिए 1 दबाएँ। सुझाव के लिए 2 दबाएँ। "
                                   "मांग के लिए 3 दबाएँ।") + 1].startswith("सुझाव किस बारे में है? पेयजल के लिए 1 दबाएँ।")
    assert any(s.startswith("बीप के बाद पहले अपना नाम और गाँव या मोहल्ला बोलें, फिर सुझाव।") for s in log.said)
    assert any(s.startswith("आपका सुझाव दर्ज हो गया है, धन्यवाद।") for s in log.said), log.said
    assert all(status == 200 for _, status in log.requests), log.requests
    [ticket] = [t for t in scan_all(aws["dynamodb"], "tickets") if t["caller_phone"]["S"] == CITIZEN]
    assert (ticket["kind"]["S"], ticket["category"]["S"], ticket["level"]["S"]) == ("suggestion", "other", "L1")


def test_a_complaint_by_phone_keeps_its_emergency_key_and_a_forged_kind_is_refused(phone, aws, webhooks,
                                                                                  janjgir_ivr):
    from tests.support.fixtures import scan_all

    log = phone("1|1|1|1|say:हैंडपंप खराब है", caller=CITIZEN, line=JANJGIR_LINE, carrier="twilio")
    assert any(s.startswith("आपकी शिकायत दर्ज हो गई है") for s in log.said), log.said
    answer = webhooks.post("/voice/record/hi/water/1?kind=request",
                           {"CallSid": "CA" + "8" * 32, "From": CITIZEN, "To": JANJGIR_LINE,
                            "RecordingSid": "RE" + "8" * 32, "RecordingUrl": "https://api.twilio.com/r",
                            "RecordingDuration": "9"})
    assert answer.status_code == 200 and "तकनीकी" in answer.body.decode(), answer.body
    kinds = [t["kind"]["S"] for t in scan_all(aws["dynamodb"], "tickets") if t["caller_phone"]["S"] == CITIZEN]
    assert kinds == ["complaint"]


def test_the_whatsapp_chatbot_asks_the_kind_first_and_registers_a_suggestion(hotline, aws, janjgir):
    from chalicelib.i18n import catalog
    from tests.support.fixtures import scan_all

    hi, sender, to = catalog("hi"), "whatsapp:" + CITIZEN, "whatsapp:+917970001600"  # the district's chatbot
    assert hotline.text(sender, "नमस्ते", to=to) == "आप क्या दर्ज कराना चाहते हैं? अंक भेजें:\n1 शिकायत\n2 सुझाव\n3 मांग"
    assert hotline.text(sender, "5", to=to).startswith("कृपया 1 से 3 तक का अंक भेजें:")
    assert hotline.text(sender, "2", to=to).startswith(hi.text("chat_choose_category"))
    assert hotline.text(sender, "3", to=to) == hi.text("chat_ask_description")
    hotline.text(sender, "स्कूल में शाम को पुस्तकालय खुले", to=to)
    hotline.text(sender, "रामकुमार", to=to)
    assert hotline.text(sender, "चांपा", to=to) == hi.text("consent_chat_whatsapp")
    reply = hotline.text(sender, "1", to=to)
    [ticket] = [t for t in scan_all(aws["dynamodb"], "tickets") if t["caller_phone"]["S"] == CITIZEN]
    number = ticket["complaint_number"]["S"]
    assert reply.startswith(f"आपका सुझाव {number} दर्ज हो गया है और विभाग को भेज दिया गया है"), reply
    assert (ticket["kind"]["S"], ticket["category"]["S"], ticket["channel"]["S"]) == ("suggestion", "education",
                                                                                       "whatsapp")
