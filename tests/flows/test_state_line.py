"""A state number (181) for many districts: the caller keys in the district, then hears that district's
own IVR; the ticket is the district's, on the state line. Through signed webhooks and the call simulator."""
from __future__ import annotations

import re
from collections import Counter
from xml.etree import ElementTree

import pytest

from chalicelib import settings
from chalicelib.domain.district import DistrictConfigError
from chalicelib.state_file import read_state_file
from chalicelib.store.district_loader import load_district, load_state
from chalicelib.store.models import CallModel, CounterModel, DirectoryModel, TicketModel
from tests.support.demo import untranscribed
from tests.support.fixtures import CALLER, LINE, ROOT, scan_all, signed_post

STATE_FILE = ROOT / "examples" / "state-181.yaml"
BILASPUR = ROOT / "examples" / "bilaspur.yaml"
STATE_LINE = "+917712181181"
RAIPUR_WELCOME = "रायपुर जिला प्रशासन की शिकायत सेवा में आपका स्वागत है।"


@pytest.fixture
def state_number(aws):
    """Raipur (from `aws`), Bilaspur and the state number: only here, other tests rely on BSP having no data."""
    load_district(untranscribed(BILASPUR))
    load_state(read_state_file(STATE_FILE))


def _complaint_number(said: list[str], code: str) -> str:
    spelled = " ".join(code)
    found = next(m for s in said if (m := re.search(rf"{spelled}, ([\d ]+), ([\d ]+)\.", s)))
    return code + (found.group(1) + found.group(2)).replace(" ", "")


def _paths(log) -> list[str]:
    return [path for path, _status in log.requests]


def test_keypad_code_01_runs_raipurs_own_ivr_to_a_raipur_ticket_on_the_state_line(state_number, aws, twilio, phone):
    log = phone("01|1|1|3|say:हमारे गाँव का हैंडपंप खराब है", line=STATE_LINE)  # district, Hindi, new, water

    assert all(status == 200 for _, status in log.requests), log.requests
    assert log.said[0] == "मुख्यमंत्री जनशिकायत हेल्पलाइन में आपका स्वागत है।"
    assert "रायपुर के लिए 0 1 दबाएँ।" in log.said[1] and "For Bilaspur, press 0 2." in log.said[2]
    assert log.said[3] == RAIPUR_WELCOME  # from here on, exactly Raipur's IVR
    paths = _paths(log)
    assert paths[:3] == ["/twilio/voice/incoming", "/twilio/voice/state/1", "/twilio/voice/incoming?district=RPR"]
    # every later step, the recording callback included, carries the choice in its (signed) URL; the call
    # status callback is the number's own setting
    assert paths[-1] == "/twilio/voice/status"
    assert all(path.endswith("?district=RPR") for path in paths[2:-1]), paths
    assert {"/twilio/voice/language/1?district=RPR", "/twilio/voice/record/hi/water/1?district=RPR",
            "/twilio/voice/recording-status?district=RPR"} <= set(paths)

    number = _complaint_number(log.said, "RPR")
    ticket = TicketModel.get(number)
    assert (ticket.district, ticket.line, ticket.category, ticket.department, ticket.caller_phone) == (
        "RPR", STATE_LINE, "water", "water", CALLER)
    assert ticket.recording_confirmed
    call = CallModel.get(log.call_sid)  # the status callback (no district on a state line) keeps the ticket's
    assert (call.district, call.outcome, call.to_phone, call.call_status) == ("RPR", "ticket", STATE_LINE,
                                                                              "completed")
    [item] = aws["dynamodb"].query(TableName=settings.table_name("counters"), KeyConditionExpression="pk = :p",
                                   ExpressionAttributeValues={":p": {"S": f"LINE#{STATE_LINE}"}})["Items"]
    figures: Counter[str] = Counter()
    for name, value in item.items():
        if re.fullmatch(r"h\d\d_\w+", name):
            figures[name[4:]] += int(value["N"])
    assert (figures["calls"], figures["answered"], figures["tickets"]) == (1, 1, 1)  # under the state line
    assert not list(CounterModel.query("DISTRICT#BSP"))  # nothing counted for the district not chosen


