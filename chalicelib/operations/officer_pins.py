"""Officers' IVR PINs: an officer keys one on the call (checked against its hash, wrong tries counted per phone
across calls), and sets one in the console (their own; the Collector's office resets anyone's in its district).
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.domain.clock import iso
from chalicelib.domain.district import District
from chalicelib.domain.officer_pins import (
    WRONG_TRIES_PER_WINDOW,
    WRONG_TRIES_WINDOW,
    hash_pin,
    is_valid_pin,
    pin_matches,
    tries_key,
)
from chalicelib.domain.ports import LinkAttempts, OfficerPins

SIGNED_IN = "signed_in"
WRONG = "wrong"
LOCKED = "locked"  # too many wrong tries from this phone lately: not even checked
NO_PIN = "no_pin"  # the officer never set one


def check_pin(district: District, phone: str, keyed: str, now: datetime, pins: OfficerPins,
              attempts: LinkAttempts) -> str:
    """SIGNED_IN, WRONG (counted), LOCKED or NO_PIN. A locked phone is refused before its PIN is read, so
    guessing goes no faster by calling again."""
    key = tries_key(district.code, phone)
    if attempts.failures(key, now) >= WRONG_TRIES_PER_WINDOW:
        return LOCKED
    stored = pins.pin_hash(district.code, phone)
    if stored is None:
        return NO_PIN
    if pin_matches(keyed, stored):
        return SIGNED_IN
    attempts.add_failure(key, now, WRONG_TRIES_WINDOW)
    return WRONG


class NotAnOfficer(ValueError):
    """The phone holds no post in the district (and is not its Collector's): it has no PIN to set."""


def set_pin(district: District, phone: str, pin: str, by: str, now: datetime, pins: OfficerPins) -> None:
    """Hash and store the PIN (ValueError for one that is not 4 to 8 digits; NotAnOfficer)."""
    if phone not in district.officer_phones():
        raise NotAnOfficer(phone)
    if not is_valid_pin(pin):
        raise ValueError("a PIN is 4 to 8 digits")
    pins.set_pin_hash(district.code, phone, hash_pin(pin), by, iso(now))
