"""Missed calls and office hours, driven as each carrier drives them: signed webhooks, the sweeper on the clock,
the callback placed through the carrier's real SDK client (recorded), answered by the call simulator playing that
carrier."""
from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib import settings
from chalicelib.domain.clock import IST
from tests.flows.test_least_privilege import requests_by_function  # noqa: F401 - a fixture used below
from tests.support.fixtures import CARRIERS, scan_all

pytestmark = pytest.mark.parametrize("demo_carrier", CARRIERS, indirect=True)

MISSED = "+919977222600"  # examples/raipur.yaml: hotline missed_call
OFFICE = "+919977222610"  # hotline office: Mon-Fri 10:00-18:00, after hours record or callback
BASE = settings.public_base_url()


def _set_time(clock, at: datetime) -> None:
    clock.advance(at - clock.now())


def _callbacks(aws) -> list[dict]:
    return [item for item in scan_all(aws["dynamodb"], "callbacks") if not item["key"]["S"].startswith("CAP#")]


def _tickets(aws, caller: str) -> list[dict]:
    return [item for item in scan_all(aws["dynamodb"], "tickets") if item["caller_phone"]["S"] == caller]


def _assert_the_carriers_call_request(hotline, caller: str, call_sid: str) -> None:
    """The callback as the carrier's API took it (the SDK's request, not our reading of it)."""
    at = f"{BASE}/{hotline.carrier}/voice"
    if hotline.carrier == "twilio":
        [placed] = hotline.twilio.calls()
        account = settings.twilio_account_sid()
        assert placed.method == "POST"
        assert placed.url == f"https://api.twilio.com/2010-04-01/Accounts/{account}/Calls.json"
        assert placed.data == {
            "To": caller, "From": MISSED, "Url": f"{at}/callback/{call_sid}", "Method": "POST",
            "StatusCallback": f"{at}/callback-status/{call_sid}/1", "StatusCallbackMethod": "POST",
            "StatusCallbackEvent": ["completed"], "Timeout": 30}
        assert placed.auth == (account, settings.twilio_auth_token())
    else:
        [placed] = hotline.plivo.calls()
        assert placed.path == f"/v1/Account/{settings.plivo_auth_id()}/Call/"
        ours = {"from": MISSED.lstrip("+"), "to": caller.lstrip("+"), "answer_url": f"{at}/callback/{call_sid}",
                "answer_method": "POST", "hangup_url": f"{at}/callback-status/{call_sid}/1", "hangup_method": "POST",
                "ring_timeout": 30}
        assert {name: placed.body.get(name) for name in ours} == ours  # beside the SDK's own defaults


def test_missed_call_is_rejected_then_called_back_into_the_ivr(hotline, aws):
    caller = "+919811100001"
    log = hotline.phone("", caller=caller, line=MISSED)
    assert log.ended_by == "busy" and log.said == []  # rejected unanswered: nothing played, nothing billed
    at = f"/{hotline.carrier}"
    assert log.requests == [(f"{at}/voice/incoming", 200), (f"{at}/voice/status", 200)]
    [request] = _callbacks(aws)
    assert (request["key"]["S"], request["caller_phone"]["S"], request["line"]["S"]) == (log.call_sid, caller, MISSED)
    assert hotline.outbound.calls() == []  # written before the Reject; placed by the sweeper

    hotline.advance(seconds=30)
    [placed] = hotline.outbound.calls()
    assert (placed.to, placed.caller_id) == (caller, MISSED)
    assert placed.answer_url == f"{BASE}{at}/voice/callback/{log.call_sid}"
    assert placed.status_url == f"{BASE}{at}/voice/callback-status/{log.call_sid}/1"
    _assert_the_carriers_call_request(hotline, caller, log.call_sid)

    answered = hotline.answer_feedback_call("1|1|3|say:हैंडपंप खराब है, वार्ड पाँच")  # the citizen picks up
    assert answered.said[0] == "रायपुर जिला प्रशासन की शिकायत सेवा में आपका स्वागत है।"
    [ticket] = _tickets(aws, caller)
    assert (ticket["caller_phone"]["S"], ticket["line"]["S"]) == (caller, MISSED)
    assert any(ticket["complaint_number"]["S"][3:] in said.replace(" ", "").replace(",", "")
               for said in answered.said)
    [request] = _callbacks(aws)
    assert request["state"]["S"] == "answered" and "due_at" not in request
    hotline.advance(minutes=30)
    assert len(hotline.outbound.calls()) == 1  # answered: never called again