def test_keypad_code_02_hears_bilaspurs_categories_and_gets_a_bilaspur_ticket(state_number, twilio, phone, pump):
    log = phone("02|2|1|1|say:The road to Sakri village has been broken for a month", line=STATE_LINE)

    assert all(status == 200 for _, status in log.requests), log.requests
    assert "बिलासपुर जिला प्रशासन की शिकायत सेवा में आपका स्वागत है।" in log.said  # Bilaspur's greeting
    menu = next(s for s in log.said if s.startswith("Choose what your complaint is about."))
    assert "For roads and bridges, press 1." in menu and "For land records, press 4." in menu
    assert "police" not in menu  # Raipur's categories are not Bilaspur's
    number = _complaint_number(log.said, "BSP")
    ticket = TicketModel.get(number)
    assert (ticket.district, ticket.line, ticket.category, ticket.department, ticket.language) == (
        "BSP", STATE_LINE, "roads", "roads", "en")

    pump.drain_once()
    [sms] = twilio.sms(to=CALLER)
    assert sms.data["From"] == "+919977223000" and number in sms.data["Body"]  # Bilaspur's sender
    [forward] = twilio.sms(to="+919100000801")  # Bilaspur's PWD officer, not anyone in Raipur
    assert number in forward.data["Body"]


def test_a_caller_who_presses_1_and_waits_is_taken_to_mean_01(state_number, phone):
    log = phone("1|1|1|3|say:no water", line=STATE_LINE)
    assert "/twilio/voice/incoming?district=RPR" in _paths(log)
    assert _complaint_number(log.said, "RPR")


def test_a_wrong_code_is_asked_again_then_a_polite_goodbye(state_number, aws, phone):
    log = phone("07|-|99", line=STATE_LINE)

    assert all(status == 200 for _, status in log.requests), log.requests
    assert "यह सही विकल्प नहीं है।" in log.said and "हमें आपका जवाब नहीं मिला।" in log.said
    assert _paths(log)[1:4] == ["/twilio/voice/state/1", "/twilio/voice/state/2", "/twilio/voice/state/3"]
    assert log.said[-2].startswith("क्षमा करें, यह ज़िला नहीं मिला।") and log.said[-2].endswith("धन्यवाद। नमस्कार।")
    assert log.said[-1].startswith("Sorry, we could not find that district.")
    assert log.ended_by == "hotline"
    assert scan_all(aws["dynamodb"], "tickets") == []


def _form(to: str = STATE_LINE, **extra: str) -> dict[str, str]:
    return {"CallSid": "CA" + "5" * 32, "From": CALLER, "To": to, "Direction": "inbound",
            "AccountSid": settings.twilio_account_sid(), **extra}


def _said(body: bytes) -> list[str]:
    return [(verb.text or "") for verb in ElementTree.fromstring(body) if verb.tag == "Say"]


def test_a_forged_district_not_in_the_state_is_refused_by_voice(state_number, aws, client):
    # Signed correctly (say, with the auth token), but DRG is not one of CG181's districts: no IVR for it.
    for path in ("/twilio/voice/incoming?district=DRG", "/twilio/voice/language/1?district=DRG",
                 "/twilio/voice/category/hi/1?district=XYZ"):
        response = signed_post(client, path, _form(Digits="1"))
        assert response.status_code == 200
        assert _said(response.body)[0] == "क्षमा करें, यह नंबर किसी ज़िले की शिकायत सेवा से नहीं जुड़ा है।"
        assert ElementTree.fromstring(response.body)[-1].tag == "Hangup"
    # A state line's later step with no district at all is refused the same way.
    assert _said(signed_post(client, "/twilio/voice/language/1", _form(Digits="1")).body)[0].startswith("क्षमा करें")
    # On a district's own line the line decides: a ?district= for another district changes nothing.
    response = signed_post(client, "/twilio/voice/incoming?district=BSP", _form(to=LINE))
    assert RAIPUR_WELCOME in _said(response.body)
    assert "district=" not in response.body.decode()
    assert scan_all(aws["dynamodb"], "tickets") == []


def test_the_signature_covers_the_query_string(state_number, client):
    from chalicelib.telephony.signature import sign

    form = _form(Digits="2")
    base = settings.public_base_url()
    token = settings.twilio_auth_token()
    # Signed for RPR, sent for BSP: refused before anything runs.
    signed_for_rpr = sign(f"{base}/twilio/voice/language/1?district=RPR", form, token)
    assert signed_post(client, "/twilio/voice/language/1?district=BSP", form, signature=signed_for_rpr
                       ).status_code == 403
    # Signed without the query, sent with it: refused.
    assert signed_post(client, "/twilio/voice/language/1?district=RPR", form,
                       signature=sign(f"{base}/twilio/voice/language/1", form, token)).status_code == 403
    # Signed with it: Raipur's next menu in English, its action still carrying the district.
    response = signed_post(client, "/twilio/voice/language/1?district=RPR", form)
    assert response.status_code == 200
    action = ElementTree.fromstring(response.body).find("Gather").get("action")
    assert action.startswith(f"{base}/twilio/voice/") and action.endswith("/en/1?district=RPR")


