"""The caller's name and village taken out of a recording's transcript, and the complaint left once they are.

The IVR asks for "your name, your village or area, then your complaint" in one recording (issue 15's point 2:
one recording, not three, because three short clips cost three 15-second Transcribe minimums and a name
said alone gives the model no context), so a transcript usually opens with a self-introduction: "मेरा नाम रामलाल है, गांव
खरोरा से बोल रहा हूँ, हैंडपंप खराब है" or "My name is Ramlal, from village Kharora, the handpump is broken".
These are the phrasings callers use; anything else leaves the field None rather than guess, because a
wrong name on a ticket is worse than none (the officer still has the recording).

Matching is on words, never `\\b`: Python's word boundary falls inside Devanagari words (a matra is not
alphanumeric to `re`). Words are compared folded (lower case, no nukta, chandrabindu as anusvara), so
"गाँव"/"गांव" and "हूँ"/"हूं" are one word; what is returned is the caller's words as transcribed.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SpokenFields:
    name: str | None
    address: str | None
    complaint: str  # the transcript without the introduction: what the officer reads first


_SENTENCE_END = frozenset("।॥.!?")
_PUNCT = frozenset(",;:") | _SENTENCE_END
_TOKEN = re.compile(r"[,;:।॥.!?]|[^\s,;:।॥.!?]+")
_QUOTES = "\"'“”‘’()[]"

# Romanised Hindi is listed too: en-IN transcripts of a Hindi speaker come out as "mera naam Ramlal hai".
_NAME_LEADS: tuple[tuple[str, ...], ...] = (
    ("मेरा", "नाम"), ("मेरी", "नाम"), ("हमारा", "नाम"), ("मेरा", "शुभ", "नाम"),
    ("mera", "naam"), ("mera", "nam"), ("hamara", "naam"),
    ("my", "name", "is"), ("my", "name's"), ("name", "is"), ("myself",),
)
_COPULA = frozenset({"है", "hai", "is"})  # "मेरा नाम है रामलाल"
# "मैं रामलाल बोल रहा हूँ", "I am Ramlal": a name only when the sentence confirms it (see _self_name).
_SELF_LEADS: tuple[tuple[str, ...], ...] = (("मैं",), ("main",), ("this", "is"), ("i", "am"), ("i'm",))
_SPEAKING = frozenset({"बोल", "bol", "speaking", "calling", "here"})

_MARKERS = frozenset({
    "गांव", "गाव", "ग्राम", "मोहल्ला", "मोहल्ले", "मुहल्ला", "वार्ड", "कॉलोनी", "कालोनी", "बस्ती", "पंचायत",
    "इलाका", "इलाके", "village", "ward", "colony", "mohalla", "basti", "gaon", "gaanv", "gaav", "gram", "area",
    "locality",
})
_ADDRESS_LEADS: tuple[tuple[str, ...], ...] = (
    ("मेरा", "पता"), ("हमारा", "पता"), ("पता",), ("mera", "pata"),
    ("my", "address", "is"), ("address", "is"), ("i", "live", "in"), ("i", "stay", "in"), ("resident", "of"),
)

# Words that end a name or a place: case endings, verbs, connectives, honorifics.
_STOPS = frozenset({
    "है", "हैं", "हूं", "हु", "था", "थी", "बोल", "और", "से", "में", "का", "की", "के", "को", "पर", "जी", "मैं",
    "मेरा", "मेरी", "मेरे", "हम", "हमारा", "हमारे", "हमारी", "यहां", "यहाँ", "पिता", "पुत्र", "पति", "पत्नी",
    "तहसील", "जिला", "ब्लॉक", "थाना", "नाम", "पता", "शिकायत", "कि", "तो", "भी", "सर", "मैडम", "साहब",
    "hai", "hoon", "hun", "hu", "bol", "raha", "rahi", "aur", "se", "mein", "me", "ka", "ki", "ke", "ji",
    "and", "from", "is", "am", "in", "at", "of", "the", "a", "my", "i", "i'm", "we", "our", "speaking",
    "calling", "here", "sir", "madam", "that", "there", "where", "which", "who", "name", "address",
    "complaint", "s/o", "d/o", "w/o", "son", "daughter", "wife", "tehsil", "district", "block",
})
# What follows a name or a place and belongs to the introduction: "… से बोल रहा हूँ", "… का रहने वाला हूँ".
_TAIL = frozenset({
    "है", "हैं", "हूं", "हु", "से", "बोल", "रहा", "रही", "रहे", "रहने", "वाला", "वाली", "वाले", "का", "की",
    "के", "में", "जी", "hai", "hoon", "hun", "se", "bol", "raha", "rahi", "rahe", "ka", "ki", "ke", "mein", "ji",
    "speaking", "calling", "here",
})
# Openings of the complaint itself, dropped from its start: a greeting, "मेरी शिकायत यह है कि".
_FILLERS: tuple[tuple[str, ...], ...] = (
    ("मेरी", "शिकायत", "यह", "है", "कि"), ("मेरी", "शिकायत", "है", "कि"), ("शिकायत", "यह", "है", "कि"),
    ("मेरी", "शिकायत", "है"), ("शिकायत", "है", "कि"), ("शिकायत", "है"), ("मेरी", "शिकायत"), ("शिकायत",),
    ("my", "complaint", "is", "that"), ("my", "complaint", "is"), ("the", "complaint", "is"),
    ("complaint", "is"), ("and",), ("so",), ("also",), ("और",), ("तो",), ("कि",), ("सर",), ("जी",),
    ("नमस्ते",), ("नमस्कार",), ("हेलो",), ("हैलो",), ("हलो",), ("namaste",), ("hello",), ("sir",),
    ("madam",), ("मैडम",), ("साहब",),
)

_MAX_NAME_WORDS = 3
_MAX_PLACE_WORDS = 3
_MAX_ADDRESS_WORDS = 6  # "मेरा पता …": a spoken address runs longer than a village


@dataclass(frozen=True)
class _Word:
    text: str
    fold: str
    start: int
    end: int

    @property
    def punct(self) -> bool:
        return self.text in _PUNCT


def _fold(word: str) -> str:
    # NFC decomposes the precomposed nukta letters (क़ → क + ़), so dropping U+093C folds both spellings.
    folded = unicodedata.normalize("NFC", word).lower().replace("ँ", "ं").replace("़", "")
    return folded.strip(_QUOTES)


def _words(text: str) -> list[_Word]:
    return [_Word(m.group(), _fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _lead_at(words: list[_Word], i: int, leads: Iterable[tuple[str, ...]]) -> int:
    """The length of the longest lead starting at word i, 0 for none."""
    best = 0
    for lead in leads:
        n = len(lead)
        if n > best and tuple(w.fold for w in words[i:i + n]) == lead:
            best = n
    return best


def _run(words: list[_Word], i: int, limit: int, stops: frozenset[str] = _STOPS) -> int:
    """How many words from i make a name or a place: up to `limit`, ending at a stop or punctuation."""
    n = 0
    while i + n < len(words) and n < limit and not words[i + n].punct and words[i + n].fold not in stops:
        n += 1
    return n


def _tail(words: list[_Word], i: int) -> int:
    """The end of the introduction's verb phrase from word i, with one comma after it."""
    while i < len(words) and words[i].fold in _TAIL:
        i += 1
    if i < len(words) and words[i].text in ",;:":
        i += 1
    return i


