"""What the console reads: pages of tickets from the sparse indexes, a ticket's timeline, counter items and
which district a call belongs to. Every list is a Query on a key; none is a Scan. A filtered list is a plan
(domain/list_filters.py) run as one Query request."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.list_filters import Plan
from chalicelib.domain.ports import Page
from chalicelib.domain.ticket import TimelineEntry
from chalicelib.store.connection import connection
from chalicelib.store.models import CallModel, CounterModel, TicketModel, TimelineModel
from chalicelib.store.tickets import ticket_from_item


def _page(results: Any) -> Page:
    tickets = [ticket_from_item(item) for item in results]
    return Page(tickets, results.last_evaluated_key, len(tickets))


class DynamoConsoleQueries:
    def tickets_of_caller(self, phone: str, district: str | None, limit: int,
                          start: dict[str, Any] | None) -> Page:
        condition = (TicketModel.district == district) if district else None
        return _page(TicketModel.by_caller.query(phone, filter_condition=condition, scan_index_forward=False,
                                                 limit=limit, last_evaluated_key=start))

    def recent(self, district: str, limit: int, start: dict[str, Any] | None) -> Page:
        return _page(TicketModel.by_district.query(district, scan_index_forward=False, limit=limit,
                                                   last_evaluated_key=start))

    def queue(self, district: str, department: str, level: str | None, limit: int,
              start: dict[str, Any] | None) -> Page:
        if level:
            results = TicketModel.by_queue.query(f"{district}#{department}#{level}", limit=limit,
                                                 last_evaluated_key=start)
        else:
            results = TicketModel.by_department_due.query(f"{district}#{department}", limit=limit,
                                                          last_evaluated_key=start)
        return _page(results)

    def overdue(self, district: str, now: str, limit: int, start: dict[str, Any] | None) -> Page:
        return _page(TicketModel.open_by_sla.query(district, TicketModel.sla_due_at <= now, limit=limit,
                                                   last_evaluated_key=start))

    def at_risk(self, district: str, limit: int, start: dict[str, Any] | None) -> Page:
        return _page(TicketModel.at_risk.query(district, limit=limit, last_evaluated_key=start))

    def of_kind(self, district: str, kind: str, since: str, limit: int, start: dict[str, Any] | None) -> Page:
        return _page(TicketModel.by_kind.query(f"{district}#{kind}", TicketModel.created_at >= since,
                                               scan_index_forward=False, limit=limit, last_evaluated_key=start))

    def approvals(self, district: str, post: str | None, limit: int, start: dict[str, Any] | None) -> Page:
        condition = TicketModel.approval_key.startswith(post) if post else None
        return _page(TicketModel.by_approval.query(district, condition, limit=limit, last_evaluated_key=start))

    def planned(self, plan: Plan, limit: int, start: dict[str, Any] | None) -> Page:
        """One filtered page (domain/list_filters.py): a single Query request, so the items read are at most
        `limit` whatever the filter expression keeps; a short page still carries the key to go on from."""
        index = getattr(TicketModel, plan.index)
        bound = getattr(TicketModel, plan.range_key)
        if plan.low and plan.high:
            range_condition = bound.between(plan.low, plan.high)
        else:
            range_condition = bound >= plan.low if plan.low else bound <= plan.high if plan.high else None
        kept = [getattr(TicketModel, name).is_in(*values) for name, values in sorted(plan.where.items())]
        if plan.created_low:
            kept.append(TicketModel.created_at >= plan.created_low)
        if plan.created_high:
            kept.append(TicketModel.created_at <= plan.created_high)
        condition = None
        for one in kept:
            condition = one if condition is None else condition & one
        results = index.query(plan.key, range_condition, filter_condition=condition, scan_index_forward=plan.forward,
                              limit=limit, last_evaluated_key=start)
        try:
            page = next(results.page_iter)  # one request: pynamodb's iterator would read on to fill the page
        except StopIteration:
            return Page([], None, 0)
        tickets = [ticket_from_item(TicketModel.from_raw_data(item)) for item in page.get("Items", [])]
        return Page(tickets, results.page_iter.last_evaluated_key, int(page.get("ScannedCount", len(tickets))))

    def timeline(self, number: str, limit: int = 200) -> list[TimelineEntry]:
        return [TimelineEntry(complaint_number=number, at=item.at_id.split("#", 1)[0], actor_type=item.actor_type,
                              actor_id=item.actor_id, action=item.action, channel=item.channel,
                              detail=item.detail or {})
                for item in TimelineModel.query(number, limit=limit)]

    def counter_items(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
        """A BatchGet per hundred keys. Figures are attributes the model does not declare (their names come
        from the district's departments), so this reads DynamoDB's own item form."""
        table = CounterModel.Meta.table_name
        found: dict[tuple[str, str], dict[str, int]] = {}
        for start in range(0, len(keys), 100):
            wanted = [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in keys[start:start + 100]]
            while wanted:
                answer = connection().dispatch("BatchGetItem", {"RequestItems": {table: {"Keys": wanted}}})
                for item in answer.get("Responses", {}).get(table, []):
                    found[(item["pk"]["S"], item["sk"]["S"])] = {
                        name: int(value["N"]) for name, value in item.items() if "N" in value and name != "value"}
                wanted = answer.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
        return found

    def call_district(self, call_sid: str) -> str | None:
        # A desk phone's call is not logged, and an operator's may not be placed yet: both read as None.
        try:
            item = CallModel.get(call_sid, consistent_read=True, attributes_to_get=["district", "ringing_district"])
        except CallModel.DoesNotExist:
            return None
        return item.district or item.ringing_district
