"""Which recording URLs are the carrier's for our account, and where a recording fetch may go with what."""
from __future__ import annotations

import pytest

from chalicelib.telephony.recording_urls import (
    carrier_recording_url,
    media_url,
    recording_sid_of,
    redirect_allowed,
    takes_credentials,
)

ACCOUNT = "AC" + "1" * 32  # tests/conftest.py's TWILIO_ACCOUNT_SID
SID = "RE" + "a" * 32
TWILIO = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/{SID}"
SANDBOX = "http://127.0.0.1:18555"


def test_the_carriers_url_of_the_recording_is_taken_as_it_is():
    assert carrier_recording_url(TWILIO, SID) == TWILIO
    assert recording_sid_of(TWILIO) == SID and media_url(TWILIO) == TWILIO + ".mp3"


@pytest.mark.parametrize("url", [
    TWILIO.replace(SID, "RE" + "b" * 32),  # another recording than the form's
    TWILIO.replace(ACCOUNT, "AC" + "2" * 32),  # another account
    TWILIO + ".json", TWILIO + "?x=1", TWILIO + "#x", TWILIO + "/", TWILIO.replace("https", "http"),
    TWILIO.replace("api.twilio.com", "api.twilio.com:443"), TWILIO.replace("api.twilio.com", "x@api.twilio.com"),
    TWILIO.replace("api.twilio.com", "api.twilio.com.evil.test"), TWILIO.replace("/Recordings/", "/Recordings/../"),
    f"{SANDBOX}/recordings/{SID}",  # the sandbox's shape, with no sandbox configured
    f"http://127.0.0.1:18556/recordings/{SID}", "", "https://api.twilio.com/", f"{TWILIO}\u0000",
])
def test_anything_else_is_not_the_carriers(url):
    assert carrier_recording_url(url, SID) is None


def test_locally_the_sandboxs_recordings_and_nothing_else_it_serves(monkeypatch):
    monkeypatch.setenv("TWILIO_API_BASE", SANDBOX)
    assert carrier_recording_url(f"{SANDBOX}/recordings/{SID}", SID) == f"{SANDBOX}/recordings/{SID}"
    assert takes_credentials(f"{SANDBOX}/recordings/{SID}") and takes_credentials(f"{SANDBOX}/recordings/{SID}.wav")
    for other in (f"{SANDBOX}/sandbox/messages", f"{SANDBOX}/api/2010-04-01/Accounts/{ACCOUNT}/Messages.json",
                  f"http://127.0.0.1:18557/recordings/{SID}", f"http://localhost:18555/recordings/{SID}"):
        assert recording_sid_of(other) is None and not takes_credentials(other), other


@pytest.mark.parametrize("location", [
    "https://media.twiliocdn.com/AC1/abc", "https://s3-external-1.amazonaws.com/media.twiliocdn.com/AC1/abc",
    "https://s3.ap-south-1.amazonaws.com/media.twiliocdn.com/AC1/abc",
    "https://media.twiliocdn.com.s3.amazonaws.com/AC1/abc", TWILIO + ".mp3",
])
def test_a_redirect_may_go_to_the_carriers_media_hosts(location):
    assert redirect_allowed(location)


@pytest.mark.parametrize("location", [
    "http://media.twiliocdn.com/AC1/abc", "https://media.twiliocdn.com:8443/x", "https://u:p@media.twiliocdn.com/x",
    "https://attacker.s3.amazonaws.com/x", "https://s3.amazonaws.com/attacker/media.twiliocdn.com/x",
    "https://media.twiliocdn.com.attacker.test/x", "https://evil.test/media.twiliocdn.com/x",
    "http://127.0.0.1:18557/x", "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd",
])
def test_a_redirect_anywhere_else_is_refused(location):
    assert not redirect_allowed(location)


def test_only_the_carriers_api_is_sent_credentials():
    assert takes_credentials(TWILIO + ".mp3") and takes_credentials("https://api.twilio.com/2010-04-01/x")
    for url in ("https://media.twiliocdn.com/x", "https://s3-external-1.amazonaws.com/media.twiliocdn.com/x",
                "https://api.twilio.com.evil.test/x", "https://api.twilio.com:8443/x", "http://api.twilio.com/x"):
        assert not takes_credentials(url), url
