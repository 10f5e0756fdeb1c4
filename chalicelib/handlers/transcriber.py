"""The transcribe queue's consumer: each message is one step of a recording's transcription (start, check).

Failures are reported per message (partial batch failures) and backed off like the other consumers'; the
operation ends a transcription on the message's last receive, so the DLQ holds only what could not even say so.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalicelib import logs, powertools, settings, wiring
from chalicelib.handlers.queue_batch import BackingOffProcessor

if TYPE_CHECKING:
    from chalicelib.operations.transcription import TranscriptionPorts


def handle(sqs_event: Any) -> dict[str, Any]:
    """`sqs_event` is Chalice's SQSEvent; the answer is Lambda's {"batchItemFailures": [...]}."""
    from aws_lambda_powertools.utilities.batch import process_partial_response

    powertools.read_secrets_through_parameters()  # the carrier's token, to fetch the audio
    return dict(process_partial_response(event=sqs_event.to_dict(), record_handler=_step,
                                         processor=BackingOffProcessor(),
                                         context=getattr(sqs_event, "context", None)))


def _step(record: Any) -> str:
    from chalicelib.operations import transcription

    log = powertools.logger()
    with logs.scope():
        try:
            message = json.loads(record.body)
        except ValueError:
            log.warning("message %s is not JSON; dropped", record.message_id)
            return "dropped"
        if not isinstance(message, dict):
            log.warning("message %s is not a transcription step; dropped", record.message_id)
            return "dropped"
        logs.bind(complaint_number=message.get("complaint_number"))
        receives = int(record.attributes.approximate_receive_count or 1)
        try:
            outcome = transcription.run(message, receives, ports())
        except Exception:
            log.exception("transcription %s of %s failed (receive %d); it returns to the queue",
                          message.get("step"), message.get("complaint_number"), receives)
            raise
        log.info("transcription %s of %s: %s", message.get("step"), message.get("complaint_number"), outcome)
        return outcome


def ports() -> TranscriptionPorts:
    from chalicelib.operations.transcription import TranscriptionPorts

    return TranscriptionPorts(
        tickets=wiring.ticket_store(), directory=wiring.directory(), recordings=wiring.recording_audio(),
        audio=wiring.audio_store(), speech=wiring.speech_to_text(), queue=wiring.transcription_queue(),
        dispatcher=wiring.dispatcher(), index=wiring.search_index(), retention=wiring.transcript_retention(),
        clock=wiring.clock(),
        job_prefix=f"samvad-{settings.stage()}")
