"""Samvad: routes and event sources. Each body is one call into chalicelib."""
from __future__ import annotations

import logging

from chalice import Chalice, Rate

from chalicelib import logs, settings
from chalicelib.handlers import voice
from chalicelib.handlers.webhook import FORM, telephony_webhook
from chalicelib.preload import preload_if_provisioned

app = Chalice(app_name="samvad")
app.log.setLevel(logging.INFO)
logging.getLogger("chalicelib").setLevel(logging.INFO)
logs.configure(app.log)  # phone numbers masked in every line; one JSON object per line when deployed
preload_if_provisioned()  # provisioned concurrency: the database path loads at init, not on a caller's step

# Every carrier's webhooks, under its name: /twilio/voice/incoming, /plivo/voice/incoming (telephony/carriers.py).
VOICE = "/{carrier}/voice"
MESSAGING = "/{carrier}/messaging"


@app.middleware("all")
def log_context(event, get_response):
    """Every log line of an invocation carries its Lambda request id (handlers add the CallSid, the ticket)."""
    with logs.scope(request_id=logs.request_id(event)):
        return get_response(event)


@app.route("/health", methods=["GET"])
def health():
    return {"status": "ok", "stage": settings.stage()}


@app.route(f"{VOICE}/incoming", methods=["POST"], content_types=FORM)
def voice_incoming(carrier):
    return telephony_webhook(app.current_request, carrier, voice.incoming)


