"""In memory, the CallbackRequests port (domain/callback_requests.py); tests/contract checks it against DynamoDB's."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.callback_requests import CALLING, WAITING, CallbackRequest
from chalicelib.domain.ports import CallbackRequests


class MemoryCallbackRequests:
    """Conditional like the DynamoDB store: a write on a request that moved on changes nothing."""

    def __init__(self) -> None:
        self.requests: dict[str, CallbackRequest] = {}
        self.counts: dict[tuple[str, str], int] = {}

    def add(self, request: CallbackRequest, ist_day: str, per_day: int) -> str:
        if request.id in self.requests:
            return "exists"
        key = (request.caller_phone, ist_day)
        if self.counts.get(key, 0) >= per_day:
            return "over_cap"
        self.counts[key] = self.counts.get(key, 0) + 1
        self.requests[request.id] = request
        return "added"

    def due(self, now: datetime, limit: int) -> list[CallbackRequest]:
        due = [r for r in self.requests.values() if r.due_at is not None and r.due_at <= now]
        return sorted(due, key=lambda r: (r.due_at or now))[:limit]

    def get(self, request_id: str) -> CallbackRequest | None:
        return self.requests.get(request_id)

    def _same(self, request: CallbackRequest, state: str | None = None) -> bool:
        now = self.requests.get(request.id)
        return now is not None and now.tries_made == request.tries_made and now.state == (state or request.state)

    def start_try(self, before: CallbackRequest, after: CallbackRequest) -> bool:
        if not self._same(before):
            return False
        self.requests[before.id] = after
        return True

    def retry_at(self, request: CallbackRequest, due_at: datetime) -> bool:
        if not self._same(request, CALLING):
            return False
        self.requests[request.id] = replace(self.requests[request.id], state=WAITING, due_at=due_at)
        return True

    def finish(self, request: CallbackRequest, state: str) -> bool:
        if not self._same(request):
            return False
        self.requests[request.id] = replace(self.requests[request.id], state=state, due_at=None)
        return True


if TYPE_CHECKING:
    _: CallbackRequests = MemoryCallbackRequests()
