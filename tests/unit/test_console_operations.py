"""The console's operations (chalicelib/operations/console_*.py) on in-memory fakes: an operator's
registration for a caller, an action on a ticket, and a district file saved from the directory admin."""
from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from chalicelib.domain import ticket_actions
from chalicelib.domain.clock import FixedClock, iso
from chalicelib.domain.district import District, parse_district
from chalicelib.domain.lifecycle import Actor, NotAllowed
from chalicelib.domain.ports import LineTaken, StaleConfig, TooManyLines
from chalicelib.domain.registration import ConsoleComplaint, UnknownCategory
from chalicelib.i18n import available_languages
from chalicelib.operations import console_district_config as district_config
from chalicelib.operations.console_registration import CallHasTicket, CallOfAnotherDistrict, register_for_caller
from chalicelib.operations.console_ticket_actions import TicketMoved, perform_ticket_action
from tests.fakes.console_queries import MemoryConsoleQueries
from tests.fakes.district_configs import MemoryDistrictConfigs
from tests.fakes.events import MemoryDispatcher
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import CALLER, DEMO

NOW = datetime(2026, 12, 8, 6, 0, tzinfo=UTC)
CALL_SID = "CA" + "1" * 32
OPERATOR = Actor("operator", "operator.rpr", "console")


def demo_file() -> dict[str, Any]:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


def demo() -> District:
    return parse_district(demo_file(), available_languages())


class OperatorCallsWithRecording:
    """The one read of the call log registration makes: the call's finished recording, if posted."""

    def __init__(self, finished: dict[str, tuple[str, str, int | None]] | None = None) -> None:
        self.finished = finished or {}

    def completed_recording(self, call_sid: str) -> tuple[str, str, int | None] | None:
        return self.finished.get(call_sid)


class Registering:
    def __init__(self) -> None:
        self.store, self.dispatcher, self.district = MemoryTicketStore(), MemoryDispatcher(), demo()
        self.queries = MemoryConsoleQueries(self.store)
        self.calls = OperatorCallsWithRecording()

    def register(self, call_sid: str | None = None, category: str = "water") -> str:
        complaint = ConsoleComplaint(caller_phone=CALLER, category_id=category, language="hi",
                                     description="हैंडपंप खराब है", operator="operator.rpr", call_sid=call_sid)
        return register_for_caller(complaint, self.district, self.store, self.dispatcher, FixedClock(NOW),
                                   self.queries, self.calls)  # type: ignore[arg-type]


def test_an_operator_registers_a_complaint_for_a_caller():
    given = Registering()
    number = given.register()
    ticket = given.store.get(number)
    assert ticket is not None and ticket.caller_phone == CALLER and ticket.channel == "console"
    assert ticket.category == "water" and ticket.recording_sid is None
    assert given.dispatcher.sent == [given.store.registrations[0].event]


def test_a_call_gets_one_ticket_and_another_districts_call_none():
    given = Registering()
    first = given.register(CALL_SID)
    with pytest.raises(CallHasTicket) as again:
        given.register(CALL_SID)
    assert again.value.complaint_number == first and len(given.store.tickets) == 1

    other = "CA" + "2" * 32
    given.queries.call_districts[other] = "BSP"
    with pytest.raises(CallOfAnotherDistrict):
        given.register(other)
    assert len(given.store.tickets) == 1


def test_the_recording_twilio_already_posted_for_the_call_joins_the_ticket():
    given = Registering()
    given.queries.call_districts[CALL_SID] = "RPR"
    given.calls.finished[CALL_SID] = ("RE" + "3" * 32, "https://api.twilio.com/rec/RE3", 42)
    ticket = given.store.get(given.register(CALL_SID))
    assert ticket is not None
    assert (ticket.recording_sid, ticket.recording_url, ticket.recording_duration, ticket.recording_confirmed) == (
        "RE" + "3" * 32, "https://api.twilio.com/rec/RE3", 42, True)


def test_an_unknown_category_registers_nothing():
    given = Registering()
    with pytest.raises(UnknownCategory):
        given.register(category="no_such_category")
    assert given.store.tickets == {} and given.dispatcher.sent == []


def _officer_of(ticket: Any) -> Actor:
    return Actor("officer", "officer", "console", ((ticket.department, ticket.level),))


