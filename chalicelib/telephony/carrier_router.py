"""One port over both carriers: each request goes to the adapter of the carrier it names.

Messenger and Dialer by their `carrier` argument (a retry's lookup by the attempt's carrier); RecordingsSource
over every carrier's recordings (the reconciler reads them all); RecordingAudio by whose URL it is. The adapters
are made on first use, so a stage that never names Plivo never builds (nor imports) its client.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

from chalicelib.domain.ports import (
    Attempt,
    CallChoices,
    CallDetails,
    DltIds,
    Messenger,
    Recording,
    RecordingsSource,
    SourceUnavailable,
)
from chalicelib.telephony import recording_urls

if TYPE_CHECKING:
    from chalicelib.domain.ports import Dialer, RecordingAudio

T = TypeVar("T")
WHATSAPP_CARRIER = "twilio"  # the only carrier of WhatsApp templates in this issue
_TWILIO_CALL = re.compile(r"^CA[0-9a-fA-F]{32}$")


class _Adapters(Generic[T]):
    """Each carrier's adapter, made when first asked for."""

    def __init__(self, factories: Mapping[str, Callable[[], T]]) -> None:
        self._factories = dict(factories)
        self._made: dict[str, T] = {}

    @property
    def carriers(self) -> list[str]:
        return list(self._factories)

    def __call__(self, carrier: str) -> T:
        if carrier not in self._factories:
            raise ValueError(f"no adapter for carrier {carrier!r} (carriers: {', '.join(self._factories)})")
        if carrier not in self._made:
            self._made[carrier] = self._factories[carrier]()
        return self._made[carrier]


class CarrierMessenger:
    def __init__(self, adapters: Mapping[str, Callable[[], Messenger]]) -> None:
        self._adapter = _Adapters(adapters)

    def send_sms(self, to: str, body: str, sender: str, status_callback: str | None = None, *,
                 carrier: str = "twilio", dlt: DltIds | None = None) -> str:
        return self._adapter(carrier).send_sms(to, body, sender, status_callback, carrier=carrier, dlt=dlt)

    def send_whatsapp(self, to: str, sender: str, content_sid: str, variables: dict[str, str],
                      status_callback: str | None = None) -> str:
        return self._adapter(WHATSAPP_CARRIER).send_whatsapp(to, sender, content_sid, variables, status_callback)

    def find_sent(self, attempt: Attempt) -> str | None:
        return self._adapter(attempt.carrier).find_sent(attempt)


class CarrierDialer:
    def __init__(self, adapters: Mapping[str, Callable[[], Dialer]]) -> None:
        self._adapter = _Adapters(adapters)

    def place_call(self, to: str, caller_id: str, answer_path: str, status_path: str, *,
                   carrier: str = "twilio") -> str:
        return self._adapter(carrier).place_call(to, caller_id, answer_path, status_path, carrier=carrier)

    def find_call(self, attempt: Attempt) -> str | None:
        return self._adapter(attempt.carrier).find_call(attempt)


class CarrierRecordings:
    """Every carrier's recordings, a page of each in turn, so that one carrier's long backlog never keeps the
    reconciler's run (which may end out of time) from the other's. Each carrier lists newest first; the
    reconciler needs no order across carriers (it looks at every page of the window, and stops early only at a
    page wholly older than the window, which no source hands out). A carrier that fails stops only its own
    listing: the others' pages still come, and its SourceUnavailable is raised after them."""

    def __init__(self, sources: Mapping[str, Callable[[], RecordingsSource]]) -> None:
        self._source = _Adapters(sources)
        self._carrier_of_call: dict[str, str] = {}
        self.page_size: int | None = None  # each source's own unless set (a test's smaller pages)

    def _listing(self, carrier: str, since: datetime) -> Iterator[list[Recording]]:
        source = self._source(carrier)
        if self.page_size is not None and hasattr(source, "page_size"):
            source.page_size = self.page_size
        return source.recording_pages(since)

    def recording_pages(self, since: datetime) -> Iterator[list[Recording]]:
        """A carrier's empty page is left out (the reconciler would count it as a page read), unless no carrier
        has any: then one empty page, as a single source gives."""
        listings = {carrier: self._listing(carrier, since) for carrier in self._source.carriers}
        failed: SourceUnavailable | None = None
        yielded = False
        while listings:
            for carrier, pages in list(listings.items()):
                try:
                    page = next(pages, None)
                except SourceUnavailable as error:
                    failed = failed or error
                    page = None
                if page is None:
                    del listings[carrier]
                    continue
                if not page:
                    continue
                self._carrier_of_call.update({r.call_sid: carrier for r in page if r.call_sid})
                yielded = True
                yield page
        if failed is not None:
            raise failed
        if not yielded:
            yield []

    def _carrier(self, call_sid: str) -> str:
        """The carrier that listed the call's recording; else by the id's shape (Twilio's CA…, Plivo's UUID)."""
        known = self._carrier_of_call.get(call_sid)
        if known is not None and known in self._source.carriers:
            return known
        return "twilio" if _TWILIO_CALL.match(call_sid) or "plivo" not in self._source.carriers else "plivo"

    def call(self, call_sid: str) -> CallDetails:
        return self._source(self._carrier(call_sid)).call(call_sid)

    def call_choices(self, call_sid: str, recording_sid: str) -> CallChoices | None:
        return self._source(self._carrier(call_sid)).call_choices(call_sid, recording_sid)


class CarrierRecordingAudio:
    """A recording's audio from the carrier whose URL it is (recording_urls.carrier_of); no other URL."""

    def __init__(self, adapters: Mapping[str, Callable[[], RecordingAudio]]) -> None:
        self._adapter = _Adapters(adapters)

    def fetch_audio(self, recording_url: str, max_bytes: int) -> tuple[bytes, str]:
        carrier = recording_urls.carrier_of(recording_url)
        if carrier is None:
            raise ValueError(f"refusing to fetch a recording from {recording_url[:60]!r}")
        return self._adapter(carrier).fetch_audio(recording_url, max_bytes)
