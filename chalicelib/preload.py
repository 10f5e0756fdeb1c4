"""Provisioned concurrency initialises an environment before any request reaches it (Lambda then sets
AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency). There, load at init what the webhook path otherwise
loads on its first database step — pynamodb, botocore, the X-Ray SDK, the queue client — so no caller waits
for it (`make bench`: about half a second without bytecode, a quarter with). On demand, nothing changes:
`import app` stays free of AWS code, and the IVR steps that never touch the database never load it."""
from __future__ import annotations

import os


def preload_if_provisioned() -> bool:
    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") != "provisioned-concurrency":
        return False
    import chalicelib.store.tickets  # noqa: F401  (the models: pynamodb, botocore, tracing's patch)
    from chalicelib.events import aws

    aws.sqs()  # the client only: no request is made at init
    return True
