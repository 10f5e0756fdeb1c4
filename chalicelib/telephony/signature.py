"""What every carrier's webhook shares before its adapter checks the signature: the form and the signed path."""
from __future__ import annotations

from urllib.parse import parse_qsl

from chalicelib.telephony import twilio_voice


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


def sign(url: str, form: dict[str, str], auth_token: str) -> str:
    """What Twilio puts in X-Twilio-Signature (the call simulator and tests sign with this)."""
    return twilio_voice.signature_header(url, form, auth_token)["X-Twilio-Signature"]
