"""Twilio messaging webhooks: officers' and citizens' texts (SMS or WhatsApp), and delivery statuses."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from chalicelib import wiring
from chalicelib.handlers.webhook import EMPTY_RESPONSE

if TYPE_CHECKING:
    from chalicelib.domain.district import District
    from chalicelib.domain.video_calls import VideoCall

log = logging.getLogger(__name__)


def _message(text: str) -> str:
    from chalicelib.telephony.twilio_voice import message_reply

    return message_reply(text)


def apology(params: dict[str, str]) -> str:
    from chalicelib.i18n import catalog

    return _message(catalog("hi").text("technical_problem") + " / " + catalog("en").text("technical_problem"))


def incoming(form: dict[str, str], params: dict[str, str]) -> str:
    """Officers' commands, citizens' feedback and STATUS, and the WhatsApp/SMS intake conversation
    (domain/chat_intake.py decides which)."""
    import uuid

    from chalicelib.domain.chat_intake import IncomingText, answer_text

    sender = form.get("From", "")
    if not sender or "Body" not in form:
        return EMPTY_RESPONSE
    channel = "whatsapp" if sender.startswith("whatsapp:") else "sms"
    # The number texted: a hotline line, or the district's SMS or WhatsApp sender (store/directory.py).
    home = wiring.directory().district_for_number(form.get("To", "").removeprefix("whatsapp:"))
    has_media = form.get("NumMedia", "0").strip() not in ("", "0") and bool(form.get("MediaUrl0"))
    # A WhatsApp template's quick-reply button (the resolution's "1 हाँ / 2 नहीं / वीडियो"): Twilio posts the
    # button's payload beside its text; the payload is what the template was approved to mean.
    body = form.get("ButtonPayload") or form["Body"]
    message = IncomingText(
        phone=sender.removeprefix("whatsapp:"), channel=channel, body=body,
        message_sid=form.get("MessageSid") or "SM" + uuid.uuid4().hex,  # no sid (never from Twilio): no retry guard
        media_url=form["MediaUrl0"] if has_media else None,
        media_type=form.get("MediaContentType0") if has_media else None)
    reply = answer_text(message, home, wiring.directory(), wiring.ticket_store(), wiring.conversations(),
                        wiring.dispatcher(), wiring.clock(), wiring.caller_history(), video=_book_video)
    return _message(reply) if reply else EMPTY_RESPONSE


def _book_video(district: District, phone: str, language: str, source: str) -> VideoCall:
    """A sign-language video call asked for in the chat (domain/chat_intake.py): booked, its link sent."""
    from chalicelib import settings
    from chalicelib.operations.video_booking import request_video

    # The short link base where there is one: a Hindi SMS with the link must fit two segments.
    return request_video(district, phone, language, source, calls=wiring.video_calls(), dispatcher=wiring.dispatcher(),
                         clock=wiring.clock(), link_base=settings.short_link_base_url()).call


def status(form: dict[str, str], params: dict[str, str]) -> str:
    from chalicelib.domain.delivery import FAILED_EVENT_PARAM, NOTICE_PARAM
    from chalicelib.domain.delivery_status import record_delivery
    from chalicelib.telephony.call_script import current_carrier

    try:
        if form.get("MessageSid") and form.get("MessageStatus"):
            record_delivery(params["number"], form["MessageSid"], form["MessageStatus"], form.get("To", ""),
                            form.get("ErrorCode", ""), wiring.ticket_store(), wiring.dispatcher(), wiring.clock(),
                            sent_for=params.get(FAILED_EVENT_PARAM, ""), notice=params.get(NOTICE_PARAM, ""),
                            carrier=current_carrier.get())
    except Exception:
        # Not the webhook's spoken apology: a message's status callback is answered with an empty
        # messaging response, whatever happened on our side.
        log.exception("status of message %s for %s not recorded", form.get("MessageSid"), params.get("number"))
    return EMPTY_RESPONSE
