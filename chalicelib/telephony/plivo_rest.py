"""Plivo's REST API through the real plivo.RestClient, one per container and credentials: DLT SMS, outbound
calls, the account's recordings for the reconciler, and a recording's audio.

Never imported on the webhook path, and the SDK only inside functions: it loads requests and lxml.
Locally PLIVO_API_BASE points the client at the sandbox (a transport adapter moves each request there); tests
mount a recording adapter on the client's session (use_transport).

The outcome rules are rest.py's. A refusal (Plivo's 4xx, or no connection was ever made) passes through: nothing
was sent. No answer (a read timeout, a connection dropped after the request went out, any 5xx) raises the
domain's OutcomeUnknown, and find_sent / find_call ask Plivo before sending again. A 5xx is turned into that
on the session, before the SDK sees it: the SDK answers a voice request's 5xx by sending it again (twice), and
a second Call create is a second call ringing the citizen.
"""
from __future__ import annotations

import base64
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from chalicelib import settings
from chalicelib.domain.clock import parse_iso
from chalicelib.domain.ports import (
    Attempt,
    CallChoices,
    CallDetails,
    DltIds,
    OutcomeUnknown,
    Recording,
    SourceUnavailable,
)
from chalicelib.domain.sms_segments import segments
from chalicelib.singleton import singleton
from chalicelib.telephony import recording_urls
from chalicelib.telephony.rest import carrier_path, never_connected

NAME = "plivo"
PREFIX = "/plivo"
PLIVO_API = "https://api.plivo.com"
_TIMEOUT_SECONDS = 10  # the SDK's default is 5 s: a Call create at a busy hour takes longer
_SKEW = timedelta(minutes=2)  # our clock against Plivo's
PAGE_SIZE = 20  # the most Plivo lists in one page
_LOOKUP_MOST = 1000  # a retry's lookup reads back at most this many messages or calls
_RING_SECONDS = 30
_INDIA = "+91"

_transport: Any = None


class PlivoUnanswered(OutcomeUnknown):
    """Plivo (or a proxy before it) answered 5xx: it may have taken the request."""

    def __init__(self, status: int, url: str) -> None:
        super().__init__(f"no answer from Plivo: HTTP {status} for {url.split('?')[0]}")
        self.status = status


class PlivoRateLimited(Exception):
    """Plivo answered 429: nothing was done; try later."""

    def __init__(self, url: str) -> None:
        super().__init__(f"Plivo rate limit (HTTP 429) for {url.split('?')[0]}")
        self.status = 429


def use_transport(adapter: Any) -> None:
    """Mount `adapter` (a requests transport adapter) for every later request (tests: a recorder; never in
    Lambda)."""
    global _transport
    _transport = adapter
    _client_for.cache_clear()


def client() -> Any:
    """The client for today's credentials (a rotated auth token gets a new client, as in rest.py)."""
    adapter, sandbox = _transport, settings.plivo_api_base()
    if adapter is None and sandbox:
        adapter = _sandbox(sandbox)
    return _client_for(settings.plivo_auth_id(), settings.plivo_auth_token(), adapter)


@singleton
def _client_for(auth_id: str, auth_token: str, adapter: Any) -> Any:
    if not auth_id or not auth_token:
        # The SDK would fall back to the process's environment and fail there, less clearly.
        raise RuntimeError("Plivo is not configured: PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN (or its _PARAMETER)")
    import plivo

    rest = plivo.RestClient(auth_id, auth_token, timeout=_TIMEOUT_SECONDS)
    if adapter is not None:
        rest.session.mount("https://", adapter)
        rest.session.mount("http://", adapter)
    rest.session.hooks["response"].append(_answered)
    return rest


def _answered(response: Any, *args: Any, **kwargs: Any) -> Any:
    """The session's response hook: a 5xx or 429 becomes our exception here, before the SDK's retry sees it."""
    if response.status_code >= 500:
        raise PlivoUnanswered(response.status_code, response.url or "")
    if response.status_code == 429:
        raise PlivoRateLimited(response.url or "")
    return response


