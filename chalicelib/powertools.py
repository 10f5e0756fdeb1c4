"""Powertools for AWS Lambda (Python), set up once per container for the queue consumers, the sweeper and
the reconciler: their Logger, Tracer and the SSM Parameters that secrets are read through.

Only those functions import this module. The webhook path never does: `import app`, a signature check and
an IVR step stay on the standard library's logging and settings.secret's own light cache (a fresh
interpreter checks it in tests/flows/test_powertools.py).
"""
from __future__ import annotations

import logging
import sys
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from chalicelib import logs, settings, tracing
from chalicelib.log_format import mask_record
from chalicelib.singleton import singleton

# Powertools names its logger after the service: not "samvad", which is Chalice's own app.log (a handler on
# both would print every line twice).
SERVICE = "samvad-background"


class MaskedJsonFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON lines with every phone number masked (as logs.MaskPhones does for the rest) and the
    context of logs.scope/bind (the Lambda request, the event, the complaint number) as keys."""

    def __init__(self) -> None:
        # Powertools' structured stack trace carries the exception's message unmasked: the masked text only.
        super().__init__(serialize_stacktrace=False)

    def format(self, record: logging.LogRecord) -> str:
        mask_record(record)
        return super().format(record)

    def _extract_log_keys(self, log_record: logging.LogRecord) -> dict[str, Any]:
        keys = super()._extract_log_keys(log_record)
        keys.pop("masked", None)  # mask_record's own mark
        return {**keys, **{name: value for name, value in logs.current().items() if name not in keys}}

    def _extract_log_exception(self, log_record: logging.LogRecord) -> tuple[Any, Any, Any]:
        if not log_record.exc_text:
            return None, None, None
        kind = log_record.exc_info[0] if log_record.exc_info else None
        return log_record.exc_text, getattr(kind, "__name__", None), None


@singleton
def logger() -> Logger:
    """JSON to stdout when deployed (INFO and up); locally to the current stderr at the root logger's level,
    so a test or `manage.py` prints what it printed before, as one JSON line."""
    if logs.structured():
        handler: logging.Handler = logging.StreamHandler(sys.stdout)
        level = logging.INFO
    else:
        level = logging.getLogger().getEffectiveLevel()
        handler = logs.CurrentStderr(level)
    handler.addFilter(logs.MaskPhones())
    return Logger(service=SERVICE, level=level, logger_handler=handler, logger_formatter=MaskedJsonFormatter())


@singleton
def tracer() -> Tracer:
    """Subsegments per record and per run; botocore is patched by chalicelib/tracing.py on every path alike."""
    return Tracer(service=SERVICE, disabled=not tracing.enabled(), auto_patch=False)


@singleton
def ssm_parameters() -> Any:
    import boto3
    from aws_lambda_powertools.utilities.parameters import SSMProvider

    tracing.trace_aws_requests()
    return SSMProvider(boto3_client=boto3.client("ssm", region_name=settings.region()))


def read_parameter(name: str) -> str:
    """An SSM SecureString, decrypted, cached until it is older than settings.secret_max_age_seconds()."""
    return ssm_parameters().get(name, decrypt=True, max_age=int(settings.secret_max_age_seconds()))


def read_secrets_through_parameters() -> None:
    """From now on this container reads every secret (the Twilio token, the link secret) through Powertools."""
    settings.read_parameters_with(read_parameter)
