"""One table names every ticket action for every channel (chalicelib/domain/ticket_actions.py): the API's
paths and operationIds, the permission and console keys, the lifecycle method and the SMS words."""
from __future__ import annotations

import pytest

from chalicelib.api.openapi import ACTION_DOCS, document
from chalicelib.domain import ticket_actions
from chalicelib.domain.commands import VERBS, Unparsable, parse
from chalicelib.domain.lifecycle import Lifecycle

NUMBER = "RPR2612080007"


def test_the_api_documents_each_action_at_its_tables_path_and_operation_id():
    paths = document()["paths"]
    documented = {path.rsplit("/", 1)[1]: ops["post"]["operationId"] for path, ops in paths.items()
                  if path.startswith("/api/tickets/{number}/") and "post" in ops}
    assert documented == {a.path: a.operation_id for a in ticket_actions.API_ACTIONS}
    assert set(ACTION_DOCS) == {a.key for a in ticket_actions.API_ACTIONS}
    # The names users and clients already know stay: the table maps the action's one name onto them.
    assert (ticket_actions.NOTE.path, ticket_actions.NOTE.operation_id) == ("notes", "notes")
    assert (ticket_actions.MORE_TIME.path, ticket_actions.MORE_TIME.operation_id) == ("more-time", "more_time")
    assert ticket_actions.by_path("more-time") is ticket_actions.MORE_TIME
    assert ticket_actions.by_path("more_time") is None


def test_the_console_posts_each_key_to_its_path():
    assert ticket_actions.console_paths() == {
        "acknowledge": "acknowledge", "resolve": "resolve", "decline": "decline", "more_time": "more-time",
        "transfer": "transfer",
        "decide": "decide", "escalate": "escalate", "note": "notes", "reroute": "reroute", "feedback": "feedback"}


def test_each_action_performs_a_lifecycle_method_taking_its_arguments():
    for action in ticket_actions.TICKET_ACTIONS:
        assert getattr(Lifecycle, action.perform.__name__) is action.perform
        names = action.perform.__code__.co_varnames[3:3 + len(action.arguments)]
        assert len(names) == len(action.arguments), action.key
    assert ticket_actions.MORE_TIME.perform is Lifecycle.request_time
    assert ticket_actions.call_arguments(ticket_actions.DECIDE, {"approve": True}) == [True]  # note: its default


@pytest.mark.parametrize(("text", "key", "args", "rest"), [
    (f"ack {NUMBER}", "acknowledge", (), ""),
    (f"DONE {NUMBER} हैंडपंप ठीक किया", "resolve", (), "हैंडपंप ठीक किया"),
    (f"TIME {NUMBER} 3 पाइप आना है", "more_time", ("3",), "पाइप आना है"),
    (f"TRANSFER {NUMBER} Health wrong department", "transfer", ("health",), "wrong department"),
    (f"CLOSE {NUMBER} duplicate same as before", "propose_closure", ("duplicate",), "same as before"),
    (f"APPROVE {NUMBER}", "decide", (), ""),
    (f"REJECT {NUMBER} not needed", "decide", (), "not needed"),
    (f"ESCALATE {NUMBER}", "escalate", (), ""),
    (f"REOPEN {NUMBER} still broken", "reopen", (), "still broken"),
])
def test_the_sms_words_are_the_tables(text, key, args, rest):
    command = parse(text)
    assert command.action is not None and command.action.key == key
    assert (command.number, command.args, command.text) == (NUMBER, args, rest)


def test_the_words_officers_know_stay_and_a_command_short_of_its_arguments_is_refused():
    assert VERBS == ("ACK", "DONE", "DECLINE", "REFUSE", "TIME", "TRANSFER", "CLOSE", "APPROVE", "REJECT", "ESCALATE",
                     "REOPEN")
    assert parse(f"2 {NUMBER}").action is None  # a citizen's feedback is no ticket action of the table
    for short in (f"TIME {NUMBER}", f"TRANSFER {NUMBER}", f"CLOSE {NUMBER}", "NOTE " + NUMBER):
        with pytest.raises(Unparsable):
            parse(short)
