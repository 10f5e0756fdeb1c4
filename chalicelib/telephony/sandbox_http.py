"""An HttpClient that sends Twilio API requests to the local sandbox instead of twilio.com.

Only the scheme and host change: the path and the query string stay as the SDK built them. A list's next
page is requested by the URI Twilio handed back with the page before (`next_page_uri`, with `PageToken`
in its query string), not by `params`; dropping the query string asks for the first page again, forever.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient


class SandboxHttpClient(TwilioHttpClient):
    def __init__(self, base_url: str) -> None:
        super().__init__(timeout=5)
        self._base = urlsplit(base_url.rstrip("/"))

    def local_url(self, url: str) -> str:
        """Twilio's URL on the sandbox: https://api.twilio.com/2010-04-01/… → <sandbox>/api/2010-04-01/…"""
        parts = urlsplit(url)
        host = parts.netloc.split(".")[0]  # api, voice, messaging...
        return urlunsplit((self._base.scheme, self._base.netloc, f"{self._base.path}/{host}{parts.path}",
                           parts.query, ""))

    def request(self, method: str, url: str, *args: Any, **kwargs: Any):  # type: ignore[override]
        return super().request(method, self.local_url(url), *args, **kwargs)