@singleton
def _sandbox(base_url: str) -> Any:
    from requests.adapters import HTTPAdapter

    class SandboxAdapter(HTTPAdapter):
        """Plivo's URL on the sandbox: only the origin changes, the path and query stay as the SDK built them."""

        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            if request.url.startswith(PLIVO_API + "/"):
                request.url = base_url.rstrip("/") + request.url[len(PLIVO_API):]
            return super().send(request, *args, **kwargs)

    return SandboxAdapter()


def _created(create: Callable[[], Any]) -> Any:
    """Run a create request; an answer that never came becomes OutcomeUnknown, a refusal passes through."""
    from requests.exceptions import RequestException

    try:
        return create()
    except OutcomeUnknown:
        raise
    except RequestException as error:
        if never_connected(error):
            raise
        raise OutcomeUnknown(f"no answer from Plivo: {error}") from error
    except (TimeoutError, ConnectionError) as error:
        if isinstance(error, ConnectionRefusedError):
            raise
        raise OutcomeUnknown(f"no answer from Plivo: {error}") from error


def plivo_number(phone: str) -> str:
    """Plivo writes numbers with their country code and no "+" (a DLT header, "RPRCOL", stays as it is)."""
    return phone[1:] if phone.startswith("+") else phone


def _same_number(plivo: Any, ours: str) -> bool:
    return plivo_number(str(plivo or "")) == plivo_number(ours)


def plivo_time(moment: datetime) -> str:
    """A list filter's time: Plivo's "YYYY-MM-DD HH:MM:SS", in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def parse_plivo_time(value: Any) -> datetime | None:
    """Plivo's resource times: "2026-12-03 15:45:02.123456+05:30" (or without the zone: UTC)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _objects(page: Any) -> list[Any]:
    return list(getattr(page, "objects", None) or [])


def _next_params(page: Any) -> dict[str, Any] | None:
    """The next page as meta.next names it: a cursor or an offset (Plivo serves either); None at the end."""
    meta = getattr(page, "meta", None)
    following = meta.get("next") if isinstance(meta, dict) else getattr(meta, "next", None)
    if not following:
        return None
    query = parse_qs(urlsplit(str(following)).query)
    if query.get("cursor"):
        return {"cursor": query["cursor"][0]}
    offset = query.get("offset", [""])[0]
    return {"offset": int(offset)} if offset.isdigit() else None


def _pages(list_page: Callable[..., Any], most: int = _LOOKUP_MOST) -> Iterator[Any]:
    """Every object of a listing, page after page as Plivo hands the next one, at most `most`."""
    params: dict[str, Any] | None = {"offset": 0}
    seen = 0
    while params is not None and seen < most:
        page = list_page(**params)
        objects = _objects(page)
        yield from objects
        seen += len(objects)
        params = _next_params(page) if objects else None


def _since(attempt: Attempt) -> datetime:
    return parse_iso(attempt.at) - _SKEW


def _newer(value: Any, since: datetime) -> bool:
    moment = parse_plivo_time(value)
    return moment is None or moment >= since


