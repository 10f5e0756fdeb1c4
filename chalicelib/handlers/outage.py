"""A voice step that fails because AWS is unreachable: the caller still leaves a complaint.

An infrastructure failure (DynamoDB or SQS unreachable, timing out, throttled or failing on its side) says
nothing about the call, so "sorry, call again" would turn an outage into a lost complaint. What the caller
gets instead depends on where the call is:

- recorded already (the step received a recording): "your complaint is recorded, its number comes by SMS",
  in the call's language. The recording is the carrier's; the reconciler files it later, in the language and
  category the step's URL carried (it reads them back from the carrier's log of the call's requests).
- the call's first request (the number's own voice URL, CallStatus ringing): a 503, so the carrier plays the
  number's fallback URL — the static documents of routing/fallback.py, which need nothing of ours. Every
  carrier documents that fallback for the first request (Twilio's Voice Fallback URL, Plivo's
  fallback_answer_url); not every one for later requests, hence the next case.
- any later step before the recording: our own recording step (routing/ivr.py outage_recording), in the
  language chosen so far, whose action is the IVR's record step with the category chosen so far (or
  UNCHOSEN): if the database is back by then, the ticket is registered at once.

Anything else — a request no call of ours sends (BadRequest), a bug — stays the spoken apology, and so does
a feedback call (it asks about a ticket; a recording there is no complaint). Callbacks carry no TwiML.
"""
from __future__ import annotations

import re
import sys
from typing import Any

from chalicelib.handlers.call_steps import Form, Params, recording_heard
from chalicelib.routing import ivr
from chalicelib.telephony.call_script import carry

# Service-side failures worth riding out: DynamoDB's and SQS's throttling and 5xx error codes.
_TRANSIENT_CODES = frozenset({
    "ProvisionedThroughputExceededException", "ThrottlingException", "Throttling", "RequestLimitExceeded",
    "TooManyRequestsException", "InternalServerError", "InternalFailure", "ServiceUnavailable",
    "RequestThrottled", "TransactionInProgressException", "ThrottlingError", "TransactionConflict",
    "TransactionConflictException",
})
_SAFE = re.compile(r"^[a-z][a-z0-9_]{0,30}$")  # what a language or category id in our URLs looks like
_DISTRICT = re.compile(r"^[A-Z]{2,5}$")
_PLAYING = ("ringing", "in-progress")  # the call waits for TwiML; status callbacks carry neither
# Steps that take no complaint: a feedback call's answers, and the WhatsApp question after a registered one;
# the officers' IVR (an officer's remark is no complaint: an outage there is the spoken apology).
NOT_INTAKE = ("/voice/feedback/", "/voice/consent/", "/voice/officer/")


def is_infrastructure_failure(error: BaseException | None) -> bool:
    """Whether AWS (or the network to it) failed, looking through the exceptions that wrap the cause
    (pynamodb keeps botocore's as `cause`)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if _unreachable(error):
            return True
        error = getattr(error, "cause", None) or error.__cause__ or error.__context__
    return False


def _unreachable(error: BaseException) -> bool:
    if isinstance(error, ConnectionError | TimeoutError):  # the socket's own, and fakes of an outage
        return True
    # Only libraries already loaded can have raised: nothing is imported on the way to the apology.
    botocore = sys.modules.get("botocore.exceptions")
    if botocore is not None:
        if isinstance(error, botocore.ConnectionError | botocore.HTTPClientError):
            return True  # EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError
        if isinstance(error, botocore.ClientError):
            return _transient(error.response)
    pynamodb = sys.modules.get("pynamodb.exceptions")
    if pynamodb is not None and isinstance(error, pynamodb.TransactWriteError):
        reasons = getattr(error, "cancellation_reasons", None) or []
        return any(reason is not None and reason.code in _TRANSIENT_CODES for reason in reasons)
    return False


def _transient(response: Any) -> bool:
    error = (response or {}).get("Error", {})
    status = (response or {}).get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    return error.get("Code") in _TRANSIENT_CODES or int(status) >= 500


def _choice(params: Params, name: str) -> str:
    value = params.get(name, "")
    return value if _SAFE.match(value) else ivr.UNCHOSEN


def takes_complaint(path: str, form: Form) -> bool:
    """A step of a call waiting for TwiML that could end in a complaint (not a status callback, not a
    feedback call)."""
    return bool(form.get("CallSid")) and form.get("CallStatus") in _PLAYING and "RecordingStatus" not in form \
        and not any(part in path for part in NOT_INTAKE)


def answer(path: str, form: Form, params: Params) -> str | None:
    """What a step that takes_complaint answers when AWS failed it; None: a 503, for the carrier's fallback."""
    lang = _choice(params, "lang")
    if recording_heard(form):
        return ivr.recorded_during_outage(lang)
    if form.get("CallStatus") == "ringing":
        return None
    if _DISTRICT.match(params.get("district", "")):
        carry("district", params["district"])  # a state number's choice: the record step needs it
    recording_step = "/record/" in path
    category = _choice(params, "category") if recording_step else ivr.UNCHOSEN
    tries = params.get("attempt", "") if recording_step else "0"
    done = int(tries) if tries.isascii() and tries.isdigit() else ivr.MAX_ATTEMPTS
    if done >= ivr.MAX_ATTEMPTS:
        return ivr.not_heard_during_outage(lang)  # silent at every beep: no recording is coming
    return ivr.outage_recording(lang, category, done + 1)
