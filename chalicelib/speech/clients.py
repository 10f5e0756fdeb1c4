"""boto3 clients of the voice-to-text adapters, once per container and only when first needed. Timeouts are
short: these run in the transcriber's queue consumer, where a hung request holds a batch of five."""
from __future__ import annotations

from typing import Any

from chalicelib import settings
from chalicelib.singleton import singleton


def _client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    from chalicelib import tracing

    tracing.trace_aws_requests()
    return boto3.client(service, region_name=settings.region(),
                        config=Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 3}))


@singleton
def s3() -> Any:
    return _client("s3")


@singleton
def transcribe() -> Any:
    return _client("transcribe")
