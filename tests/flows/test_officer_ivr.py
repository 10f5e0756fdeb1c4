"""The officers' IVR end to end, once per carrier: an officer phones the hotline from their registered phone,
presses star, keys their PIN and acts on their complaints by keypad — through the call emulator playing that
carrier's protocol, and through signed webhooks for the races and replays a call cannot be made to play."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from chalicelib.domain.clock import parse_iso
from chalicelib.domain.officer_pins import pin_matches
from chalicelib.domain.registration import CallComplaint, build_call_registration
from chalicelib.store.models import CallModel, DirectoryModel, LinkAttemptModel, TicketModel, TimelineModel
from tests.support.demo import CALLER, CARRIERS, LINE, demo_on, give_demo_pins

pytestmark = pytest.mark.parametrize("demo_carrier", CARRIERS, indirect=True)

WATER_L1, WATER_L2 = "+919000000301", "+919000000302"  # examples/raipur.yaml: the water department's officers
OFFER = {"hi": "अधिकारी स्टार दबाएँ। बाकी सभी लाइन पर बने रहें।"}


@pytest.fixture
def district(aws, demo_carrier):
    from chalicelib.store.officer_pins import DynamoOfficerPins

    demo = demo_on(demo_carrier)
    give_demo_pins(DynamoOfficerPins(), demo)
    return demo


@pytest.fixture
def complaint(district, clock, webhooks):
    """A water complaint with its recording in the carrier's shape, registered now; its number."""
    from chalicelib.store.tickets import DynamoTicketStore

    def register(sequence: int = 1, description: str | None = None) -> str:
        sid = webhooks.recording_sid(str(sequence))
        made = CallComplaint(call_sid=webhooks.call_sid(str(sequence)), caller_phone=CALLER, line=LINE,
                             language="hi", category_id="water", recording_sid=sid,
                             recording_url=webhooks.recording_url(sid), recording_duration=20)
        registration = build_call_registration(made, district, sequence, clock)
        if description:
            from dataclasses import replace

            registration = replace(registration, ticket=replace(registration.ticket, description=description))
        DynamoTicketStore().register(registration)
        return registration.ticket.complaint_number

    return register


def _spoken(number: str) -> str:
    from chalicelib.routing.officer_ivr import spoken_number

    return spoken_number(number)


def _entries(number: str) -> list[TimelineModel]:
    return list(TimelineModel.query(number))


def test_an_officer_acknowledges_by_keypad_and_the_timeline_says_voice(district, complaint, phone, clock):
    number = complaint(description="हैंडपंप दस दिन से खराब है")
    log = phone("*|1234|1", caller=WATER_L1)

    assert all(status == 200 for _, status in log.requests), log.requests
    assert log.said[0] == OFFER["hi"]
    assert "नमस्ते Sub Engineer PHE। खुली शिकायतें: 1। आपके निर्णय के लिए अनुरोध: 0।" in log.said
    heard = next(words for words in log.said if words.startswith("शिकायत क्रमांक"))
    assert _spoken(number) in heard and "लोक स्वास्थ्य" not in heard  # the category's name, not the department's
    assert "घंटे बाकी" in heard  # time left on the level's clock
    assert "शिकायत में लिखा है: हैंडपंप दस दिन से खराब है" in log.said
    assert "स्वीकार कर ली गई।" in log.said and log.said[-1] == "अभी के लिए इतना ही। धन्यवाद।"

    ticket = TicketModel.get(number)
    assert ticket.status == "acknowledged" and ticket.version == 2
    entry = _entries(number)[-1]
    assert (entry.actor_type, entry.actor_id, entry.action, entry.channel) == ("officer", WATER_L1, "acknowledged",
                                                                            "voice")
    from chalicelib.store.calls import DynamoCallTickets

    assert CallModel.get(log.call_sid).outcome == "officer_call"
    assert DynamoCallTickets().tickets_of([log.call_sid]) == {log.call_sid: "officer_call"}  # the reconciler skips it


