"""moto's DynamoDB made to keep every acknowledged write when many threads use it, as DynamoDB does.

moto's backend keeps its tables in plain dicts and takes no lock, and its `transact_write_items` deep-copies
every table a transaction names, then puts those copies back whole when any of the transaction's conditions
fails. With two threads, a transaction that committed between the copy and the put-back (acknowledged to its
caller, a complaint number already read out) is wiped, and so is any plain put or update made meanwhile. The copy
itself fails with "dictionary changed size during iteration" (an HTTP 500) when another thread writes during it,
and it costs time in proportion to the tables: 190 ms a transaction beside 2,000 items.

Two changes, for the moto server `make run` starts and the tests' in-process `mock_aws` alike (both hand every
DynamoDB request to `DynamoHandler.call_action`):
- each DynamoDB request is handled under one lock, so it is atomic as DynamoDB makes it; clients still race
  between requests (counters, conditional puts and retries interleave as against the real service);
- a transaction checks all its conditions before it writes anything, and if a write then fails, puts back only
  the items it wrote: nothing to copy when it is refused, a few items when it is undone.
"""
from __future__ import annotations

import copy
import functools
import threading
from typing import Any

# Re-entrant: a handler that dispatched another DynamoDB request from inside moto would otherwise deadlock.
_ONE_REQUEST_AT_A_TIME = threading.RLock()
_applied = False
_applying = threading.Lock()

Reason = tuple[Any, Any, Any]  # moto's cancellation reason: (code, message, item), or (None, None, None)


def serialise_dynamodb() -> None:
    """Make every DynamoDB request to moto in this process atomic, and its transactions all-or-nothing without
    copying tables. Idempotent; lasts for the process."""
    global _applied
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler

    with _applying:
        if _applied:
            return
        handle = DynamoHandler.call_action

        @functools.wraps(handle)
        def atomically(self: Any) -> Any:
            with _ONE_REQUEST_AT_A_TIME:
                return handle(self)

        DynamoHandler.call_action = atomically  # type: ignore[method-assign]
        DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign, assignment]
        _applied = True


def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
    """moto's DynamoDBBackend.transact_write_items, with the same answers (reasons in the items' order, ALL_OLD
    on a failed condition, ValidationException and the duplicate-item error raised as they are), checked first and
    undone item by item. Called with the request lock held."""
    from moto.dynamodb.exceptions import (
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    if any(len(item) > 1 for item in transact_items):
        raise TransactWriteSingleOpException
    checked, reasons = _check(backend, transact_items)
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)

    written: list[tuple[str, dict[str, Any], Any]] = []  # (table, key, the item before), to undo
    for n, (op_type, op, key, before) in enumerate(checked):
        if op_type == "ConditionCheck":
            continue
        written.append((op["TableName"], key, copy.deepcopy(before)))
        try:
            _write(backend, op_type, op, key)
        except (MultipleTransactionsException, MockValidationException):
            _undo(backend, written)
            raise
        except Exception as error:  # moto reports any other as the item's reason, and goes on with the rest
            reasons[n] = (type(error).__name__, str(error), None)
    if any(code is not None for code, _, _ in reasons):
        _undo(backend, written)
        raise TransactionCanceledException(reasons)


def _check(backend: Any, transact_items: list[dict[str, Any]]) -> tuple[list[tuple[str, Any, Any, Any]],
                                                                       list[Reason]]:
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import ConditionalCheckFailed, MockValidationException, MultipleTransactionsException

    checked: list[tuple[str, Any, Any, Any]] = []  # (op type, op, key, the item now)
    reasons: list[Reason] = []
    targets: set[tuple[str, str]] = set()
    for item in transact_items:
        old: dict[str, Any] | None = None
        try:
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            key = _key(backend, op_type, op)
            target = (str(op["TableName"]), str(dict(sorted(key.items()))))
            if target in targets:
                raise MultipleTransactionsException()
            targets.add(target)
            current = backend.get_item(op["TableName"], key)
            condition = op.get("ConditionExpression")
            if condition is not None and not get_filter_expression(
                    condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")).expr(current):
                if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                    old = current.to_json()["Attributes"]
                raise ConditionalCheckFailed(item=old)
            checked.append((op_type, op, key, current))
            reasons.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            raise
        except ConditionalCheckFailed as failed:
            reasons.append(("ConditionalCheckFailed", str(failed.message), old))
        except Exception as error:  # as moto: a missing table, a malformed item — the item's reason
            reasons.append((type(error).__name__, str(error), None))
    return checked, reasons


def _key(backend: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    table = backend.get_table(op["TableName"])
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _write(backend: Any, op_type: str, op: dict[str, Any], key: dict[str, Any]) -> None:
    """The write, its condition already checked under the same lock (moto checks it again: it still holds)."""
    names, values, condition = (op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues"),
                                op.get("ConditionExpression"))
    if op_type == "Put":
        backend.put_item(op["TableName"], op["Item"], condition_expression=condition,
                         expression_attribute_names=names, expression_attribute_values=values)
    elif op_type == "Delete":
        backend.delete_item(op["TableName"], key, condition_expression=condition,
                            expression_attribute_names=names, expression_attribute_values=values)
    else:
        backend.update_item(op["TableName"], key, update_expression=op["UpdateExpression"],
                            condition_expression=condition, expression_attribute_names=names,
                            expression_attribute_values=values)


def _undo(backend: Any, written: list[tuple[str, dict[str, Any], Any]]) -> None:
    for table_name, key, before in reversed(written):
        if before is None:
            backend.delete_item(table_name, key)
        else:
            backend.put_item(table_name, before.to_json()["Attributes"])
