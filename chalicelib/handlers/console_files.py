"""The web console's files, served by the app itself (no bucket, no CDN to set up).

The files hold no data: every figure comes from /api with the user's token. config.json tells the page
where to sign in (Cognito deployed; the local stack's stand-in on loopback). Each file goes with its content's
hash as its ETag: the browser asks again on every load (`no-cache`: a new deploy is seen at once) and is told
304, nothing re-sent, while the file is the one it has.
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from chalice import Response

from chalicelib import settings

ROOT = Path(__file__).resolve().parent.parent / "console"
# vendor/: what `make chime` builds from the npm registry (the Chime SDK the video pages import), never committed.
_NAME = re.compile(r"^(vendor/)?[a-z0-9][a-z0-9_.-]{0,60}\.(html|js|css|svg|json|png|ico)$")
_TYPES = {"html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8",
          "css": "text/css; charset=utf-8", "svg": "image/svg+xml", "json": "application/json; charset=utf-8",
          "png": "image/png", "ico": "image/x-icon"}
_SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # The console's own files and the API only; blob: and data: for the recording player; a video call's meeting
    # (Amazon Chime's signalling, TURN and event hosts, under chime.aws).
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' {auth} https://*.chime.aws wss://*.chime.aws; "
                               "media-src 'self' blob: data:; "
                               "img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
}


def _headers(content_type: str) -> dict[str, str | list[str]]:
    auth = settings.auth_endpoint()
    return {"Content-Type": content_type, "Cache-Control": "no-cache",
            **{k: v.format(auth=auth) for k, v in _SECURITY.items()}}


@lru_cache(maxsize=32)
def _file(name: str, modified_ns: int) -> tuple[bytes, str]:
    """The file and its ETag, read once per container and version of the file (deployed, files change only with
    a deploy; on `make run`, an edited file is read again)."""
    data = (ROOT / name).read_bytes()
    return data, '"' + hashlib.sha256(data).hexdigest()[:20] + '"'


def _unchanged(if_none_match: str | None, etag: str) -> bool:
    return bool(if_none_match) and etag in [tag.strip().removeprefix("W/") for tag in str(if_none_match).split(",")]


def asset(name: str, if_none_match: str | None = None) -> Response:
    """`if_none_match`: the request's If-None-Match; the file's own ETag there is answered 304, with no body."""
    if name == "config.json":
        from chalicelib.domain.ticket_actions import console_paths

        # action_paths: the API path of each action allowed_actions names (the console keeps no table of its own).
        config = {"auth_endpoint": settings.auth_endpoint(), "client_id": settings.auth_client_id(),
                  "stage": settings.stage(), "action_paths": console_paths()}
        return Response(json.dumps(config), status_code=200, headers=_headers(_TYPES["json"]))
    path = ROOT / name
    if not _NAME.match(name) or not path.is_file():
        return Response("Not found", status_code=404, headers={"Content-Type": "text/plain; charset=utf-8"})
    kind = name.rsplit(".", 1)[1]
    data, etag = _file(name, path.stat().st_mtime_ns)
    headers = {**_headers(_TYPES[kind]), "ETag": etag}
    if _unchanged(if_none_match, etag):
        return Response("", status_code=304, headers=headers)
    body: str | bytes = data.decode("utf-8") if kind in ("html", "js", "css", "svg", "json") else data
    return Response(body, status_code=200, headers=headers)


def home() -> Response:
    # Relative, so that API Gateway's stage prefix (/dev/console) is kept.
    return Response("", status_code=302, headers={"Location": "console/index.html"})