def _text(text: str, words: list[_Word], i: int, j: int) -> str:
    return text[words[i].start:words[j - 1].end].strip(_QUOTES + " ")


def _capitalised(words: list[_Word]) -> bool:
    return all(w.text[:1].isupper() for w in words)


def _latin(word: _Word) -> bool:
    return word.text[:1].isascii()


def _named(place: list[_Word]) -> bool:
    """Whether words may be a place's name: in Latin script only capitalised or numbered ("Kharora", "ward 12"),
    so "the area near the school" names none; Devanagari has no capitals to tell by."""
    return all(not _latin(w) or w.text[:1].isupper() or w.text[:1].isdigit() or w.fold in _MARKERS
               or w.fold in {"number", "no", "no."} for w in place)


@dataclass(frozen=True)
class _Found:
    value: str
    start: int  # the words the introduction took, [start, end), to leave out of the complaint
    end: int


def _find_name(text: str, words: list[_Word]) -> _Found | None:
    for i in range(len(words)):
        lead = _lead_at(words, i, _NAME_LEADS)
        if lead:
            j = i + lead
            if j < len(words) and words[j].fold in _COPULA:
                j += 1
            n = _run(words, j, _MAX_NAME_WORDS)
            if n and not (_latin(words[j]) and words[i].fold == "myself" and not _capitalised(words[j:j + n])):
                return _Found(_text(text, words, j, j + n), i, _tail(words, j + n))
        found = _self_name(text, words, i)
        if found:
            return found
    return None


