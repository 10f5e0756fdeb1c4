"""The adapters each Lambda container uses, created on first use and kept for the container's life.

Imports happen inside the functions: the webhook path must not pay for pynamodb or boto3 until a
step actually needs the database.
"""
from __future__ import annotations

from functools import cache
from typing import Any


@cache
def directory() -> Any:
    from chalicelib.store.directory import CachedDirectory

    return CachedDirectory()


@cache
def ticket_store() -> Any:
    from chalicelib.store.tickets import DynamoTicketStore

    return DynamoTicketStore()


@cache
def dispatcher() -> Any:
    from chalicelib.events.outbox import OutboxDispatcher

    return OutboxDispatcher()


@cache
def claims() -> Any:
    from chalicelib.store.claims import DynamoClaims

    return DynamoClaims()


@cache
def messenger() -> Any:
    from chalicelib.telephony.rest import TwilioMessaging

    return TwilioMessaging()


@cache
def caller() -> Any:
    from chalicelib.telephony.rest import TwilioCalls

    return TwilioCalls()


@cache
def recordings() -> Any:
    from chalicelib.telephony.recordings import TwilioRecordings

    return TwilioRecordings()


@cache
def call_tickets() -> Any:
    from chalicelib.store.calls import DynamoCallTickets

    return DynamoCallTickets()


@cache
def callbacks() -> Any:
    from chalicelib.store.callbacks import DynamoCallbacks

    return DynamoCallbacks()


@cache
def conversations() -> Any:
    from chalicelib.store.conversations import DynamoConversations

    return DynamoConversations()


_clock: Any = None


def clock() -> Any:
    global _clock
    if _clock is None:
        from chalicelib.domain.clock import SystemClock

        _clock = SystemClock()
    return _clock


def use_clock(replacement: Any) -> None:
    """The local stack's movable clock (`manage.py advance`) and tests' fixed ones; None resets."""
    global _clock
    _clock = replacement


def reset() -> None:
    """Forget every adapter (tests start each case with fresh ones)."""
    for factory in (directory, ticket_store, dispatcher, claims, messenger, caller, recordings, call_tickets):
        factory.cache_clear()
    callbacks.cache_clear()
    conversations.cache_clear()
    use_clock(None)
