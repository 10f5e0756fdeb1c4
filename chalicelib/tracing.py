"""X-Ray subsegments for AWS requests, in deployed stages with tracing on (`"xray": true` in
.chalice/config.json makes Lambda trace each invocation; AWS_XRAY_SDK_ENABLED=true lets the SDK add a
subsegment per DynamoDB, SQS or SSM request).

The SDK is imported where AWS clients are first made — the store's models, the queue client, a secret's
read — and never by `import app`: IVR steps that touch no AWS service never load it (it costs a few hundred
milliseconds of imports, botocore's included). In maintenance mode, it patches botocore alone.
The queue consumers and the schedules add their own subsegments through Powertools' Tracer
(chalicelib/powertools.py), which leaves the patching to this module.
"""
from __future__ import annotations

import os
from functools import cache


def enabled() -> bool:
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME")) and \
        os.environ.get("AWS_XRAY_SDK_ENABLED", "").lower() == "true"


def trace_aws_requests() -> None:
    """Patch botocore once per container (the patch is on the client class: clients made before it count too)."""
    if enabled():
        _patch_botocore()


@cache
def _patch_botocore() -> None:
    from aws_xray_sdk.core import patch

    patch(("botocore",))