@app.route(f"{VOICE}/state/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_state_district(carrier, attempt):
    from chalicelib.handlers import state_line

    return telephony_webhook(app.current_request, carrier, state_line.district_step)


@app.route(f"{VOICE}/language/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_language(carrier, attempt):
    return telephony_webhook(app.current_request, carrier, voice.language)


@app.route(f"{VOICE}/category/{{lang}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_category(carrier, lang, attempt):
    return telephony_webhook(app.current_request, carrier, voice.category)


@app.route(f"{VOICE}/kind/{{lang}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_kind(carrier, lang, attempt):
    return telephony_webhook(app.current_request, carrier, voice.kind)


@app.route(f"{VOICE}/record/{{lang}}/{{category}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_record(carrier, lang, category, attempt):
    return telephony_webhook(app.current_request, carrier, voice.record)


@app.route(f"{VOICE}/consent/{{lang}}/{{number}}", methods=["POST"], content_types=FORM)
def voice_consent(carrier, lang, number):
    return telephony_webhook(app.current_request, carrier, voice.consent)


@app.route(f"{VOICE}/menu/{{lang}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_menu(carrier, lang, attempt):
    from chalicelib.handlers import voice_status

    return telephony_webhook(app.current_request, carrier, voice_status.menu)


@app.route(f"{VOICE}/after-status/{{lang}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_after_status(carrier, lang, attempt):
    from chalicelib.handlers import voice_status

    return telephony_webhook(app.current_request, carrier, voice_status.after_status)


@app.route(f"{VOICE}/lookup/{{lang}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_lookup(carrier, lang, attempt):
    from chalicelib.handlers import voice_status

    return telephony_webhook(app.current_request, carrier, voice_status.lookup)


@app.route(f"{VOICE}/repeat/{{lang}}/{{number}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_repeat(carrier, lang, number, attempt):
    from chalicelib.handlers import voice_status

    return telephony_webhook(app.current_request, carrier, voice_status.repeat)


@app.route(f"{VOICE}/add-note/{{lang}}/{{number}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_add_note(carrier, lang, number, attempt):
    from chalicelib.handlers import voice_status

    return telephony_webhook(app.current_request, carrier, voice_status.add_note)


# The officers' IVR (handlers/officer_ivr.py, routing/officer_ivr.py): PIN, their complaints, one key per action.
OFFICER = f"{VOICE}/officer"


def _officer_step(carrier, name):
    from chalicelib.handlers import officer_ivr

    return telephony_webhook(app.current_request, carrier, getattr(officer_ivr, name))


@app.route(f"{OFFICER}/start", methods=["POST"], content_types=FORM)
def voice_officer_start(carrier):
    return _officer_step(carrier, "start")


@app.route(f"{OFFICER}/pin/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_officer_pin(carrier, attempt):
    return _officer_step(carrier, "pin")


@app.route(f"{OFFICER}/item/{{session}}/{{position}}", methods=["POST"], content_types=FORM)
def voice_officer_item(carrier, session, position):
    return _officer_step(carrier, "item")


@app.route(f"{OFFICER}/key/{{session}}/{{position}}/{{kind}}/{{number}}/{{attempt}}", methods=["POST"],
           content_types=FORM)
def voice_officer_key(carrier, session, position, kind, number, attempt):
    return _officer_step(carrier, "key")


@app.route(f"{OFFICER}/resolve/{{session}}/{{position}}/{{number}}/{{attempt}}", methods=["POST"],
           content_types=FORM)
def voice_officer_resolve(carrier, session, position, number, attempt):
    return _officer_step(carrier, "resolve")


@app.route(f"{OFFICER}/days/{{session}}/{{position}}/{{number}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_officer_days(carrier, session, position, number, attempt):
    return _officer_step(carrier, "days")


@app.route(f"{OFFICER}/time/{{session}}/{{position}}/{{number}}/{{days}}", methods=["POST"], content_types=FORM)
def voice_officer_more_time(carrier, session, position, number, days):
    return _officer_step(carrier, "more_time")


@app.route(f"{OFFICER}/transfer/{{session}}/{{position}}/{{number}}/{{attempt}}", methods=["POST"],
           content_types=FORM)
def voice_officer_transfer(carrier, session, position, number, attempt):
    return _officer_step(carrier, "transfer")


@app.route(f"{VOICE}/status", methods=["POST"], content_types=FORM)
def voice_status(carrier):
    return telephony_webhook(app.current_request, carrier, voice.call_status)


@app.route(f"{VOICE}/recording-status", methods=["POST"], content_types=FORM)
def voice_recording_status(carrier):
    return telephony_webhook(app.current_request, carrier, voice.recording_status)


@app.route(f"{VOICE}/feedback/{{number}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_feedback(carrier, number, attempt):
    from chalicelib.handlers import feedback_call

    return telephony_webhook(app.current_request, carrier, feedback_call.answer)


@app.route(f"{VOICE}/feedback-status/{{number}}", methods=["POST"], content_types=FORM)
def voice_feedback_status(carrier, number):
    from chalicelib.handlers import feedback_call

    return telephony_webhook(app.current_request, carrier, feedback_call.call_status)


@app.route(f"{VOICE}/ring/{{number}}/{{level}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_officer_ring(carrier, number, level, attempt):
    from chalicelib.handlers import officer_ring

    return telephony_webhook(app.current_request, carrier, officer_ring.answer)


@app.route(f"{VOICE}/ring-status/{{number}}", methods=["POST"], content_types=FORM)
def voice_officer_ring_status(carrier, number):
    from chalicelib.handlers import officer_ring

    return telephony_webhook(app.current_request, carrier, officer_ring.call_status)


@app.route(f"{VOICE}/after-hours-language/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_after_hours_language(carrier, attempt):
    from chalicelib.handlers import callback_requests

    return telephony_webhook(app.current_request, carrier, callback_requests.after_hours_language)


@app.route(f"{VOICE}/after-hours/{{lang}}/{{attempt}}", methods=["POST"], content_types=FORM)
def voice_after_hours(carrier, lang, attempt):
    from chalicelib.handlers import callback_requests

    return telephony_webhook(app.current_request, carrier, callback_requests.after_hours_step)


@app.route(f"{VOICE}/callback/{{request_id}}", methods=["POST"], content_types=FORM)
def voice_callback(carrier, request_id):
    from chalicelib.handlers import callback_call

    return telephony_webhook(app.current_request, carrier, callback_call.answer)


@app.route(f"{VOICE}/callback-status/{{request_id}}/{{try_number}}", methods=["POST"], content_types=FORM)
def voice_callback_status(carrier, request_id, try_number):
    from chalicelib.handlers import callback_call

    return telephony_webhook(app.current_request, carrier, callback_call.call_status)


@app.route(f"{VOICE}/operators/after/{{next}}", methods=["POST"], content_types=FORM)
def voice_operators_after(carrier, next):
    from chalicelib.handlers import operators

    return telephony_webhook(app.current_request, carrier, operators.after_dial)


@app.route(f"{VOICE}/operators/answered/{{code}}/{{call_sid}}", methods=["POST"], content_types=FORM)
def voice_operators_answered(carrier, code, call_sid):
    from chalicelib.handlers import operators
    from chalicelib.handlers.webhook import EMPTY_RESPONSE

    # A failure here must not hang up on the operator: they are connected with no whisper instead.
    return telephony_webhook(app.current_request, carrier, operators.answered,
                             on_failure=lambda _params: EMPTY_RESPONSE)


@app.route(f"{MESSAGING}/incoming", methods=["POST"], content_types=FORM)
def messaging_incoming(carrier):
    from chalicelib.handlers import messaging

    # Only Twilio's numbers take messages (its WhatsApp and SMS intake); Plivo's Indian numbers take none.
    return telephony_webhook(app.current_request, carrier, messaging.incoming, messaging.apology,
                             carriers=("twilio",))


@app.route(f"{MESSAGING}/status/{{number}}", methods=["POST"], content_types=FORM)
def messaging_status(carrier, number):
    from chalicelib.handlers import messaging

    return telephony_webhook(app.current_request, carrier, messaging.status)


@app.route("/recordings/{token}", methods=["GET"])
def recording_page(token):
    from chalicelib.handlers import recordings

    return recordings.open_link(app.current_request, token)


@app.route("/recordings/{token}", methods=["POST"], content_types=FORM)
def recording_play(token):
    from chalicelib.handlers import recordings

    return recordings.open_link(app.current_request, token)


# A sign-language video call's page, for the citizen: the link they were sent (its id is the capability).
# API Gateway wants one name for the id at this level: /video/{video_id}/state, /join… (handlers/api_video.py) too.
@app.route("/video/{video_id}", methods=["GET"])
def video_page(video_id):
    from chalicelib.handlers import video_page as page

    return page.serve(video_id, (app.current_request.headers or {}).get("if-none-match"))


# The district's page for asking a sign-language video call (no sign-in: the link goes to the phone typed).
@app.route("/video/ask/{district}", methods=["GET"])
def video_ask_page(district):
    from chalicelib.handlers import video_ask

    return video_ask.ask_page(app.current_request, district)


@app.route("/video/ask/{district}", methods=["POST"], content_types=FORM)
def video_ask_book(district):
    from chalicelib.handlers import video_ask

    return video_ask.ask_page(app.current_request, district)


# The short links officers get now (chalicelib/recording_links.py); /recordings/ opens the signed ones sent before.
@app.route("/r/{token}", methods=["GET"])
def short_recording_page(token):
    from chalicelib.handlers import recordings

    return recordings.open_link(app.current_request, token)


@app.route("/r/{token}", methods=["POST"], content_types=FORM)
def short_recording_play(token):
    from chalicelib.handlers import recordings

    return recordings.open_link(app.current_request, token)


# A sign-language video call's page JSON for the citizen (the id in the link is the secret; no sign-in).
@app.route("/video/{video_id}/state", methods=["GET"])
def video_state(video_id):
    from chalicelib.handlers import api_video

    return api_video.citizen(app.current_request, video_id, "state")


@app.route("/video/{video_id}/{step}", methods=["POST"])
def video_step(video_id, step):
    from chalicelib.handlers import api_video

    return api_video.citizen(app.current_request, video_id, step)


@app.route("/api/video-calls/{call_sid}/join", methods=["POST"])
def api_join_video_call(call_sid):
    from chalicelib.handlers import api_video

    return api_video.serve(app.current_request, "joinVideoCall")


@app.route("/api/video-calls/{call_sid}/leave", methods=["POST"])
def api_leave_video_call(call_sid):
    from chalicelib.handlers import api_video

    return api_video.serve(app.current_request, "leaveVideoCall")


@app.route("/api/openapi.json", methods=["GET"])
def api_openapi():
    from chalicelib.handlers import api_docs

    return api_docs.openapi(app.current_request)


def _api(operation_id: str):
    from chalicelib.handlers import api_console

    return api_console.serve(app.current_request, operation_id)


@app.route("/api/me", methods=["GET"])
def api_me():
    return _api("me")


@app.route("/api/tickets", methods=["GET"])
def api_list_tickets():
    return _api("listTickets")


@app.route("/api/tickets", methods=["POST"])
def api_register_ticket():
    return _api("registerTicket")


@app.route("/api/tickets/bulk", methods=["POST"])
def api_bulk_tickets():
    return _api("bulkTickets")


@app.route("/api/tickets/export.csv", methods=["GET"])
def api_export_tickets():
    return _api("exportTickets")


@app.route("/api/tickets/search", methods=["GET"])
def api_search_tickets():
    return _api("searchTickets")


@app.route("/api/tickets/{number}", methods=["GET"])
def api_get_ticket(number):
    return _api("getTicket")


@app.route("/api/tickets/{number}/recording", methods=["GET"])
def api_recording(number):
    return _api("getRecording")


@app.route("/api/tickets/{number}/transcript", methods=["PUT"])
def api_correct_transcript(number):
    return _api("correctTranscript")


@app.route("/api/tickets/{number}/{action}", methods=["POST"])
def api_ticket_action(number, action):
    from chalicelib.handlers import api_console

    return api_console.serve_action(app.current_request, action)


@app.route("/api/calls/ringing", methods=["GET"])
def api_ringing_calls():
    from chalicelib.handlers import api_calls

    return api_calls.serve(app.current_request, "ringingCalls")


@app.route("/api/calls/{call_sid}", methods=["GET"])
def api_get_call(call_sid):
    from chalicelib.handlers import api_calls

    return api_calls.serve(app.current_request, "getCall")


@app.route("/api/dashboard", methods=["GET"])
def api_dashboard():
    return _api("dashboard")


@app.route("/api/districts/{code}", methods=["GET"])
def api_district(code):
    return _api("getDistrict")


@app.route("/api/districts/{code}/config", methods=["GET"])
def api_district_config(code):
    return _api("getDistrictConfig")


@app.route("/api/districts/{code}/config", methods=["PUT"])
def api_save_district_config(code):
    return _api("putDistrictConfig")


@app.route("/api/districts/{code}/audit", methods=["GET"])
def api_directory_audit(code):
    return _api("directoryAudit")


def _blocklist_api(operation_id: str):
    from chalicelib.handlers import api_blocklist

    return api_blocklist.serve(app.current_request, operation_id)


@app.route("/api/districts/{code}/blocklist", methods=["GET"])
def api_blocklist(code):
    return _blocklist_api("getBlocklist")


@app.route("/api/districts/{code}/blocklist/{phone}", methods=["PUT"])
def api_block_caller(code, phone):
    return _blocklist_api("blockCaller")


@app.route("/api/districts/{code}/blocklist/{phone}", methods=["DELETE"])
def api_unblock_caller(code, phone):
    return _blocklist_api("unblockCaller")


def _officer_pin_api(operation_id: str):
    from chalicelib.handlers import api_officer_pins

    return api_officer_pins.serve(app.current_request, operation_id)


@app.route("/api/me/pin", methods=["PUT"])
def api_set_own_pin():
    return _officer_pin_api("setOwnPin")


@app.route("/api/districts/{code}/officer-pins/{phone}", methods=["PUT"])
def api_reset_officer_pin(code, phone):
    return _officer_pin_api("resetOfficerPin")


@app.route("/console", methods=["GET"])
def console_home():
    from chalicelib.handlers import console_files

    return console_files.home()


@app.route("/console/{name}", methods=["GET"])
def console_asset(name):
    from chalicelib.handlers import console_files

    return console_files.asset(name, (app.current_request.headers or {}).get("if-none-match"))


# What `make chime` builds into the console's vendor/ (the Chime SDK the video pages import when a call starts).
@app.route("/console/vendor/{name}", methods=["GET"])
def console_vendor_asset(name):
    from chalicelib.handlers import console_files

    return console_files.asset(f"vendor/{name}", (app.current_request.headers or {}).get("if-none-match"))


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


@app.schedule(Rate(15, unit=Rate.MINUTES), name="reconciler")
def reconciler(event):
    from chalicelib.handlers import reconciler as reconcile

    return reconcile.run(event)


@app.on_sqs_message(queue=settings.queue_name("transcribe"), batch_size=5, name="transcriber")
def transcriber(event):
    from chalicelib.handlers import transcriber as consumer

    return consumer.handle(event)
