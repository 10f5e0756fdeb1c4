"""The channel plan in the district file: parsed in domain/district.py, refused at load by domain/carrier_plan.py
when it cannot work, each refusal saying why and what to change."""
from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from chalicelib import schemas
from chalicelib.district_file import read_district_file, read_yaml
from chalicelib.domain.carrier_plan import refusals
from chalicelib.domain.district import CHANNELS, PLAN_GROUPS, ChannelPlan, DistrictConfigError, parse_district
from chalicelib.domain.message_kinds import ALL_KINDS, CITIZEN_KINDS, OFFICER_KINDS, OLD_KIND_NAMES
from chalicelib.i18n import available_languages
from tests.support.demo import DEMO, ROOT


def _demo() -> dict[str, Any]:
    return copy.deepcopy(read_yaml(DEMO))


def _parse(data: dict[str, Any]):
    return parse_district(data, available_languages())


def test_the_india_plan_of_the_demo():
    plan = read_district_file(DEMO).channel_plan
    assert plan.channels_for("acknowledgement") == ("whatsapp", "sms", "international_sms")
    assert {plan.channels_for(kind) for kind in CITIZEN_KINDS if kind != "acknowledgement"} == {("whatsapp", "sms")}
    assert {plan.channels_for(kind) for kind in OFFICER_KINDS} == {("whatsapp", "sms")}
    district = read_district_file(DEMO)
    assert district.international_sms_sender == "+14155550100"
    assert set(district.whatsapp.templates) == set(ALL_KINDS)  # a template for every kind the plan sends by WhatsApp


def test_without_a_plan_a_district_does_what_it_did_before():
    data = _demo()
    del data["channel_plan"], data["international_sms_sender"]
    plan = _parse(data).channel_plan
    assert plan.channels_for("resolution") == ("sms",) and plan.channels_for("forward") == ("whatsapp", "sms")
    del data["whatsapp"]
    assert _parse(data).channel_plan.channels_for("reminder") == ("sms",)  # no WhatsApp sender: nothing to skip
    assert ChannelPlan().channels_for("acknowledgement") == ("sms",)
    assert ChannelPlan().channels_for("alert") == ("whatsapp", "sms")


def test_a_kinds_own_order_overrides_its_groups():
    data = _demo()
    data["channel_plan"] = {"officer": ["sms"], "forward": ["whatsapp", "sms"]}
    plan = _parse(data).channel_plan
    assert plan.channels_for("forward") == ("whatsapp", "sms") and plan.channels_for("reminder") == ("sms",)
    assert plan.channels_for("closure") == ("sms",)  # the citizen default


def test_the_old_template_keys_load_as_the_kinds_they_meant():
    data = _demo()
    data["whatsapp"]["templates"] = {"officer_assignment": "HX1", "officer_reminder": "HX2"}
    assert _parse(data).whatsapp.templates == {"forward": "HX1", "reminder": "HX2"}
    data["whatsapp"]["templates"]["forward"] = "HX3"
    with pytest.raises(DistrictConfigError, match=r"forward is given twice .* officer_assignment"):
        _parse(data)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["channel_plan"].update(acknowledgment=["sms"]), "channel_plan.acknowledgment: 'acknowledgment' is "
                                                                 "no kind of message"),
    (lambda d: d["channel_plan"].update(citizen=["whatsapp", "telegram"]),
     "channel_plan.citizen: telegram is no channel: use whatsapp, sms, international_sms"),
    (lambda d: d["channel_plan"].update(officer=[]), "channel_plan.officer: the channels to try in order"),
    (lambda d: d["channel_plan"].update(officer="sms"), "channel_plan.officer: the channels to try in order"),
    (lambda d: d["channel_plan"].update(officer=["sms", "sms"]), "channel_plan.officer: each channel once"),
    (lambda d: d.update(channel_plan=["sms"]), "channel_plan: a mapping of message kind"),
    (lambda d: d.update(international_sms_sender="RPRCOL"), "international_sms_sender: a Twilio number"),
    (lambda d: d["whatsapp"]["templates"].update(reminders="HX9"), "whatsapp.templates: 'reminders' is no kind"),
])
def test_a_wrong_plan_is_named_where_it_is_wrong(change, message):
    data = _demo()
    change(data)
    with pytest.raises(DistrictConfigError) as refused:
        _parse(data)
    assert str(refused.value).startswith(message)


