"""Domain events: what happened to a ticket, published to the notify and follow-up queues."""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

TICKET_CREATED = "ticket.created"


@dataclass(frozen=True)
class DomainEvent:
    type: str
    complaint_number: str
    version: int
    at: str
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DomainEvent:
        raw = json.loads(text)
        return cls(type=raw["type"], complaint_number=raw["complaint_number"], version=int(raw["version"]),
                   at=raw["at"], data=dict(raw.get("data") or {}), id=raw["id"])
