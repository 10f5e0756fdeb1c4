"""Twilio webhook authentication: X-Twilio-Signature over PUBLIC_BASE_URL + path + form fields."""
from __future__ import annotations

from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator

from chalicelib import settings


def parse_form(raw_body: bytes | str | None) -> dict[str, str]:
    if not raw_body:
        return {}
    text = raw_body.decode("utf-8", "replace") if isinstance(raw_body, bytes) else raw_body
    return dict(parse_qsl(text, keep_blank_values=True))


def request_path(resource_path: str, uri_params: dict[str, str] | None) -> str:
    """Chalice gives the route template ('/x/{lang}'); Twilio signed the concrete path."""
    path = resource_path
    for name, value in (uri_params or {}).items():
        path = path.replace("{" + name + "}", value)
    return path


def is_signed_by_twilio(path: str, form: dict[str, str], signature: str | None) -> bool:
    token = settings.twilio_auth_token()
    if not signature or not token:
        return False
    return RequestValidator(token).validate(settings.public_base_url() + path, form, signature)


def sign(url: str, form: dict[str, str], auth_token: str) -> str:
    """What Twilio puts in X-Twilio-Signature (the call simulator and tests sign with this)."""
    return RequestValidator(auth_token).compute_signature(url, form)