def test_whatsapp_in_the_plan_needs_the_whatsapp_sender():
    data = _demo()
    del data["whatsapp"]
    found = refusals(_parse(data))
    plan_refusals = [f for f in found if f.startswith("channel_plan.")]
    assert [f.split(" ")[0] for f in plan_refusals] == ["channel_plan.citizen", "channel_plan.officer",
                                                        "channel_plan.acknowledgement"]
    assert all("no WhatsApp sender" in f and "take whatsapp out" in f
               for f in plan_refusals)


def test_international_sms_needs_its_sender():
    data = _demo()
    del data["international_sms_sender"]
    (found,) = refusals(_parse(data))
    assert found.startswith("channel_plan.acknowledgement names international_sms, but international_sms_sender "
                            "is not set") and "a Twilio number" in found


def test_whatsapp_for_a_kind_without_its_template_is_refused():
    data = _demo()
    del data["whatsapp"]["templates"]["closure"], data["whatsapp"]["templates"]["extension_approved"]
    (found,) = refusals(_parse(data))
    assert found.startswith("channel_plan.citizen sends closure, extension_approved by WhatsApp, but "
                            "whatsapp.templates has no template for them") and "whatsapp.templates.<kind>: HX" in found


def test_the_default_plan_needs_no_template_for_every_kind():
    """A file from before the plan: officers' messages without a template go by SMS, as they always did."""
    data = _demo()
    del data["channel_plan"], data["international_sms_sender"]
    data["whatsapp"]["templates"] = {"officer_assignment": "HX1", "officer_reminder": "HX2"}
    assert refusals(_parse(data)) == []


def test_a_citizen_is_never_left_to_whatsapp_alone():
    data = _demo()
    data["channel_plan"]["resolution"] = ["whatsapp"]
    (found,) = refusals(_parse(data))
    assert found.startswith("channel_plan.resolution sends resolution by WhatsApp only, which reaches a citizen "
                            "only with their consent") and "Add sms after whatsapp" in found


def test_an_officer_plan_of_whatsapp_alone_needs_every_officer_on_whatsapp():
    data = _demo()
    data["channel_plan"]["officer"] = ["whatsapp"]
    (found,) = refusals(_parse(data))
    assert found.startswith("channel_plan.officer sends forward, reminder, escalation, approval_request, decision, "
                            "alert by WhatsApp only, but +919000000102, ") and "have no WhatsApp number" in found
    for department in data["departments"]:
        for officer in department["officers"].values():
            officer["whatsapp"] = True
    (found,) = refusals(_parse(data))
    assert "+919000000104 has no WhatsApp number" in found  # the Collector's alerts
    data["collector"]["whatsapp"] = True
    assert refusals(_parse(data)) == []


def test_the_dlt_route_needs_template_ids_only_for_what_the_plan_sends_by_sms():
    data = _demo()
    templates = data["sms_sender"]["dlt_templates"]
    del templates["citizen_closed_special"], templates["citizen_closed_satisfied"]
    data["channel_plan"]["closure"] = ["whatsapp", "international_sms"]
    assert refusals(_parse(data)) == []
    data["channel_plan"]["closure"] = ["whatsapp", "sms"]
    (found,) = refusals(_parse(data))
    assert found.startswith("sms_sender.dlt_templates: no DLT template id for citizen_closed_satisfied.hi, "
                            "citizen_closed_satisfied.en, citizen_closed_special.hi")


def test_sms_replies_only_where_the_sms_route_carries_them_back():
    assert read_district_file(DEMO).sms_replies is False  # DLT on Plivo
    data = _demo()
    data["sms_sender"] = "+14155550199"
    assert _parse(data).sms_replies is True
    data["sms_sender"] = {"from": "+14155550199", "accept_no_sms_replies": True}
    assert _parse(data).sms_replies is False
    data["sms_sender"] = {"from": "+919977222500", "dlt": True, "dlt_entity_id": "DEMO1101RPR00000001"}
    assert _parse(data).sms_replies is False


def test_the_schema_names_the_same_kinds_and_channels():
    schema = json.loads((ROOT / "chalicelib" / "schemas" / "district.schema.json").read_text(encoding="utf-8"))
    plan = schema["properties"]["channel_plan"]
    # The kinds, then the old names a file may still write (they load as the kinds they always meant).
    assert plan["propertyNames"]["enum"] == [*PLAN_GROUPS, *ALL_KINDS, *OLD_KIND_NAMES]
    assert plan["additionalProperties"]["items"]["enum"] == list(CHANNELS)
    data = _demo()
    data["channel_plan"]["citizen"] = ["whatsapp", "fax"]
    assert "channel_plan.citizen[1]" in (schemas.problem("district", data) or "")
    assert schemas.problem("district", _demo()) is None
