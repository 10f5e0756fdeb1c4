"""A citizen's consent to updates on WhatsApp: asked once per phone, kept on the caller and on each ticket.

The answer (yes or no, when, and where it was given: ivr, whatsapp, sms, console) is the caller's item
(store/callers.py). Each ticket carries a copy (`whatsapp_consent`, `whatsapp_consent_at`), so every event
of the ticket carries it in its data (ticket.snapshot) and the notifier decides without another read.

Asked once: the IVR learns whether the caller answered from the tickets it already reads before a new
complaint (handlers/voice_status.py, the `by_caller` Query of the repeat-caller check). An answer found there
travels in the step URLs (`consent=yes@<when>`) to the recording, which copies it onto the new ticket; with
none found (no parameter) the recording's step asks, after the number. The chat reads the caller's item once,
when the question would come. A citizen who texts STOP on WhatsApp withdraws it, on the caller and on every open
ticket; START gives it again.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from chalicelib.domain.message_kinds import CITIZEN_KINDS
from chalicelib.domain.ticket import Ticket, TimelineEntry

if TYPE_CHECKING:
    from collections.abc import Iterable

    from chalicelib.domain.district import District

CONSENT_CHANNELS = ("ivr", "whatsapp", "sms", "console")
YES_KEY = "1"  # "press 1"; no key or any other key is no
# Words a citizen texts on WhatsApp to stop updates there, and to have them again (any case, alone).
STOP_WORDS = ("STOP", "बंद")
START_WORDS = ("START", "चालू")
_YES_WORDS = ("1", "YES", "Y", "HAAN", "HAN", "HA", "हाँ", "हां", "जी")

# The step URLs' parameter (call_script.carry): the answer the IVR found before the recording.
URL_PARAM = "consent"


@dataclass(frozen=True)
class WhatsAppConsent:
    """The citizen's answer: `given` True for yes; `at` (ISO UTC) when; `channel` where (CONSENT_CHANNELS)."""

    given: bool
    at: str
    channel: str


class NotTheCallersTicket(Exception):
    """A consent written for a ticket that is not this phone's (or no ticket at all): nothing was written."""


def asks_consent(district: District) -> bool:
    """Whether citizens of this district are asked: only where the channel plan sends some citizen's message by
    WhatsApp — elsewhere the answer would change nothing and the question would cost the caller seconds."""
    if district.whatsapp is None:
        return False
    return any("whatsapp" in district.channel_plan.channels_for(kind) for kind in CITIZEN_KINDS)


def answered_on(tickets: Iterable[Ticket]) -> Ticket | None:
    """The newest of these tickets that carries an answer (yes or no), or None when none does."""
    answered = [t for t in tickets if t.whatsapp_consent_at]
    return max(answered, key=lambda t: t.whatsapp_consent_at or "") if answered else None


def with_consent(ticket: Ticket, given: bool, at: str | None) -> Ticket:
    return replace(ticket, whatsapp_consent=given, whatsapp_consent_at=at)


def consent_entry(complaint_number: str, consent: WhatsAppConsent, phone: str) -> TimelineEntry:
    """The timeline's line for an answer written on a ticket after its registration."""
    return TimelineEntry(complaint_number=complaint_number, at=consent.at, actor_type="citizen",
                         actor_id=phone, action="whatsapp_consent", channel=consent.channel,
                         detail={"given": consent.given})


# -- the IVR: what the call learnt before the recording, carried in its URLs ------------------------------

def url_token(answered: Ticket | None) -> str | None:
    """The known answer as the URLs carry it, `yes@<when>` / `no@<when>` (one parameter, signed with the URL);
    None when no recent ticket has one: nothing is carried, and the recording's step asks."""
    if answered is None or not answered.whatsapp_consent_at:
        return None
    return f"{'yes' if answered.whatsapp_consent else 'no'}@{answered.whatsapp_consent_at}"


@dataclass(frozen=True)
class CarriedConsent:
    """What a step URL says: the caller's known answer, to copy onto the new ticket; `known` False: none."""

    known: bool = False
    given: bool = False
    at: str | None = None


def from_token(token: str | None) -> CarriedConsent:
    """A URL's `consent` parameter read back; none (or an odd value) is no known answer."""
    answer, _, at = (token or "").partition("@")
    if answer in ("yes", "no") and at[:2] == "20" and len(at) <= 32:
        return CarriedConsent(known=True, given=answer == "yes", at=at)
    return CarriedConsent()


def pressed_yes(digits: str | None) -> bool:
    return digits == YES_KEY


# -- the chat ----------------------------------------------------------------------------------------------

def _word(text: str) -> str:
    return " ".join(text.strip().upper().rstrip(".!").split())


def chat_says_yes(text: str) -> bool:
    """1, yes, haan, हाँ… is yes; anything else is no (as a key other than 1 is on the phone)."""
    return _word(text) in _YES_WORDS


def consent_keyword(text: str) -> bool | None:
    """False for STOP, True for START (a message of that word alone), None for any other message."""
    word = _word(text)
    if word in STOP_WORDS:
        return False
    if word in START_WORDS:
        return True
    return None
