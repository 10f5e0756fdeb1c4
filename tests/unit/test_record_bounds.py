"""How long a recording the record step believes: the hotline's own limit, or the outage step's when longer."""
from __future__ import annotations

from dataclasses import replace

from chalicelib.district_file import read_district_file
from chalicelib.handlers.call_steps import RECORD_MARGIN_SECONDS, record_max_seconds
from chalicelib.routing.ivr import OUTAGE_RECORD_SECONDS
from tests.support.demo import DEMO, LINE


def test_a_short_hotline_still_hears_what_the_outage_step_recorded():
    district = read_district_file(DEMO)
    short = replace(district, hotlines=tuple(replace(h, record_max_seconds=30) for h in district.hotlines))
    assert record_max_seconds(short, LINE) == OUTAGE_RECORD_SECONDS + RECORD_MARGIN_SECONDS
    long = replace(district, hotlines=tuple(replace(h, record_max_seconds=300) for h in district.hotlines))
    assert record_max_seconds(long, LINE) == 300 + RECORD_MARGIN_SECONDS
