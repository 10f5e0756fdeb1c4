"""An HttpClient that sends Twilio API requests to the local sandbox instead of twilio.com."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from twilio.http.http_client import TwilioHttpClient


class SandboxHttpClient(TwilioHttpClient):
    def __init__(self, base_url: str) -> None:
        super().__init__(timeout=5)
        self._base = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any):  # type: ignore[override]
        parts = urlsplit(url)
        host = parts.netloc.split(".")[0]  # api, voice, messaging...
        return super().request(method, f"{self._base}/{host}{parts.path}", *args, **kwargs)
