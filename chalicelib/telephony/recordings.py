"""The account's recordings and calls through Twilio's REST API (the reconciler's RecordingsSource), and a
recording's audio for the console and the officers' page (RecordingAudio). What a caller chose before an
outage is read back from the call's Events: Twilio's log of the requests it made on the call, whose URLs
are our steps' (/twilio/voice/record/{lang}/{category}/{attempt}).

The real twilio.rest.Client from rest.py: locally it reaches the sandbox, in tests a recording HttpClient.
Pages are fetched one at a time, as the reconciler asks for them (Twilio lists newest first and hands
the next page's URI with each page); any refusal — 429 above all — ends the listing with
SourceUnavailable, and what was not reached waits for the next run.
"""
from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from chalicelib import settings
from chalicelib.domain.ports import CallChoices, CallDetails, Recording, RecordingTooLarge, SourceUnavailable
from chalicelib.telephony import recording_urls, rest

PAGE_SIZE = 100
TWILIO_API = "https://api.twilio.com"
_NEVER = datetime.min.replace(tzinfo=UTC)  # no creation date: outside any window
_VOICE = "/twilio/voice/"  # routing/ivr.py VOICE: our steps' paths, which carry the caller's choices
# Steps whose URL holds the call's language right after the step's name (routing/ivr.py, status_menu.py).
_LANGUAGE_STEPS = ("record", "category", "menu", "after-status", "lookup", "repeat", "add-note", "after-hours")
_EVENTS_LIMIT = 200  # an IVR call makes about ten requests; a page of them is plenty


def _unavailable(error: Exception, what: str) -> SourceUnavailable:
    """Twilio's exceptions carry the HTTP status: a TwilioRestException its `status`, the paging's
    TwilioException('Unable to fetch page', response) the response."""
    status = getattr(error, "status", None)
    if status is None and len(getattr(error, "args", ())) > 1:
        status = getattr(error.args[1], "status_code", None)
    return SourceUnavailable(f"{what}: HTTP {status}" if status else f"{what}: {error}", rate_limited=status == 429)


def _url(instance: Any) -> str:
    """The recording's media URL (what the IVR's RecordingUrl holds): without an extension."""
    media = getattr(instance, "media_url", None)
    if media:
        return media[:-5] if media.endswith(".json") else media
    uri = instance.uri or ""
    return TWILIO_API + (uri[:-5] if uri.endswith(".json") else uri)


def _recording(instance: Any) -> Recording:
    duration = str(instance.duration or "0")
    created = instance.date_created if isinstance(instance.date_created, datetime) else _NEVER
    return Recording(sid=instance.sid, call_sid=instance.call_sid or "", created_at=created,
                     duration=int(duration) if duration.lstrip("-").isdigit() else 0,
                     status=str(instance.status or ""), url=_url(instance))


class TwilioRecordings:
    def __init__(self, page_size: int = PAGE_SIZE) -> None:
        self.page_size = page_size

    def recording_pages(self, since: datetime) -> Iterator[list[Recording]]:
        try:
            page = rest.client().recordings.page(date_created_after=since, page_size=self.page_size)
        except Exception as error:
            raise _unavailable(error, "recordings, first page") from error
        number = 1
        while page is not None:
            yield [_recording(instance) for instance in page]
            number += 1
            try:
                page = page.next_page()
            except Exception as error:
                raise _unavailable(error, f"recordings, page {number}") from error

    def call(self, call_sid: str) -> CallDetails:
        try:
            call = rest.client().calls(call_sid).fetch()
        except Exception as error:
            raise _unavailable(error, f"call {call_sid}") from error
        return CallDetails(sid=call.sid, from_phone=call._from or "", to_phone=call.to or "",
                           direction=call.direction or "")

    def call_choices(self, call_sid: str, recording_sid: str) -> CallChoices | None:
        """Through the call's Events (the requests Twilio made on it and our answers); an empty list or a
        404 means Twilio has not published them yet."""
        try:
            events = rest.client().calls(call_sid).events.list(limit=_EVENTS_LIMIT, page_size=_EVENTS_LIMIT)
        except Exception as error:
            unavailable = _unavailable(error, f"events of call {call_sid}")
            if getattr(error, "status", None) == 404:
                return None
            raise unavailable from error
        requests = [event.request for event in events if isinstance(event.request, dict)]
        return choices_of(requests, recording_sid) if requests else None


