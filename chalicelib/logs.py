"""Logs: one JSON object per line when deployed, readable text locally; phone numbers masked either way.

`configure()` runs once when app.py is imported. Every handler of the root logger, and Chalice's own, gets
`MaskPhones`: a Filter that rewrites the record so that any phone number keeps only its last 4 digits
(+919812345678 → +91******5678), however it is written — E.164 with or without +, a 10-digit Indian
number, whatsapp:+91…, %2B91… inside a Twilio form body or a URL, inside JSON, in an exception's
message. Deployed (AWS_LAMBDA_FUNCTION_NAME set, or SAMVAD_LOG_FORMAT=json) the handlers also get
`JsonFormatter`.

What is known about the work in hand (the Lambda request, the CallSid, the complaint number) travels in a
context variable: app.py's middleware opens a `scope` per invocation, handlers `bind` what they learn.

The queue consumers, the sweeper and the reconciler log their own lines through Powertools' Logger
(chalicelib/powertools.py), with the same masking and the same context; this module stays for everything else.

This module is on the webhook path's import (measured by `make bench`): standard library only, and the
pattern, the masking and the JSON live in log_format.py, loaded at the first log line.
"""
from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

_context: ContextVar[dict[str, str] | None] = ContextVar("samvad_log_context", default=None)


@contextmanager
def scope(**fields: Any) -> Iterator[None]:
    """Add these fields to every log line until the block ends (a Lambda invocation, one queue record)."""
    token = _context.set({**(_context.get() or {}), **{k: str(v) for k, v in fields.items() if v}})
    try:
        yield
    finally:
        _context.reset(token)


def bind(**fields: Any) -> None:
    """Add fields to the current scope (a handler that has just learnt the CallSid or the ticket)."""
    _context.set({**(_context.get() or {}), **{k: str(v) for k, v in fields.items() if v}})


def current() -> dict[str, str]:
    return dict(_context.get() or {})


def request_id(event: Any) -> str | None:
    """Lambda's request id from a Chalice event: a Request carries lambda_context, other events context."""
    context = getattr(event, "lambda_context", None) or getattr(event, "context", None)
    found = getattr(context, "aws_request_id", None)
    if found is None and isinstance(context, dict):  # an HTTP request's API Gateway requestContext
        found = context.get("requestId")
    return found


def mask(text: str) -> str:
    """Every phone number in `text` with all but its last 4 digits starred (for output that is not a log)."""
    from chalicelib.log_format import mask as masked

    return masked(text)


class MaskPhones(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from chalicelib.log_format import mask_record

        mask_record(record)
        return True


class JsonFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__()
        self._function = os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or None

    def format(self, record: logging.LogRecord) -> str:
        from chalicelib.log_format import to_json

        return to_json(record, self._function, current())


class CurrentStderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (as logging's last resort does)."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.setLevel(level)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def structured() -> bool:
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME")) or os.environ.get("SAMVAD_LOG_FORMAT") == "json"


@cache
def configure(*loggers: logging.Logger) -> None:
    """Once per process (and set of loggers): mask on every handler of the root logger and of `loggers`
    (Chalice's app.log, which does not propagate); JSON on them when deployed. Lambda's runtime has put its
    handler on the root logger before app.py is imported; the local stack has called basicConfig."""
    as_json = structured()
    root = logging.getLogger()
    if not root.handlers:
        if as_json:
            root.addHandler(logging.StreamHandler(sys.stdout))
        else:  # what Python's last resort would print (warnings and worse, to stderr), masked
            fallback = CurrentStderr(logging.WARNING)
            fallback.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
            root.addHandler(fallback)
    for handler in [*root.handlers, *(h for logger in loggers for h in logger.handlers)]:
        install(handler, as_json)


def install(handler: logging.Handler, as_json: bool) -> None:
    if not any(isinstance(f, MaskPhones) for f in handler.filters):
        handler.addFilter(MaskPhones())
    if as_json:
        handler.setFormatter(JsonFormatter())
