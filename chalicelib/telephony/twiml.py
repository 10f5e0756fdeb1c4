"""TwiML building blocks shared by the IVR steps."""
from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from chalicelib import settings
from chalicelib.i18n import Catalog


def url(path: str) -> str:
    """Absolute action URLs: Twilio signs what it requests, so it must request what we validate."""
    return settings.public_base_url() + path


def say(node: VoiceResponse, text: str, speech: Catalog) -> None:
    node.say(text, voice=speech.voice, language=speech.tts_language)


def render(response: VoiceResponse) -> str:
    return str(response)