def test_the_signature_holds_whatever_order_the_gateway_gives_the_parameters(state_number, client):
    # A state line's later steps carry two parameters (the district and the caller's known WhatsApp answer);
    # the carrier signed them in our order, API Gateway hands them over as a mapping in an order it never
    # promised: both orders pass, a changed value in either fails.
    from chalicelib.telephony.signature import sign

    form = _form(Digits="1")
    base = settings.public_base_url()
    signed = sign(f"{base}/twilio/voice/language/1?consent=no&district=RPR", form, settings.twilio_auth_token())
    step = "/twilio/voice/language/1"
    for query in ("district=RPR&consent=no", "consent=no&district=RPR"):
        assert signed_post(client, f"{step}?{query}", form, signature=signed).status_code == 200
    for query in ("district=RPR&consent=yes", "consent=no&district=BSP"):
        assert signed_post(client, f"{step}?{query}", form, signature=signed).status_code == 403


def test_a_line_belongs_to_one_district_or_one_state_number(state_number):
    import yaml

    from chalicelib.domain.district import parse_district
    from chalicelib.domain.state_line import StateConfigError, parse_state_line
    from chalicelib.i18n import available_languages

    raipur = yaml.safe_load((ROOT / "examples" / "raipur.yaml").read_text(encoding="utf-8"))
    raipur["hotlines"][0]["lines"].append(STATE_LINE)
    with pytest.raises(DistrictConfigError, match="state number CG181"):
        load_district(parse_district(raipur, available_languages()))
    assert DirectoryModel.get(f"LINE#{STATE_LINE}", "LINE").state == "CG181"

    other = yaml.safe_load(STATE_FILE.read_text(encoding="utf-8"))
    with pytest.raises(StateConfigError, match="district RPR"):
        load_state(parse_state_line({**other, "state": "MP181", "lines": [LINE]}, available_languages()))
    with pytest.raises(StateConfigError, match="state number CG181"):
        load_state(parse_state_line({**other, "state": "MP181"}, available_languages()))
    with pytest.raises(StateConfigError, match=r"DRG .* not in the directory"):
        load_state(parse_state_line({**other, "lines": ["+917712181199"],
                                     "districts": [*other["districts"], {"key": "03", "code": "DRG"}]},
                                    available_languages()))
    assert DirectoryModel.get(f"LINE#{LINE}", "LINE").district == "RPR"
    with pytest.raises(DirectoryModel.DoesNotExist):
        DirectoryModel.get("LINE#+917712181199", "LINE")


def test_the_directory_admin_cannot_take_a_state_line_into_a_district(state_number, api):
    opened = api.get("collector.rpr", "/api/districts/RPR/config").json
    grabbing = {**opened["config"], "hotlines": [{**opened["config"]["hotlines"][0],
                                                  "lines": [*opened["config"]["hotlines"][0]["lines"], STATE_LINE]}]}
    response = api.put("collector.rpr", "/api/districts/RPR/config", {"version": opened["version"],
                                                                      "config": grabbing})
    assert response.status_code == 422 and response.json["error"]["code"] == "line_taken"
    item = DirectoryModel.get(f"LINE#{STATE_LINE}", "LINE")
    assert (item.state, item.district) == ("CG181", None)


def test_manage_py_loads_the_state_file_after_its_districts(aws, capsys):
    import manage

    assert manage.main(["load-state", str(STATE_FILE)]) == 2  # BSP is not loaded yet: nothing written
    assert "district BSP (key 02) is not in the directory" in capsys.readouterr().err
    with pytest.raises(DirectoryModel.DoesNotExist):
        DirectoryModel.get(f"LINE#{STATE_LINE}", "LINE")
    assert manage.main(["load-district", str(BILASPUR)]) == 0
    assert manage.main(["load-state", str(STATE_FILE)]) == 0
    assert "state number CG181, 2 lines, 2 districts — valid" in capsys.readouterr().out
    assert [DirectoryModel.get(f"LINE#{line}", "LINE").state for line in (STATE_LINE, "+917712181182")] == [
        "CG181", "CG181"]
    assert manage.main(["load-district", str(STATE_FILE)]) == 2
    assert "load it with `manage.py load-state`" in capsys.readouterr().err
