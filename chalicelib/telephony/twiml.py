"""TwiML building blocks shared by the IVR steps."""
from __future__ import annotations

from contextvars import ContextVar
from urllib.parse import urlencode

from twilio.twiml.voice_response import VoiceResponse

from chalicelib import settings
from chalicelib.i18n import Catalog

# Query parameters every URL built in this request carries: the district a caller chose on a state
# number (181) travels this way through every later step, whoever wrote the step. The webhook wrapper
# empties it at the start of each request (a Lambda container reuses its thread).
carried_query: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("carried_query", default=())


def carry(name: str, value: str) -> None:
    """From here to the end of the request, every url() carries name=value."""
    carried_query.set((*((n, v) for n, v in carried_query.get() if n != name), (name, value)))


def url(path: str) -> str:
    """Absolute action URLs: Twilio signs what it requests, so it must request what we validate."""
    carried = carried_query.get()
    if carried:
        path += ("&" if "?" in path else "?") + urlencode(carried)
    return settings.public_base_url() + path


def say(node: VoiceResponse, text: str, speech: Catalog) -> None:
    node.say(text, voice=speech.voice, language=speech.tts_language)


def render(response: VoiceResponse) -> str:
    return str(response)


def message_reply(text: str) -> str:
    """The answer to an incoming SMS or WhatsApp message: one <Message>, built by Twilio's MessagingResponse."""
    from twilio.twiml.messaging_response import MessagingResponse

    response = MessagingResponse()
    response.message(text)
    return str(response)
