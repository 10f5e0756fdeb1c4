"""Abuse and repeat callers: the daily cap, the Collector's blocklist, "Is this about your complaint …?"."""
from __future__ import annotations

import threading

import pytest

from chalicelib import settings, wiring
from chalicelib.domain.callers import OverDailyLimit
from chalicelib.domain.district import parse_district
from chalicelib.domain.reconcile import OVER_CAP
from chalicelib.i18n import available_languages
from chalicelib.store.calls import DynamoCallTickets
from chalicelib.store.district_loader import load_district
from chalicelib.store.models import CallModel, TicketModel, TimelineModel
from tests.flows.test_reliability import serialised_moto  # noqa: F401  (a fixture)
from tests.support.fixtures import CALLER, LINE, demo_on, scan_all, signed_post

OTHER = "+919811122233"
CAP_HI = "आप आज इस नंबर से {n} शिकायतें दर्ज कर चुके हैं। कृपया कल फिर कॉल करें।"
BLOCKED_HI = "क्षमा करें, इस नंबर से इस लाइन पर शिकायत नहीं ली जाती। कृपया कलेक्टर कार्यालय से संपर्क करें।"


def _with_callers(**callers: int) -> None:
    """The demo district with other caller limits, loaded as `manage.py load-district` would."""
    raw = demo_on("twilio").raw
    load_district(parse_district({**raw, "callers": {**raw.get("callers", {}), **callers}}, available_languages()))
    wiring.directory().clear()


def _counter(aws, pk: str, sk: str) -> dict:
    return aws["dynamodb"].get_item(TableName=settings.table_name("counters"),
                                    Key={"pk": {"S": pk}, "sk": {"S": sk}}).get("Item", {})


def _spoken(number: str) -> str:
    return f"{' '.join(number[:3])}, {' '.join(number[3:9])}, {' '.join(number[9:])}"


# -- the daily cap --------------------------------------------------------------------------------

def test_the_daily_cap_lets_n_complaints_through_and_the_next_hears_the_cap_with_the_latest_number(hotline, aws):
    _with_callers(complaints_per_day=2)
    first, second = hotline.complaint("3"), hotline.complaint("4")
    day = [c for c in scan_all(aws["dynamodb"], "counters") if c["pk"]["S"] == "DISTRICT#RPR"
           and c["sk"]["S"].startswith("DAY#")]
    before_day, before_open = day[0], _counter(aws, "DISTRICT#RPR", "OPEN")
    cap_key = (f"CALLER#RPR#{CALLER}", f"DAY#{day[0]['sk']['S'][4:]}")
    assert _counter(aws, *cap_key)["value"] == {"N": "2"}

    log = hotline.phone("1|1|3|say:तीसरी शिकायत")

    assert CAP_HI.format(n=2) in log.said
    assert f"आपकी पिछली शिकायत संख्या है {_spoken(second)}।" in log.said
    assert log.ended_by == "hotline" and not any(path.startswith("/twilio/voice/record") for path, _ in log.requests)
    numbers = {item["complaint_number"]["S"] for item in scan_all(aws["dynamodb"], "tickets")}
    assert numbers == {first, second}
    assert _counter(aws, "DISTRICT#RPR", before_day["sk"]["S"]) == before_day  # figures unchanged
    assert _counter(aws, "DISTRICT#RPR", "OPEN") == before_open
    assert _counter(aws, *cap_key)["value"] == {"N": "2"}
    # Another caller is not affected.
    assert "आपकी शिकायत दर्ज हो गई है" in hotline.phone("1|1|3|say:पानी नहीं", caller=OTHER).said[-4]


def test_the_cap_holds_at_the_write_when_a_call_got_past_the_menu(hotline, aws, client):
    _with_callers(complaints_per_day=1)
    only = hotline.complaint("3")
    # A second call that passed the menu while the first was still recording: its Record action arrives now.
    form = {"CallSid": "CA" + "7" * 32, "From": CALLER, "To": LINE, "Direction": "inbound",
            "RecordingSid": "RE" + "7" * 32, "RecordingUrl": "https://api.twilio.com/x/RE7", "RecordingDuration": "9"}
    answer = signed_post(client, "/twilio/voice/record/hi/water/1", form)
    assert answer.status_code == 200
    body = answer.body.decode()
    assert CAP_HI.format(n=1) in body and _spoken(only) in body and "<Hangup" in body
    assert [item["complaint_number"]["S"] for item in scan_all(aws["dynamodb"], "tickets")] == [only]
    # No ticket for that call; its call item says why, so the reconciler leaves its recording alone.
    refused = CallModel.get("CA" + "7" * 32)
    assert (refused.outcome, refused.complaint_number) == (OVER_CAP, None)
    assert DynamoCallTickets().tickets_of(["CA" + "7" * 32]) == {"CA" + "7" * 32: OVER_CAP}


