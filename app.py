"""Samvad: routes and event sources. Each body is one call into chalicelib."""
from __future__ import annotations

import logging
import os

from chalice import Chalice, Rate

from chalicelib import settings
from chalicelib.handlers import voice
from chalicelib.handlers.webhook import FORM, twilio_webhook

app = Chalice(app_name="samvad")
app.log.setLevel(logging.INFO)
logging.getLogger("chalicelib").setLevel(logging.INFO)

if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") and os.environ.get("AWS_XRAY_SDK_ENABLED", "").lower() == "true":
    from chalicelib.tracing import start_tracing

    start_tracing()

VOICE = "/twilio/voice"
MESSAGING = "/twilio/messaging"


@app.route("/health", methods=["GET"])
def health():
    return {"status": "ok", "stage": settings.stage()}


@app.route(f"{VOICE}/incoming", methods=["POST"], content_types=FORM)
def voice_incoming():
    return twilio_webhook(app.current_request, voice.incoming)


@app.route(f"{VOICE}/language/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_language(attempt):
    return twilio_webhook(app.current_request, voice.language)


@app.route(f"{VOICE}/category/{{lang}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_category(lang, attempt):
    return twilio_webhook(app.current_request, voice.category)


@app.route(f"{VOICE}/record/{{lang}}/{{category}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_record(lang, category, attempt):
    return twilio_webhook(app.current_request, voice.record)


@app.route(f"{VOICE}/status", methods=["POST"], content_types=FORM)
def voice_status():
    return twilio_webhook(app.current_request, voice.call_status)


@app.route(f"{VOICE}/recording-status", methods=["POST"], content_types=FORM)
def voice_recording_status():
    return twilio_webhook(app.current_request, voice.recording_status)


@app.route(f"{VOICE}/feedback/{{number}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_feedback(number, attempt):
    from chalicelib.handlers import feedback_call

    return twilio_webhook(app.current_request, feedback_call.answer)


@app.route(f"{VOICE}/feedback-status/{{number}}", methods=["POST"], content_types=FORM)
def voice_feedback_status(number):
    from chalicelib.handlers import feedback_call

    return twilio_webhook(app.current_request, feedback_call.call_status)


@app.route(f"{MESSAGING}/incoming", methods=["POST"], content_types=FORM)
def messaging_incoming():
    from chalicelib.handlers import messaging

    return twilio_webhook(app.current_request, messaging.incoming, messaging.apology)


@app.route(f"{MESSAGING}/status/{{number}}", methods=["POST"], content_types=FORM)
def messaging_status(number):
    from chalicelib.handlers import messaging

    return twilio_webhook(app.current_request, messaging.status)


@app.route("/recordings/{token}", methods=["GET"])
def recording_page(token):
    from chalicelib.handlers import recordings

    return recordings.open_link(app.current_request, token)


@app.route("/recordings/{token}", methods=["POST"], content_types=FORM)
def recording_play(token):
    from chalicelib.handlers import recordings

    return recordings.open_link(app.current_request, token)


@app.on_sqs_message(queue=settings.queue_name("notify"), batch_size=10, name="notifier")
def notifier(event):
    from chalicelib.handlers import notifier as consumer

    return consumer.handle(event)


@app.on_sqs_message(queue=settings.queue_name("followup"), batch_size=10, name="followup")
def followup(event):
    from chalicelib.handlers import followup as consumer

    return consumer.handle(event)


@app.schedule(Rate(1, unit=Rate.MINUTES), name="sweeper")
def sweeper(event):
    from chalicelib.handlers import sweeper as sweep

    return sweep.run()
