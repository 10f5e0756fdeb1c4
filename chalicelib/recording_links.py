"""Links for officers to hear a complaint's recording: bound to one officer's phone, expiring.

The link carries the complaint number, the officer's phone and an expiry, signed with HMAC. Opening
it asks for the officer's mobile number; only that number plays the recording, through our proxy, so
the Twilio recording URL is never shown and a forwarded link is useless to anyone else.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time

from chalicelib import settings

PATH = "/recordings/{token}"
ATTEMPTS_PREFIX = "link-tries#"


class BadLink(ValueError):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(payload: str) -> str:
    return _b64(hmac.new(settings.link_secret().encode(), payload.encode(), hashlib.sha256).digest()[:18])


def token(complaint_number: str, phone: str, hours: int, now: float | None = None) -> str:
    expires = int((now or time.time()) + hours * 3600)
    payload = _b64(f"{complaint_number}|{phone}|{expires}".encode())
    return f"{payload}.{_mac(payload)}"


def link(complaint_number: str, phone: str, hours: int) -> str:
    return settings.public_base_url() + PATH.format(token=token(complaint_number, phone, hours))


def verify(link_token: str, now: float | None = None) -> tuple[str, str]:
    """(complaint number, officer phone) of a genuine, unexpired link; BadLink otherwise."""
    try:
        payload, mac = link_token.split(".")
        number, phone, expires = _unb64(payload).decode().split("|")
        # Bytes: compare_digest refuses str with non-ASCII characters (TypeError), and a link's
        # token is whatever was typed or pasted into the address bar.
        genuine = hmac.compare_digest(mac.encode(), _mac(payload).encode())
    except (ValueError, TypeError, UnicodeError) as error:
        raise BadLink("malformed") from error
    if not genuine:
        raise BadLink("forged")
    if int(expires) < (now or time.time()):
        raise BadLink("expired")
    return number, phone


def attempts_key(link_token: str) -> str:
    """Where a genuine link's wrong numbers are counted: one key per link (its signed payload), never the token
    itself, which stays out of the table."""
    payload = link_token.split(".")[0]
    return ATTEMPTS_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:32]
