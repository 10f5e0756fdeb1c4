"""The TicketStore port: tests/fakes/tickets.py and store/tickets.py keep the same keys, conditions and errors."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.callers import CallerDayLimit, OverDailyLimit
from chalicelib.domain.clock import FixedClock, iso
from chalicelib.domain.lifecycle import Actor, Lifecycle
from chalicelib.domain.ports import AlreadyRegistered, SequenceTaken, StaleTicket, TicketStore
from chalicelib.domain.registration import (
    CallComplaint,
    ChatComplaint,
    ConsoleComplaint,
    DaySequence,
    Registration,
    build_call_registration,
    build_chat_registration,
    build_console_registration,
)
from chalicelib.domain.ticket import TimelineEntry
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import CALLER, DEMO, LINE

DISTRICT = read_district_file(DEMO)
AT = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 11:30 IST, a working day


@pytest.fixture
def store(backend: str) -> TicketStore:
    if backend == "memory":
        return MemoryTicketStore()
    from chalicelib.store.tickets import DynamoTicketStore

    return DynamoTicketStore()


def call(sequence: int, call_sid: str | None = None, caller: str = CALLER, at: datetime = AT) -> Registration:
    complaint = CallComplaint(call_sid=call_sid or f"CA{sequence:032d}", caller_phone=caller, line=LINE,
                              language="hi", category_id="water", recording_sid=f"RE{sequence:032d}",
                              recording_url=f"https://api.twilio.com/RE{sequence}", recording_duration=30)
    return build_call_registration(complaint, DISTRICT, sequence, FixedClock(at))


def chat(sequence: int, conversation_id: str = "SM1") -> Registration:
    complaint = ChatComplaint(conversation_id=conversation_id, caller_phone=CALLER, channel="whatsapp", language="hi",
                              category_id="water", description="हैंडपंप खराब है", caller_name="रामू",
                              address="वार्ड 7")
    return build_chat_registration(complaint, DISTRICT, sequence, FixedClock(AT))


def console(sequence: int) -> Registration:
    complaint = ConsoleComplaint(caller_phone=CALLER, category_id="water", language="hi", description="no water",
                                 operator="op1")
    return build_console_registration(complaint, DISTRICT, sequence, FixedClock(AT))


DAY = "2026-12-01"  # AT's IST day


def numbered(registration: Registration, number: int | None = None) -> Registration:
    """The registration taking its ticket's number from the day's sequence, as domain/intake.py makes it."""
    number = number or int(registration.ticket.complaint_number[-4:])
    return replace(registration, sequence=DaySequence("RPR", DAY, number))


def test_sequences_count_from_one_per_district_and_day(store: TicketStore):
    assert [store.take_sequence("RPR", DAY) for _ in range(3)] == [1, 2, 3]
    assert store.take_sequence("RPR", "2026-12-02") == 1
    assert store.take_sequence("BSP", DAY) == 1


def test_peeking_takes_no_number_and_a_registration_takes_its_own(store: TicketStore):
    assert [store.peek_sequence("RPR", DAY) for _ in range(3)] == [1, 1, 1]
    store.register(numbered(call(1)))
    assert store.peek_sequence("RPR", DAY) == 2
    assert store.peek_sequence("RPR", "2026-12-02") == 1 and store.peek_sequence("BSP", DAY) == 1
    store.register(numbered(console(2)))
    assert store.take_sequence("RPR", DAY) == 3  # an outright take follows the registrations' numbers


def test_a_number_taken_meanwhile_is_refused_and_nothing_is_written(store: TicketStore):
    store.register(numbered(call(1)))
    late = numbered(call(2, call_sid="CA" + "b" * 32), number=1)  # read the counter before the first took 1
    with pytest.raises(SequenceTaken):
        store.register(replace(late, ticket=replace(late.ticket, complaint_number="RPR2612010001")))
    assert store.peek_sequence("RPR", DAY) == 2
    skipping = numbered(call(3, call_sid="CA" + "c" * 32))  # 3 while the counter is at 1: a gap, refused
    with pytest.raises(SequenceTaken):
        store.register(skipping)
    assert store.get(skipping.ticket.complaint_number) is None
    again = numbered(call(2, call_sid="CA" + "c" * 32))
    store.register(again)
    assert store.get(again.ticket.complaint_number) == again.ticket and store.peek_sequence("RPR", DAY) == 3


def test_refused_registrations_take_no_number(store: TicketStore):
    """A replayed call or conversation, and a caller over the cap, leave the day's counter where it was."""
    cap = CallerDayLimit(scope=f"CALLER#RPR#{CALLER}", period=f"DAY#{DAY}", limit=2)
    first = replace(numbered(call(1, call_sid="CA" + "a" * 32)), caller_limit=cap)
    store.register(first)
    with pytest.raises(AlreadyRegistered) as refused:
        store.register(replace(numbered(call(2, call_sid="CA" + "a" * 32)), caller_limit=cap))
    assert refused.value.complaint_number == first.ticket.complaint_number
    conversation = numbered(chat(2, conversation_id="SMaaa"))
    store.register(conversation)  # the caller's second ticket of the day (chats are capped alike, not here)
    with pytest.raises(AlreadyRegistered):
        store.register(numbered(chat(3, conversation_id="SMaaa")))
    store.register(replace(numbered(call(3)), caller_limit=cap))  # the cap's second
    with pytest.raises(OverDailyLimit):
        store.register(replace(numbered(call(4)), caller_limit=cap))
    assert store.peek_sequence("RPR", DAY) == 4