def test_resolved_with_a_spoken_remark_keeps_the_recording_as_evidence(district, complaint, phone, pump,
                                                                      carrier_out):
    number = complaint()
    log = phone("*|1234|2|say:हैंडपंप ठीक कर दिया गया", caller=WATER_L1)

    assert "निराकरण दर्ज हो गया। नागरिक से उनकी राय पूछी जाएगी।" in log.said
    ticket = TicketModel.get(number)
    assert ticket.status == "resolved"
    entry = _entries(number)[-1]
    assert (entry.action, entry.channel, entry.actor_id) == ("resolved", "voice", WATER_L1)
    assert log.recording_sid in entry.detail["recording_url"]  # the carrier's URL of the remark just spoken
    assert entry.detail["remark"] == "अधिकारी ने की गई कार्रवाई फ़ोन पर दर्ज की"
    pump.drain_once()
    [sms] = carrier_out.sms(to=CALLER)  # the citizen hears of it as from any other channel
    assert number in sms.body


def test_more_time_by_keypad_then_the_level_above_approves_by_phone(district, complaint, phone, clock):
    number = complaint()
    due = TicketModel.get(number).level_due_at
    log = phone("*|1234|3|5|silence", caller=WATER_L1)
    assert "5 दिन और का आपका अनुरोध वरिष्ठ अधिकारी को भेज दिया गया।" in log.said
    pending = TicketModel.get(number).pending
    assert (pending["kind"], pending["days"], pending["reason"], pending["by"]) == (
        "extension", 5, "फ़ोन से अनुरोध", WATER_L1)

    senior = phone("*|1234|1", caller=WATER_L2)
    assert "नमस्ते Executive Engineer PHE। खुली शिकायतें: 0। आपके निर्णय के लिए अनुरोध: 1।" in senior.said
    request = next(words for words in senior.said if words.startswith("शिकायत क्रमांक"))
    assert "Sub Engineer PHE ने 5 दिन और माँगे हैं" in request and "कारण: फ़ोन से अनुरोध" in request
    assert "स्वीकृत। Sub Engineer PHE को बता दिया जाएगा।" in senior.said
    ticket = TicketModel.get(number)
    assert ticket.pending is None
    assert parse_iso(ticket.level_due_at) == parse_iso(due) + timedelta(days=5)
    actions = [(e.action, e.channel, e.actor_id) for e in _entries(number)]
    assert actions[-2:] == [("extension_requested", "voice", WATER_L1), ("extension_approved", "voice", WATER_L2)]


def test_transfer_through_the_department_menu(district, complaint, phone):
    number = complaint()
    log = phone("*|1234|4|3", caller=WATER_L1)  # water's menu: health 1, food 2, electricity 3, …
    menu = next(words for words in log.said if words.startswith("किस विभाग को भेजना है?"))
    assert "विद्युत विभाग के लिए 3 दबाएँ।" in menu and "लोक स्वास्थ्य यांत्रिकी विभाग" not in menu
    assert "विद्युत विभाग को भेज दी गई।" in log.said
    ticket = TicketModel.get(number)
    assert (ticket.department, ticket.level, ticket.status) == ("electricity", "L1", "registered")
    assert _entries(number)[-1].channel == "voice"


def test_the_recording_is_played_on_request(district, complaint, phone, webhooks):
    number = complaint()
    log = phone("*|1234|5|9", caller=WATER_L1)
    played = [words for words in log.said if words.startswith("<play ")]
    assert played and webhooks.recording_sid("1") in played[0]
    assert TicketModel.get(number).version == 1  # listening changes nothing


def test_a_key_that_means_nothing_repeats_the_menu(district, complaint, phone):
    number = complaint()
    log = phone("*|1234|7|-|9", caller=WATER_L1)
    assert log.said.count("यह सही विकल्प नहीं है।") == 1 and log.said.count("हमें आपका जवाब नहीं मिला।") == 1
    assert sum(1 for words in log.said if words.startswith("शिकायत क्रमांक")) == 3  # asked, again, again
    assert log.said[-1] == "अभी के लिए इतना ही। धन्यवाद।"
    assert TicketModel.get(number).version == 1


def test_three_wrong_pins_end_the_call_politely_and_are_logged(district, complaint, phone, caplog):
    number = complaint()
    with caplog.at_level(logging.INFO, logger="chalicelib.handlers.officer_ivr"):
        log = phone("*|1111|2222|3333|1", caller=WATER_L1)
    assert log.said.count("यह पिन सही नहीं है।") == 2
    assert log.said[-1].startswith("तीन बार गलत पिन डाला गया।") and log.ended_by == "hotline"
    assert any("wrong PIN three times" in record.getMessage() for record in caplog.records)
    assert LinkAttemptModel.get(f"pin-tries#RPR#{WATER_L1}").failures == 3  # counted across calls too
    assert TicketModel.get(number).version == 1

    phone("*|1111|2222|3333", caller=WATER_L1)
    locked = phone("*|1234", caller=WATER_L1)  # six wrong in the hour: even the right PIN waits
    assert locked.said[-1].startswith("इस फ़ोन से बहुत बार गलत पिन डाला गया।")


