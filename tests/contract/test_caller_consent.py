"""The caller's answer on WhatsApp updates (CallerHistory.consent / record_consent, and a registration that carries
one): tests/fakes/caller_history.py and store/callers.py keep it alike."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import FixedClock, iso
from chalicelib.domain.consent import NotTheCallersTicket, WhatsAppConsent
from chalicelib.domain.registration import ConsoleComplaint, build_console_registration
from tests.support.demo import CALLER, DEMO, register_demo_call

NEIGHBOUR = "+919800000001"
AT = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
DISTRICT = read_district_file(DEMO)


def test_a_phone_that_never_answered_has_no_consent(history_and_tickets):
    history, _tickets = history_and_tickets
    assert history.consent(CALLER) is None


def test_an_answer_is_kept_on_the_caller_and_moves_each_ticket_on(history_and_tickets):
    history, tickets = history_and_tickets
    first = register_demo_call(tickets, DISTRICT, 1, AT)
    second = register_demo_call(tickets, DISTRICT, 2, AT)
    answer = WhatsAppConsent(True, iso(AT), "ivr")
    history.record_consent(CALLER, answer, [first, second])
    assert history.consent(CALLER) == answer
    for number in (first, second):
        ticket = tickets.get(number)
        assert (ticket.whatsapp_consent, ticket.whatsapp_consent_at, ticket.version) == (True, iso(AT), 2)
    later = WhatsAppConsent(False, iso(AT.replace(hour=8)), "whatsapp")
    history.record_consent(CALLER, later, [first])
    assert history.consent(CALLER) == later and not tickets.get(first).whatsapp_consent
    assert tickets.get(second).whatsapp_consent  # only the tickets named


def test_an_answer_for_someone_elses_ticket_writes_nothing(history_and_tickets):
    history, tickets = history_and_tickets
    mine = register_demo_call(tickets, DISTRICT, 1, AT)
    theirs = register_demo_call(tickets, DISTRICT, 2, AT, caller=NEIGHBOUR)
    with pytest.raises(NotTheCallersTicket):
        history.record_consent(CALLER, WhatsAppConsent(True, iso(AT), "ivr"), [mine, theirs])
    with pytest.raises(NotTheCallersTicket):
        history.record_consent(CALLER, WhatsAppConsent(True, iso(AT), "ivr"), ["RPR2612019999"])  # no such ticket
    assert history.consent(CALLER) is None
    assert tickets.get(mine).version == 1 and not tickets.get(mine).whatsapp_consent


def test_an_answer_with_no_ticket_is_kept_on_the_caller_alone(history_and_tickets):
    history, _tickets = history_and_tickets
    history.record_consent(CALLER, WhatsAppConsent(False, iso(AT), "whatsapp"), [])
    assert history.consent(CALLER) == WhatsAppConsent(False, iso(AT), "whatsapp")


def test_a_registration_carrying_an_answer_keeps_it_on_the_caller_in_its_transaction(history_and_tickets):
    history, tickets = history_and_tickets
    complaint = ConsoleComplaint(caller_phone=CALLER, category_id="water", language="hi", description="पानी नहीं",
                                 operator="operator.rpr", whatsapp_consent=True)
    registration = build_console_registration(complaint, DISTRICT, 1, FixedClock(AT))
    tickets.register(registration)
    assert history.consent(CALLER) == WhatsAppConsent(True, iso(AT), "console")
    ticket = tickets.get(registration.ticket.complaint_number)
    assert (ticket.whatsapp_consent, ticket.whatsapp_consent_at) == (True, iso(AT))
    assert [t.whatsapp_consent for t in history.caller_tickets(CALLER)] == [True]
