"""Officers' PINs for their IVR: what a PIN may be, how it is kept (salted PBKDF2, never the digits), and how
many wrong tries a phone is allowed.

A PIN is per district and phone (the directory's `DISTRICT#<code>` / `PIN#<phone>` item, store/officer_pins.py):
the phone is the officer's identity on the IVR, as on their SMS commands, and the PIN proves the person holding it.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
from datetime import timedelta

_PIN = re.compile(r"^[0-9]{4,8}$")
_SCHEME = "pbkdf2_sha256"
# A 4-digit PIN has 10,000 values: the hash cannot stop an offline search, it keeps the digits out of every
# backup and console. The rate of tries is what protects a PIN (WRONG_TRIES_PER_WINDOW below). 60,000 rounds
# cost the webhook about 30 ms.
ITERATIONS = 60_000

TRIES_PER_CALL = 3  # then the call ends politely
WRONG_TRIES_PER_WINDOW = 6  # per phone across calls: two calls' worth, then the phone waits
WRONG_TRIES_WINDOW = timedelta(hours=1)
TRIES_KEY_PREFIX = "pin-tries#"


def is_valid_pin(pin: str) -> bool:
    """4 to 8 ASCII digits: what a feature phone's keypad can key before the hash."""
    return bool(_PIN.match(pin or ""))


def hash_pin(pin: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """`pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`; ValueError for a PIN that is_valid_pin refuses."""
    if not is_valid_pin(pin):
        raise ValueError("a PIN is 4 to 8 digits")
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"{_SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str | None) -> bool:
    """Whether `pin` is the one `stored` was made from (in constant time); False for no PIN or a broken one."""
    if not stored or not is_valid_pin(pin):
        return False
    try:
        scheme, rounds, salt, digest = stored.split("$")
        iterations, salt_bytes, expected = int(rounds), bytes.fromhex(salt), bytes.fromhex(digest)
    except ValueError:
        return False
    if scheme != _SCHEME or not 1 <= iterations <= 10 * ITERATIONS:
        return False
    return hmac.compare_digest(hashlib.pbkdf2_hmac("sha256", pin.encode(), salt_bytes, iterations), expected)


def tries_key(district: str, phone: str) -> str:
    """The wrong-tries counter of one phone in one district (LinkAttempts, the idempotency table)."""
    return f"{TRIES_KEY_PREFIX}{district}#{phone}"
