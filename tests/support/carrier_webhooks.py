"""One carrier's webhooks and outbound requests, seen through the neutral form the handlers read.

A flow test writes its webhook once, in the neutral names (CallSid, RecordingSid, RecordingUrl, DialCallStatus…,
docs/architecture.md), and `CarrierWebhooks` sends it as that carrier would: Plivo's own field names and values,
its V3 signature, at /plivo/…; or Twilio's form with X-Twilio-Signature at /twilio/…. Ids and recording URLs are
made in the carrier's own shape for our account (chalicelib/telephony/recording_urls.py), since the app keeps
only a recording URL that is the carrier's. `Outbound` reads what the app asked that carrier to send or place.
"""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

from chalice.test import Client

from chalicelib import settings
from chalicelib.telephony import plivo_voice
from chalicelib.telephony.recording_urls import PLIVO_MEDIA, TWILIO_API
from chalicelib.telephony.signature import sign

SIGN = "sign"  # `signature=SIGN`: the carrier's true signature of what is sent
# The neutral name → Plivo's, the reverse of plivo_voice.NEUTRAL_NAMES (the adapter is the truth for the mapping).
_PLIVO_NAME = {neutral: plivo for plivo, neutral in plivo_voice.NEUTRAL_NAMES.items()}
# What only Twilio sends: Plivo has no account field in a webhook and no status on a recording callback.
_TWILIO_ONLY = frozenset({"AccountSid", "ApiVersion", "RecordingStatus", "RecordingChannels", "RecordingSource",
                          "DialCallDuration", "Caller", "Called"})
_PLIVO_DIRECTION = {"outbound-api": "outbound"}


def _plivo_time(rfc2822: str) -> str:
    return parsedate_to_datetime(rfc2822).strftime("%Y-%m-%d %H:%M:%S")


class CarrierWebhooks:
    """Webhooks to the app in `carrier`'s protocol, through chalice's test client."""

    def __init__(self, client: Client, carrier: str) -> None:
        if carrier not in ("twilio", "plivo"):
            raise ValueError(f"no webhooks for carrier {carrier!r}")
        self.client, self.carrier = client, carrier

    # -- ids and URLs in the carrier's shape -------------------------------------------------------------

    def call_sid(self, fill: str | None = None) -> str:
        """A call's id as the carrier gives it (Twilio's CA…, Plivo's CallUUID); `fill`, one hex digit, makes
        it repeatable."""
        return self._id("CA", fill)

    def recording_sid(self, fill: str | None = None) -> str:
        return self._id("RE", fill)

    def _id(self, prefix: str, fill: str | None) -> str:
        if self.carrier == "twilio":
            return prefix + (fill * 32 if fill else uuid.uuid4().hex)
        return str(uuid.UUID(fill * 32)) if fill else str(uuid.uuid4())

    def recording_url(self, recording_sid: str) -> str:
        """The carrier's URL of this recording in our account."""
        if self.carrier == "twilio":
            return f"{TWILIO_API}/2010-04-01/Accounts/{settings.twilio_account_sid()}/Recordings/{recording_sid}"
        return f"{PLIVO_MEDIA}/v1/Account/{settings.plivo_auth_id()}/Recording/{recording_sid}.mp3"

    def path(self, neutral_path: str) -> str:
        """"/voice/record/hi/water/1" → "/{carrier}/voice/record/hi/water/1"."""
        return f"/{self.carrier}{neutral_path}"

    # -- the form and its signature ------------------------------------------------------------------------

    def form(self, neutral: dict[str, str]) -> dict[str, str]:
        """The neutral form in the carrier's field names and values."""
        if self.carrier == "twilio":
            return dict(neutral)
        sent: dict[str, str] = {}
        for name, value in neutral.items():
            if name in _TWILIO_ONLY:
                continue
            if name == "Timestamp":
                sent["EndTime"] = _plivo_time(value)
            elif name == "Direction":
                sent["Direction"] = _PLIVO_DIRECTION.get(value, value)
            elif name == "RecordingDuration":  # Plivo sends both; the milliseconds are what it measures
                sent["RecordingDuration"] = value
                sent["RecordingDurationMs"] = str(int(value) * 1000) if value.isdigit() else value
            else:
                sent[_PLIVO_NAME.get(name, name)] = value
        return sent

    def headers(self, url: str, form: dict[str, str], signature: str | None = SIGN) -> dict[str, str]:
        """The carrier's signature headers for `form` at `url`: SIGN the true one, None none, any other string
        that string as the signature (for Plivo, with a fresh nonce)."""
        if signature is None:
            return {}
        if self.carrier == "twilio":
            return {"X-Twilio-Signature": sign(url, form, settings.twilio_auth_token())
                    if signature == SIGN else signature}
        nonce = secrets.token_hex(10)
        if signature == SIGN:
            return plivo_voice.signature_header(url, form, settings.plivo_auth_token(), nonce)
        return {plivo_voice.SIGNATURE_HEADER: signature, "X-Plivo-Signature-V3-Nonce": nonce}

    def post(self, neutral_path: str, neutral: dict[str, str], signature: str | None = SIGN,
             nonce: str | None = None) -> Any:
        """POST the neutral form to /{carrier}{neutral_path} as the carrier sends it; chalice's response."""
        path = self.path(neutral_path)
        form = self.form(neutral)
        url = settings.public_base_url() + path
        headers = self.headers(url, form, signature)
        if nonce is not None and self.carrier == "plivo":  # the nonce the given signature was made with
            headers["X-Plivo-Signature-V3-Nonce"] = nonce
        return self.client.http.post(path, body=urlencode(form), headers={
            "Content-Type": "application/x-www-form-urlencoded", **headers})

    def signed_with_nonce(self, neutral_path: str, neutral: dict[str, str]) -> tuple[str, str]:
        """(signature, nonce): what the carrier sent with `neutral` at this path."""
        url = settings.public_base_url() + self.path(neutral_path)
        form = self.form(neutral)
        if self.carrier == "twilio":
            return sign(url, form, settings.twilio_auth_token()), ""
        nonce = secrets.token_hex(10)
        return plivo_voice.signature(
            "POST", url, form, nonce, settings.plivo_auth_token()), nonce


