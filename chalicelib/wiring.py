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
def sms() -> Any:
    from chalicelib.telephony.rest import TwilioSms

    return TwilioSms()


@cache
def clock() -> Any:
    from chalicelib.domain.clock import SystemClock

    return SystemClock()
