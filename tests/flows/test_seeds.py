"""The seeds' call centres as `make run` loads them (examples/*.yaml), each driven the way its report describes
it, through signed webhooks, the carriers' calls and the sweeper on the clock. Janjgir-Champa's kinds are
tests/flows/test_kinds.py's, Gurugram's registration too; Rajgarh under 181 is
tests/flows/test_state_executives.py's; Raipur's food emergency tests/flows/test_emergencies.py's."""
from __future__ import annotations

import pytest

from chalicelib.district_file import read_yaml
from chalicelib.domain.district import parse_district
from chalicelib.i18n import available_languages
from chalicelib.store.district_loader import load_district
from chalicelib.store.models import TicketModel
from tests.support.fixtures import ROOT, scan_all

BSP_LINE = "+919977223005"  # the fifth of Bilaspur's eight numbers
COLLECTORS_MESSAGE = "https://audio.example.gov.in/bilaspur/collector.mp3"
CITIZEN = "+919812377010"


@pytest.fixture
def bilaspur(aws):
    """examples/bilaspur.yaml as it is, with the Collector's recorded message on its eight lines."""
    data = read_yaml(ROOT / "examples" / "bilaspur.yaml")
    data["transcription"] = {"enabled": False}
    data["hotlines"][0]["greeting_audio_url"] = COLLECTORS_MESSAGE
    load_district(parse_district(data, available_languages()))


def test_bilaspur_cuts_the_call_calls_back_with_the_collectors_message_and_takes_a_treatment_emergency(
        hotline, aws, bilaspur):
    rejected = hotline.phone("", caller=CITIZEN, line=BSP_LINE)
    assert rejected.ended_by == "busy" and rejected.said == []  # cut unanswered: free for the caller
    hotline.advance(seconds=30)  # the sweeper calls back from the same number
    [callback] = hotline.outbound.calls(to=CITIZEN)
    assert callback.caller_id == BSP_LINE
    answered = hotline.answer_call("1|1|9|2|say:मां को दवा नहीं मिल रही, अस्पताल बंद है, वार्ड नौ", to=CITIZEN)
    assert answered.said[0] == f"<play {COLLECTORS_MESSAGE}>"  # the Collector's message first
    assert "आपात स्थिति में, अनाज और राशन, इलाज और दवाई के लिए, 9 दबाएँ।" in answered.said
    [ticket] = [t for t in scan_all(aws["dynamodb"], "tickets") if t["caller_phone"]["S"] == CITIZEN]
    number = ticket["complaint_number"]["S"]
    stored = TicketModel.get(number)
    assert (stored.district, stored.line, stored.category, stored.urgency) == ("BSP", BSP_LINE, "health",
                                                                               "emergency")
    hotline.deliver()
    [sms] = hotline.sms_bodies(CITIZEN)  # the complaint number (and the date it carries) by SMS
    assert number in sms
    hotline.advance(minutes=1)  # and the treatment emergency rings its officer
    assert [c.to for c in hotline.outbound.calls() if "/voice/ring/" in c.answer_url] == ["+919100000601"]