def _self_name(text: str, words: list[_Word], i: int) -> _Found | None:
    """"मैं रामलाल बोल रहा हूँ" / "I am Ramlal": only with the sentence's own confirmation, because "मैं बहुत
    परेशान हूँ" and "I am calling about the road" are not names."""
    lead = _lead_at(words, i, _SELF_LEADS)
    if not lead:
        return None
    j = i + lead
    n = _run(words, j, _MAX_NAME_WORDS)
    if not n:
        return None
    name = words[j:j + n]
    after = j + n
    if _latin(name[0]):
        # Transcribe capitalises proper nouns in en-IN; a lower-case word after "I am" is not a name.
        if not _capitalised(name) or name[0].fold in _MARKERS:
            return None
        return _Found(_text(text, words, j, after), i, _tail(words, after))
    # Hindi: the name must end at a pause or at "बोल", and "बोल" must come in the same sentence; "मैं
    # खरोरा से बोल रहा हूँ" stops at "से", which makes it a place (see _find_address).
    if after < len(words) and not (words[after].punct or words[after].fold in _SPEAKING):
        return None
    k = after
    while k < len(words) and words[k].text not in _SENTENCE_END and words[k].fold not in _SPEAKING:
        k += 1
    if k >= len(words) or words[k].fold not in _SPEAKING:
        return None
    if any(w.fold in _MARKERS for w in name):
        return None
    # "मैं रामलाल बोल रहा हूँ": the verb is part of the introduction; "मैं रामलाल, गांव … से बोल रहा हूँ":
    # the verb belongs to the place, taken with it.
    end = _tail(words, after) if after < len(words) and words[after].fold in _SPEAKING else _comma(words, after)
    return _Found(_text(text, words, j, after), i, end)


def _comma(words: list[_Word], i: int) -> int:
    return i + 1 if i < len(words) and words[i].text in ",;:" else i


def _find_address(text: str, words: list[_Word], taken: range) -> _Found | None:
    return (_address_lead(text, words, taken) or _marker_first(text, words, taken)
            or _place_before(text, words, taken))


def _address_lead(text: str, words: list[_Word], taken: range) -> _Found | None:
    for i in range(len(words)):
        if i in taken:
            continue
        lead = _lead_at(words, i, _ADDRESS_LEADS)
        if not lead:
            continue
        j = i + lead
        if j < len(words) and words[j].fold in _COPULA:
            j += 1
        n = _run(words, j, _MAX_ADDRESS_WORDS, _STOPS - {"में", "in", "mein"} - _STOP_INSIDE_ADDRESS)
        if n:
            return _Found(_text(text, words, j, j + n), i, _tail(words, j + n))
    return None


# A spoken address may name the tehsil or the district after the village: "खरोरा तहसील तिल्दा".
_STOP_INSIDE_ADDRESS = frozenset({"तहसील", "जिला", "ब्लॉक", "थाना", "tehsil", "district", "block"})