def test_a_registered_ticket_reads_back_as_it_was_written(store: TicketStore):
    registration = call(1)
    store.register(registration)
    assert store.get(registration.ticket.complaint_number) == registration.ticket
    assert store.recent_for_caller(CALLER) == [registration.ticket]
    assert store.get("RPR2612019999") is None


def test_a_retried_call_gets_its_first_number_and_writes_nothing(store: TicketStore):
    first = call(1, call_sid="CA" + "a" * 32)
    store.register(first)
    retry = call(2, call_sid="CA" + "a" * 32)
    with pytest.raises(AlreadyRegistered) as refused:
        store.register(retry)
    assert refused.value.complaint_number == first.ticket.complaint_number
    assert store.get(retry.ticket.complaint_number) is None


def test_a_retried_conversation_gets_its_first_number_and_writes_nothing(store: TicketStore):
    first = chat(1, conversation_id="SMaaa")
    store.register(first)
    retry = chat(2, conversation_id="SMaaa")
    with pytest.raises(AlreadyRegistered) as refused:
        store.register(retry)
    assert refused.value.complaint_number == first.ticket.complaint_number
    assert store.get(retry.ticket.complaint_number) is None
    other = chat(3, conversation_id="SMbbb")
    store.register(other)
    assert store.get(other.ticket.complaint_number) == other.ticket


def test_registrations_with_neither_a_call_nor_a_conversation_are_each_written(store: TicketStore):
    walk_ins = [console(1), console(2)]
    for registration in walk_ins:
        store.register(registration)
    assert [store.get(r.ticket.complaint_number) for r in walk_ins] == [r.ticket for r in walk_ins]


def test_the_callers_daily_cap_refuses_a_new_call_but_answers_a_retry_with_its_number(store: TicketStore):
    cap = CallerDayLimit(scope=f"CALLER#RPR#{CALLER}", period="DAY#2026-12-01", limit=1)
    first = replace(call(1), caller_limit=cap)
    store.register(first)
    over = replace(call(2), caller_limit=cap)
    with pytest.raises(OverDailyLimit):
        store.register(over)
    assert store.get(over.ticket.complaint_number) is None
    retry = replace(call(3, call_sid=first.ticket.call_sid), caller_limit=cap)
    with pytest.raises(AlreadyRegistered) as refused:
        store.register(retry)
    assert refused.value.complaint_number == first.ticket.complaint_number
    tomorrow = replace(call(4), caller_limit=replace(cap, period="DAY#2026-12-02"))
    store.register(tomorrow)
    assert store.get(tomorrow.ticket.complaint_number) == tomorrow.ticket


def test_many_tickets_are_read_together_in_the_order_asked_and_the_missing_left_out(store: TicketStore):
    registrations = [call(n) for n in (1, 2, 3)]
    for registration in registrations:
        store.register(registration)
    first, second, third = (r.ticket for r in registrations)
    asked = [third.complaint_number, "RPR000000000099", first.complaint_number, second.complaint_number]
    assert store.get_many(asked) == [third, first, second]
    assert store.get_many([]) == []


def test_a_change_is_written_only_over_the_version_it_was_made_from(store: TicketStore):
    registration = call(1)
    store.register(registration)
    ticket = registration.ticket
    officer = DISTRICT.officer(ticket.department, "L1")
    assert officer is not None
    actor = Actor("officer", officer.phone, "sms", posts=((ticket.department, "L1"),))
    change = Lifecycle(DISTRICT, AT + timedelta(hours=1)).acknowledge(ticket, actor)
    store.save_change(change)
    assert store.get(ticket.complaint_number) == change.after
    with pytest.raises(StaleTicket):
        store.save_change(change)  # made from version 1; the ticket is at 2 now
    assert store.get(ticket.complaint_number) == change.after
    never_registered = replace(change, before=replace(ticket, complaint_number="RPR2612019999"),
                               after=replace(change.after, complaint_number="RPR2612019999"))
    with pytest.raises(StaleTicket):
        store.save_change(never_registered)
    assert store.get("RPR2612019999") is None


def test_a_timeline_entry_leaves_the_ticket_as_it_is(store: TicketStore):
    registration = call(1)
    store.register(registration)
    number = registration.ticket.complaint_number
    store.add_timeline(TimelineEntry(complaint_number=number, at=iso(AT), actor_type="system", actor_id="twilio",
                                     action="sms_delivered", channel="system", detail={"to": CALLER}))
    assert store.get(number) == registration.ticket


