"""Search terms of a complaint's words: one spelling for each of the ways Hindi is written and typed.

A transcript, an operator's typing and a search box rarely spell a word alike: Transcribe writes "सड़क",
an operator types "सडक" or "sadak"; "हिन्दी" and "हिंदी", "पानी" and "पानि" are the same word to a reader.
`terms` folds every one of them to the same key, on the way into the index and on the way out of the search
box alike, so the two meet whatever was typed:

- nukta dropped (क़ → क, ज़ → ज, ड़ → ड), chandrabindu read as anusvara (हँस → हंस), a nasal consonant with a
  virama before another consonant read as anusvara (हिन्दी → हिंदी), long ई/ऊ matras read as short, ॉ as ा;
- a light stem: the plural and oblique endings most nouns take (सड़कों, नालियां, गड्ढे → सड़क, नाली, गड्ढा);
- Latin letters: accents dropped, doubled vowels and letters collapsed (paani → pani), and the
  transliterations of the words complaints are made of mapped to their Devanagari (bijli → बिजली), so an
  officer typing on an English keyboard finds a Hindi transcript;
- stop words (है, का, the, hai …) left out: they would match every ticket.

The keys are not for reading: they are only ever compared with each other.

`search_page` is how a page of a search is read from an index of those keys (store/search_index.py and its
fake alike): the first term's entries newest first, a page and one more at a time, keeping the tickets the
other terms have too.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

from chalicelib.domain.ports import SearchPage

_NUKTA = "\u093c"
_VIRAMA = "\u094d"
_ANUSVARA = "\u0902"
_DROPPED = {ord(c): None for c in (_NUKTA, "\u200c", "\u200d", "\u00ad")}  # and ZWNJ, ZWJ, soft hyphen
_FOLDED = str.maketrans({
    "\u0901": _ANUSVARA,  # chandrabindu ँ
    "\u0940": "\u093f",  # ी → ि
    "\u0942": "\u0941",  # ू → ु
    "\u0908": "\u0907",  # ई → इ
    "\u090a": "\u0909",  # ऊ → उ
    "\u0949": "\u093e",  # ॉ → ा (डॉक्टर, डाक्टर)
    "\u0911": "\u0906",  # ऑ → आ
    **{chr(0x0966 + d): str(d) for d in range(10)},  # Devanagari digits
})
_CONSONANT = "\u0915-\u0939"
# ङ्, ञ्, ण्, न्, म् before a consonant: the half nasal that anusvara writes in one sign.
_HALF_NASAL = re.compile(f"[\u0919\u091e\u0923\u0928\u092e]{_VIRAMA}(?=[{_CONSONANT}])")
_WORD = re.compile("[0-9a-z\u0900-\u0963\u0971-\u097f]+")
_LATIN = re.compile("[a-z]+")
_LATIN_FOLDED = str.maketrans("wzq", "vjk")  # gaanw/gaanv, zameen/jameen (ज़ is ज here), qabza/kabza
_LONGEST = 60  # longer runs of letters are not words (a pasted link, a number run together)

# Oblique and plural endings, longest first, each with what stays of the ending (normalised spelling).
_ENDINGS = (("ियों", "ि"), ("ियां", "ि"), ("ाओं", ""), ("ाएं", ""), ("ों", ""), ("ें", ""), ("ा", ""), ("े", ""))

_STOP_WORDS = """
है हैं था थी थे हो होता होती होते होना हुआ हुई हुए का की के को में से पर तक और या व भी तो ही न ना नहीं
यह वह ये वो यहाँ वहाँ इस उस इन उन इसे उसे इसका उसका कि जो जब तब क्या क्यों कैसे कब कहाँ कौन
मैं मेरा मेरी मेरे मुझे हम हमारा हमारी हमारे हमें आप आपका आपकी आपके आपको तुम उनका उनकी उनके उन्हें
जी साहब सर श्रीमान कृपया एक कर करें करो करना करके किया कुछ कोई सब बहुत अभी रहा रही रहे रहता रहती
गया गई गयी गए गये दिया दी दिए लिए लिया साथ बाद वाला वाली वाले अपना अपनी अपने ऐसा ऐसी ऐसे
the a an and or of in on at to for from by with is are was were be been being it its this that these those
there here i me my we our you your he she they them his her their not no nor but so as if than then
has have had do does did will would can could shall should may might must please sir madam
hai hain tha thi the ho ka ki ke ko mein me se par aur bhi to hi na nahi nahin yah ye vah wo is us
mera meri mere hum hamara hamare aap ji sahab kripya ek kar karo kuch koi sab bahut abhi raha rahi rahe
"""

# Latin spellings of the words complaints are made of → the Devanagari a transcript writes them in.
_TRANSLITERATIONS = {
    "पानी": "pani paani panee paanee",
    "बिजली": "bijli bijlee bijali bijlie bijly bijlii",
    "सड़क": "sadak sadak sarak sadk sadakh",
    "नाली": "nali naali nalee naalee nalli",
    "नाला": "nala naala",
    "नल": "nal",
    "हैंडपंप": "handpump handpamp hendpump handpamp",
    "पंप": "pump pamp",
    "ट्यूबवेल": "tubewell tubwell",
    "कचरा": "kachra kachara kachda kachada kachraa",
    "सफाई": "safai safaai saphai",
    "गंदगी": "gandagi gandgi gandagee",
    "गड्ढा": "gaddha gadda gaddhaa",
    "खंभा": "khamba khambha khamba",
    "लाइट": "light lite lait",
    "बत्ती": "batti battee",
    "ट्रांसफार्मर": "transformer tranformer transfarmer",
    "करंट": "current karant karent",
    "मीटर": "meter mitar",
    "बिल": "bill",
    "पाइप": "pipe paip",
    "पाइपलाइन": "pipeline paipline",
    "टंकी": "tanki tankee",
    "मोटर": "motor",
    "सप्लाई": "supply sapplai saplai",
    "सीवर": "sewer seevar sivar",
    "रोड": "road",
    "गली": "gali galee",
    "गांव": "gaon gaanv gav gaav gaanw gaon",
    "मोहल्ला": "mohalla muhalla mohalla",
    "वार्ड": "ward",
    "शिकायत": "shikayat shikayet shikaayat",
    "खराब": "kharab kharaab khraab",
    "टूटा": "tuta toota tutaa",
    "टूटी": "tuti tooti",
    "बंद": "band bandh",
    "राशन": "ration rashan",
    "पेंशन": "pension penshan",
    "स्कूल": "school skool",
    "अस्पताल": "aspatal aspataal",
    "हॉस्पिटल": "hospital",
    "डॉक्टर": "doctor daktar dactor",
    "पुलिस": "police pulis",
    "थाना": "thana thaana",
    "शौचालय": "shauchalay shauchalaya",
    "टॉयलेट": "toilet",
    "आवास": "awas aawas",
    "आंगनवाड़ी": "anganwadi aanganwadi",
    "रिश्वत": "rishwat rishvat",
    "भ्रष्टाचार": "bhrashtachar bhrashtachaar",
    "गैस": "gas",
    "ज़मीन": "zameen jameen zamin jamin",
    "कब्ज़ा": "kabza kabja qabza kabjaa",
    "बाज़ार": "bazar bazaar bajar",
    "पट्टा": "patta pattaa",
    "मज़दूरी": "majduri mazduri mazdoori",
}
# Words a caller says or types as two: their halves run together are the word ("hand pump", "हैंड पंप").
_COMPOUNDS = ("हैंडपंप", "ट्यूबवेल", "पाइपलाइन")


def normalise(text: str) -> str:
    """The text in one spelling: lower case, accents and nukta gone, the Hindi variants folded (see above),
    spaces collapsed. Words are not stemmed or mapped here: `terms` does that."""
    text = unicodedata.normalize("NFKD", text)  # क़ → क + nukta, ā → a + macron
    text = "".join(c for c in text if not unicodedata.combining(c) or "\u0900" <= c <= "\u097f")
    text = text.translate(_DROPPED).translate(_FOLDED)
    text = _HALF_NASAL.sub(_ANUSVARA, text)
    return " ".join(text.lower().split())


def terms(text: str) -> set[str]:
    """The search keys of a text: its words normalised, stemmed, Latin transliterations in Devanagari, stop
    words left out."""
    return set(_words_and_compounds(text, absorb=False))


def query_terms(text: str) -> list[str]:
    """The terms a search box's text asks for, each ticket to have every one: as `terms`, except that the two
    halves of a compound ask for the compound alone ("hand pump": हैंडपंप, which a transcript's "हैंडपंप" has
    without its halves). The longest first: the likeliest to be rare."""
    return sorted(set(_words_and_compounds(text, absorb=True)), key=lambda t: (-len(t), t))


def _words_and_compounds(text: str, absorb: bool) -> list[str]:
    words = _WORD.findall(normalise(text))
    compounds, found, n = _compound_terms(), [], 0
    while n < len(words):
        joined = _term(words[n] + words[n + 1]) if n + 1 < len(words) else ""
        if joined in compounds:
            found.append(joined)
            if absorb:
                n += 2
                continue
        found.append(_term(words[n]))
        n += 1
    return [t for t in found if t and t not in _stop_terms()]


def _term(word: str) -> str:
    """One normalised word's key."""
    if len(word) > _LONGEST or len(word) < 2:
        return ""
    if _LATIN.fullmatch(word):
        latin = _latin_key(word)
        return _transliterations().get(latin, latin)
    return _stem(word)