def _marker_first(text: str, words: list[_Word], taken: range) -> _Found | None:
    """"गांव खरोरा से", "ग्राम पंचायत खरोरा", "village Kharora", "ward number 12"."""
    for i, w in enumerate(words):
        if i in taken or w.fold not in _MARKERS:
            continue
        j = i + 1
        while j < len(words) and words[j].fold in _MARKERS:
            j += 1
        n = _run(words, j, _MAX_PLACE_WORDS)
        if not n or not _named(words[j:j + n]):
            continue
        start = i - 1 if i and words[i - 1].fold in {"from", "of", "in"} and i - 1 not in taken else i
        if start and words[start - 1].fold in {"मैं", "main"} and start - 1 not in taken:
            start -= 1
        return _Found(_text(text, words, i, j + n), start, _tail(words, j + n))
    return None


def _place_before(text: str, words: list[_Word], taken: range) -> _Found | None:
    """The place named before its marker or its verb: "खरोरा गांव से", "मैं खरोरा से बोल रहा हूँ", "मैं खरोरा
    का रहने वाला हूँ", "from Kharora village", "speaking from Kharora"."""
    for i, w in enumerate(words):
        if i in taken:
            continue
        nxt = words[i + 1].fold if i + 1 < len(words) else ""
        if w.fold in _MARKERS:
            anchor, include = i, i + 1  # the marker is part of the place: "खरोरा गांव"
        elif w.fold in {"से", "se"} and nxt in _SPEAKING:
            anchor, include = i, i
        elif w.fold in {"का", "की", "के", "ka", "ki", "ke"} and nxt in {"रहने", "rahne", "निवासी"}:
            anchor, include = i, i
        else:
            continue
        start = anchor
        while start > 0 and anchor - start < _MAX_PLACE_WORDS - 1 and (start - 1) not in taken \
                and not words[start - 1].punct and words[start - 1].fold not in _STOPS:
            start -= 1
        if start == anchor or not _named(words[start:anchor]):
            continue
        value = _text(text, words, start, include)
        if start and words[start - 1].fold in {"मैं", "main", "from"} and start - 1 not in taken:
            start -= 1
        return _Found(value, start, _tail(words, include))
    for i, w in enumerate(words):  # "from Kharora": English names the place after "from", capitalised
        if i in taken or w.fold != "from":
            continue
        n = _run(words, i + 1, _MAX_PLACE_WORDS)
        if n and _latin(words[i + 1]) and _capitalised(words[i + 1:i + 1 + n]):
            return _Found(_text(text, words, i + 1, i + 1 + n), i, _tail(words, i + 1 + n))
    return None


def _complaint(text: str, words: list[_Word], cut: list[range]) -> str:
    kept = [w for k, w in enumerate(words) if not any(k in r for r in cut)]
    while kept:
        if kept[0].punct:
            kept.pop(0)
            continue
        n = _lead_at(kept, 0, _FILLERS)
        if not n:
            break
        del kept[:n]
    out = ""
    for k, w in enumerate(kept):
        if out and not w.punct:
            gap = text[kept[k - 1].end:w.start]
            out += " " if gap or kept[k - 1].punct else ""
        if w.punct and out and out[-1] in _PUNCT:
            continue  # ", ," left where a clause was cut
        out += w.text
    return out.strip(" ,;:")


def spoken_fields(text: str, language: str) -> SpokenFields:
    """The name and the village/address the caller said, None for what they did not; and the complaint.

    `language` is the call's ("hi", "en", or Transcribe's "hi-IN"). Both scripts are tried whatever it says:
    a Hindi speaker's en-IN transcript is romanised Hindi, and an English call may name a Hindi village.
    """
    del language  # the phrasings are told apart by their words; kept in the signature for other languages
    text = (text or "").strip()
    words = _words(text)
    if not words:
        return SpokenFields(None, None, "")
    name = _find_name(text, words)
    taken = range(name.start, name.end) if name else range(0)
    address = _find_address(text, words, taken)
    if address and name and address.value == name.value:
        address = None
    cut = [r for r in (taken, range(address.start, address.end) if address else range(0)) if r]
    complaint = _complaint(text, words, cut) if cut else text
    # Only an introduction was said: the complaint is empty, not the introduction again.
    return SpokenFields(name=name.value if name else None, address=address.value if address else None,
                        complaint=complaint)
