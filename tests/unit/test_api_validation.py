"""The API checks what it is sent against the OpenAPI document with a real JSON-Schema validator, and says in
a few words where and what is wrong (the console shows the message as it is)."""
from __future__ import annotations

import pytest

from chalicelib.api.errors import ApiError
from chalicelib.api.openapi import document
from chalicelib.api.validate import check, query


def _operation(operation_id: str) -> dict:
    return next(op for path in document()["paths"].values() for op in path.values()
                if op["operationId"] == operation_id)


def _body_schema(operation_id: str) -> dict:
    return _operation(operation_id)["requestBody"]["content"]["application/json"]["schema"]


def _refusal(value: object, schema: dict, where: str = "body") -> str:
    with pytest.raises(ApiError) as refused:
        check(value, schema, where)
    assert refused.value.status == 400 and refused.value.code.startswith("field_"), refused.value.code
    return refused.value.words("en")


@pytest.mark.parametrize(("operation_id", "body", "message"), [
    ("resolve", {}, "'remark' is required"),
    ("resolve", {"remark": ""}, "remark is empty"),
    ("resolve", {"remark": "x" * 1001}, "remark is longer than 1000 characters"),
    ("resolve", {"remark": "ok", "by": "me"}, "'by' is not a field this takes"),
    ("resolve", {"remark": "नल ठीक\x00"}, "remark has a NUL character"),
    ("more_time", {"days": 31, "reason": "पाइप आने में समय"}, "days must be between 1 and 30"),
    ("more_time", {"days": True, "reason": "पाइप"}, "days must be integer"),
    ("transfer", {"department": "Water Works", "reason": "x"}, "department is not in the expected form"),
    ("decide", {"approve": "yes"}, "approve must be boolean"),
])
def test_a_wrong_body_is_refused_with_where_and_what(operation_id, body, message):
    assert _refusal(body, _body_schema(operation_id)) == message


def test_a_referenced_schema_is_followed_into_its_nested_fields():
    """registerTicket's body is a $ref to NewTicket: the validator resolves it against the document's components."""
    schema = _body_schema("registerTicket")
    assert "$ref" in schema
    assert _refusal({"caller_phone": "+919812345678"}, schema) == "'category' is required"
    assert _refusal({"caller_phone": 919812345678, "category": "water", "description": "नल"}, schema) \
        == "caller_phone must be string"
    assert _refusal({"caller_phone": "9812345678", "category": "water", "description": "नल"}, schema) \
        == "caller_phone is not in the expected form"


def test_a_right_body_passes_and_a_whole_number_written_as_3_0_is_an_integer():
    check({"remark": "हैंडपंप ठीक कर दिया गया"}, _body_schema("resolve"), "body")
    check({"days": 3.0, "reason": "पाइप आने में समय"}, _body_schema("more_time"), "body")


def test_the_query_string_is_typed_and_checked():
    parameters = _operation("directoryAudit")["parameters"]
    assert query({}, parameters)["limit"] == 25
    assert query({"limit": "10"}, parameters)["limit"] == 10
    with pytest.raises(ApiError, match="limit must be a whole number"):
        query({"limit": "ten"}, parameters)
    with pytest.raises(ApiError, match="limit must be between 1 and 100"):
        query({"limit": "500"}, parameters)