def test_a_citizens_phone_hears_the_citizens_ivr_and_an_officer_may_stay_on_the_line(district, phone):
    citizen = phone("hangup")
    assert OFFER["hi"] not in citizen.said and citizen.said
    officer = phone("-|hangup", caller=WATER_L1)  # nothing pressed at the offer: the citizens' welcome follows
    assert officer.said[0] == OFFER["hi"]
    assert officer.said[1:] == citizen.said


def test_an_officers_own_line_asks_the_pin_at_once(aws, demo_carrier, phone):
    from chalicelib.district_file import read_yaml
    from chalicelib.domain.district import parse_district
    from chalicelib.i18n import available_languages
    from chalicelib.store.district_loader import load_district
    from chalicelib.store.officer_pins import DynamoOfficerPins
    from tests.support.demo import DEMO

    data = read_yaml(DEMO)
    for hotline in data["hotlines"]:
        hotline["carrier"], hotline["accept_international_caller_id"] = demo_carrier, True
    data["hotlines"].append({"id": "officers", "lines": ["+919977222700"], "purpose": "officers",
                             "carrier": demo_carrier})
    data["sms_sender"] = {"from": "+919977222500", "accept_no_sms_replies": True} if demo_carrier == "twilio" \
        else {**data["sms_sender"], "accept_no_sms_replies": True}
    with_line = parse_district(data, available_languages())
    load_district(with_line)
    give_demo_pins(DynamoOfficerPins(), with_line)
    assert with_line.officers_line == "+919977222700"

    log = phone("1234", caller=WATER_L1, line="+919977222700")
    assert log.said[0] == "अधिकारी लाइन। अपना पिन दबाएँ, फिर हैश दबाएँ।"
    assert log.said[-1] == "आपकी कोई शिकायत खुली नहीं है और कोई अनुरोध निर्णय के लिए नहीं है। धन्यवाद।"


# -- races and replays, through signed webhooks ---------------------------------------------------------------

def _session(district, phone_number: str, call_sid: str) -> str:
    from chalicelib.handlers.officer_ivr import session_of

    return session_of(district, phone_number, call_sid)


def _key(webhooks, district, call_sid: str, number: str, digits: str, kind: str = "complaint",
         officer: str = WATER_L1):
    session = _session(district, officer, call_sid)
    return webhooks.post(f"/voice/officer/key/{session}/0/{kind}/{number}/1", {
        "CallSid": call_sid, "From": officer, "To": LINE, "Direction": "inbound", "CallStatus": "in-progress",
        "Digits": digits})


def test_a_replayed_webhook_changes_nothing_twice(district, complaint, webhooks):
    number = complaint()
    call = webhooks.call_sid("a")
    first = _key(webhooks, district, call, number, "1")
    assert first.status_code == 200 and "स्वीकार कर ली गई।" in first.body.decode()
    again = _key(webhooks, district, call, number, "1")
    assert "यह शिकायत पहले ही स्वीकार हो चुकी है।" in again.body.decode()
    assert TicketModel.get(number).version == 2
    assert [e.action for e in _entries(number)].count("acknowledged") == 1

    session, sid = _session(district, WATER_L1, call), webhooks.recording_sid("f")
    remark = {"CallSid": call, "From": WATER_L1, "To": LINE, "Direction": "inbound", "CallStatus": "in-progress",
              "RecordingSid": sid, "RecordingUrl": webhooks.recording_url(sid), "RecordingDuration": "4"}
    resolved = webhooks.post(f"/voice/officer/resolve/{session}/0/{number}/1", remark)
    assert "निराकरण दर्ज हो गया।" in resolved.body.decode()
    replayed = webhooks.post(f"/voice/officer/resolve/{session}/0/{number}/1", remark)
    assert "यह शिकायत अब खुली नहीं है। कुछ नहीं बदला गया।" in replayed.body.decode()
    assert TicketModel.get(number).version == 3
    assert [e.action for e in _entries(number)].count("resolved") == 1