def test_a_complaint_by_whatsapp_counts_at_the_menu_so_the_caller_hears_the_cap_before_recording(hotline, aws):
    from tests.flows.test_chat_intake import _number, hindi_whatsapp_complaint

    _with_callers(complaints_per_day=1)
    by_whatsapp = _number(hindi_whatsapp_complaint(hotline))  # the chat's registration ADDs to the same counter

    log = hotline.phone("1|1|3|say:दूसरी शिकायत")

    assert CAP_HI.format(n=1) in log.said
    assert f"आपकी पिछली शिकायत संख्या है {_spoken(by_whatsapp)}।" in log.said
    assert not any(path.startswith("/twilio/voice/record") for path, _ in log.requests)  # asked for no recording
    assert [item["complaint_number"]["S"] for item in scan_all(aws["dynamodb"], "tickets")] == [by_whatsapp]


def test_console_registrations_are_exempt_from_the_cap(hotline, api):
    _with_callers(complaints_per_day=1)
    hotline.complaint("3")
    answer = api.post("operator.rpr", "/api/tickets", {"caller_phone": CALLER, "category": "water",
                                                       "description": "फिर से, ऑपरेटर के पास"})
    assert answer.status_code == 201, answer.body


def test_two_racing_registrations_at_the_cap_cannot_both_pass(aws, serialised_moto):  # noqa: F811
    from chalicelib.domain.intake import register_call_complaint
    from chalicelib.domain.registration import CallComplaint

    _with_callers(complaints_per_day=3)
    district = wiring.directory().district("RPR")
    store, dispatcher, clock = wiring.ticket_store(), wiring.dispatcher(), wiring.clock()
    passed: list[str] = []
    refused: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def call(n: int) -> None:
        complaint = CallComplaint(call_sid=f"CA{n:032d}", caller_phone=CALLER, line=LINE, language="hi",
                                  category_id="water", recording_sid=f"RE{n:032d}", recording_url="https://x/RE",
                                  recording_duration=9)
        try:
            result = register_call_complaint(complaint, district, store, dispatcher, clock, capped=True)
        except OverDailyLimit:
            with lock:
                refused.append(n)
            return
        except BaseException as error:  # collected: a thread's exception must fail the test
            errors.append(error)
            return
        with lock:
            passed.append(result.complaint_number)

    threads = [threading.Thread(target=call, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(passed) == 3 and len(refused) == 5
    assert len(scan_all(aws["dynamodb"], "tickets")) == 3


# -- the blocklist --------------------------------------------------------------------------------

def test_the_blocklist_is_managed_by_the_collector_and_a_blocked_caller_hears_the_message(hotline, api, aws):
    path = f"/api/districts/RPR/blocklist/{CALLER[1:]}"  # E.164 without its +
    assert api.put("collector.rpr", f"/api/districts/RPR/blocklist/%2B{CALLER[1:]}", {}).status_code == 400
    assert api.put("collector.bsp", path, {"reason": "x"}).status_code == 403  # another district's Collector
    assert api.put("operator.rpr", path, {"reason": "x"}).status_code == 403  # an operator
    assert api.get("officer.water.l1", "/api/districts/RPR/blocklist").status_code == 403

    saved = api.put("collector.rpr", path, {"reason": "दिन में पचास गाली वाले कॉल"})
    assert saved.status_code == 200, saved.body
    assert saved.json["phone"] == CALLER and saved.json["by"] == "collector.rpr"
    [entry] = api.get("collector.rpr", "/api/districts/RPR/blocklist").json["items"]
    assert (entry["phone"], entry["reason"]) == (CALLER, "दिन में पचास गाली वाले कॉल")
    audit = api.get("collector.rpr", "/api/districts/RPR/audit").json["items"]
    assert audit[0]["section"] == "blocklist" and CALLER in audit[0]["summary"] and audit[0]["by"] == "collector.rpr"
    assert api.get("state.admin", "/api/districts/RPR/blocklist").json["items"] == [entry]

    log = hotline.phone("1|1|3|say:फिर से")

    assert BLOCKED_HI in log.said and log.ended_by == "hotline"
    assert [path for path, _ in log.requests] == ["/twilio/voice/incoming", "/twilio/voice/status"]
    assert scan_all(aws["dynamodb"], "tickets") == [] and scan_all(aws["dynamodb"], "outbox") == []
    assert hotline.twilio.requests == []  # no SMS, no callback

    removed = api.call("collector.rpr", "DELETE", path)
    assert removed.status_code == 200 and removed.json == {"phone": CALLER, "removed": True}
    again = api.call("collector.rpr", "DELETE", path)
    assert again.json == {"phone": CALLER, "removed": False}
    assert "आपकी शिकायत दर्ज हो गई है" in hotline.phone("1|1|3|say:पानी नहीं").said[-4]


def test_is_blocked_reads_the_cached_list(aws, api):
    from chalicelib.handlers.caller_checks import is_blocked

    district = wiring.directory().district("RPR")
    assert not is_blocked(district, CALLER)
    assert api.put("collector.rpr", f"/api/districts/RPR/blocklist/{CALLER[1:]}", {}).status_code == 200
    assert is_blocked(district, CALLER) and not is_blocked(district, OTHER)


# -- the repeat caller ----------------------------------------------------------------------------

def test_a_repeat_caller_pressing_1_adds_a_note_to_the_open_complaint_and_no_ticket(hotline, api, aws, client):
    number = hotline.complaint("3")

    log = hotline.phone("1|1|1|say:नल अब भी खराब है, आज पानी बिल्कुल नहीं आया")

    assert f"क्या यह आपकी शिकायत {_spoken(number)} के बारे में है? उसमें जोड़ने के लिए 1 दबाएँ। नई शिकायत के लिए " \
           "2 दबाएँ।" in log.said
    assert f"आपकी बात शिकायत {_spoken(number)} में जोड़ दी गई है। अधिकारी इसे सुनेंगे।" in log.said
    assert [item["complaint_number"]["S"] for item in scan_all(aws["dynamodb"], "tickets")] == [number]
    notes = [e for e in TimelineModel.query(number) if e.action == "note"]
    assert len(notes) == 1
    note = notes[0]
    assert (note.actor_type, note.actor_id, note.channel) == ("citizen", CALLER, "ivr")
    assert note.detail["recording_sid"] == log.recording_sid and note.detail["call_sid"] == log.call_sid
    assert note.detail["recording_url"].endswith(log.recording_sid)
    assert CallModel.get(log.call_sid).outcome == "note"

    # A retried Record webhook (same CallSid and RecordingSid) adds nothing.
    form = {"CallSid": log.call_sid, "From": CALLER, "To": LINE, "Direction": "inbound",
            "RecordingSid": log.recording_sid, "RecordingUrl": note.detail["recording_url"],
            "RecordingDuration": str(note.detail["recording_duration"])}
    again = signed_post(client, f"/twilio/voice/add-note/hi/{number}/1", form)
    assert again.status_code == 200 and "जोड़ दी गई है" in again.body.decode()
    assert len([e for e in TimelineModel.query(number) if e.action == "note"]) == 1

    # The officer sees it on the ticket page.
    ticket = api.get("officer.water.l1", f"/api/tickets/{number}").json
    [seen] = [e for e in ticket["timeline"] if e["action"] == "note"]
    assert seen["actor_type"] == "citizen" and seen["detail"]["recording_sid"] == log.recording_sid


def test_a_repeat_caller_pressing_2_registers_a_new_complaint(hotline, aws):
    number = hotline.complaint("3")
    log = hotline.phone("1|1|2|4|say:बिजली भी नहीं है")
    assert any("क्या यह आपकी शिकायत" in said for said in log.said)
    assert "आपकी शिकायत दर्ज हो गई है" in log.said[-4]
    numbers = {item["complaint_number"]["S"] for item in scan_all(aws["dynamodb"], "tickets")}
    assert len(numbers) == 2 and number in numbers
    assert [e.action for e in TimelineModel.query(number) if e.action != "message"] == ["registered"]


def test_a_complaint_outside_the_repeat_window_is_not_offered(hotline, aws, clock):
    from datetime import timedelta

    hotline.complaint("3")
    clock.advance(timedelta(days=8))  # the demo district's window is 7 days
    log = hotline.phone("1|1|4|say:बिजली नहीं है")
    assert not any("क्या यह आपकी शिकायत" in said for said in log.said)
    assert len(scan_all(aws["dynamodb"], "tickets")) == 2


def test_another_callers_ticket_takes_no_note(hotline, client):
    number = hotline.complaint("3")
    version = TicketModel.get(number).version
    form = {"CallSid": "CA" + "8" * 32, "From": OTHER, "To": LINE, "Direction": "inbound",
            "RecordingSid": "RE" + "8" * 32, "RecordingUrl": "https://api.twilio.com/x/RE8", "RecordingDuration": "9"}
    answer = signed_post(client, f"/twilio/voice/add-note/hi/{number}/1", form)
    assert "<Hangup" in answer.body.decode()  # the spoken apology; nothing written
    assert [e.action for e in TimelineModel.query(number) if e.action != "message"] == ["registered"]
    assert TicketModel.get(number).version == version


@pytest.mark.parametrize("bad", ["RPR123", "BSP2612010001"])
def test_a_repeat_step_with_a_bad_or_foreign_number_is_refused(hotline, client, bad):
    form = {"CallSid": "CA" + "9" * 32, "From": CALLER, "To": LINE, "Direction": "inbound", "Digits": "1"}
    answer = signed_post(client, f"/twilio/voice/repeat/hi/{bad}/1", form)
    assert "<Hangup" in answer.body.decode() and "<Record" not in answer.body.decode()
