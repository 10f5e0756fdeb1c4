"""The OfficerQueues port on DynamoDB: the tickets' sparse `by_queue` index (open tickets only, keyed
`<district>#<department>#<level>`, by level deadline), one Query per post."""
from __future__ import annotations

from chalicelib.domain.ticket import Ticket
from chalicelib.store.models import TicketModel
from chalicelib.store.tickets import ticket_from_item


class DynamoOfficerQueues:
    def post_tickets(self, district: str, department: str, level: str, limit: int) -> list[Ticket]:
        return [ticket_from_item(item)
                for item in TicketModel.by_queue.query(f"{district}#{department}#{level}", limit=limit)]

    def pending_requests(self, district: str, department: str, level: str, limit: int) -> list[Ticket]:
        # A filter on the same Query: the items of the post's queue are read, only those with a request returned.
        return [ticket_from_item(item)
                for item in TicketModel.by_queue.query(f"{district}#{department}#{level}", limit=limit,
                                                       filter_condition=TicketModel.pending.exists())]
