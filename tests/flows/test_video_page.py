"""The citizen's video call page and the Chime SDK bundle over HTTP, as the console's files are served: the page at
the link's path with its ETag and Content-Security-Policy, a cut-short link told in both languages, the bundle
under /console/vendor/ as JavaScript."""
from __future__ import annotations

from chalicelib.domain.video_calls import new_id


def test_the_link_opens_the_page_with_the_consoles_headers_and_a_cut_link_says_so():
    from chalice.test import Client

    import app

    with Client(app.app) as client:
        page = client.http.get(f"/video/{new_id()}")
        assert page.status_code == 200
        assert page.headers["Content-Type"].startswith("text/html")
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert "wss://*.chime.aws" in page.headers["Content-Security-Policy"]  # the meeting's signalling
        assert page.headers["Referrer-Policy"] == "no-referrer"  # the link is the call's secret
        assert b'src="../console/citizen_video.js"' in page.body
        again = client.http.get(f"/video/{new_id()}", headers={"If-None-Match": page.headers["ETag"]})
        assert (again.status_code, again.body) == (304, b"")  # one page for every call: its data comes from /state

        cut = client.http.get("/video/VC12345")
        assert cut.status_code == 404
        assert "यह लिंक पूरा नहीं है" in cut.body.decode() and "This link is not complete" in cut.body.decode()
        assert b"<script" not in cut.body


def test_the_bundle_is_served_from_vendor_as_javascript(tmp_path, monkeypatch):
    """What `make chime` builds: served like any console file (the real one is ignored by git; a stand-in here)."""
    from chalice.test import Client

    import app
    from chalicelib.handlers import console_files

    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "chime-sdk.js").write_text("export const DefaultMeetingSession = 1;\n", encoding="utf-8")
    monkeypatch.setattr(console_files, "ROOT", tmp_path)
    with Client(app.app) as client:
        bundle = client.http.get("/console/vendor/chime-sdk.js")
        assert bundle.status_code == 200 and bundle.body == b"export const DefaultMeetingSession = 1;\n"
        assert bundle.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert client.http.get("/console/vendor/chime-sdk.js",
                               headers={"If-None-Match": bundle.headers["ETag"]}).status_code == 304
        assert client.http.get("/console/vendor/..%2Fapp.js").status_code == 404
        assert client.http.get("/console/vendor/missing.js").status_code == 404
