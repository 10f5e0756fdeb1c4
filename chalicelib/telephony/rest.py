"""Twilio's REST API through the real twilio.rest.Client, one per container and credentials.

Never imported on the webhook path: only the queue consumers and the schedules send messages and place calls.
Locally TWILIO_API_BASE points the client at the sandbox; tests hand it a recording HttpClient.

Creating a message or a call is not idempotent at Twilio. A send either succeeds, is refused (Twilio's 4xx
with its error code, or no connection was ever made: nothing was sent; the exception passes through), or
ends with no answer (a read timeout, a connection dropped after the request went out, any 5xx — a proxy's
502/504 says nothing about what Twilio did): that raises the domain's OutcomeUnknown, and the caller asks
find_sent / find_call before sending again.
"""
from __future__ import annotations

import json
from datetime import timedelta
from functools import cache
from typing import Any

from chalicelib import settings
from chalicelib.domain.clock import parse_iso
from chalicelib.domain.ports import Attempt, DltIds, OutcomeUnknown
from chalicelib.singleton import singleton

_TIMEOUT_SECONDS = 10  # the SDK's own client waits forever; a consumer killed mid-send knows even less
_SKEW = timedelta(minutes=2)  # our clock against Twilio's, when comparing a message's date_created
# A retry comes minutes later, and a busy officer may have had many messages since: the lookup reads the
# recipient's messages (or calls) from the sender newest first, a page at a time, back to the attempt's time.
_LOOKUP_PAGE = 100
_LOOKUP_MOST = 1000

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
    if http is None:
        http = _sandbox(sandbox) if sandbox else _twilio_http()
    return _client_for(settings.twilio_account_sid(), settings.twilio_auth_token(), http)


@singleton
def _client_for(account_sid: str, auth_token: str, http_client: Any) -> Any:
    from twilio.rest import Client

    return Client(account_sid, auth_token, http_client=http_client)


@singleton
def _sandbox(base_url: str) -> Any:
    from chalicelib.telephony.sandbox_http import SandboxHttpClient

    return SandboxHttpClient(base_url)


@singleton
def _twilio_http() -> Any:
    from twilio.http.http_client import TwilioHttpClient

    return TwilioHttpClient(timeout=_TIMEOUT_SECONDS)


@cache
def _unanswered_rest_error() -> type[Exception]:
    from twilio.base.exceptions import TwilioRestException

    class UnansweredRestError(OutcomeUnknown, TwilioRestException):
        """A 5xx: the domain sees OutcomeUnknown, callers that read Twilio's status and code still can."""

    return UnansweredRestError


def never_connected(error: Exception) -> bool:
    """The request never left: a connection refused, a name not resolved, a connect timeout."""
    from requests.exceptions import ConnectTimeout
    from urllib3.exceptions import ConnectTimeoutError, MaxRetryError

    if isinstance(error, ConnectTimeout):
        return True
    reason = error.args[0] if error.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, ConnectTimeoutError)  # NewConnectionError (refused, DNS) is one too


def _created(create: Any) -> Any:
    """Run a create request; an answer that never came becomes OutcomeUnknown, a refusal passes through."""
    from requests.exceptions import RequestException
    from twilio.base.exceptions import TwilioRestException

    try:
        return create()
    except TwilioRestException as error:
        if error.status < 500:
            raise
        raise _unanswered_rest_error()(error.status, error.uri, error.msg, error.code, error.method,
                                       error.details) from error
    except RequestException as error:
        if never_connected(error):
            raise
        raise OutcomeUnknown(f"no answer from Twilio: {error}") from error
    except (TimeoutError, ConnectionError) as error:  # a socket's own, from an HttpClient that is not requests'
        if isinstance(error, ConnectionRefusedError):
            raise
        raise OutcomeUnknown(f"no answer from Twilio: {error}") from error


def _newer(resource: Any, attempt: Attempt) -> bool:
    created = resource.date_created
    return created is None or created >= parse_iso(attempt.at) - _SKEW