def test_an_unanswered_callback_is_tried_again_after_retry_minutes_up_to_tries(hotline, aws):
    caller = "+919811100002"
    log = hotline.phone("", caller=caller, line=MISSED)
    hotline.advance(seconds=30)
    for n in (1, 2, 3):  # the demo's policy: 3 tries, 10 minutes apart
        assert len(hotline.outbound.calls(to=caller)) == n
        assert hotline.outbound.calls()[-1].status_url.endswith(f"/callback-status/{log.call_sid}/{n}")
        hotline.answer_feedback_call(None)  # rings out: no-answer
        hotline.advance(minutes=9)
        assert len(hotline.outbound.calls(to=caller)) == n  # not before retry_minutes
        hotline.advance(minutes=1)
    assert len(hotline.outbound.calls(to=caller)) == 3
    hotline.advance(hours=2)
    assert len(hotline.outbound.calls(to=caller)) == 3
    [request] = _callbacks(aws)
    assert request["state"]["S"] == "unanswered" and "due_shard" not in request


def test_the_carrier_refusing_the_callback_is_tried_again_after_retry_minutes(hotline, aws):
    caller = "+919811100012"
    hotline.phone("", caller=caller, line=MISSED)
    hotline.outbound.fail_next(429)  # a 4xx refuses; a 5xx leaves the call's fate unknown (test_slow_carrier.py)
    report = hotline.advance(seconds=30)
    assert (report["callbacks_placed"], report["callbacks_failed"]) == (0, 1)
    assert hotline.outbound.calls(to=caller) == []  # refused: not a call
    hotline.advance(minutes=10)
    [placed] = hotline.outbound.calls(to=caller)
    assert placed.status_url.endswith("/2")  # the refused request counted as the first try


def test_a_caller_gets_at_most_callbacks_per_day(hotline, aws):
    caller = "+919811100003"
    logs = [hotline.phone("", caller=caller, line=MISSED) for _ in range(4)]  # cap 3 in the demo
    assert all(log.ended_by == "busy" for log in logs)  # the fourth is still rejected
    assert sorted(r["key"]["S"] for r in _callbacks(aws)) == sorted(log.call_sid for log in logs[:3])
    hotline.advance(seconds=30)
    assert len(hotline.outbound.calls(to=caller)) == 3


def test_a_withheld_number_gets_no_callback(hotline, aws):
    log = hotline.phone("", caller="+266696687", line=MISSED)  # "ANONYMOUS" on a keypad
    assert log.ended_by == "busy"
    assert _callbacks(aws) == []
    hotline.advance(minutes=1)
    assert hotline.outbound.calls() == []


def test_after_hours_the_caller_hears_the_hours_and_can_record(hotline, aws, clock):
    _set_time(clock, datetime(2026, 12, 4, 19, 0, tzinfo=IST))  # a Friday evening
    caller = "+919811100004"
    log = hotline.phone("1|1|3|say:नाली जाम है, वार्ड नौ", caller=caller, line=OFFICE)
    assert any("सोमवार से शुक्रवार, सुबह 10 बजे से शाम 6 बजे तक" in said for said in log.said)
    assert (f"/{hotline.carrier}/voice/after-hours/hi/1", 200) in log.requests
    [ticket] = _tickets(aws, caller)
    assert ticket["line"]["S"] == OFFICE
    assert _callbacks(aws) == []


def test_after_hours_an_english_speaker_chooses_english_first_and_files_in_english(hotline, aws, clock):
    _set_time(clock, datetime(2026, 12, 4, 19, 0, tzinfo=IST))  # a Friday evening
    caller = "+919811100012"
    log = hotline.phone("2|1|1|say:The streetlight in ward 9 is broken", caller=caller, line=OFFICE)
    assert log.said[0] == "रायपुर जिला प्रशासन की शिकायत सेवा में आपका स्वागत है।"  # the welcome, then the language
    assert any("Monday to Friday" in said for said in log.said), log.said  # the hours in the chosen language
    assert (f"/{hotline.carrier}/voice/after-hours/en/1", 200) in log.requests
    [ticket] = _tickets(aws, caller)
    assert (ticket["language"]["S"], ticket["line"]["S"]) == ("en", OFFICE)


def test_after_hours_pressing_nothing_asks_again_then_takes_the_complaint(hotline, aws, clock):
    _set_time(clock, datetime(2026, 12, 6, 8, 0, tzinfo=IST))  # a Sunday morning
    caller = "+919811100011"
    log = hotline.phone("1|-|9|-|3|say:सड़क पर गड्ढा", caller=caller, line=OFFICE)
    paths = [path for path, _ in log.requests]
    at = f"/{hotline.carrier}/voice"
    assert paths[:5] == [f"{at}/incoming", f"{at}/after-hours-language/1", f"{at}/after-hours/hi/1",
                         f"{at}/after-hours/hi/2", f"{at}/after-hours/hi/3"]
    assert "हमें आपका जवाब नहीं मिला।" in log.said and "यह सही विकल्प नहीं है।" in log.said
    [ticket] = _tickets(aws, caller)
    assert ticket["line"]["S"] == OFFICE