def test_an_action_is_the_tables_lifecycle_method_with_the_bodys_arguments():
    given = Registering()
    number = given.register()
    before = given.store.get(number)
    assert before is not None
    after = perform_ticket_action(ticket_actions.NOTE, before, {"text": " नागरिक ने फिर फ़ोन किया "}, OPERATOR,
                                  given.district, NOW, given.store, given.dispatcher)
    assert after.version == before.version + 1 and given.store.get(number) == after
    assert given.store.timelines[number][-1].action == "note"
    assert given.store.timelines[number][-1].detail == {"text": "नागरिक ने फिर फ़ोन किया"}

    asked = perform_ticket_action(ticket_actions.MORE_TIME, after, {"days": 3, "reason": "पाइप आना है"},
                                  _officer_of(after), given.district, NOW, given.store, given.dispatcher)
    assert asked.pending is not None and asked.pending["days"] == 3


def test_a_refused_or_stale_action_writes_nothing():
    given = Registering()
    number = given.register()
    ticket = given.store.get(number)
    assert ticket is not None
    with pytest.raises(NotAllowed) as refused:
        perform_ticket_action(ticket_actions.NOTE, ticket, {"text": "  "}, OPERATOR, given.district, NOW,
                              given.store, given.dispatcher)
    assert refused.value.reason == "remark_needed" and given.store.changes == []

    perform_ticket_action(ticket_actions.NOTE, ticket, {"text": "first"}, OPERATOR, given.district, NOW,
                          given.store, given.dispatcher)
    with pytest.raises(TicketMoved):  # the same ticket as read before the first note
        perform_ticket_action(ticket_actions.NOTE, ticket, {"text": "second"}, OPERATOR, given.district, NOW,
                              given.store, given.dispatcher)
    assert [c.timeline[0].detail["text"] for c in given.store.changes] == ["first"]


class Directory:
    def __init__(self) -> None:
        self.configs = MemoryDistrictConfigs()
        self.configs.load(demo(), version=1)

    def save(self, config: dict[str, Any], version: int = 1, summary: str = "") -> district_config.SavedConfig:
        return district_config.save_district_config("RPR", version, config, summary, "collector.rpr", iso(NOW),
                                                    self.configs, available_languages())


def test_a_saved_file_moves_the_version_frees_removed_lines_and_is_audited():
    given = Directory()
    changed = demo_file()
    dropped = changed["hotlines"][0]["lines"].pop()
    changed["fallback_contact"]["en"] = "Or write to the Collectorate."
    saved = given.save(changed, summary="  ")
    assert saved.version == 2 and saved.district.code == "RPR"
    assert given.configs.district_config("RPR") == (changed, 2)
    assert dropped not in given.configs.line_owners
    entries, _ = given.configs.audit("RPR", 10, None)
    assert [(e.by, e.summary, e.section, e.version) for e in entries] == [
        ("collector.rpr", "directory edited", "fallback_contact, hotlines", 2)]


def test_a_file_opened_before_someone_saved_is_stale_and_names_the_version():
    given = Directory()
    with pytest.raises(StaleConfig) as stale:
        given.save(demo_file(), version=0)
    assert stale.value.current == 1 and given.configs.district_config("RPR") == (demo_file(), 1)


@pytest.mark.parametrize(("change", "refusal"), [
    (lambda c: c.update(code="BSP"), district_config.WrongDistrictCode),
    (lambda c: c.update(languages=["xx"]), district_config.InvalidDistrict),
    (lambda c: c.update(categories="water"), district_config.InvalidFields),  # a form's field: named by its place
])
def test_a_file_for_another_district_or_that_does_not_parse_is_refused(change, refusal):
    given = Directory()
    config = demo_file()
    change(config)
    with pytest.raises(refusal):
        given.save(config)
    assert given.configs.district_config("RPR") == (demo_file(), 1) and given.configs.audits == {}


def test_a_line_another_district_holds_and_a_save_too_big_for_one_transaction_are_refused():
    given = Directory()
    given.configs.line_owners["+917752000001"] = "BSP"
    grabbing = demo_file()
    grabbing["hotlines"][0]["lines"].append("+917752000001")
    with pytest.raises(LineTaken):
        given.save(grabbing)
    assert given.configs.line_owners["+917752000001"] == "BSP"

    many = copy.deepcopy(demo_file())
    many["hotlines"][0]["lines"] += [f"+9177520{n:05d}" for n in range(100)]
    with pytest.raises(TooManyLines):
        given.save(many)
    assert given.configs.district_config("RPR") == (demo_file(), 1)


def test_an_unknown_district_is_said_so():
    with pytest.raises(district_config.UnknownDistrict):
        district_config.save_district_config("ZZZ", 1, {"code": "ZZZ"}, "", "state.admin", iso(NOW),
                                             MemoryDistrictConfigs(), available_languages())