# -- what the app asked the carrier for ------------------------------------------------------------------

@dataclass(frozen=True)
class SentSms:
    to: str
    sender: str
    body: str
    status_callback: str | None


@dataclass(frozen=True)
class PlacedCall:
    to: str
    caller_id: str
    answer_url: str
    status_url: str | None
    call_id: str  # Twilio's CallSid is unknown to the recorder; Plivo's request_uuid as the API answered it


def _e164(number: Any) -> str:
    text = str(number or "")
    return text if text.startswith(("+", "whatsapp:")) or not text.isdigit() else "+" + text


class Outbound:
    """The SMS the app sent and the calls it placed through one carrier, in one shape."""

    def __init__(self, carrier: str, twilio: Any, plivo: Any) -> None:
        self.carrier, self._twilio, self._plivo = carrier, twilio, plivo

    def fail_next(self, *outcomes: int | Exception) -> None:
        (self._twilio if self.carrier == "twilio" else self._plivo).fail_next(*outcomes)

    def sms(self, to: str | None = None) -> list[SentSms]:
        if self.carrier == "twilio":
            return [SentSms(r.data["To"], r.data["From"], r.data["Body"], r.data.get("StatusCallback"))
                    for r in self._twilio.sms(to=to)]
        return [SentSms(_e164(r.body["dst"]), str(r.body["src"]), r.body["text"], r.body.get("url"))
                for r in self._plivo.sms(to=to)]

    def calls(self, to: str | None = None) -> list[PlacedCall]:
        """The calls the carrier took, each with the id it gave (Twilio's CallSid made up in order)."""
        if self.carrier == "twilio":
            placed = [PlacedCall(r.data["To"], r.data["From"], r.data["Url"], r.data.get("StatusCallback"),
                                 f"CA{n + 1:032x}") for n, r in enumerate(self._twilio.calls())]
        else:
            placed = [PlacedCall(c["to"], c["from"], c["request"]["answer_url"], c["request"].get("hangup_url"),
                                 c["request_uuid"]) for c in self._plivo.state.calls]
        return [c for c in placed if to is None or c.to == to]
