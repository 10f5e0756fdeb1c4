"""The console's files over HTTP: each with its content's hash as its ETag, so a reload costs a 304, not the file."""
from __future__ import annotations

import os


def test_a_file_the_browser_has_is_answered_304_and_an_edited_one_again_in_full(tmp_path, monkeypatch):
    """Each file's ETag is its content's hash: a reload sends If-None-Match and gets no body back."""
    from chalice.test import Client

    import app
    from chalicelib.handlers import console_files

    (tmp_path / "app.js").write_text("export const one = 1;\n", encoding="utf-8")
    monkeypatch.setattr(console_files, "ROOT", tmp_path)
    with Client(app.app) as client:
        first = client.http.get("/console/app.js")
        assert first.status_code == 200 and first.body == b"export const one = 1;\n"
        etag = first.headers["ETag"]
        assert first.headers["Cache-Control"] == "no-cache"  # asked again each load: a deploy is seen at once
        again = client.http.get("/console/app.js", headers={"If-None-Match": etag})
        assert (again.status_code, again.body) == (304, b"")
        assert client.http.get("/console/app.js", headers={"If-None-Match": '"old", W/' + etag}).status_code == 304
        (tmp_path / "app.js").write_text("export const one = 2;\n", encoding="utf-8")
        stat = (tmp_path / "app.js").stat()
        os.utime(tmp_path / "app.js", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        edited = client.http.get("/console/app.js", headers={"If-None-Match": etag})
        assert edited.status_code == 200 and edited.body == b"export const one = 2;\n"
        assert edited.headers["ETag"] != etag