class PlivoMessaging:
    """The Messenger port over Plivo's Message API: SMS to India over DLT. WhatsApp stays on Twilio."""

    def send_sms(self, to: str, body: str, sender: str, status_callback: str | None = None, *,
                 carrier: str = NAME, dlt: DltIds | None = None) -> str:
        if dlt is None and to.startswith(_INDIA):
            # Refused here, before any request: Indian operators drop an SMS with no registered template
            # silently, and Plivo still charges for it.
            raise ValueError(f"an SMS to an Indian number ({to[:5]}…) needs its DLT entity and template ids: "
                             "give the district sms_sender.dlt_entity_id and dlt_templates")
        params: dict[str, Any] = {"src": plivo_number(sender), "dst": plivo_number(to), "text": body}
        if status_callback:
            params |= {"url": settings.public_base_url() + carrier_path(status_callback, PREFIX), "method": "POST"}
        if dlt is not None:
            params |= {"dlt_entity_id": dlt.entity_id, "dlt_template_id": dlt.template_id}
        answer = _created(lambda: client().messages.create(**params))
        uuids = getattr(answer, "message_uuid", None) or []
        return str(uuids[0] if isinstance(uuids, list) else uuids)

    def send_whatsapp(self, to: str, sender: str, content_sid: str, variables: dict[str, str],
                      status_callback: str | None = None) -> str:
        raise NotImplementedError("WhatsApp goes through Twilio (its approved Content templates); Plivo sends SMS")

    def find_sent(self, attempt: Attempt) -> str | None:
        """Plivo's Message list from the sender to the recipient since the attempt, newest first. Plivo's
        message records carry no text, so the content is compared by its length in units (segments): a
        message of the same size from our sender to that phone since the attempt is taken to be it."""
        since = _since(attempt)
        units = segments(attempt.content)

        def page(**params: Any) -> Any:
            return client().messages.list(from_number=plivo_number(attempt.sender),
                                          to_number=plivo_number(attempt.to), message_direction="outbound",
                                          message_time__gte=plivo_time(since), limit=PAGE_SIZE, **params)

        for message in _pages(page):
            if not _newer(getattr(message, "message_time", None), since):
                break  # newest first: the rest are older still
            if not _same_number(getattr(message, "to_number", None), attempt.to):
                continue
            listed = str(getattr(message, "units", "") or "")
            if listed.isdigit() and int(listed) != units:
                continue
            return str(message.message_uuid)
        return None


class PlivoCalls:
    """The Dialer port over Plivo's Call API."""

    def place_call(self, to: str, caller_id: str, answer_path: str, status_path: str, *,
                   carrier: str = NAME) -> str:
        """The call's request_uuid: Plivo names the call so until it is answered, and its hangup callback
        carries it as RequestUUID beside the call's own CallUUID. Nothing here depends on the two matching:
        the status path carries the request's id and the try's number, and says which try ended."""
        base = settings.public_base_url()
        answer = _created(lambda: client().calls.create(
            from_=plivo_number(caller_id), to_=plivo_number(to),
            answer_url=base + carrier_path(answer_path, PREFIX), answer_method="POST",
            hangup_url=base + carrier_path(status_path, PREFIX), hangup_method="POST", ring_timeout=_RING_SECONDS))
        return str(answer.request_uuid)

    def find_call(self, attempt: Attempt) -> str | None:
        """A call from our line to the number since the attempt: among the finished calls (Plivo's Call list
        holds a call once it has ended), then the live ones (ringing or answered), then those still queued at
        Plivo. Its CallUUID (the request_uuid place_call gave is not listed)."""
        since, rest = _since(attempt), client()

        def finished(**params: Any) -> Any:
            return rest.calls.list(from_number=plivo_number(attempt.sender), to_number=plivo_number(attempt.to),
                                   call_direction="outbound", end_time__gte=plivo_time(since), limit=PAGE_SIZE,
                                   **params)

        for call in _pages(finished):
            started = getattr(call, "initiation_time", None) or getattr(call, "end_time", None)
            if _newer(started, since) and _same_number(getattr(call, "to_number", None), attempt.to):
                return str(call.call_uuid)
        live = rest.live_calls.list_ids(call_direction="outbound", from_number=plivo_number(attempt.sender),
                                        to_number=plivo_number(attempt.to))
        for uuid in getattr(live, "calls", None) or []:
            return str(uuid)
        queued = rest.queued_calls.list_ids()
        for uuid in getattr(queued, "calls", None) or []:
            call = rest.queued_calls.get(str(uuid))
            if _same_number(getattr(call, "to", None), attempt.to) and \
                    _same_number(getattr(call, "from", None), attempt.sender):
                return str(uuid)
        return None


def _unavailable(error: Exception, what: str) -> SourceUnavailable:
    status = getattr(error, "status", None)
    return SourceUnavailable(f"{what}: HTTP {status}" if status else f"{what}: {error}", rate_limited=status == 429)