def test_a_timeline_entry_with_a_once_key_is_written_once(store: TicketStore):
    registration = call(1)
    store.register(registration)
    number = registration.ticket.complaint_number
    entry = TimelineEntry(complaint_number=number, at=iso(AT), actor_type="system", actor_id="twilio",
                          action="message_delivered", channel="sms", detail={"message_sid": "SM1"})
    later = replace(entry, at=iso(AT + timedelta(minutes=5)))
    assert store.add_timeline(entry, once_key="delivery#SM1#delivered") is True
    assert store.add_timeline(later, once_key="delivery#SM1#delivered") is False
    assert store.add_timeline(replace(later, action="message_read"), once_key="delivery#SM1#read") is True
    assert store.add_timeline(later) is True and store.add_timeline(later) is True  # no key: every one
    assert timeline_actions(store, number) == ["message_delivered"] * 3 + ["message_read", "registered"]


def timeline_actions(store: TicketStore, number: str) -> list[str]:
    """The ticket's timeline as each side holds it (the port has no reader; the console's has, elsewhere)."""
    if isinstance(store, MemoryTicketStore):
        return sorted(e.action for e in store.timelines[number])
    from chalicelib.store.models import TimelineModel

    return sorted(item.action for item in TimelineModel.query(number))


def timeline_details(store: TicketStore, number: str) -> dict[str, list[dict]]:
    """Each action's entries' details, in time order, as each side holds them."""
    if isinstance(store, MemoryTicketStore):
        entries = [(e.at, e.action, e.detail) for e in store.timelines[number]]
    else:
        from chalicelib.store.models import TimelineModel

        entries = [(item.at_id, item.action, item.detail) for item in TimelineModel.query(number)]
    details: dict[str, list[dict]] = {}
    for _, action, detail in sorted(entries, key=lambda e: e[0]):
        details.setdefault(action, []).append(detail)
    return details


def test_forgetting_timeline_text_takes_only_the_named_fields_of_the_named_actions(store: TicketStore):
    registration = call(1)
    store.register(registration)
    number = registration.ticket.complaint_number

    def entry(minutes: int, action: str, **detail: str) -> TimelineEntry:
        return TimelineEntry(complaint_number=number, at=iso(AT + timedelta(minutes=minutes)), actor_type="system",
                             actor_id="transcriber", action=action, channel="system", detail=detail)

    store.add_timeline(entry(1, "transcribed", status="done", text="हैंडपंप खराब"))
    store.add_timeline(entry(2, "transcript_corrected", before="हैंडपंप खराब", after="हैंडपंप टूटा"))
    store.add_timeline(entry(3, "message_sent", text="your complaint RPR…"))  # not named: kept whole
    fields = {"transcribed": ("text",), "transcript_corrected": ("before", "after")}
    at = iso(AT + timedelta(days=365))

    assert store.forget_timeline_text(number, fields, at) == 2
    details = timeline_details(store, number)
    assert details["transcribed"] == [{"status": "done", "text_deleted_at": at}]
    assert details["transcript_corrected"] == [{"text_deleted_at": at}]
    assert details["message_sent"] == [{"text": "your complaint RPR…"}]
    assert store.forget_timeline_text(number, fields, at) == 0  # again: nothing left to take
    assert store.get(number) == registration.ticket


def test_a_callers_tickets_come_newest_first_and_only_theirs(store: TicketStore):
    mine = [call(n, at=AT + timedelta(minutes=n)) for n in (1, 2, 3)]
    for registration in [*mine, call(4, caller="+919812340000")]:
        store.register(registration)
    newest_first = [r.ticket for r in reversed(mine)]
    assert store.recent_for_caller(CALLER) == newest_first
    assert store.recent_for_caller(CALLER, limit=2) == newest_first[:2]
    assert store.recent_for_caller("+919800000000") == []


def test_due_numbers_are_the_tickets_whose_next_action_has_come(store: TicketStore):
    early, late = call(1), call(2, at=AT + timedelta(days=3))
    for registration in (early, late):
        store.register(registration)
    due_at = early.ticket.next_action_at
    assert due_at is not None and late.ticket.next_action_at is not None
    assert store.due_numbers(iso(AT)) == []
    assert store.due_numbers(due_at) == [early.ticket.complaint_number]
    assert sorted(store.due_numbers(late.ticket.next_action_at)) == sorted(
        [early.ticket.complaint_number, late.ticket.complaint_number])


def test_a_number_taken_outright_goes_back_only_while_it_is_the_last(store: TicketStore):
    assert [store.take_sequence("RPR", DAY) for _ in range(2)] == [1, 2]
    assert store.give_back_sequence("RPR", DAY, 2) is True
    assert store.peek_sequence("RPR", DAY) == 2
    store.take_sequence("RPR", DAY)
    store.take_sequence("RPR", DAY)
    assert store.give_back_sequence("RPR", DAY, 2) is False  # 3 was taken since: the gap stays
    assert store.peek_sequence("RPR", DAY) == 4


def test_one_copy_of_a_registration_holds_the_outright_take(store: TicketStore):
    assert store.hold_outright_take("call#CA1", "2026-12-03T10:00:00Z") is True
    assert store.hold_outright_take("call#CA1", "2026-12-03T10:00:01Z") is False  # its replay waits
    assert store.hold_outright_take("call#CA2", "2026-12-03T10:00:01Z") is True