def test_after_hours_a_callback_on_the_next_working_morning(hotline, aws, clock):
    _set_time(clock, datetime(2026, 12, 4, 19, 0, tzinfo=IST))  # Friday evening → Monday 10:00
    caller = "+919811100005"
    log = hotline.phone("1|2", caller=caller, line=OFFICE)
    assert any("सोमवार, 7 दिसंबर को सुबह 10 बजे" in said for said in log.said), log.said
    [request] = _callbacks(aws)
    assert request["due_at"]["S"] == "2026-12-07T04:30:00Z" and request["reason"]["S"] == "after_hours"
    assert _tickets(aws, caller) == []

    hotline.advance(days=2, hours=14, minutes=59)  # Monday 09:59
    assert hotline.outbound.calls(to=caller) == []
    hotline.advance(minutes=1)
    [placed] = hotline.outbound.calls(to=caller)
    assert placed.caller_id == OFFICE and placed.answer_url == f"{BASE}/{hotline.carrier}/voice/callback/{log.call_sid}"
    answered = hotline.answer_feedback_call("1|1|3|say:नाली जाम है")  # inside hours now: the usual IVR
    assert not any("बंद है" in said for said in answered.said)
    [ticket] = _tickets(aws, caller)
    assert ticket["line"]["S"] == OFFICE


def test_after_hours_callback_skips_a_holiday(hotline, aws, clock):
    _set_time(clock, datetime(2026, 1, 23, 19, 0, tzinfo=IST))  # Friday; Monday the 26th is Republic Day
    log = hotline.phone("1|2", caller="+919811100006", line=OFFICE)
    assert any("मंगलवार, 27 जनवरी को सुबह 10 बजे" in said for said in log.said), log.said
    [request] = _callbacks(aws)
    assert request["due_at"]["S"] == "2026-01-27T04:30:00Z"


def test_after_hours_callback_from_a_withheld_number_is_refused_and_recording_offered(hotline, aws, clock):
    _set_time(clock, datetime(2026, 12, 5, 11, 0, tzinfo=IST))  # a Saturday
    log = hotline.phone("1|2|-", caller="+266696687", line=OFFICE)
    assert any("वापस कॉल नहीं कर सकते" in said for said in log.said)
    offered = f"/{hotline.carrier}/voice/category/hi/1"  # to record instead
    assert any(offered in path for path, _ in log.requests)
    assert _callbacks(aws) == []


def test_inside_hours_the_usual_greeting(hotline, aws, clock):
    _set_time(clock, datetime(2026, 12, 1, 11, 0, tzinfo=IST))  # a Tuesday morning
    log = hotline.phone("", caller="+919811100007", line=OFFICE)
    assert log.said[0] == "रायपुर जिला प्रशासन की शिकायत सेवा में आपका स्वागत है।"
    assert not any("बंद है" in said for said in log.said)
    assert log.requests[0] == (f"/{hotline.carrier}/voice/incoming", 200) and log.ended_by == "caller"


def test_a_stale_or_unsigned_callback_status_changes_nothing(hotline, aws, webhooks):
    log = hotline.phone("", caller="+919811100008", line=MISSED)
    form = {"CallSid": webhooks.call_sid("e"), "CallStatus": "no-answer", "From": MISSED, "To": "+919811100008",
            "Direction": "outbound-api"}
    path = f"/voice/callback-status/{log.call_sid}/1"
    assert webhooks.post(path, form, signature="bad").status_code == 403
    assert webhooks.post(path, form).status_code == 200  # no try placed yet: nothing to do
    [request] = _callbacks(aws)
    assert request["state"]["S"] == "waiting" and int(request["tries_made"]["N"]) == 0


def test_the_callback_paths_need_no_more_than_infra_needs(hotline, aws, clock, requests_by_function):  # noqa: F811
    """Each function's AWS requests on these paths stay within infra/needs.json (so none is denied once deployed)."""
    from infra import policies
    from infra.readiness import _needed

    hotline.phone("", caller="+919811100009", line=MISSED)  # api_handler: the request and the day's count
    hotline.advance(seconds=30)  # sweeper: the due index, the try taken, the call placed
    hotline.answer_feedback_call(None)  # api_handler: the status read and the retry written
    hotline.advance(minutes=10)
    hotline.answer_feedback_call("1|1|3|say:बिजली नहीं है")  # the IVR on the callback, to a ticket
    _set_time(clock, datetime(2026, 12, 5, 11, 0, tzinfo=IST))
    hotline.phone("1|2", caller="+919811100010", line=OFFICE)  # after hours: a callback for Monday
    needs = policies.load_needs()
    seen = requests_by_function
    assert {"api_handler", "sweeper"} <= set(seen)
    beyond = {function: sorted(requests - set(_needed(needs[function], "test"))) for function, requests in seen.items()}
    assert all(not extra for extra in beyond.values()), beyond
