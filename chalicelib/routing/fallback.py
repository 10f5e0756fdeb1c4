"""The fallback documents: static call scripts a carrier plays when our webhooks fail or time out, one pair
per carrier (voice.xml and thanks.xml as TwiML for Twilio; plivo-voice.xml and plivo-thanks.xml as Plivo XML).

Served apart from the API (an S3 object the stack creates; locally, the sandbox), so they work while the
API does not. Hindi first, then English (the catalogs' texts), a `<Record>` whose action is the second
document, fetched with GET like the first (S3 refuses POST). No URL in them points at the API: the
reconciler (chalicelib/domain/reconcile.py) turns the recording into a ticket afterwards.

    voice.xml   apology + "after the beep say your name, address and complaint", <Record>, and if
                nothing was said a goodbye
    thanks.xml  "thank you, the number will come by SMS", <Hangup>
"""
from __future__ import annotations

from chalicelib.i18n import catalog
from chalicelib.telephony.call_script import CallScript, say
from chalicelib.telephony.carriers import render

PREFIX = "fallback/"  # the S3 key prefix, the only public one
VOICE_DOCUMENT = "voice.xml"
THANKS_DOCUMENT = "thanks.xml"
# Twilio's keep the names numbers are already configured with; another carrier's carry its name first.
FILE_PREFIX = {"twilio": "", "plivo": "plivo-"}
LANGUAGES = ("hi", "en")
MAX_RECORD_SECONDS = 120
SILENCE_SECONDS = 5


def _both(vr: CallScript, key: str) -> None:
    for lang in LANGUAGES:
        say(vr, catalog(lang).text(key), catalog(lang))


def voice_document(base_url: str | None = None, max_seconds: int = MAX_RECORD_SECONDS, carrier: str = "twilio") -> str:
    """`base_url`: where the documents are published (…/fallback); None makes the action relative to this
    document's own URL, which Twilio resolves the same way."""
    vr = CallScript()
    for lang in LANGUAGES:
        speech = catalog(lang)
        say(vr, f"{speech.text('fallback_apology')} {speech.text('fallback_record_prompt')}", speech)
    thanks = document_name(THANKS_DOCUMENT, carrier)
    action = f"{base_url.rstrip('/')}/{thanks}" if base_url else thanks
    vr.record(action, max_seconds=max_seconds, silence_seconds=SILENCE_SECONDS, method="GET")
    _both(vr, "fallback_not_heard")  # reached only when nothing was recorded
    vr.hangup()
    return render(vr, carrier)


def thanks_document(carrier: str = "twilio") -> str:
    vr = CallScript()
    _both(vr, "fallback_thanks")
    vr.hangup()
    return render(vr, carrier)


def document_name(name: str, carrier: str) -> str:
    return FILE_PREFIX[carrier] + name


def documents(base_url: str | None = None, max_seconds: int = MAX_RECORD_SECONDS) -> dict[str, str]:
    """File name → document, every carrier's, to publish under PREFIX."""
    return {name: text for carrier in FILE_PREFIX for name, text in (
        (document_name(VOICE_DOCUMENT, carrier), voice_document(base_url, max_seconds, carrier)),
        (document_name(THANKS_DOCUMENT, carrier), thanks_document(carrier)))}


def s3_base_url(bucket: str, region: str) -> str:
    """The public (virtual-hosted) URL of the prefix in the fallback bucket."""
    return f"https://{bucket}.s3.{region}.amazonaws.com/{PREFIX.rstrip('/')}"


def bucket_name(stage: str, account_id: str) -> str:
    """As infra/resources.json names it: bucket names are global, so the account is part of it."""
    return f"samvad-{stage}-fallback-{account_id}"
