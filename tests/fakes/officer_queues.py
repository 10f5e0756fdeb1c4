"""The OfficerQueues port in memory, over the tickets of a MemoryTicketStore: the open tickets of a post by level
deadline (then number, as the index orders equal deadlines by nothing in particular, and tests want one order)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.ports import OfficerQueues
from chalicelib.domain.ticket import Ticket
from tests.fakes.tickets import MemoryTicketStore


class MemoryOfficerQueues:
    def __init__(self, store: MemoryTicketStore) -> None:
        self.store = store
        self.queries: list[tuple[str, str, str]] = []  # (kind, department, level): one per Query the adapter makes

    def _post(self, district: str, department: str, level: str) -> list[Ticket]:
        return sorted((t for t in self.store.tickets.values()
                       if t.is_open and (t.district, t.department, t.level) == (district, department, level)),
                      key=lambda t: (t.level_due_at, t.complaint_number))

    def post_tickets(self, district: str, department: str, level: str, limit: int) -> list[Ticket]:
        self.queries.append(("post", department, level))
        return self._post(district, department, level)[:limit]

    def pending_requests(self, district: str, department: str, level: str, limit: int) -> list[Ticket]:
        self.queries.append(("pending", department, level))
        return [t for t in self._post(district, department, level) if t.pending][:limit]


if TYPE_CHECKING:
    _: OfficerQueues = MemoryOfficerQueues(MemoryTicketStore())
