"""District files are validated before anything is written; catalogs stay complete and short."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml

from chalicelib.domain.complaint_number import format_number, is_valid, spoken_groups
from chalicelib.domain.district import DistrictConfigError, parse_district
from chalicelib.domain.sms_segments import segments
from chalicelib.i18n import available_languages, catalog
from tests.support.demo import DEMO


def demo() -> dict:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


def test_the_demo_district_is_valid():
    district = parse_district(demo(), available_languages())
    assert len(district.hotlines[0].lines) == 4 and district.languages == ("hi", "en")
    assert {h.mode for h in district.hotlines} >= {"ivr", "missed_call", "operators"}  # each way of taking calls
    assert district.category_by_key("3").id == "water" and district.category_by_key("0") is None
    assert set(district.departments["health"].officers) == {"L1", "L2", "L3", "L4"}


@pytest.mark.parametrize("change, message", [
    (lambda d: d["hotlines"][0]["lines"].append("9977222564"), "not an E.164 number"),
    (lambda d: d["hotlines"][0]["lines"].append(d["hotlines"][0]["lines"][0]), "listed twice"),
    (lambda d: d["categories"][0].update(department="transport"), "'transport' is not in departments"),
    (lambda d: d["categories"][0].update(name={"hi": "स्वास्थ्य"}), "missing the name in en"),
    (lambda d: d.update(languages=["hi", "ta"]), "no prompt catalog for ta"),
    (lambda d: d.update(code="raipur"), "capital letters"),
    (lambda d: d["categories"].extend(d["categories"][:3]), "at most 9"),
    (lambda d: d["departments"][0]["officers"].update(L5={"name": "x", "phone": "+919000000000"}), "level 'L5'"),
    (lambda d: d.pop("sms_sender"), "'sms_sender' is required"),
])
def test_a_wrong_district_file_is_refused_with_where_and_why(change, message):
    data = demo()
    change(data)
    with pytest.raises(DistrictConfigError, match=message):
        parse_district(data, available_languages())


def test_every_catalog_has_every_message():
    reference = catalog("en").keys()
    for language in available_languages():
        assert catalog(language).keys() == reference, language


@pytest.mark.parametrize("language", sorted(available_languages()))
def test_the_registration_sms_fits_two_segments_even_on_a_busy_day(language):
    longest_name = "जांजगीर-चांपा" if language == "hi" else "Janjgir-Champa"
    body = catalog(language).text("sms_ticket_registered", number="JJGCH26112312345", date="23-11-2026",
                                  district=longest_name)
    assert segments(body) <= 2


def test_segments_count_unicode_and_gsm():
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2
    assert segments("अ" * 70) == 1 and segments("अ" * 71) == 2 and segments("अ" * 135) == 3
    assert segments("{" * 80) == 1 and segments("{" * 81) == 2


def test_complaint_numbers_are_keyable_and_read_in_groups():
    at = datetime(2026, 11, 22, 18, 31, tzinfo=UTC)  # 00:01 IST on the 23rd
    number = format_number("RPR", at, 7)
    assert number == "RPR2611230007" and is_valid(number)
    assert spoken_groups(number) == ["R P R", "2 6 1 1 2 3", "0 0 0 7"]
    assert format_number("RPR", at, 12345) == "RPR26112312345"
    with pytest.raises(ValueError):
        format_number("RPR", at, 0)


CITIZEN_MESSAGES = ["citizen_closed_satisfied", "citizen_closed_no_response", "citizen_closed_special",
                    "citizen_reopened", "reply_closed_satisfied", "reply_reopened", "reply_no_ticket",
                    "reply_citizen_help", "reply_not_resolved", "reply_still_open", "reply_reopen_window_over"]


@pytest.mark.parametrize("language", sorted(available_languages()))
@pytest.mark.parametrize("key", CITIZEN_MESSAGES)
def test_every_message_a_citizen_reads_fits_two_segments(language, key):
    words = catalog(language)
    longest_reason = max((words.text(k) for k in words.keys() if k.startswith("closure_")), key=len)
    body = words.text(key, number="JJGCH26112312345", reason=longest_reason, hotline="09977222564")
    assert segments(body) <= 2, (len(body), body)


def test_the_resolution_sms_shortens_a_long_remark_to_two_segments():
    from chalicelib.district_file import read_district_file
    from chalicelib.domain.events import DomainEvent
    from chalicelib.domain.notices import notices_for

    district = read_district_file(DEMO)
    remark = "हैंडपंप की मरम्मत कर दी गई है और पाइपलाइन भी बदल दी गई है, पानी अब आ रहा है " * 3
    event = DomainEvent("ticket.resolved", "RPR26112312345", 3, "2026-11-23T05:00:00Z",
                        {"caller_phone": "+919812345678", "language": "hi", "remark": remark, "district": "RPR"})
    [notice] = notices_for(event, district, lambda *_: "")
    assert segments(notice.body) == 2 and "…" in notice.body and notice.body.endswith("आपकी राय जानने हम कॉल करेंगे।")


def test_every_example_district_file_has_the_schemas_shape():
    from chalicelib import schemas

    examples = [path for path in sorted(DEMO.parent.glob("*.yaml"))
                if "state" not in yaml.safe_load(path.read_text(encoding="utf-8"))]
    assert len(examples) >= 2
    for path in examples:
        assert schemas.problem("district", yaml.safe_load(path.read_text(encoding="utf-8"))) is None, path


@pytest.mark.parametrize("change, message", [
    (lambda d: d["hotlines"][0].update(lines="+919977222564"), "hotlines[0].lines: must be array"),
    (lambda d: d["categories"][1].update(sla_hours="72 hours"), "categories[1].sla_hours: must be integer"),
    (lambda d: d["departments"][0]["officers"]["L2"].pop("phone"), "departments[0].officers.L2: must contain"),
    (lambda d: d["departments"][2]["officers"].update(L5={"name": "x", "phone": "+919000000000"}),
     "departments[2].officers: must not contain {'L5'}"),
    (lambda d: d["hotlines"][1]["missed_call"].update(tries=[3]), "hotlines[1].missed_call.tries: must be integer"),
    (lambda d: d["follow_up"].update(clock="lunar"), "follow_up.clock: must be one of"),
    (lambda d: d.update(collector=None, office_hours=None, whatsapp=None, channel_plan=None), None),
])
def test_a_district_file_of_the_wrong_shape_is_refused_before_it_is_read(tmp_path, change, message):
    from chalicelib.district_file import read_district_file

    data = demo()
    change(data)
    path = tmp_path / "district.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    if message is None:  # what parse_district accepts, the schema accepts too
        assert read_district_file(path).code == "RPR"
        return
    with pytest.raises(DistrictConfigError) as refused:
        read_district_file(path)
    assert str(refused.value).startswith(message)


def test_the_api_publishes_the_same_district_schema():
    from chalicelib import schemas
    from chalicelib.api.openapi import document

    components = document()["components"]["schemas"]
    assert components["DistrictConfig"]["properties"]["config"] == {"$ref": "#/components/schemas/District"}
    district = components["District"]
    assert district["required"] == schemas.schema("district")["required"]
    assert district["properties"]["hotlines"]["items"] == {"$ref": "#/components/schemas/District_hotline"}
    assert set(schemas.schema("district")["definitions"]) <= {name.removeprefix("District_") for name in components}
