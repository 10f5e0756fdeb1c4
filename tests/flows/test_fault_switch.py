"""The local stack's fault switch (chalicelib/local/faults.py): the Twilio sandbox answering 503 or late, and
the embedded AWS endpoint stopped and started, driven the way the soak bench and `manage.py fault` drive them."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import boto3
import botocore.config
import botocore.exceptions
import pytest
from twilio.base.exceptions import TwilioRestException

import manage
from chalicelib import settings
from chalicelib.local import faults
from chalicelib.local.faults import EmbeddedAwsEndpoint
from chalicelib.local.sandbox import Sandbox
from chalicelib.telephony import rest
from tests.support.stack_process import free_port_in


def _free_port() -> int:
    return free_port_in(18800, 18899)


@pytest.fixture
def sandbox(monkeypatch, tmp_path) -> Iterator[Sandbox]:
    """The sandbox on loopback, the app's Twilio adapter pointed at it, and a stack state file for manage.py."""
    box = Sandbox("127.0.0.1", _free_port(), settings.twilio_account_sid(), settings.twilio_auth_token()).start()
    monkeypatch.setenv("TWILIO_API_BASE", box.url)
    rest.use_http_client(None)
    (tmp_path / "stack.json").write_text(json.dumps({"sandbox_url": box.url}))
    monkeypatch.setattr(manage, "STATE_FILE", tmp_path / "stack.json")
    yield box
    rest.use_http_client(None)
    box.stop()


def _sms(to: str) -> str:
    return rest.TwilioMessaging().send_sms(to, "आपकी शिकायत क्र. RPR2611230001 दर्ज हुई।", "+919977222500")


def test_switched_to_503_the_sandbox_refuses_sending_nothing_then_sends_again(sandbox, capsys):
    assert manage.main(["fault", "carrier", "503", "--count", "1"]) == 0
    assert "answers 503 for the next 1 requests" in capsys.readouterr().out

    with pytest.raises(TwilioRestException) as refused:
        _sms("+919812300001")
    assert (refused.value.status, refused.value.code) == (503, 20503)
    assert sandbox.state.messages == []  # refused: nothing went out

    sid = _sms("+919812300002")  # the count is used up: normal again
    assert [m["sid"] for m in sandbox.state.messages] == [sid]
    assert faults.switch(sandbox.url)["carrier"] == {"mode": "off", "left": None, "fraction": 1.0, "seconds": 0.0,
                                                     "faulted": {"503": 1, "slow": 0}}


def test_a_fraction_of_requests_is_answered_late_but_taken_and_off_means_normal(sandbox, capsys):
    assert manage.main(["fault", "carrier", "slow", "--seconds", "0.2", "--fraction", "0.5"]) == 0
    sent = [_sms(f"+91981230010{n}") for n in range(4)]
    assert [m["sid"] for m in sandbox.state.messages] == sent  # a slow carrier still sends
    assert faults.switch(sandbox.url)["carrier"]["faulted"] == {"503": 0, "slow": 2}  # the 2nd and the 4th

    assert manage.main(["fault", "carrier", "off"]) == 0
    assert "carrier (Twilio sandbox): normal" in capsys.readouterr().out
    _sms("+919812300200")
    assert faults.switch(sandbox.url)["carrier"]["faulted"] == {"503": 0, "slow": 2}


def test_a_request_that_makes_no_sense_is_refused_and_changes_nothing(sandbox, capsys):
    request = urllib.request.Request(f"{sandbox.url}/_faults", data=b'{"carrier": "503", "fraction": 2}',
                                     method="POST", headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400
    assert manage.main(["fault", "aws", "stop"]) == 2  # a bare sandbox has no AWS endpoint to stop
    assert "no AWS endpoint" in capsys.readouterr().err
    assert faults.switch(sandbox.url)["carrier"]["mode"] == "off"
    _sms("+919812300300")
    assert len(sandbox.state.messages) == 1


def test_the_aws_endpoint_stops_refusing_requests_and_comes_back_on_its_port_with_its_data():
    endpoint = EmbeddedAwsEndpoint("127.0.0.1", _free_port()).start()
    dynamodb = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{endpoint.port}", region_name="ap-south-1",
                            config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"},
                                                          connect_timeout=1, read_timeout=2))
    table = "samvad-faults-test-items"
    try:
        dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
        dynamodb.put_item(TableName=table, Item={"k": {"S": "before"}})

        endpoint.stop()
        with pytest.raises((botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionClosedError)):
            dynamodb.get_item(TableName=table, Key={"k": {"S": "before"}})
        assert endpoint.describe() == {"up": False, "stops": 1, "port": endpoint.port}

        endpoint.start()  # the same port, the same data
        assert dynamodb.get_item(TableName=table, Key={"k": {"S": "before"}})["Item"] == {"k": {"S": "before"}}
        dynamodb.delete_table(TableName=table)
    finally:
        endpoint.stop()
