"""Phone numbers never reach the logs whole; deployed, each log line is one JSON object."""
from __future__ import annotations

import io
import json
import logging

import pytest

from chalicelib import logs


@pytest.mark.parametrize("text, masked", [
    ("+919812345678", "+91******5678"),
    ("919812345678", "91******5678"),
    ("9812345678", "******5678"),
    ("09812345678", "0******5678"),
    ("whatsapp:+919812345678", "whatsapp:+91******5678"),
    ("+91 98123 45678", "+91 ***** *5678"),
    ("+14155238886", "+*******8886"),
    ("caller +919812345678 on +919977222564.", "caller +91******5678 on +91******2564."),
    ("From=%2B919812345678&To=%2B919977222564&CallSid=CA0123",
     "From=%2B91******5678&To=%2B91******2564&CallSid=CA0123"),
    ("From=whatsapp%3A%2B919812345678&Body=DONE", "From=whatsapp%3A%2B91******5678&Body=DONE"),
    ("https://hotline.test/api/tickets?view=caller&phone=%2B919812345678&limit=5",
     "https://hotline.test/api/tickets?view=caller&phone=%2B91******5678&limit=5"),
    ('{"To": "+919812345678", "From": "9812345678", "n": 919812345678}',
     '{"To": "+91******5678", "From": "******5678", "n": 91******5678}'),
    ("Unable to create record: The 'To' number +919812345678 is not a valid phone number.",
     "Unable to create record: The 'To' number +91******5678 is not a valid phone number."),
])
def test_phone_numbers_keep_only_their_last_four_digits(text, masked):
    assert logs.mask(text) == masked
    assert logs.mask(masked) == masked  # masking twice changes nothing


@pytest.mark.parametrize("text", [
    "RPR2611230007", "ticket RPR26112312345 escalated", "CA9812345678a9812345678b98123456789012345",
    "RE0123456789abcdef0123456789abcdef", "2026-11-23T08:30:00Z", "took 1732345678 ms", "duration 120 s",
    "sequence 0007", "event 6f1c2d3e-9812-4567-8901-23456789abcd",
])
def test_what_is_not_a_phone_number_is_left_alone(text):
    assert logs.mask(text) == text


def _capture(formatter: logging.Formatter | None = None) -> tuple[logging.Logger, io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logs.install(handler, as_json=formatter is None)
    if formatter is not None:
        handler.setFormatter(formatter)
    logger = logging.getLogger("chalicelib.test_log_masking")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, stream, handler


def test_a_json_line_carries_the_context_and_masks_message_fields_and_exception(monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "samvad-prod-notifier")
    logger, stream, handler = _capture()
    try:
        with logs.scope(request_id="c0ffee-1"):
            logs.bind(call_sid="CA" + "0" * 32, complaint_number="RPR2611230007")
            try:
                raise ConnectionError("POST https://api.twilio.com/Messages.json To=%2B919812345678: HTTP 429")
            except ConnectionError:
                logger.exception("sms to %s failed", "+919812345678",
                                 extra={"form": {"From": "+919822200011", "Body": "DONE"}})
        logger.info("outside the scope")
    finally:
        logger.removeHandler(handler)
    first, second = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    assert first["message"] == "sms to +91******5678 failed" and first["level"] == "ERROR"
    assert first["logger"] == "chalicelib.test_log_masking" and first["function"] == "samvad-prod-notifier"
    assert (first["request_id"], first["call_sid"], first["complaint_number"]) == (
        "c0ffee-1", "CA" + "0" * 32, "RPR2611230007")
    assert first["form"] == {"From": "+91******0011", "Body": "DONE"}
    assert "To=%2B91******5678: HTTP 429" in first["exception"] and "9812345678" not in first["exception"]
    assert first["time"].endswith("Z") and "T" in first["time"]
    assert "request_id" not in second and "call_sid" not in second  # the scope ended
    assert "9812345678" not in stream.getvalue()


def test_text_lines_stay_text_but_masked():
    logger, stream, handler = _capture(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    try:
        logger.warning("reply to %s: %s", "whatsapp:+919812345678", {"to": "9812345678"})
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue() == ("WARNING chalicelib.test_log_masking: reply to whatsapp:+91******5678: "
                                 "{'to': '******5678'}\n")
