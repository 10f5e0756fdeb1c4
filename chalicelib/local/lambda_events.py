"""Lambda's event shapes, built from real SQS messages (the pump and the tests feed handlers these)."""
from __future__ import annotations

from typing import Any


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    return {"Records": [{
        "messageId": m["MessageId"],
        "receiptHandle": m["ReceiptHandle"],
        "body": m["Body"],
        "attributes": m.get("Attributes", {}),
        "messageAttributes": {k: {"stringValue": v.get("StringValue"), "dataType": v.get("DataType")}
                              for k, v in (m.get("MessageAttributes") or {}).items()},
        "md5OfBody": m.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    } for m in messages]}


def scheduled_event(rule: str, region: str, at_iso: str) -> dict[str, Any]:
    return {"version": "0", "id": "local", "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "123456789012", "time": at_iso, "region": region,
            "resources": [f"arn:aws:events:{region}:123456789012:rule/{rule}"], "detail": {}}


class LambdaContext:
    """Enough of Lambda's context object for Chalice's event handlers."""

    def __init__(self, function_name: str) -> None:
        self.function_name = function_name
        self.aws_request_id = "local"
        self.invoked_function_arn = f"arn:aws:lambda:local:123456789012:function:{function_name}"
        self.memory_limit_in_mb = 512

    def get_remaining_time_in_millis(self) -> int:
        return 60_000