PREFIX = "/twilio"


def carrier_path(path: str, prefix: str = PREFIX) -> str:
    """A carrier-neutral path ("/voice/callback/…") under the carrier's own routes. A path that already
    names the carrier passes as it is: the domain handed out "/twilio/…" paths before carriers were named,
    and an attempt held then may still be retried."""
    return path if path.startswith(prefix + "/") else prefix + path


def _callback(path: str | None) -> dict[str, str]:
    return {"status_callback": settings.public_base_url() + carrier_path(path)} if path else {}


class TwilioMessaging:
    """Messenger over Twilio Programmable Messaging (SMS, and WhatsApp by approved Content template)."""

    def send_sms(self, to: str, body: str, sender: str, status_callback: str | None = None, *,
                 carrier: str = "twilio", dlt: DltIds | None = None) -> str:
        """`dlt` is not sent: Twilio takes no DLT ids per message (its Indian routes match the sender's
        templates registered with Twilio beforehand); `carrier` is this adapter's, named by the router."""
        origin = {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}
        return _created(lambda: client().messages.create(to=to, body=body, **origin,
                                                         **_callback(status_callback))).sid

    def send_whatsapp(self, to: str, sender: str, content_sid: str, variables: dict[str, str],
                      status_callback: str | None = None) -> str:
        return _created(lambda: client().messages.create(
            to=f"whatsapp:{to}", from_=sender, content_sid=content_sid,
            content_variables=json.dumps(variables, ensure_ascii=False), **_callback(status_callback))).sid

    def find_sent(self, attempt: Attempt) -> str | None:
        """Twilio's Messages list, To and From (a Messaging Service's number is Twilio's pick: To only), newest
        first. Not filtered by DateSent: it takes a GMT day only, and leaves out a message still queued — the
        very one a slow carrier took last. The creation time and the content are compared here instead."""
        whatsapp = attempt.channel == "whatsapp"
        by_service = attempt.sender.startswith("MG")
        origin = {} if by_service else {"from_": attempt.sender}
        listed = client().messages.stream(to=f"whatsapp:{attempt.to}" if whatsapp else attempt.to, **origin,
                                          limit=_LOOKUP_MOST, page_size=_LOOKUP_PAGE)
        for message in listed:
            if not _newer(message, attempt):
                break  # newest first: every later one was created before the attempt
            if by_service and message.messaging_service_sid != attempt.sender:
                continue
            if _same_content(attempt, message.body or ""):
                return str(message.sid)
        return None


def _same_content(attempt: Attempt, body: str) -> bool:
    if attempt.channel != "whatsapp":
        return " ".join(body.split()) == " ".join(attempt.content.split())
    # Twilio lists a template's message with its text filled in: each value that filled it is in there
    # (the complaint number among them, so another ticket's message to the officer does not match).
    values = json.loads(attempt.content).get("variables", {}).values()
    return all(str(value) in body for value in values if str(value).strip("- "))


class TwilioCalls:
    """The Dialer port over Twilio Programmable Voice."""

    def place_call(self, to: str, caller_id: str, answer_path: str, status_path: str, *,
                   carrier: str = "twilio") -> str:
        base = settings.public_base_url()
        return _created(lambda: client().calls.create(
            to=to, from_=caller_id, url=base + carrier_path(answer_path), method="POST",
            status_callback=base + carrier_path(status_path),
            status_callback_method="POST", status_callback_event=["completed"], timeout=30)).sid

    def find_call(self, attempt: Attempt) -> str | None:
        """Twilio's Calls list, To and From, newest first; not by StartTime (a call still queued has none).
        A call resource does not show its URL: a call from our line to the number since the attempt is it."""
        for call in client().calls.stream(to=attempt.to, from_=attempt.sender, limit=_LOOKUP_MOST,
                                          page_size=_LOOKUP_PAGE):
            if not _newer(call, attempt):
                break
            if (call.direction or "outbound-api").startswith("outbound"):
                return str(call.sid)
        return None
