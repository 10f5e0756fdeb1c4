"""Prompt and message catalogs, one JSON file per language in this folder.

A third language is a new file (e.g. cg.json for Chhattisgarhi) listed in a district's `languages`:
no code changes. Every catalog must have the same keys as en.json (a test checks).
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent


class Catalog:
    def __init__(self, language: str, entries: dict[str, str]) -> None:
        self.language = language
        self._entries = entries

    @property
    def voice(self) -> str:
        return self._entries["_voice"]

    @property
    def tts_language(self) -> str:
        return self._entries["_tts_language"]

    def keys(self) -> set[str]:
        return {k for k in self._entries if not k.startswith("_")}

    def text(self, name: str, /, **values: object) -> str:
        return self._entries[name].format(**values)

    def raw(self, name: str) -> str:
        """The entry as written, its {variables} unfilled (what a DLT template is registered from)."""
        return self._entries[name]


def available_languages() -> set[str]:
    return {p.stem for p in _HERE.glob("*.json")}


@cache
def catalog(language: str) -> Catalog:
    path = _HERE / f"{language}.json"
    if not path.exists():
        path = _HERE / "en.json"
        language = "en"
    return Catalog(language, json.loads(path.read_text(encoding="utf-8")))
