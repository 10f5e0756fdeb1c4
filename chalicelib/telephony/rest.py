"""Twilio's REST API through the real twilio.rest.Client, created once per container.

Never imported on the webhook path: only the queue consumers send messages and place calls.
Locally TWILIO_API_BASE points the client at the sandbox; tests hand it a recording HttpClient.
"""
from __future__ import annotations

from typing import Any

from chalicelib import settings

_client: Any = None
_http_client: Any = None


def use_http_client(http_client: Any) -> None:
    """Route every later request through `http_client` (tests: a recorder; never in Lambda)."""
    global _client, _http_client
    _http_client, _client = http_client, None


def client() -> Any:
    global _client
    if _client is None:
        from twilio.rest import Client

        http = _http_client
        if http is None and settings.twilio_api_base():
            from chalicelib.telephony.sandbox_http import SandboxHttpClient

            http = SandboxHttpClient(settings.twilio_api_base())
        _client = Client(settings.twilio_account_sid(), settings.twilio_auth_token(), http_client=http)
    return _client


def _callback(path: str | None) -> dict[str, str]:
    return {"status_callback": settings.public_base_url() + path} if path else {}


class TwilioMessaging:
    """Messenger over Twilio Programmable Messaging (SMS, and WhatsApp by approved Content template)."""

    def send_sms(self, to: str, body: str, sender: str, status_callback: str | None = None) -> str:
        origin = {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}
        return client().messages.create(to=to, body=body, **origin, **_callback(status_callback)).sid

    def send_whatsapp(self, to: str, sender: str, content_sid: str, variables: dict[str, str],
                      status_callback: str | None = None) -> str:
        import json

        return client().messages.create(to=f"whatsapp:{to}", from_=sender, content_sid=content_sid,
                                        content_variables=json.dumps(variables, ensure_ascii=False),
                                        **_callback(status_callback)).sid


class TwilioCalls:
    """CitizenCaller over Twilio Programmable Voice."""

    def place_call(self, to: str, caller_id: str, answer_path: str, status_path: str) -> str:
        base = settings.public_base_url()
        return client().calls.create(to=to, from_=caller_id, url=base + answer_path, method="POST",
                                     status_callback=base + status_path, status_callback_method="POST",
                                     status_callback_event=["completed"], timeout=30).sid
