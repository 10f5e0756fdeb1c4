"""Twilio's REST API through the real twilio.rest.Client, one per container and credentials.

Never imported on the webhook path: only the queue consumers and the schedules send messages and place calls.
Locally TWILIO_API_BASE points the client at the sandbox; tests hand it a recording HttpClient.
"""
from __future__ import annotations

from typing import Any

from chalicelib import settings
from chalicelib.singleton import singleton

_http_client: Any = None


def use_http_client(http_client: Any) -> None:
    """Route every later request through `http_client` (tests: a recorder; never in Lambda)."""
    global _http_client
    _http_client = http_client
    _client_for.cache_clear()


def client() -> Any:
    """The client for today's credentials: after a rotation of the auth token (settings.secret reads it
    again once its max age has passed) the next request gets a client with the new one."""
    http, sandbox = _http_client, settings.twilio_api_base()
    if http is None and sandbox:
        http = _sandbox(sandbox)
    return _client_for(settings.twilio_account_sid(), settings.twilio_auth_token(), http)


@singleton
def _client_for(account_sid: str, auth_token: str, http_client: Any) -> Any:
    from twilio.rest import Client

    return Client(account_sid, auth_token, http_client=http_client)


@singleton
def _sandbox(base_url: str) -> Any:
    from chalicelib.telephony.sandbox_http import SandboxHttpClient

    return SandboxHttpClient(base_url)


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
    """The Dialer port over Twilio Programmable Voice."""

    def place_call(self, to: str, caller_id: str, answer_path: str, status_path: str) -> str:
        base = settings.public_base_url()
        return client().calls.create(to=to, from_=caller_id, url=base + answer_path, method="POST",
                                     status_callback=base + status_path, status_callback_method="POST",
                                     status_callback_event=["completed"], timeout=30).sid