def test_an_action_another_officer_made_first_is_said_so_and_changes_nothing(district, complaint, webhooks, clock):
    from chalicelib.domain.commit import commit
    from chalicelib.domain.lifecycle import Actor, Lifecycle
    from chalicelib.events.outbox import OutboxDispatcher
    from chalicelib.store.tickets import DynamoTicketStore

    number = complaint()
    store = DynamoTicketStore()
    console = Actor("officer", "water.l1", "console", (("water", "L1"),))
    assert commit(Lifecycle(district, clock.now()).resolve(store.get(number), console, "repaired"), store,
                  OutboxDispatcher())
    late = _key(webhooks, district, webhooks.call_sid("b"), number, "1")
    assert "किसी और अधिकारी ने पहले ही कार्रवाई कर दी: यह शिकायत अब खुली नहीं है। कुछ नहीं बदला गया।" in \
        late.body.decode()
    ticket = TicketModel.get(number)
    assert (ticket.status, ticket.version) == ("resolved", 2)


def test_a_step_without_this_calls_pin_is_refused(district, complaint, webhooks):
    number = complaint()
    forged = webhooks.post(f"/voice/officer/key/{_session(district, WATER_L1, webhooks.call_sid('c'))}/0/complaint/"
                           f"{number}/1", {"CallSid": webhooks.call_sid("d"), "From": WATER_L1, "To": LINE,
                                           "Direction": "inbound", "CallStatus": "in-progress", "Digits": "1"})
    assert forged.status_code == 200 and "स्वीकार" not in forged.body.decode()  # the spoken apology
    assert TicketModel.get(number).version == 1
    unsigned = webhooks.post("/voice/officer/pin/1", {"CallSid": webhooks.call_sid("e"), "From": WATER_L1,
                                                       "To": LINE, "Digits": "1234"}, signature="forged")
    assert unsigned.status_code == 403



# -- the console sets PINs ---------------------------------------------------------------------------------------

def test_an_officer_sets_their_own_pin_in_the_console_and_the_collector_resets_one(district, complaint, api, phone):
    set_own = api.call("officer.water.l1", "PUT", "/api/me/pin", {"pin": "5678"})
    assert set_own.status_code == 200 and set_own.json["phone"] == WATER_L1
    kept = DirectoryModel.get("DISTRICT#RPR", f"PIN#{WATER_L1}").pin_hash
    assert kept.startswith("pbkdf2_sha256$") and pin_matches("5678", kept)  # the hash, never the digits
    number = complaint()
    assert "स्वीकार कर ली गई।" in phone("*|5678|1", caller=WATER_L1).said
    assert TicketModel.get(number).status == "acknowledged"

    reset = api.call("collector.rpr", "PUT", "/api/districts/RPR/officer-pins/919000000302", {"pin": "2468"})
    assert reset.status_code == 200 and reset.json["by"] == "collector.rpr"
    assert "आपके निर्णय के लिए अनुरोध: 0।" in " ".join(phone("*|2468", caller=WATER_L2).said)

    assert api.call("operator.rpr", "PUT", "/api/districts/RPR/officer-pins/919000000302",
                    {"pin": "2468"}).status_code == 403
    assert api.call("officer.water.l1", "PUT", "/api/me/pin", {"pin": "12"}).status_code == 400
    stranger = api.call("collector.rpr", "PUT", "/api/districts/RPR/officer-pins/919812345678", {"pin": "2468"},
                        headers={"Accept-Language": "hi"})
    assert stranger.status_code == 422 and stranger.json["error"]["message"] == \
        "+919812345678 इस जिले के किसी अधिकारी का फ़ोन नहीं है।"


def test_make_run_gives_every_demo_officer_the_pin_1234(aws, demo_carrier):
    from chalicelib.local.provision import DEMO_PIN
    from chalicelib.local.provision import give_demo_pins as make_run_pins
    from chalicelib.store.officer_pins import DynamoOfficerPins

    demo = demo_on(demo_carrier)
    assert DEMO_PIN == "1234" and make_run_pins(demo) == len(demo.officer_phones())
    pins = DynamoOfficerPins()
    assert all(pin_matches("1234", pins.pin_hash("RPR", phone)) for phone in demo.officer_phones())
