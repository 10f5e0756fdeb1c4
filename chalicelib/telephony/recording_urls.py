"""Which URLs are the carrier's recordings of our account, and which hosts a recording fetch may reach.

A RecordingUrl arrives in a webhook form and is later fetched with the account's credentials, so it is held to
the exact shape Twilio gives it — https://api.twilio.com/2010-04-01/Accounts/<our AccountSid>/Recordings/<RE…>
— and, on the local stack, to the sandbox's own base URL (settings.twilio_api_base()), never "anything on
loopback" (moto listens there too). Only those origins get the credentials. Twilio may answer a media fetch
with a redirect to a temporary, pre-signed URL on its media storage; that hop is followed without credentials
(a pre-signed URL needs none, and S3 refuses a request that carries two kinds of authorisation) and only to
Twilio's media hosts.

Plivo's recordings are held the same way: https://media.plivo.com/v1/Account/<our Auth ID>/Recording/<RecordingID>
.mp3 (or .wav), and locally the sandbox's <PLIVO_API_BASE>/media/… with the same path. Only those get Plivo's
credentials (telephony/plivo_rest.py), and no redirect is followed from them.

Pure string work, no I/O: the webhook path imports this module.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from chalicelib import settings

TWILIO_API = "https://api.twilio.com"
# Where Twilio serves recording media from after a redirect: its media CDN, and that bucket on S3 (path-style,
# https://s3-external-1.amazonaws.com/media.twiliocdn.com/…, or virtual-hosted).
MEDIA_HOSTS = frozenset({"api.twilio.com", "media.twiliocdn.com"})
MEDIA_BUCKET = "media.twiliocdn.com"
_S3_HOST = re.compile(r"^s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com$")

_ACCOUNT = re.compile(r"^AC[0-9a-fA-F]{32}$")
_SID = r"RE[0-9a-fA-F]{32}"
_TWILIO_PATH = re.compile(rf"^/2010-04-01/Accounts/(?P<account>AC[0-9a-fA-F]{{32}})/Recordings/(?P<sid>{_SID})$")
_SANDBOX_PATH = re.compile(rf"^/recordings/(?P<sid>{_SID})$")
_EXTENSION = re.compile(r"\.(?:mp3|wav)$")


PLIVO_MEDIA = "https://media.plivo.com"
_PLIVO_ACCOUNT = re.compile(r"^MA[A-Z0-9]{18}$")
_PLIVO_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_PLIVO_PATH = re.compile(rf"^/v1/Account/(?P<account>MA[A-Z0-9]{{18}})/Recording/(?P<id>{_PLIVO_ID})\.(?:mp3|wav)$")
PLIVO_SANDBOX_MEDIA = "/media"  # the sandbox serves Plivo's media host under its own base URL


def _sandbox_base() -> str | None:
    base = settings.twilio_api_base()
    return base.rstrip("/") if base else None


def recording_sid_of(url: str) -> str | None:
    """The RecordingSid when `url` is a recording of our account at the carrier (or at the sandbox, locally),
    exactly as the carrier writes it: no query, no fragment, no user info, no other port; None otherwise."""
    account = settings.twilio_account_sid()
    if not _ACCOUNT.match(account) or not url.isascii():
        return None
    if url.startswith(TWILIO_API + "/"):
        path = url[len(TWILIO_API):]
    elif (base := _sandbox_base()) and url.startswith(base + "/"):
        path = url[len(base):]
        sandbox = _SANDBOX_PATH.match(path)
        if sandbox:
            return sandbox["sid"]
    else:
        return None
    match = _TWILIO_PATH.match(path)
    return match["sid"] if match and match["account"] == account else None


def plivo_recording_id_of(url: str) -> str | None:
    """The RecordingID when `url` is Plivo's media URL of a recording in our account (or the sandbox's, locally),
    exactly as Plivo writes it; None otherwise."""
    account = settings.plivo_auth_id()
    if not _PLIVO_ACCOUNT.match(account) or not url.isascii():
        return None
    base = settings.plivo_api_base()
    sandbox = base.rstrip("/") + PLIVO_SANDBOX_MEDIA if base else None
    if url.startswith(PLIVO_MEDIA + "/"):
        path = url[len(PLIVO_MEDIA):]
    elif sandbox and url.startswith(sandbox + "/"):
        path = url[len(sandbox):]
    else:
        return None
    match = _PLIVO_PATH.match(path)
    return match["id"] if match and match["account"] == account else None


def carrier_of(url: str) -> str | None:
    """Whose recording of our account `url` is: "twilio", "plivo", or None for any other URL."""
    if recording_sid_of(url) is not None:
        return "twilio"
    return "plivo" if plivo_recording_id_of(url) is not None else None


def carrier_recording_url(url: str | None, recording_sid: str | None) -> str | None:
    """`url` when it is the carrier's URL of this very recording in our account (Twilio's RecordingSid or
    Plivo's RecordingID); None for anything else (another host, another account, another recording, a path to
    something that is not a recording)."""
    if not url or not recording_sid:
        return None
    return url if recording_sid in (recording_sid_of(url), plivo_recording_id_of(url)) else None


def media_url(recording_url: str) -> str:
    """What to request for a stored recording URL: Twilio's as MP3 (it answers WAV without an extension)."""
    return recording_url + ".mp3" if recording_url.startswith(TWILIO_API + "/") else recording_url


def takes_credentials(url: str) -> bool:
    """Only the carrier's API — locally, the sandbox's recordings and nothing else it serves — is sent the
    account's credentials."""
    if not url.isascii():
        return False
    if url.startswith(TWILIO_API + "/"):
        return True  # the origin exactly: a port or user info would not start so
    if not _sandbox_base():
        return False
    return recording_sid_of(_EXTENSION.sub("", url)) is not None


def redirect_allowed(location: str) -> bool:
    """A redirect the carrier's media fetch may follow: HTTPS to one of Twilio's media hosts or its media
    bucket on S3, or (locally) back to the sandbox; never anywhere else."""
    if not location.isascii():
        return False
    if takes_credentials(location):
        return True
    parts = urlsplit(location)
    if parts.scheme != "https" or parts.username is not None or parts.password is not None or parts.port:
        return False
    host = (parts.hostname or "").lower()
    if host in MEDIA_HOSTS:
        return True
    if host.startswith(MEDIA_BUCKET + ".") and _S3_HOST.match(host[len(MEDIA_BUCKET) + 1:]):
        return True  # virtual-hosted: media.twiliocdn.com.s3.amazonaws.com
    return bool(_S3_HOST.match(host)) and parts.path.startswith(f"/{MEDIA_BUCKET}/")
