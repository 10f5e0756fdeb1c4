"""A suggestion for the operator when the words of a complaint point to another category than the key pressed.

The caller pressed 2 (water) and said "बिजली का खंभा गिर गया है, तार सड़क पर है": the district file's keyword
lists (`categories[].keywords`, per language) count the words for each category, and a clear winner other
than the pressed one becomes `Ticket.category_hint`. It is only a hint: the operator reroutes with the
existing action or ignores it; nothing moves by itself, because keypad choices are usually right and a
keyword count is easily fooled.
"""
from __future__ import annotations

import re
import unicodedata

from chalicelib.domain.district import Category, District

_WORD = re.compile(r"[^\s,;:।॥.!?\"'“”‘’()\[\]/-]+")

# Matras a caller's dialect or the transcriber spells either way (ि/ी, ु/ू), the nukta, the chandrabindu:
# folded so a keyword list need not carry every spelling.
_FOLD = str.maketrans({"ँ": "ं", "़": None, "ी": "ि", "ू": "ु"})


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower().translate(_FOLD)


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _matches(words: list[str], keyword: list[str]) -> int:
    """How often a keyword (one or more words) occurs; a word matches by its start, so "हैंडपंप" finds
    "हैंडपंपों" and "pipe" finds "pipeline" (Hindi and English inflect at the end)."""
    n = len(keyword)
    if not n:
        return 0
    return sum(
        1 for i in range(len(words) - n + 1)
        if all(words[i + k].startswith(keyword[k]) for k in range(n))
    )


def _score(category: Category, words: list[str]) -> int:
    # Every language's list counts: a Hindi caller says "लाइट" and "ट्रांसफार्मर", an en-IN transcript of a
    # Hindi speaker reads "bijli", and a district lists the words it hears in whichever script.
    seen: set[str] = set()
    score = 0
    for keywords in category.keywords.values():
        for keyword in keywords:
            folded = _fold(keyword).strip()
            if folded and folded not in seen:
                seen.add(folded)
                score += _matches(words, folded.split())
    return score


def category_hint(district: District, category_id: str, text: str, language: str) -> str | None:
    """Another category's id when its keywords win clearly, else None.

    Clearly: at least one of its words is in the text, it counts more than the pressed category, and more
    than any other category (a tie says nothing). `language` is the call's; all lists are read (see _score).
    """
    del language
    words = _words(text or "")
    if not words:
        return None
    scores = {c.id: _score(c, words) for c in district.categories}
    pressed = scores.get(category_id, 0)
    ranked = sorted(((s, cid) for cid, s in scores.items() if cid != category_id), reverse=True)
    if not ranked:
        return None
    best, best_id = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else 0
    if best >= 1 and best > pressed and best > runner_up:
        return best_id
    return None
