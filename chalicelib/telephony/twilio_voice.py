"""Twilio's voice adapter: the call script as TwiML (twilio.twiml), Twilio's form as it comes (the neutral
form is named after it), and X-Twilio-Signature over the URL and the form.

On the webhook path: twilio.twiml and twilio.request_validator are small (they do not load the REST client).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib import settings
from chalicelib.telephony.call_script import (
    CallScript,
    Dial,
    Gather,
    Hangup,
    Pause,
    Play,
    Prompt,
    Record,
    Redirect,
    Reject,
    Say,
)

NAME = "twilio"
SIGNATURE_HEADER = "X-Twilio-Signature"


def render(script: CallScript) -> str:
    from twilio.twiml.voice_response import VoiceResponse

    response = VoiceResponse()
    for verb in script.verbs:
        _add(response, verb)
    return str(response)


def _prompt(node: Any, prompt: Prompt) -> None:
    if isinstance(prompt, Say):
        node.say(prompt.text, voice=prompt.voice, language=prompt.language)
    elif isinstance(prompt, Play):
        node.play(prompt.url)
    else:
        node.pause(length=prompt.seconds)


def _add(r: Any, verb: Any) -> None:
    if isinstance(verb, Say | Play | Pause):
        _prompt(r, verb)
    elif isinstance(verb, Gather):
        gather = r.gather(action=verb.action, method="POST", timeout=verb.timeout,
                          num_digits=verb.num_digits, finish_on_key=verb.finish_on_key)
        for prompt in verb.prompts:
            _prompt(gather, prompt)
    elif isinstance(verb, Record):
        callback = ({"recording_status_callback": verb.status_callback, "recording_status_callback_method": "POST",
                     "recording_status_callback_event": "completed"} if verb.status_callback else {})
        r.record(action=verb.action, method=verb.method, max_length=verb.max_seconds,
                 finish_on_key="#", play_beep=True, timeout=verb.silence_seconds, **callback)
    elif isinstance(verb, Dial):
        # Both parties on their own channel, from the answer: the whisper and the ringing are not recorded.
        dial = r.dial(action=verb.action, method="POST", timeout=verb.timeout,
                      record="record-from-answer-dual", recording_status_callback=verb.recording_status_callback,
                      recording_status_callback_method="POST", recording_status_callback_event="completed")
        for number in verb.numbers:
            dial.number(number, url=verb.whisper_url, method="POST")
    elif isinstance(verb, Reject):
        r.reject(reason=verb.reason)
    elif isinstance(verb, Redirect):
        r.redirect(verb.url, method=verb.method)
    elif isinstance(verb, Hangup):
        r.hangup()
    else:
        raise TypeError(f"no TwiML for {verb!r}")


def parse(form: Mapping[str, str]) -> dict[str, str]:
    """Twilio's fields are the neutral form's names (docs/architecture.md, "the call request")."""
    return dict(form)


def is_signed(url: str, form: Mapping[str, str], headers: Mapping[str, str]) -> bool:
    from twilio.request_validator import RequestValidator

    token, signature = settings.twilio_auth_token(), headers.get("x-twilio-signature")
    if not signature or not token:
        return False
    return bool(RequestValidator(token).validate(url, dict(form), signature))


def signature_header(url: str, form: Mapping[str, str], auth_token: str) -> dict[str, str]:
    """What Twilio sends with a request (the call emulator and tests sign with this)."""
    from twilio.request_validator import RequestValidator

    return {"X-Twilio-Signature": RequestValidator(auth_token).compute_signature(url, dict(form))}


def empty() -> str:
    return '<?xml version="1.0" encoding="UTF-8"?><Response />'


def message_reply(text: str) -> str:
    """The answer to an incoming SMS or WhatsApp message: one <Message>, built by Twilio's MessagingResponse."""
    from twilio.twiml.messaging_response import MessagingResponse

    response = MessagingResponse()
    response.message(text)
    return str(response)
