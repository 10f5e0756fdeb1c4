"""Deployment settings read from the environment.

Every resource name derives from the stage so that app.py (read by `chalice package`), the Lambda
functions at run time, the merge template and the local stack all agree without a lookup.
"""
from __future__ import annotations

import os

TABLES = ("tickets", "timeline", "calls", "directory", "counters", "outbox", "idempotency", "callbacks",
          "conversations")
QUEUES = ("notify", "followup")


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


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "ap-south-1"


def public_base_url() -> str:
    """The URL Twilio calls, without a trailing slash (API Gateway's stage included)."""
    return os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def twilio_account_sid() -> str:
    return os.environ.get("TWILIO_ACCOUNT_SID", "")


_secrets: dict[str, str] = {}


def secret(name: str) -> str:
    """From the variable `name` locally; deployed, from the SSM SecureString that `<name>_PARAMETER`
    names, read once per container. Secrets never sit in config.json or plain variables there."""
    if os.environ.get(name):
        return os.environ[name]
    parameter = os.environ.get(f"{name}_PARAMETER")
    if not parameter:
        return ""
    if parameter not in _secrets:
        import boto3

        from chalicelib import tracing

        tracing.trace_aws_requests()
        ssm = boto3.client("ssm", region_name=region())
        _secrets[parameter] = ssm.get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"]
    return _secrets[parameter]


def twilio_auth_token() -> str:
    return secret("TWILIO_AUTH_TOKEN")


def link_secret() -> str:
    """Signs officers' recording links; falls back to the Twilio token so a stage always has one."""
    return secret("SAMVAD_LINK_SECRET") or twilio_auth_token()


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
