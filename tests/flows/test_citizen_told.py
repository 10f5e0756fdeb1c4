"""The citizen is told, not left guessing (issue 14, points 4 and 5): an approved extension sends the new date;
status by phone and by SMS says how late a complaint is and who has it once its date has passed, never the passed
date; the last unanswered callback ends in one SMS saying how else to reach the office, naming the hotline by its
public short code where it has one. Driven through the carriers' signed webhooks and the sweeper on the clock."""
from __future__ import annotations

import copy
import re
from datetime import timedelta
from typing import Any

import pytest
import yaml

from chalicelib import wiring
from chalicelib.district_file import read_district_file
from chalicelib.domain.district import DistrictConfigError, parse_district
from chalicelib.i18n import available_languages
from chalicelib.store.district_loader import load_district
from chalicelib.store.models import TicketModel
from tests.support.demo import DEMO, demo_on
from tests.support.fixtures import CALLER
from tests.support.responses import ok

MISSED = "+919977222600"  # examples/raipur.yaml: the missed-call hotline (3 tries, 10 minutes apart)
FALLBACK_HI = "आप कलेक्टोरेट रायपुर के जनदर्शन में आकर भी शिकायत दे सकते हैं।"
WITH_HI = {"L1": "अधिकारी", "L2": "वरिष्ठ अधिकारी", "L3": "जिला स्तर के अधिकारी", "L4": "कलेक्टर"}


def _ring_out_three_callbacks(hotline: Any, caller: str) -> None:
    hotline.phone("", caller=caller, line=MISSED)
    hotline.advance(seconds=30)
    for _ in range(3):
        hotline.answer_feedback_call(None)  # rings out: no-answer
        hotline.advance(minutes=10)


@pytest.mark.parametrize("demo_carrier", ["twilio", "plivo"], indirect=True)
def test_after_the_last_unanswered_callback_the_citizen_gets_one_sms_saying_how_else_to_reach_us(hotline):
    caller = "+919811100021"
    _ring_out_three_callbacks(hotline, caller)
    hotline.advance(hours=3)  # later sweeps find nothing more to say
    [sms] = hotline.sms_bodies(caller)
    hotline_number = re.search(r"(\d{10})", sms)
    assert sms.startswith("हमने कॉल किया, बात नहीं हो सकी।"), sms
    assert hotline_number
    if hotline.carrier == "plivo":  # the DLT route: a variable holds 30 characters, and half a sentence misleads
        assert sms.rstrip().endswith("पर कॉल करें।") and "कलेक्टोरेट" not in sms, sms
    else:
        assert sms.endswith(FALLBACK_HI), sms  # the district's own words, whole
    assert len(hotline.outbound.calls(to=caller)) == 3


@pytest.fixture
def short_code(aws):
    """The demo with its missed-call hotline known by a public short code."""
    raw = copy.deepcopy(demo_on("twilio").raw)
    [missed] = [h for h in raw["hotlines"] if MISSED in h["lines"]]
    missed["short_code"] = "1950"
    load_district(parse_district(raw, available_languages()))
    wiring.directory().clear()


@pytest.mark.parametrize("demo_carrier", ["twilio"], indirect=True)
def test_the_sms_names_the_hotline_by_its_short_code(hotline, short_code):
    caller = "+919811100022"
    _ring_out_three_callbacks(hotline, caller)
    [sms] = hotline.sms_bodies(caller)
    assert "शिकायत हेतु 1950 पर कॉल करें।" in sms, sms


def test_a_short_code_is_digits_in_quotes_or_a_plain_number(tmp_path):
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    for written, read in (("1950", "1950"), (181, "181")):
        data["hotlines"][0]["short_code"] = written
        path = tmp_path / "d.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        assert read_district_file(path).hotlines[0].short_code == read
    for wrong in ("19a0", "12", "1234567"):
        data["hotlines"][0]["short_code"] = wrong
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        with pytest.raises(DistrictConfigError, match="short_code"):
            read_district_file(path)


# --- late: how late, and with whom ---------------------------------------------------------------------------------

def _days_late(number: str, now: Any) -> int:
    import math

    from chalicelib.domain.clock import parse_iso

    due = parse_iso(TicketModel.get(number).sla_due_at)
    return math.ceil((now - due).total_seconds() / 86400)


def test_status_by_sms_and_by_phone_say_late_by_n_days_and_who_has_it(hotline, clock):
    number = hotline.complaint("3")  # water: 72 hours
    before = hotline.text(CALLER, f"STATUS {number}")
    assert "समाधान की अपेक्षित तिथि" in before and "देरी" not in before
    hotline.advance(days=5)  # past the SLA; the sweeper escalated it level by level
    ticket = TicketModel.get(number)
    assert ticket.level != "L1"
    late = _days_late(number, clock.now())
    assert late >= 1
    reply = hotline.text(CALLER, f"STATUS {number}")
    day_words = "1 दिन" if late == 1 else f"{late} दिन"
    assert reply.endswith(f"{day_words} की देरी, अब {WITH_HI[ticket.level]} के पास।"), reply
    assert "अपेक्षित तिथि" not in reply  # the passed date is never quoted

    said = hotline.phone("1|2|hangup").said
    assert f"इसमें {day_words} की देरी है, अब यह {WITH_HI[ticket.level]} के पास है।" in said, said
    assert not any(s.startswith("संभावित तारीख") for s in said)


def test_an_approved_extension_sends_the_new_date_which_status_then_quotes(api, hotline, clock):
    number = hotline.complaint("3")
    path = f"/api/tickets/{number}"
    ok(api.post("officer.water.l1", f"{path}/more-time", {"days": 5, "reason": "पाइप मँगाना है"}))
    hotline.deliver()
    sent = len(hotline.sms_bodies(CALLER))
    ok(api.post("officer.water.l2", f"{path}/decide", {"approve": True}))
    hotline.deliver()
    told = hotline.sms_bodies(CALLER)[sent:]
    ticket = TicketModel.get(number)
    from chalicelib.domain.notices import citizen_date

    new_date = citizen_date(ticket.promised_at)
    assert ticket.promised_at == ticket.level_due_at and ticket.promised_at > ticket.sla_due_at
    assert told == [f"शिकायत {number} के निराकरण की अवधि {new_date} तक बढ़ाई गई है।"], told
    hotline.advance(days=4)  # past the SLA, not past the date the citizen was told
    reply = hotline.text(CALLER, f"STATUS {number}")
    assert reply.endswith(f"समाधान की अपेक्षित तिथि {new_date}।"), reply
    clock.advance(timedelta(days=5))
    assert "की देरी, अब" in hotline.text(CALLER, f"STATUS {number}")
