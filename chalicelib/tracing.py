"""X-Ray subsegments for AWS calls, only in deployed stages (the SDK is in maintenance mode, so it
patches botocore alone and is imported only when tracing is on)."""
from __future__ import annotations


def start_tracing() -> None:
    from aws_xray_sdk.core import patch

    patch(("botocore",))
