"""The fallback TwiML: two static documents Twilio plays when our webhooks fail or time out.

Served apart from the API (an S3 object the stack creates; locally, the sandbox), so they work while the
API does not. Hindi first, then English (the catalogs' texts), a `<Record>` whose action is the second
document, fetched with GET like the first (S3 refuses POST). No URL in them points at the API: the
reconciler (chalicelib/domain/reconcile.py) turns the recording into a ticket afterwards.

    voice.xml   apology + "after the beep say your name, address and complaint", <Record>, and if
                nothing was said a goodbye
    thanks.xml  "thank you, the number will come by SMS", <Hangup>
"""
from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from chalicelib.i18n import catalog
from chalicelib.telephony.twiml import render, say

PREFIX = "fallback/"  # the S3 key prefix, the only public one
VOICE_DOCUMENT = "voice.xml"
THANKS_DOCUMENT = "thanks.xml"
LANGUAGES = ("hi", "en")
MAX_RECORD_SECONDS = 120
SILENCE_SECONDS = 5


def _both(vr: VoiceResponse, key: str) -> None:
    for lang in LANGUAGES:
        say(vr, catalog(lang).text(key), catalog(lang))


def voice_document(base_url: str | None = None, max_seconds: int = MAX_RECORD_SECONDS) -> str:
    """`base_url`: where the documents are published (…/fallback); None makes the action relative to this
    document's own URL, which Twilio resolves the same way."""
    vr = VoiceResponse()
    for lang in LANGUAGES:
        speech = catalog(lang)
        say(vr, f"{speech.text('fallback_apology')} {speech.text('fallback_record_prompt')}", speech)
    action = f"{base_url.rstrip('/')}/{THANKS_DOCUMENT}" if base_url else THANKS_DOCUMENT
    vr.record(action=action, method="GET", max_length=max_seconds, finish_on_key="#", play_beep=True,
              timeout=SILENCE_SECONDS)
    _both(vr, "fallback_not_heard")  # reached only when nothing was recorded
    vr.hangup()
    return render(vr)


def thanks_document() -> str:
    vr = VoiceResponse()
    _both(vr, "fallback_thanks")
    vr.hangup()
    return render(vr)


def documents(base_url: str | None = None, max_seconds: int = MAX_RECORD_SECONDS) -> dict[str, str]:
    """File name → TwiML, to publish under PREFIX."""
    return {VOICE_DOCUMENT: voice_document(base_url, max_seconds), THANKS_DOCUMENT: thanks_document()}


def s3_base_url(bucket: str, region: str) -> str:
    """The public (virtual-hosted) URL of the prefix in the fallback bucket."""
    return f"https://{bucket}.s3.{region}.amazonaws.com/{PREFIX.rstrip('/')}"


def bucket_name(stage: str, account_id: str) -> str:
    """As infra/resources.json names it: bucket names are global, so the account is part of it."""
    return f"samvad-{stage}-fallback-{account_id}"
