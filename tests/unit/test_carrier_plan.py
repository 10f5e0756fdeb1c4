"""The district file names its carriers; load-district (and the console's save) refuses what a carrier cannot
carry in India, each refusal saying why and what to change (domain/carrier_plan.py)."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from chalicelib import schemas
from chalicelib.district_file import read_district_file, read_yaml
from chalicelib.domain.carrier_plan import CarrierPlanError, check_carrier_plan, refusals
from chalicelib.domain.district import DistrictConfigError, parse_district
from chalicelib.domain.notices import sms_messages
from chalicelib.i18n import available_languages
from chalicelib.operations.console_district_config import InvalidDistrict, save_district_config
from tests.fakes.district_configs import MemoryDistrictConfigs
from tests.support.demo import DEMO


def _demo() -> dict[str, Any]:
    return copy.deepcopy(read_yaml(DEMO))


def _twilio_only() -> dict[str, Any]:
    """The demo with every carrier setting taken out: the file as it was before carriers had names."""
    data = _demo()
    data["sms_sender"] = "+919977222500"
    for hotline in data["hotlines"]:
        hotline.pop("carrier", None)
        hotline.pop("accept_international_caller_id", None)
    return data


def _refusals(data: dict[str, Any]) -> list[str]:
    return refusals(parse_district(data, available_languages()))


def test_the_demo_districts_pass():
    for name in ("raipur", "bilaspur"):
        district = read_district_file(Path(DEMO).parent / f"{name}.yaml")
        assert refusals(district) == []


def test_the_old_plain_sms_sender_still_loads_as_twilio():
    district = parse_district(_twilio_only(), available_languages())
    assert (district.sms_sender, district.sms_carrier, district.dlt) == ("+919977222500", "twilio", None)
    assert {h.carrier for h in district.hotlines} == {"twilio"}
    assert schemas.problem("district", _twilio_only()) is None


def test_the_demo_names_plivo_for_the_collectorate_lines_and_the_sms():
    district = read_district_file(DEMO)
    assert district.carrier_for_line("+919977222594") == "plivo" and district.carrier_for_line("+919977222600") \
        == "twilio"
    assert district.feedback_line == ("+919977222564", "plivo")
    assert (district.sms_carrier, district.sms_sender) == ("plivo", "RPRCOL")
    assert district.dlt is not None and district.dlt.template_id("citizen_resolved", "en") == "DEMO1107RPR00000206"


def test_twilio_callbacks_and_feedback_calls_to_india_are_refused_without_the_caller_id_flag():
    data = _twilio_only()
    data["sms_sender"] = {"from": "+919977222500", "accept_no_sms_replies": True}
    found = _refusals(data)
    assert len(found) == 3
    feedback, missed, office = found
    assert feedback.startswith("hotlines[0] (collectorate): the feedback calls") and "international caller ID" \
        in feedback and "accept_international_caller_id: true" in feedback and "carrier: plivo" in feedback
    assert missed.startswith("hotlines[1] (missed_call): its missed-call callbacks")
    assert office.startswith("hotlines[2] (office): its after-hours callbacks")


def test_the_flag_or_plivo_accepts_the_calls():
    data = _twilio_only()
    data["sms_sender"] = {"from": "+919977222500", "accept_no_sms_replies": True}
    data["hotlines"][0]["carrier"] = "plivo"
    data["hotlines"][1]["accept_international_caller_id"] = True
    data["hotlines"][2]["after_hours"] = ["record"]  # no callback after hours: nothing to call
    assert _refusals(data) == []


def test_officers_answering_by_sms_are_refused_on_a_route_that_takes_no_sms():
    data = _demo()
    del data["sms_sender"]["accept_no_sms_replies"]
    (officers,) = _refusals(data)  # citizens can answer on the WhatsApp sender
    assert officers.startswith("officers +919000000102, ") and "and 9 more" in officers  # L1 health has WhatsApp
    assert "Plivo's Indian numbers and DLT headers receive no SMS" in officers
    assert "whatsapp: true" in officers and "accept_no_sms_replies: true" in officers


def test_citizens_are_refused_when_sms_is_their_only_way_back():
    data = _twilio_only()
    del data["whatsapp"], data["channel_plan"]
    for department in data["departments"]:
        for officer in department["officers"].values():
            officer.pop("whatsapp", None)
    data["hotlines"] = [{**h, "accept_international_caller_id": True} for h in data["hotlines"]]
    officers, citizens = _refusals(data)
    assert "+919000000101" in officers  # without the district's WhatsApp sender nobody is on WhatsApp
    assert citizens.startswith("citizens are asked to answer 1/2") and "Twilio has no two-way SMS in India" \
        in citizens and "whatsapp.sender" in citizens


def test_officers_all_on_whatsapp_and_citizens_with_a_whatsapp_sender_need_no_flag():
    data = _demo()
    del data["sms_sender"]["accept_no_sms_replies"]
    for department in data["departments"]:
        for officer in department["officers"].values():
            officer["whatsapp"] = True
    data["collector"]["whatsapp"] = True
    assert _refusals(data) == []


def test_a_dlt_route_lists_the_messages_without_a_template_id_and_the_unknown_ones():
    data = _demo()
    templates = data["sms_sender"]["dlt_templates"]
    del templates["citizen_resolved"]["en"], templates["officer_reminder"]
    templates["citizen_resolvd"] = {"hi": "DEMO1107RPR00000999"}
    missing, unknown = _refusals(data)
    assert missing.startswith("sms_sender.dlt_templates: no DLT template id for officer_reminder.hi, "
                              "citizen_resolved.en:")
    assert "dlt_template" in missing
    assert unknown.startswith("sms_sender.dlt_templates: citizen_resolvd is no SMS the district sends")


def test_a_twilio_sender_that_says_dlt_needs_the_template_ids_too():
    data = _twilio_only()
    data["sms_sender"] = {"from": "+919977222500", "dlt": True, "dlt_entity_id": "DEMO1101RPR00000001",
                          "accept_no_sms_replies": True}
    data["hotlines"] = [{**h, "accept_international_caller_id": True} for h in data["hotlines"]]
    (missing,) = _refusals(data)
    listed = 6  # a refusal names six, then how many more
    more = len(sms_messages(parse_district(data, available_languages()))) - listed
    assert "no DLT template id for officer_assigned.hi" in missing and f"and {more} more" in missing


def test_every_refusal_is_raised_at_once_one_line_each():
    data = _twilio_only()
    del data["whatsapp"], data["channel_plan"]
    with pytest.raises(CarrierPlanError) as raised:
        check_carrier_plan(parse_district(data, available_languages()))
    assert len(raised.value.refusals) == 5 and str(raised.value).count("\n") == 4
    assert isinstance(raised.value, DistrictConfigError)  # load-district prints it as any file error


@pytest.mark.parametrize("change, message", [
    (lambda d: d["hotlines"][0].update(carrier="exotel"), "hotlines[0].carrier: 'exotel' is not a carrier"),
    (lambda d: d["hotlines"][1].update(accept_international_caller_id="yes"),
     "hotlines[1].accept_international_caller_id: true or false"),
    (lambda d: d["sms_sender"].pop("dlt_entity_id"), "sms_sender.dlt_entity_id: the district's Principal Entity"),
    (lambda d: d["sms_sender"].update(dlt=False), "a Plivo sender's SMS to India go over DLT"),
    (lambda d: d["sms_sender"].update({"from": "+91-99772"}), "sms_sender.from: for Plivo, the DLT header"),
    (lambda d: d.update(sms_sender={"from": "RPRCOL"}), "sms_sender.from: for Twilio, an E.164 number"),
    (lambda d: d.update(sms_sender={"from": "+919977222500", "dlt_entity_id": "X1234"}), "add `dlt: true`"),
    (lambda d: d["sms_sender"]["dlt_templates"].update(citizen_resolved="DEMO1"),
     "sms_sender.dlt_templates.citizen_resolved: one template id per language"),
])
def test_a_wrong_carrier_setting_is_named(change, message):
    data = _demo()
    change(data)
    with pytest.raises(DistrictConfigError, match=None) as raised:
        parse_district(data, available_languages())
    assert message in str(raised.value)


def test_the_schema_checks_the_sender_mappings_shape():
    data = _demo()
    data["sms_sender"]["dlt_template"] = {}  # a typo of dlt_templates
    assert schemas.problem("district", data) is not None
    data = _demo()
    data["hotlines"][0]["carrier"] = "exotel"
    assert "hotlines[0].carrier" in (schemas.problem("district", data) or "")


def test_load_district_refuses_the_file_and_says_why(tmp_path):
    data = _twilio_only()
    path = tmp_path / "raipur.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CarrierPlanError) as raised:
        read_district_file(path)
    assert "international caller ID" in str(raised.value)


def test_the_consoles_save_refuses_what_load_district_refuses():
    configs = MemoryDistrictConfigs()
    district = read_district_file(DEMO)
    configs.load(district)
    edited = _demo()
    edited["hotlines"][1]["accept_international_caller_id"] = False
    with pytest.raises(InvalidDistrict, match="hotlines\\[1\\] \\(missed_call\\)"):
        save_district_config("RPR", 0, edited, "", "collector.rpr", "2026-11-23T05:00:00Z", configs,
                             available_languages())