def _recording(instance: Any) -> Recording:
    milliseconds = str(getattr(instance, "recording_duration_ms", "") or "0")
    try:
        seconds = round(float(milliseconds) / 1000)
    except ValueError:
        seconds = 0
    created = parse_plivo_time(getattr(instance, "add_time", None)) or datetime.min.replace(tzinfo=UTC)
    # Plivo lists a recording once its file is stored: there is no "processing" one to wait for.
    return Recording(sid=str(instance.recording_id), call_sid=str(getattr(instance, "call_uuid", "") or ""),
                     created_at=created, duration=seconds, status="completed",
                     url=str(getattr(instance, "recording_url", "") or ""))


class PlivoRecordings:
    """The reconciler's RecordingsSource over Plivo's Recording and Call APIs."""

    def __init__(self, page_size: int = PAGE_SIZE) -> None:
        self.page_size = min(page_size, PAGE_SIZE)

    def recording_pages(self, since: datetime) -> Iterator[list[Recording]]:
        """Newest first, `add_time__gte` (UTC), one page per request, each next page as meta.next names it."""
        params: dict[str, Any] | None = {"offset": 0}
        number = 0
        while params is not None:
            number += 1
            try:
                page = client().recordings.list(add_time__gte=plivo_time(since), limit=min(self.page_size, PAGE_SIZE),
                                                **params)
            except Exception as error:
                raise _unavailable(error, f"Plivo recordings, page {number}") from error
            objects = _objects(page)
            yield [_recording(instance) for instance in objects]
            params = _next_params(page) if objects else None

    def call(self, call_sid: str) -> CallDetails:
        try:
            call = client().calls.get(call_sid)
        except Exception as error:
            raise _unavailable(error, f"Plivo call {call_sid}") from error
        direction = str(getattr(call, "call_direction", "") or "")
        return CallDetails(sid=str(getattr(call, "call_uuid", call_sid)),
                           from_phone=_e164(getattr(call, "from_number", "")),
                           to_phone=_e164(getattr(call, "to_number", "")),
                           direction="outbound-api" if direction == "outbound" else direction)

    def call_choices(self, call_sid: str, recording_sid: str) -> CallChoices | None:
        """Nothing known: Plivo keeps no log of the requests it made to us (Twilio's Call Events). An empty
        CallChoices, not None (None would have the reconciler wait for a log that never comes): domain/
        reconcile.py then registers an inbound call's recording in the district's default language and its
        catch-all category, and skips an outbound call's (a callback's), which it registers only from the
        IVR's record step — the step registers it itself when the database is up."""
        return CallChoices()


def _e164(number: Any) -> str:
    text = str(number or "")
    return "+" + text if text.isdigit() else text


def _credentials() -> str:
    pair = f"{settings.plivo_auth_id()}:{settings.plivo_auth_token()}".encode()
    return "Basic " + base64.b64encode(pair).decode()


def fetch_audio(recording_url: str, max_bytes: int) -> tuple[bytes, str]:
    """A recording's audio from Plivo's media host, with the account's credentials, never more than max_bytes.
    Only Plivo's URL of a recording of our account (locally, the sandbox's) is fetched; a redirect is not
    followed (the credentials must not travel on). ValueError otherwise."""
    from chalicelib.telephony.recordings import _audio, _NoRedirects

    if recording_urls.plivo_recording_id_of(recording_url) is None:
        raise ValueError(f"refusing to fetch a recording from {recording_url[:60]!r}")
    request = urllib.request.Request(recording_url)  # noqa: S310 (https at Plivo, or the sandbox: checked above)
    request.add_header("Authorization", _credentials())
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=10) as response:
            return _audio(response, max_bytes)
    except urllib.error.HTTPError as error:
        error.close()
        if 300 <= error.code < 400:
            raise ValueError(f"refusing a redirect from Plivo's recording {recording_url[:60]!r}") from None
        raise


class PlivoRecordingAudio:
    def fetch_audio(self, recording_url: str, max_bytes: int) -> tuple[bytes, str]:
        return fetch_audio(recording_url, max_bytes)
