"""A caller's words are masked in the logs like their phone number: a transcript's text, its correction, the
before and after of a correction and a transcribed event's summary show only their length, however they are
written into a line (extra fields, an event's JSON, a dataclass's repr, an exception)."""
from __future__ import annotations

import io
import json
import logging

import pytest

from chalicelib import logs
from chalicelib.domain.transcripts import Transcript

SAID = "मेरा नाम रामलाल है, गांव खरोरा से बोल रहा हूँ"


def _lines(log_call) -> list[dict]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logs.install(handler, as_json=True)
    logger = logging.getLogger("chalicelib.test_transcript_masking")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        log_call(logger)
    finally:
        logger.removeHandler(handler)
    assert "रामलाल" not in stream.getvalue() and "खरोरा" not in stream.getvalue()
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_extra_fields_hide_a_transcripts_words_and_keep_the_rest():
    transcript = Transcript("RE1", "done", text=SAID, confidence=0.91, language="hi-IN",
                            corrected_text="रामलाल, खरोरा: हैंडपंप").to_json()
    entry = {"action": "transcript_corrected", "actor_id": "operator.rpr",
             "detail": {"before": SAID, "after": "रामलाल, खरोरा"}}
    [line] = _lines(lambda log: log.info("saved", extra={"ticket": {"transcript": transcript,
                                                                    "caller_phone": "+919812345678"},
                                                         "entry": entry}))
    saved = line["ticket"]["transcript"]
    assert saved["text"] == f"[{len(SAID)} characters]" and saved["corrected_text"] == "[22 characters]"
    assert (saved["status"], saved["confidence"], saved["language"]) == ("done", 0.91, "hi-IN")
    assert line["ticket"]["caller_phone"] == "+91******5678"
    assert line["entry"]["detail"] == {"before": f"[{len(SAID)} characters]", "after": "[13 characters]"}
    assert line["entry"]["actor_id"] == "operator.rpr"


def test_an_events_json_in_a_message_hides_the_summary_and_the_text():
    body = json.dumps({"type": "ticket.transcribed", "data": {
        "summary": "हैंडपंप खराब है", "transcript_status": "done",
        "recording_sid": "RE1"}, "detail": {"text": SAID}}, ensure_ascii=False)
    [line] = _lines(lambda log: log.warning("record %s failed", body))
    assert '"summary": "[15 characters]"' in line["message"]
    assert f'"text": "[{len(SAID)} characters]"' in line["message"]
    assert '"transcript_status": "done"' in line["message"]


def test_a_transcripts_repr_in_an_exception_is_hidden():
    def fail(log: logging.Logger) -> None:
        try:
            raise ValueError(f"cannot save {Transcript('RE1', 'done', text=SAID)!r}")
        except ValueError:
            log.exception("transcription failed")

    [line] = _lines(fail)
    assert f"text='[{len(SAID)} characters]'" in line["exception"]


@pytest.mark.parametrize("text", [
    # Not about a transcript: an SMS's text and a remark stay as they are (they are the carrier's and the officer's).
    '{"text": "DONE RPR2611230007", "to": "officer"}',
    "resolved with remark 'हैंडपंप ठीक किया'",
])
def test_what_is_not_a_transcript_is_left_alone(text):
    assert logs.mask(text) == text


def test_hiding_twice_changes_nothing():
    once = logs.mask(f'{{"transcript": {{"text": "{SAID}"}}}}')
    assert once == f'{{"transcript": {{"text": "[{len(SAID)} characters]"}}}}' and logs.mask(once) == once
