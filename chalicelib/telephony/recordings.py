"""The account's recordings and calls through Twilio's REST API (the reconciler's RecordingsSource), and a
recording's audio for the console and the officers' page (RecordingAudio).

The real twilio.rest.Client from rest.py: locally it reaches the sandbox, in tests a recording HttpClient.
Pages are fetched one at a time, as the reconciler asks for them (Twilio lists newest first and hands
the next page's URI with each page); any refusal — 429 above all — ends the listing with
SourceUnavailable, and what was not reached waits for the next run.
"""
from __future__ import annotations

import base64
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from chalicelib import settings
from chalicelib.domain.ports import CallDetails, Recording, RecordingTooLarge, SourceUnavailable
from chalicelib.telephony import rest

PAGE_SIZE = 100
TWILIO_API = "https://api.twilio.com"
_NEVER = datetime.min.replace(tzinfo=UTC)  # no creation date: outside any window


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


def fetch_audio(recording_url: str, max_bytes: int) -> tuple[bytes, str]:
    """The recording's audio with the account's credentials (its URL needs them), never more than max_bytes."""
    if not recording_url.startswith(("https://", "http://127.0.0.1")):
        raise ValueError(f"refusing to fetch a recording from {recording_url[:40]}")
    request = urllib.request.Request(recording_url + (".mp3" if "api.twilio.com" in recording_url else ""))  # noqa: S310 (scheme checked above)
    credentials = f"{settings.twilio_account_sid()}:{settings.twilio_auth_token()}".encode()
    request.add_header("Authorization", "Basic " + base64.b64encode(credentials).decode())
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (scheme checked above)
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
