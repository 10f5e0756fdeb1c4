"""Links for officers to hear a complaint's recording: bound to one officer's phone, expiring.

Opening a link asks for the officer's mobile number; only that number plays the recording, through our proxy,
so the carrier's recording URL is never shown and a forwarded link is useless to anyone else.

A link is short, https://<host>/r/<token> with an 11-character random token, so an officer's Hindi forward stays
within two SMS segments. The token is stored (ShortLinks, by a digest of it: a reader of the table cannot open
links), because 11 characters cannot carry what it stands for: a complaint number, an expiry and a MAC strong
enough against guessing take about 20 (an 8-character number, 3 for the expiry, 7 for a 40-bit MAC, a key id).
The links sent before, /recordings/<payload>.<mac> signed with HMAC and carrying all of it, open until they
expire.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time

from chalicelib import settings
from chalicelib.domain.ports import ShortLink, ShortLinks

PATH = "/recordings/{token}"  # the signed links sent before the short ones
SHORT_PATH = "/r/{token}"
ATTEMPTS_PREFIX = "link-tries#"
TOKEN_LENGTH = 11  # base62: 65 random bits, past any guessing through a rate-limited API
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SHORT_TOKEN = re.compile(f"[0-9A-Za-z]{{{TOKEN_LENGTH}}}")
_TRIES = 3  # a random token taken already is all but impossible; three draws make it impossible in practice


class BadLink(ValueError):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(payload: str) -> str:
    return _b64(hmac.new(settings.link_secret().encode(), payload.encode(), hashlib.sha256).digest()[:18])


def _default_store() -> ShortLinks:
    from chalicelib import wiring

    return wiring.short_links()


def _digest(short_token: str) -> str:
    return hashlib.sha256(short_token.encode()).hexdigest()[:32]


def token(complaint_number: str, phone: str, hours: int, now: float | None = None) -> str:
    """A signed long token, as links carried before the short ones (kept to open those, and for tests)."""
    expires = int((now or time.time()) + hours * 3600)
    payload = _b64(f"{complaint_number}|{phone}|{expires}".encode())
    return f"{payload}.{_mac(payload)}"


def short_token(complaint_number: str, phone: str, hours: int, now: float | None = None,
                store: ShortLinks | None = None) -> str:
    """A new short token for this complaint and officer phone, kept until `hours` from now."""
    store = store or _default_store()
    link = ShortLink(complaint_number, phone, int((now or time.time()) + hours * 3600))
    for _ in range(_TRIES):
        drawn = "".join(secrets.choice(_ALPHABET) for _ in range(TOKEN_LENGTH))
        if store.add(_digest(drawn), link):
            return drawn
    raise RuntimeError("no free short-link token in three draws")


def link(complaint_number: str, phone: str, hours: int, store: ShortLinks | None = None) -> str:
    """The officer's link (domain/notices.py RecordingLinks)."""
    return settings.short_link_base_url() + SHORT_PATH.format(
        token=short_token(complaint_number, phone, hours, store=store))


def verify(link_token: str, now: float | None = None, store: ShortLinks | None = None) -> tuple[str, str]:
    """(complaint number, officer phone) of a genuine, unexpired link; BadLink otherwise."""
    if _SHORT_TOKEN.fullmatch(link_token):
        found = (store or _default_store()).find(_digest(link_token))
        if found is None:
            raise BadLink("forged")
        number, phone, expires = found.complaint_number, found.phone, found.expires_at
    else:
        number, phone, expires = _signed(link_token)
    if int(expires) < (now or time.time()):
        raise BadLink("expired")
    return number, phone


def _signed(link_token: str) -> tuple[str, str, int]:
    try:
        payload, mac = link_token.split(".")
        number, phone, expires = _unb64(payload).decode().split("|")
        # Bytes: compare_digest refuses str with non-ASCII characters (TypeError), and a link's
        # token is whatever was typed or pasted into the address bar.
        genuine = hmac.compare_digest(mac.encode(), _mac(payload).encode())
        expires_at = int(expires)
    except (ValueError, TypeError, UnicodeError) as error:
        raise BadLink("malformed") from error
    if not genuine:
        raise BadLink("forged")
    return number, phone, expires_at


def attempts_key(link_token: str) -> str:
    """Where a genuine link's wrong numbers are counted: one key per link (a digest of its token, or of a signed
    link's payload), never the token itself, which stays out of the table."""
    if _SHORT_TOKEN.fullmatch(link_token):
        return ATTEMPTS_PREFIX + _digest(link_token)
    payload = link_token.split(".")[0]
    return ATTEMPTS_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:32]
