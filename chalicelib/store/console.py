"""What the console reads: pages of tickets from the sparse indexes, a ticket's timeline, counter items,
and the district file with its audit trail. Every list is a Query on a key; none is a Scan."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.district import District
from chalicelib.domain.ticket import Ticket, TimelineEntry
from chalicelib.store.connection import connection
from chalicelib.store.directory import district_items, sender_items
from chalicelib.store.models import CallModel, CounterModel, DirectoryModel, TicketModel, TimelineModel
from chalicelib.store.tickets import ticket_from_item


@dataclass(frozen=True)
class Page:
    tickets: list[Ticket]
    last_key: dict[str, Any] | None
    items_read: int


class StaleConfig(Exception):
    """Someone saved the district file since it was read."""


def _page(results: Any) -> Page:
    tickets = [ticket_from_item(item) for item in results]
    return Page(tickets, results.last_evaluated_key, len(tickets))


def tickets_of_caller(phone: str, district: str | None, limit: int, start: dict | None) -> Page:
    condition = (TicketModel.district == district) if district else None
    return _page(TicketModel.by_caller.query(phone, filter_condition=condition, scan_index_forward=False,
                                             limit=limit, last_evaluated_key=start))


def recent(district: str, limit: int, start: dict | None) -> Page:
    return _page(TicketModel.by_district.query(district, scan_index_forward=False, limit=limit,
                                               last_evaluated_key=start))


def queue(district: str, department: str, level: str | None, limit: int, start: dict | None) -> Page:
    """Open tickets of a post (or a whole department), the nearest level deadline first."""
    if level:
        results = TicketModel.by_queue.query(f"{district}#{department}#{level}", limit=limit,
                                             last_evaluated_key=start)
    else:
        results = TicketModel.by_department_due.query(f"{district}#{department}", limit=limit,
                                                      last_evaluated_key=start)
    return _page(results)


def overdue(district: str, now: str, limit: int, start: dict | None) -> Page:
    return _page(TicketModel.open_by_sla.query(district, TicketModel.sla_due_at <= now, limit=limit,
                                               last_evaluated_key=start))


def at_risk(district: str, limit: int, start: dict | None) -> Page:
    """Past 80% of the SLA and not past it (the sweeper marks them), the nearest deadline first."""
    return _page(TicketModel.at_risk.query(district, limit=limit, last_evaluated_key=start))


def timeline(number: str, limit: int = 200) -> list[TimelineEntry]:
    return [TimelineEntry(complaint_number=number, at=item.at_id.split("#", 1)[0], actor_type=item.actor_type,
                          actor_id=item.actor_id, action=item.action, channel=item.channel, detail=item.detail or {})
            for item in TimelineModel.query(number, limit=limit)]


def counter_items(keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
    """Counter items by key, a BatchGet per hundred keys; a missing item reads as no figures.

    Figures are attributes the model does not declare (their names come from the district's
    departments), so this reads DynamoDB's own item form.
    """
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


def call_district(call_sid: str) -> str | None:
    """The district a logged call belongs to; None for a call not logged (a desk phone's) or not placed yet."""
    try:
        item = CallModel.get(call_sid, consistent_read=True, attributes_to_get=["district", "ringing_district"])
    except CallModel.DoesNotExist:
        return None
    return item.district or item.ringing_district


# -- the district file, its versions and audit trail ---------------------------------------------

def district_config(code: str) -> tuple[dict[str, Any], int] | None:
    try:
        item = DirectoryModel.get(f"DISTRICT#{code}", "CONFIG", consistent_read=True)
    except DirectoryModel.DoesNotExist:
        return None
    return item.config or {}, int(item.version or 0)


def save_district_config(district: District, version: int, by: str, at: str, summary: str,
                         removed_lines: list[str], section: str = "") -> int:
    """Replace the file and its line items in one transaction, if nobody saved since `version`.
    `section` names the parts of the file that changed, for the audit trail."""
    new_version = version + 1
    items = district_items(district, at)
    config, lines = items[0], items[1:]
    senders = sender_items(district, at)  # texts to a new SMS or WhatsApp sender reach the chat intake
    config.version, config.updated_by = new_version, by
    try:
        with TransactWrite(connection=connection()) as txn:
            condition = DirectoryModel.version == version if version else DirectoryModel.version.does_not_exist()
            txn.save(config, condition=condition)
            for line in lines:
                # A line belongs to one district or one state number (181): never taken from either.
                txn.save(line, condition=(DirectoryModel.district == district.code)
                         | (DirectoryModel.district.does_not_exist() & DirectoryModel.state.does_not_exist()))
            for sender in senders:
                txn.save(sender, condition=(DirectoryModel.district == district.code)
                         | DirectoryModel.district.does_not_exist())
            for line in removed_lines:
                txn.delete(DirectoryModel(f"LINE#{line}", "LINE"), condition=DirectoryModel.district == district.code)
            txn.save(TimelineModel(f"AUDIT#{district.code}", f"{at}#{new_version:06d}", actor_type="user",
                                   actor_id=by, action="directory_saved", channel="console",
                                   detail={"summary": summary, "version": new_version, "section": section}))
    except TransactWriteError as error:
        codes = [r.code if r is not None else None for r in (error.cancellation_reasons or [])]
        # The reasons follow the request: pynamodb sends the deletes (removed lines) before the puts.
        config_code = codes[len(removed_lines)] if len(codes) > len(removed_lines) else None
        if config_code in ("ConditionalCheckFailed", "TransactionConflict"):
            raise StaleConfig(district.code) from error
        if "ConditionalCheckFailed" in codes:
            raise LineTaken(district.code) from error
        raise
    return new_version


class LineTaken(Exception):
    """A line in the file belongs to another district or a state number (or a sender was taken meanwhile)."""


def audit(code: str, limit: int, start: dict | None) -> tuple[list[dict[str, Any]], dict | None]:
    results = TimelineModel.query(f"AUDIT#{code}", scan_index_forward=False, limit=limit, last_evaluated_key=start)
    entries = [{"at": item.at_id.split("#", 1)[0], "by": item.actor_id, "section": item.detail.get("section", ""),
                "summary": item.detail.get("summary", ""), "version": int(item.detail.get("version", 0))}
               for item in results]
    return entries, results.last_evaluated_key

