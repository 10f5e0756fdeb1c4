"""The console's own files: both languages have every string, and nothing third-party is committed."""
from __future__ import annotations

import re
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[2] / "chalicelib" / "console"


def _keys(block: str) -> set[str]:
    """The keys of a strings block: `name: "` at the start of an entry (not words inside the values)."""
    return set(re.findall(r'(?:^|[{,]\s*|\n\s*)([a-z_]+): "', block))


def test_hindi_and_english_have_the_same_strings():
    text = (CONSOLE / "strings.js").read_text(encoding="utf-8")
    hindi = text[text.index("  hi: {"):text.index("  en: {")]
    english = text[text.index("  en: {"):]
    assert _keys(hindi) == _keys(english)
    assert len(_keys(hindi)) > 100


def test_every_string_the_app_asks_for_exists():
    strings = _keys((CONSOLE / "strings.js").read_text(encoding="utf-8"))
    code = "".join(p.read_text(encoding="utf-8") for p in CONSOLE.glob("*.js") if p.name != "strings.js")
    asked = set(re.findall(r"""\bt\("([a-z_]+)"[,)]""", code))  # t("key") and t("key", {values})
    assert asked <= strings, asked - strings


def test_the_console_is_our_own_small_files():
    files = sorted(p.name for p in CONSOLE.iterdir())
    assert files == ["app.js", "charts.js", "core.js", "dashboard.js", "directory.js", "districts.js", "index.html",
                     "lists.js", "operator.js", "pins.js", "strings.js", "style.css", "ticket.js", "time_left.js"]
    for path in CONSOLE.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text
        assert path.stat().st_size < 60_000


def test_the_console_keeps_no_table_of_action_names_of_its_own():
    # It posts an allowed action (its key) to the path config.json names (chalicelib/domain/ticket_actions.py).
    app = (CONSOLE / "ticket.js").read_text(encoding="utf-8")
    assert "state.config.action_paths[action]" in app
    assert '"notes"' not in app and "more-time" not in app

