"""Search terms and the search operations on fakes: Hindi spelling variants, Latin transliterations, stop words,
indexing what a text adds and drops, and pages of a search."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.hindi_search import normalise, query_terms, terms
from chalicelib.domain.registration import CallComplaint, build_call_registration
from chalicelib.domain.transcripts import DONE, Transcript
from chalicelib.operations.ticket_search import (
    expires_at,
    index_ticket_text,
    search_tickets,
    ticket_text,
)
from tests.fakes.search import MemorySearchIndex
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO, LINE

DISTRICT = read_district_file(DEMO)
NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


def same_terms(a: str, b: str) -> bool:
    return terms(a) == terms(b) != set()


@pytest.mark.parametrize(("one", "other"), [
    ("क़ानून", "कानून"), ("ज़मीन", "जमीन"), ("सड़क", "सडक"), ("पढ़ाई", "पढाई"), ("फ़ोन", "फोन"),  # nukta
    ("हँस", "हंस"), ("गाँव", "गांव"), ("पहुँचा", "पहुंचा"),  # chandrabindu / anusvara
    ("पानी", "पानि"), ("बिजली", "बिजलि"), ("शुरू", "शुरु"), ("दूध", "दुध"), ("ईंट", "इंट"),  # long/short matras
    ("हिन्दी", "हिंदी"), ("हैंडपम्प", "हैंडपंप"), ("खम्भा", "खंभा"), ("ठण्डा", "ठंडा"),  # half nasal / anusvara
    ("डॉक्टर", "डाक्टर"),  # candra o
    ("सड़कों", "सड़क"), ("नालियां", "नाली"), ("नालियों", "नाली"), ("गड्ढे", "गड्ढा"), ("नाले", "नाला"),  # plurals
])
def test_hindi_spelling_variants_are_one_term(one: str, other: str):
    assert same_terms(one, other), (terms(one), terms(other))


@pytest.mark.parametrize(("latin", "hindi"), [
    ("pani", "पानी"), ("paani", "पानी"), ("PAANEE", "पानी"), ("bijli", "बिजली"), ("bijlee", "बिजली"),
    ("sadak", "सड़क"), ("sarak", "सड़क"), ("nali", "नाली"), ("naali", "नाली"), ("handpump", "हैंडपंप"),
    ("hand pump", "हैंडपंप"), ("kachra", "कचरा"), ("gaon", "गाँव"), ("kharab", "ख़राब"), ("transformer", "ट्रांसफार्मर"),
    ("shikayat", "शिकायत"), ("nal", "नल"), ("tanki", "टंकी"), ("zameen", "ज़मीन"), ("bāzār", "बाज़ार"),
])
def test_latin_transliterations_of_common_words_are_their_devanagari_term(latin: str, hindi: str):
    assert terms(hindi) <= terms(latin), (terms(latin), terms(hindi))


def test_two_halves_of_a_compound_find_the_compound_and_each_half():
    assert terms("हैंडपंप") <= terms("हैंड पंप")
    assert terms("handpump") <= terms("mera hand pump toota hai")
    assert terms("पंप") <= terms("हैंड पंप")


def test_stop_words_punctuation_and_single_letters_are_not_terms():
    assert terms("मेरे गाँव में पानी नहीं आ रहा है।") == terms("गांव पानी")
    assert terms("है का की के में से और भी the is of hai ka") == set()
    assert terms("Water supply is not there, sir!") == terms("water supply")
    assert terms("") == set() and terms("   ।  ,") == set()


def test_digits_in_either_script_are_one_term_and_words_keep_their_meaning():
    assert terms("वार्ड १२") == terms("ward 12")
    assert terms("पानी") != terms("बिजली")
    assert terms("नल") != terms("नाला") != terms("नाली")


def test_normalise_folds_spelling_keeps_words_and_collapses_spaces():
    assert normalise("  ज़मीन   हिन्दी  Bāzār ") == "जमिन हिंदि bazar"
    assert normalise("सड़क") == normalise("सडक")


def ticket(sequence: int, minutes_ago: int = 0, description: str | None = None, said: str | None = None,
           district: str = "RPR"):
    complaint = CallComplaint(call_sid=f"CA{sequence}", caller_phone="+919812345678", line=LINE, language="hi",
                              category_id="water", recording_sid=f"RE{sequence}", recording_url="https://x",
                              recording_duration=5)
    made = build_call_registration(complaint, DISTRICT, sequence, FixedClock(NOW - timedelta(minutes=minutes_ago)))
    transcript = Transcript(f"RE{sequence}", DONE, said, 0.9, "hi-IN").to_json() if said is not None else None
    return replace(made.ticket, description=description, transcript=transcript, district=district)


def indexed(*tickets, retention_days: int = 365):
    index, store = MemorySearchIndex(), MemoryTicketStore(*tickets)
    for t in tickets:
        index_ticket_text(index, t, "", ticket_text(t), retention_days)
    return index, store


def numbers(found) -> list[str]:
    return [t.complaint_number for t in found]


def test_a_transcript_is_found_by_its_words_in_any_spelling_newest_first():
    old = ticket(1, 30, said="हमारे गाँव का हैंडपम्प ख़राब है")
    new = ticket(2, 10, said="गांव की सड़क पर पानी भरा है, हैंडपंप टूटा")
    other = ticket(3, 5, said="बिजली नहीं है")
    index, store = indexed(old, new, other)

    for query in ("हैंडपंप", "handpump", "hand pump", "हैंड पम्प"):
        found, cursor, _ = search_tickets(index, store, "RPR", query, 10, None)
        assert numbers(found) == [new.complaint_number, old.complaint_number], query
        assert cursor is None
    found, _, _ = search_tickets(index, store, "RPR", "gaon handpump kharab", 10, None)
    assert numbers(found) == [old.complaint_number]
    found, _, _ = search_tickets(index, store, "RPR", "bijli", 10, None)
    assert numbers(found) == [other.complaint_number]


def test_the_description_and_the_corrected_text_are_searched_and_the_machines_words_dropped():
    t = ticket(1, description="नाली जाम", said="पानी नहीं आता")
    index, store = indexed(t)
    before = t
    transcript = Transcript.from_json(t.transcript)
    assert transcript is not None
    corrected = transcript.corrected("बिजली नहीं आती", "operator.rpr", "2026-12-01T06:05:00Z")
    after = replace(t, transcript=corrected.to_json())
    index_ticket_text(index, after, ticket_text(before), ticket_text(after), 365)

    assert search_tickets(index, store, "RPR", "pani", 10, None)[0] == []
    assert numbers(search_tickets(index, store, "RPR", "बिजली", 10, None)[0]) == [t.complaint_number]
    assert numbers(search_tickets(index, store, "RPR", "naali", 10, None)[0]) == [t.complaint_number]
    assert index.terms_of("RPR", t.complaint_number) == terms("नाली जाम बिजली आती")


def test_indexing_writes_only_the_terms_a_change_adds_and_expires_with_the_retention():
    t = ticket(1, said="पानी नहीं आता")
    index, _ = indexed(t, retention_days=30)
    index_ticket_text(index, t, "पानी नहीं आता", "पानी नहीं आता", 30)  # a replay: nothing changes
    expiry = expires_at(t.created_at, 30)
    assert expiry == int((NOW + timedelta(days=30)).timestamp())
    entries = {term: keys for (district, term), keys in index.entries.items() if keys}
    assert set(entries) == terms("पानी आता")
    assert all(keys == {f"{t.created_at}#{t.complaint_number}": expiry} for keys in entries.values())
    assert expires_at(t.created_at, 0) is None


def test_another_districts_tickets_are_never_found():
    mine, theirs = ticket(1, said="पानी"), ticket(2, said="पानी", district="BSP")
    index, store = indexed(mine, theirs)
    assert numbers(search_tickets(index, store, "RPR", "pani", 10, None)[0]) == [mine.complaint_number]
    assert numbers(search_tickets(index, store, "BSP", "pani", 10, None)[0]) == [theirs.complaint_number]


def test_pages_read_the_page_and_one_more_and_the_last_page_has_no_cursor():
    tickets = [ticket(n, minutes_ago=100 - n, said="पानी नहीं") for n in range(1, 8)]
    index, store = indexed(*tickets)
    newest_first = [t.complaint_number for t in reversed(tickets)]

    first, cursor, read = search_tickets(index, store, "RPR", "paani", 3, None)
    assert numbers(first) == newest_first[:3] and read == 4 and cursor
    second, cursor, read = search_tickets(index, store, "RPR", "paani", 3, cursor)
    assert numbers(second) == newest_first[3:6] and read == 4 and cursor
    last, cursor, read = search_tickets(index, store, "RPR", "paani", 3, cursor)
    assert numbers(last) == newest_first[6:] and read == 1 and cursor is None


def test_a_query_of_stop_words_only_finds_nothing_and_reads_nothing():
    index, store = indexed(ticket(1, said="पानी है"))
    assert search_tickets(index, store, "RPR", "है का the", 10, None) == ([], None, 0)
    assert index.finds == 0


def test_a_search_asks_for_a_compound_not_its_halves_and_reads_the_longest_term_first():
    assert query_terms("hand pump") == query_terms("हैंडपंप") == sorted(terms("हैंडपंप"))
    assert query_terms("नल ट्रांसफार्मर पानी")[0] == next(iter(terms("ट्रांसफार्मर")))
