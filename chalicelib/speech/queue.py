"""The transcribe queue: each step of a transcription (start, then the checks) is a message, the checks sent
with a delay so that waiting for Transcribe costs no running function."""
from __future__ import annotations

import json

from chalicelib import settings
from chalicelib.events import aws

MAX_DELAY_SECONDS = 900  # SQS's limit


class SqsTranscriptionQueue:
    def send(self, message: dict[str, object], delay_seconds: int = 0) -> None:
        if not 0 <= delay_seconds <= MAX_DELAY_SECONDS:
            raise ValueError(f"DelaySeconds {delay_seconds} is outside 0–{MAX_DELAY_SECONDS}")
        aws.sqs().send_message(QueueUrl=aws.queue_url(settings.queue_name("transcribe")),
                               MessageBody=json.dumps(message, ensure_ascii=False), DelaySeconds=int(delay_seconds))
