"""Twilio messaging webhooks: officers' and citizens' texts (SMS or WhatsApp), and delivery statuses."""
from __future__ import annotations

import logging
from xml.sax.saxutils import escape

from chalicelib import wiring
from chalicelib.handlers.webhook import EMPTY_TWIML

log = logging.getLogger(__name__)


def _message(text: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(text)}</Message></Response>'


def apology(params: dict[str, str]) -> str:
    from chalicelib.i18n import catalog

    return _message(catalog("hi").text("technical_problem") + " / " + catalog("en").text("technical_problem"))


def incoming(form: dict[str, str], params: dict[str, str]) -> str:
    from chalicelib.domain.inbox import handle_message

    sender = form.get("From", "")
    if not sender or "Body" not in form:
        return EMPTY_TWIML
    channel = "whatsapp" if sender.startswith("whatsapp:") else "sms"
    home = wiring.directory().district_for_line(form.get("To", "").removeprefix("whatsapp:"))
    reply = handle_message(sender.removeprefix("whatsapp:"), channel, form["Body"], wiring.directory(),
                           wiring.ticket_store(), wiring.dispatcher(), wiring.clock(), home)
    return _message(reply.text)


def status(form: dict[str, str], params: dict[str, str]) -> str:
    from chalicelib.domain.delivery import FAILED_EVENT_PARAM
    from chalicelib.domain.delivery_status import record_delivery

    try:
        if form.get("MessageSid") and form.get("MessageStatus"):
            record_delivery(params["number"], form["MessageSid"], form["MessageStatus"], form.get("To", ""),
                            form.get("ErrorCode", ""), wiring.ticket_store(), wiring.dispatcher(), wiring.clock(),
                            sent_for=params.get(FAILED_EVENT_PARAM, ""))
    except Exception:
        # Not the webhook's spoken apology: a message's status callback is answered with an empty
        # messaging response, whatever happened on our side.
        log.exception("status of message %s for %s not recorded", form.get("MessageSid"), params.get("number"))
    return EMPTY_TWIML
