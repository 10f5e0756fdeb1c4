"""Deployment settings read from the environment.

Every resource name derives from the stage so that app.py (read by `chalice package`), the Lambda
functions at run time, the merge template and the local stack all agree without a lookup.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from chalicelib.singleton import singleton

TABLES = ("tickets", "timeline", "calls", "directory", "counters", "outbox", "idempotency", "callbacks",
          "conversations", "search")
QUEUES = ("notify", "followup", "transcribe")


def stage() -> str:
    return os.environ.get("SAMVAD_STAGE", "dev")


def resource_name(kind: str) -> str:
    return f"samvad-{stage()}-{kind}"


def table_name(kind: str) -> str:
    return resource_name(kind)


def queue_name(kind: str) -> str:
    return resource_name(kind)


def dlq_name(kind: str) -> str:
    return resource_name(f"{kind}-dlq")


def audio_bucket() -> str:
    """The recordings and transcripts bucket. Deployed, the stack names it with the account id (S3 names are
    global) and hands it over in SAMVAD_AUDIO_BUCKET; the local stack and tests use the stage's plain name."""
    return os.environ.get("SAMVAD_AUDIO_BUCKET") or resource_name("audio")


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "ap-south-1"


def video_endpoint_is_local() -> bool:
    """The meeting service is the local stack's stand-in (AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS on loopback)."""
    from urllib.parse import urlsplit

    endpoint = os.environ.get("AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS", "")
    return bool(endpoint) and urlsplit(endpoint).hostname in ("127.0.0.1", "localhost", "::1")


def public_base_url() -> str:
    """The URL Twilio calls, without a trailing slash (API Gateway's stage included)."""
    return os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def short_link_base_url() -> str:
    """Where officers' recording links point: a short domain mapped to the API (e.g. https://smvd.cg.gov.in,
    an API Gateway custom domain, registered as the DLT templates' URL), so a link leaves room in two SMS
    segments; without it, the public base URL."""
    return (os.environ.get("SHORT_LINK_BASE_URL") or public_base_url()).rstrip("/")


def twilio_account_sid() -> str:
    return os.environ.get("TWILIO_ACCOUNT_SID", "")


def secret_max_age_seconds() -> float:
    """How long a secret read from SSM is trusted before it is read again (a rotation reaches every
    container within this)."""
    return float(os.environ.get("SAMVAD_SECRET_MAX_AGE_SECONDS", "300"))


def reconcile_hours() -> float:
    """How far back the reconciler looks for recordings without a ticket."""
    return float(os.environ.get("SAMVAD_RECONCILE_HOURS", "24"))


def secret(name: str) -> str:
    """From the variable `name` locally; deployed, from the SSM SecureString that `<name>_PARAMETER`
    names, read again once it is older than secret_max_age_seconds(). Secrets never sit in config.json or
    plain variables there."""
    if os.environ.get(name):
        return os.environ[name]
    parameter = os.environ.get(f"{name}_PARAMETER")
    if not parameter:
        return ""
    return (_parameter_reader or _read_parameter)(parameter)


# The queue consumers and the schedules read through Powertools Parameters (chalicelib/powertools.py);
# the webhook path keeps this light reader, so that `import app` and a signature check never load Powertools.
_parameter_reader: Callable[[str], str] | None = None
# Values read from SSM, with when they stop being trusted (on _clock's scale).
_parameters: dict[str, tuple[float, str]] = {}
_clock: Callable[[], float] = time.monotonic


def read_parameters_with(reader: Callable[[str], str] | None) -> None:
    """Read every later secret through `reader` (a parameter name in, its decrypted value out); None: the
    light reader here."""
    global _parameter_reader
    _parameter_reader = reader


def _read_parameter(parameter: str) -> str:
    now = _clock()
    cached = _parameters.get(parameter)
    if cached is None or now >= cached[0]:
        value = _ssm().get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"]
        cached = _parameters[parameter] = (now + secret_max_age_seconds(), value)
    return cached[1]


@singleton
def _ssm() -> Any:
    import boto3

    from chalicelib import tracing

    tracing.trace_aws_requests()
    return boto3.client("ssm", region_name=region())


def twilio_auth_token() -> str:
    return secret("TWILIO_AUTH_TOKEN")


def link_secret() -> str:
    """Signs officers' recording links; falls back to the Twilio token so a stage always has one."""
    return secret("SAMVAD_LINK_SECRET") or twilio_auth_token()


def plivo_auth_id() -> str:
    """The Plivo account's Auth ID (not secret: it is in every API URL and recording URL)."""
    return os.environ.get("PLIVO_AUTH_ID", "")


def plivo_auth_token() -> str:
    return secret("PLIVO_AUTH_TOKEN")


def plivo_api_base() -> str | None:
    """Set only on the local stack: the sandbox that plays Plivo's REST API."""
    return os.environ.get("PLIVO_API_BASE") or None


def twilio_api_base() -> str | None:
    """Set only on the local stack: the sandbox that plays Twilio's REST API."""
    return os.environ.get("TWILIO_API_BASE") or None


def directory_cache_seconds() -> float:
    return float(os.environ.get("SAMVAD_DIRECTORY_CACHE_SECONDS", "60"))


def auth_issuer() -> str:
    """The token issuer: Cognito's https://cognito-idp.<region>.amazonaws.com/<pool id>, or the local stand-in."""
    return os.environ.get("SAMVAD_AUTH_ISSUER", "")


def auth_jwks_url() -> str:
    return os.environ.get("SAMVAD_AUTH_JWKS_URL") or (auth_issuer() + "/.well-known/jwks.json")


def auth_client_id() -> str:
    """The user pool's app client: ID tokens must name it as their audience."""
    return os.environ.get("SAMVAD_AUTH_CLIENT_ID", "")


def auth_endpoint() -> str:
    """Where the console signs in (Cognito's InitiateAuth endpoint)."""
    return os.environ.get("SAMVAD_AUTH_ENDPOINT") or f"https://cognito-idp.{region()}.amazonaws.com/"
