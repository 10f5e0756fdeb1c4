"""boto3 clients, created once per container and only when first needed."""
from __future__ import annotations

from typing import Any

from chalicelib import settings
from chalicelib.singleton import singleton


@singleton
def sqs() -> Any:
    import boto3
    from botocore.config import Config

    from chalicelib import tracing

    tracing.trace_aws_requests()
    return boto3.client("sqs", region_name=settings.region(),
                        config=Config(connect_timeout=1, read_timeout=3, retries={"max_attempts": 2}))


@singleton
def queue_url(queue: str) -> str:
    url: str = sqs().get_queue_url(QueueName=queue)["QueueUrl"]
    return url
