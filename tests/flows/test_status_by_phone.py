"""Status by phone: the main menu's 2 reads the caller's open complaints, or the one whose number they key."""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.clock import IST
from chalicelib.store.models import TicketModel
from tests.support.fixtures import CALLER, scan_all

HINDI_MONTHS = ["जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर",
                "दिसंबर"]
OTHER = "+919811122233"
WITHHELD = "+266696687"


def _digit_by_digit(number: str) -> str:
    return f"{' '.join(number[:3])}, {' '.join(number[3:9])}, {' '.join(number[9:])}"


def _hindi_date(iso_time: str) -> str:
    due = datetime.fromisoformat(iso_time.replace("Z", "+00:00")).astimezone(IST)
    return f"{due.day} {HINDI_MONTHS[due.month - 1]} {due.year}"


def test_status_by_caller_id_in_hindi_reads_numbers_digit_by_digit_with_the_expected_date(hotline, clock):
    first = hotline.complaint("3")  # water
    clock.advance(timedelta(minutes=5))
    second = hotline.complaint("1")  # health
    older_ticket = TicketModel.get(first)

    log = hotline.phone("1|2|hangup")

    said = " ".join(log.said)
    assert "आपकी खुली शिकायतें:" in log.said
    # Newest first, each number in its groups, digit by digit, with its status in words and its date.
    newest = log.said.index(f"शिकायत संख्या {_digit_by_digit(second)}: दर्ज है, अधिकारी के पास भेजी गई है।")
    older = log.said.index(f"शिकायत संख्या {_digit_by_digit(first)}: दर्ज है, अधिकारी के पास भेजी गई है।")
    assert newest < older
    assert log.said[newest + 1] == f"संभावित तारीख {_hindi_date(TicketModel.get(second).sla_due_at)}।"
    assert log.said[older + 1] == f"संभावित तारीख {_hindi_date(older_ticket.sla_due_at)}।"
    assert "नई शिकायत दर्ज करने के लिए 1 दबाएँ। कोई शिकायत संख्या डालने के लिए 2 दबाएँ।" in said
    assert all(status == 200 for _, status in log.requests), log.requests
    assert [path for path, _ in log.requests][:3] == ["/twilio/voice/incoming", "/twilio/voice/language/1",
                                                      "/twilio/voice/menu/hi/1"]


def test_at_most_three_open_complaints_are_read_and_closed_ones_are_not(hotline, api, clock):
    numbers = []
    for _ in range(4):
        numbers.append(api.post("operator.rpr", "/api/tickets", {
            "caller_phone": CALLER, "category": "water", "description": "नल खराब"}).json["complaint_number"])
        clock.advance(timedelta(minutes=1))
    log = hotline.phone("1|2|hangup")
    read = [n for n in numbers if any(_digit_by_digit(n) in said for said in log.said)]
    assert read == numbers[1:]  # the newest three


def test_status_by_keyed_number_speaks_status_and_date_only(hotline):
    number = hotline.complaint("3")  # from CALLER
    digits = number[3:]

    log = hotline.phone(f"1|2|2|{digits}|hangup", caller=OTHER)  # someone else: none under their caller ID

    assert "आपके नंबर से कोई खुली शिकायत नहीं मिली।" in log.said
    assert any("शिकायत संख्या के अंक" in said for said in log.said)
    assert f"शिकायत संख्या {_digit_by_digit(number)}: दर्ज है, अधिकारी के पास भेजी गई है।" in log.said
    assert f"संभावित तारीख {_hindi_date(TicketModel.get(number).sla_due_at)}।" in log.said
    assert not any(CALLER[-4:] in said or "राम" in said for said in log.said)  # nothing about the caller


def test_an_english_caller_hears_it_in_english(hotline):
    number = hotline.complaint("3")
    log = hotline.phone("2|2|hangup")
    assert "Your open complaints:" in log.said
    assert f"Complaint number {_digit_by_digit(number)}: registered, waiting for the officer." in log.said
    assert any(said.startswith("Expected by ") for said in log.said)


def test_no_complaints_asks_for_the_number_and_a_wrong_number_is_told_clearly(hotline, aws):
    log = hotline.phone("1|2|9912319999|hangup", caller=OTHER)
    assert "आपके नंबर से कोई खुली शिकायत नहीं मिली।" in log.said
    assert "इस ज़िले में शिकायत संख्या 9 9 1 2 3 1 9 9 9 9 नहीं मिली।" in log.said
    assert any("शिकायत संख्या के अंक" in said for said in log.said[-2:])  # asked again
    assert scan_all(aws["dynamodb"], "tickets") == []


def test_three_wrong_numbers_end_the_call(hotline):
    log = hotline.phone("1|2|1|2|3", caller=OTHER)
    assert log.said.count("इस ज़िले में शिकायत संख्या 1 नहीं मिली।") == 1
    assert log.said[-1] == "धन्यवाद। नमस्कार।" and log.ended_by == "hotline"


def test_a_withheld_caller_id_goes_straight_to_keying_the_number(hotline):
    number = hotline.complaint("3")
    log = hotline.phone(f"1|2|{number[3:]}|hangup", caller=WITHHELD)
    assert "आपके नंबर से कोई खुली शिकायत नहीं मिली।" not in log.said
    assert f"शिकायत संख्या {_digit_by_digit(number)}: दर्ज है, अधिकारी के पास भेजी गई है।" in log.said


def test_after_the_status_one_registers_a_new_complaint(hotline, aws):
    first = hotline.complaint("3")
    # Status, then 1: a new complaint; the open one is offered first (2: a new one), then the categories.
    log = hotline.phone("1|2|1|2|4|say:बिजली नहीं है")
    assert "आपकी शिकायत दर्ज हो गई है" in log.said[-4]
    assert len(scan_all(aws["dynamodb"], "tickets")) == 2
    assert first in {item["complaint_number"]["S"] for item in scan_all(aws["dynamodb"], "tickets")}


def test_a_wrong_key_at_the_main_menu_is_asked_again(hotline):
    log = hotline.phone("1|7|-|hangup")
    assert log.said.count("नई शिकायत दर्ज करने के लिए 1 दबाएँ। अपनी शिकायतों की स्थिति जानने के लिए 2 दबाएँ।") == 3
    assert "यह सही विकल्प नहीं है।" in log.said and "हमें आपका जवाब नहीं मिला।" in log.said
