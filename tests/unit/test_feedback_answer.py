"""operations/feedback_answer.py: the citizen's keys on the feedback call, on fakes."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.registration import CallComplaint, build_call_registration
from chalicelib.domain.ticket import CLOSED, RESOLVED
from chalicelib.operations.feedback_answer import FeedbackReply, answer_feedback
from tests.fakes.directory import MemoryDirectory
from tests.fakes.events import MemoryDispatcher
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO, LINE

DISTRICT = read_district_file(DEMO)
NOW = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)


@pytest.fixture
def world():
    tickets = MemoryTicketStore()
    complaint = CallComplaint(call_sid="CA" + "1" * 32, caller_phone="+919812345678", line=LINE, language="hi",
                              category_id="water", recording_sid="RE" + "1" * 32, recording_url="https://x",
                              recording_duration=5)
    registration = build_call_registration(complaint, DISTRICT, 1, FixedClock(NOW - timedelta(days=2)))
    tickets.register(registration)
    number = registration.ticket.complaint_number
    tickets.tickets[number] = replace(tickets.tickets[number], status=RESOLVED,
                                      resolved_at="2026-12-02T07:00:00Z")
    return number, tickets, MemoryDirectory(DISTRICT), MemoryDispatcher()


def _answer(world, attempt: int, digits: str) -> FeedbackReply:
    number, tickets, directory, dispatcher = world
    return answer_feedback(number, attempt, digits, tickets, directory, dispatcher, FixedClock(NOW))


def test_the_call_opens_with_the_question_and_the_districts_name(world):
    assert _answer(world, 0, "") == FeedbackReply("hi", ask_attempt=1, district_name=DISTRICT.name_in("hi"))


@pytest.mark.parametrize(("digits", "retry_key"), [("", "no_input"), ("7", "wrong_key")])
def test_no_key_or_a_wrong_one_asks_again(world, digits, retry_key):
    assert _answer(world, 2, digits) == FeedbackReply("hi", ask_attempt=3, retry_key=retry_key,
                                                      district_name=DISTRICT.name_in("hi"))


def test_1_closes_the_ticket_satisfied_and_sends_its_events(world):
    number, tickets, _directory, dispatcher = world
    assert _answer(world, 1, "1") == FeedbackReply("hi", closing="feedback_thanks")
    assert tickets.get(number).status == CLOSED and tickets.get(number).closure == "satisfied"
    assert [e.type for e in dispatcher.sent] == ["ticket.closed"]


def test_2_reopens_the_ticket(world):
    number, tickets, _directory, _dispatcher = world
    assert _answer(world, 1, "2") == FeedbackReply("hi", closing="feedback_reopened")
    assert tickets.get(number).status not in (RESOLVED, CLOSED)


def test_a_ticket_answered_meanwhile_hears_only_goodbye(world):
    number, tickets, _directory, _dispatcher = world
    assert _answer(world, 1, "1").closing == "feedback_thanks"
    version = tickets.get(number).version
    assert _answer(world, 0, "") == FeedbackReply("hi", closing="goodbye")  # a second call picked up
    assert _answer(world, 1, "1") == FeedbackReply("hi", closing="goodbye")  # satisfied twice: nothing to do
    assert tickets.get(number).version == version


def test_a_missing_ticket_or_district_is_a_technical_problem(world):
    number, tickets, _directory, dispatcher = world
    assert answer_feedback("RPR0000000000", 1, "1", tickets, MemoryDirectory(DISTRICT), dispatcher,
                           FixedClock(NOW)) == FeedbackReply("hi", closing="technical_problem")
    assert answer_feedback(number, 1, "1", tickets, MemoryDirectory(), dispatcher,
                           FixedClock(NOW)) == FeedbackReply("hi", closing="technical_problem")


def test_a_stale_write_is_a_technical_problem_and_changes_nothing(world):
    number, tickets, directory, dispatcher = world

    class Busy(MemoryTicketStore):
        def save_change(self, change):
            from chalicelib.domain.ports import StaleTicket

            raise StaleTicket(change.before.complaint_number)

    busy = Busy(tickets.get(number))
    assert answer_feedback(number, 1, "1", busy, directory, dispatcher, FixedClock(NOW)) == \
        FeedbackReply("hi", closing="technical_problem")
    assert busy.get(number).status == RESOLVED and dispatcher.sent == []
