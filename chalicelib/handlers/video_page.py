"""The citizen's sign-language video call page, `GET /video/<id>`: the link sent by WhatsApp or SMS.

One static page (chalicelib/console/video.html with citizen_video.js and video.css) served as the console's files
are, with their ETag and Content-Security-Policy (script-src 'self'): no database read here, the page asks
`GET /video/<id>/state` itself (handlers/api_video.py) and says what it finds in the call's language. An id that
cannot be one (a link cut short in a message) is told at once, in both languages, without the script.
"""
from __future__ import annotations

from chalice import Response

_NOT_A_LINK = ("<!doctype html><html lang=\"hi\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>संवाद</title></head>"
               "<body><h1>यह लिंक पूरा नहीं है।</h1><p>संदेश में आया पूरा लिंक खोलें।</p>"
               "<h2 lang=\"en\">This link is not complete.</h2><p lang=\"en\">Open the whole link from the message."
               "</p></body></html>")


def serve(video_id: str, if_none_match: str | None = None) -> Response:
    """The page for a well-formed video call id (whether the call exists the page learns from its state)."""
    from chalicelib.domain.video_calls import is_video_id
    from chalicelib.handlers import console_files

    if not is_video_id(video_id):
        return Response(_NOT_A_LINK, status_code=404,
                        headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache",
                                 "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                                 "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"})
    return console_files.asset("video.html", if_none_match)