def _step(url: str) -> list[str]:
    """The parts of one of our step's path after /twilio/voice/ ([] for any other URL: the fallback's)."""
    path = urlsplit(url).path
    return [unquote(part) for part in path[path.index(_VOICE) + len(_VOICE):].split("/")] if _VOICE in path else []


def choices_of(requests: list[dict[str, Any]], recording_sid: str) -> CallChoices:
    """From a call's requests (Call Events' `request`: url, method, parameters in snake_case): the record step
    that received this recording holds the language and category; else any step's language."""
    language = category = None
    at_record_step = False
    for request in requests:
        parts = _step(str(request.get("url") or ""))
        parameters = request.get("parameters") or {}
        if len(parts) >= 3 and parts[0] == "record" and parameters.get("recording_sid") == recording_sid:
            return CallChoices(language=parts[1], category_id=parts[2], at_record_step=True)
        if len(parts) >= 2 and parts[0] in _LANGUAGE_STEPS and language is None:
            language = parts[1]
        if len(parts) >= 3 and parts[0] == "record" and category is None:
            category, at_record_step = parts[2], True  # its request did not say which recording: still ours
    return CallChoices(language=language, category_id=category, at_record_step=at_record_step)


MAX_REDIRECTS = 3
_REDIRECTS = (301, 302, 303, 307, 308)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Every hop is checked here (fetch_audio), never followed by urllib with the Authorization header on."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _credentials() -> str:
    pair = f"{settings.twilio_account_sid()}:{settings.twilio_auth_token()}".encode()
    return "Basic " + base64.b64encode(pair).decode()


def fetch_audio(recording_url: str, max_bytes: int) -> tuple[bytes, str]:
    """The recording's audio, never more than max_bytes. Only a recording of our account at the carrier (or
    the sandbox, locally) is fetched, and only there with the account's credentials; a redirect is followed
    without them, to the carrier's media hosts only (telephony/recording_urls.py). ValueError otherwise."""
    if recording_urls.recording_sid_of(recording_url) is None:
        raise ValueError(f"refusing to fetch a recording from {recording_url[:60]!r}")
    opener = urllib.request.build_opener(_NoRedirects)
    url = recording_urls.media_url(recording_url)
    for _hop in range(MAX_REDIRECTS + 1):
        request = urllib.request.Request(url)  # noqa: S310 (https, or the sandbox: checked above and per hop)
        if recording_urls.takes_credentials(url):
            request.add_header("Authorization", _credentials())
        try:
            with opener.open(request, timeout=10) as response:
                return _audio(response, max_bytes)
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location", "") if error.code in _REDIRECTS else ""
            error.close()
            if not location:
                raise
            url = urllib.parse.urljoin(url, location)
            if not recording_urls.redirect_allowed(url):
                raise ValueError(f"refusing a recording redirect to {url[:60]!r}") from None
    raise ValueError(f"more than {MAX_REDIRECTS} redirects fetching a recording")


def _audio(response: Any, max_bytes: int) -> tuple[bytes, str]:
    length = response.headers.get("Content-Length", "")
    if length.isascii() and length.isdigit() and int(length) > max_bytes:
        raise RecordingTooLarge(length)
    audio = response.read(max_bytes + 1)  # a missing or wrong length must not fill the memory
    if len(audio) > max_bytes:
        raise RecordingTooLarge(len(audio))
    return audio, response.headers.get("Content-Type", "audio/mpeg").split(";")[0]


class TwilioRecordingAudio:
    """RecordingAudio over plain HTTPS: no twilio.rest client is built to fetch one file."""

    def fetch_audio(self, recording_url: str, max_bytes: int) -> tuple[bytes, str]:
        return fetch_audio(recording_url, max_bytes)
