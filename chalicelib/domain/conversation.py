"""A citizen's WhatsApp or SMS intake conversation (domain/chat_intake.py moves it along): one small item per
district, phone and channel, saved conditional on its version."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

CHAT_TTL = timedelta(hours=24)  # WhatsApp's customer-service window; SMS conversations idle out alike


@dataclass(frozen=True)
class Conversation:
    key: str
    conversation_id: str  # the MessageSid that started it: the registration's once-key
    district: str
    phone: str
    channel: str
    step: str
    updated_at: str
    version: int = 0
    language: str | None = None
    category: str | None = None
    kind: str | None = None  # a suggestion or a demand, where the district asks; None: a complaint
    description: str | None = None
    caller_name: str | None = None
    address: str | None = None
    media_url: str | None = None
    media_type: str | None = None
    complaint_number: str | None = None
    last_sid: str = ""  # the message last answered, and how: a retry of it is answered the same
    last_reply: str = ""
    seen_sids: tuple[str, ...] = ()  # the last few messages answered: a late retry of one moves nothing


def conversation_key(district_code: str, phone: str, channel: str) -> str:
    return f"{district_code}#{phone}#{channel}"