def _stem(word: str) -> str:
    for ending, kept in _ENDINGS:
        if word.endswith(ending):
            stem = word[: len(word) - len(ending)] + kept
            if len(stem) >= 2 and not stem.endswith(_VIRAMA):
                return stem
            break
    return word


def _latin_key(word: str) -> str:
    """One spelling for the ways a Hindi word is written in Latin letters: paani, panee → pani."""
    word = word.replace("ee", "i").replace("oo", "u").replace("ph", "f")
    word = word.translate(_LATIN_FOLDED)
    word = re.sub(r"(.)\1+", r"\1", word)
    return word[:-1] + "i" if len(word) > 3 and word.endswith("y") else word


@cache
def _transliterations() -> dict[str, str]:
    return {_latin_key(latin): _stem(normalise(hindi))
            for hindi, spellings in _TRANSLITERATIONS.items() for latin in spellings.split()}


@cache
def _compound_terms() -> frozenset[str]:
    return frozenset(_stem(normalise(word)) for word in _COMPOUNDS)


@cache
def _stop_terms() -> frozenset[str]:
    return frozenset(_term(w) for w in _WORD.findall(normalise(_STOP_WORDS))) - {""}


# == A page of a search ======================================================================================

ROUNDS = 5  # a many-word search reads at most this many pages of its first term's entries for one page of tickets


def entry_key(created_at: str, complaint_number: str) -> str:
    """An index entry's sort key: newest first is descending, and a cursor is one of these."""
    return f"{created_at}#{complaint_number}"


def number_of(key: str) -> str:
    return key.rsplit("#", 1)[-1]


def search_page(read_keys: Callable[[str | None, int], list[str]],
                having: Callable[[list[str]], tuple[set[str], int]], limit: int, cursor: str | None) -> SearchPage:
    """One page of at most `limit` tickets. `read_keys(after, size)` gives the first term's entry keys older than
    `after` (all when None), newest first, at most `size`; `having(keys)` those of them every other term has too,
    and how many entries it read to know.

    A one-word search reads `limit + 1` entries: the extra one says whether another page exists, so the last page
    never hands out a cursor to an empty one. The end is a short read, never DynamoDB's LastEvaluatedKey, which it
    gives whenever the limit was reached (moto only when more remain): both read alike."""
    numbers: list[str] = []
    read, after = 0, cursor
    size = limit + 1
    for _ in range(ROUNDS):
        keys = read_keys(after, size)
        matched, checked = having(keys) if keys else (set(), 0)
        read += len(keys) + checked
        for key in keys:
            if len(numbers) == limit:
                return SearchPage(numbers, after, read)
            after = key
            if key in matched:
                numbers.append(number_of(key))
        if len(keys) < size:
            return SearchPage(numbers, None, read)
        if len(numbers) == limit:
            return SearchPage(numbers, after, read)
    # Reached only by a many-word search with few matches: a short page, and the cursor to read on from.
    return SearchPage(numbers, after, read)
