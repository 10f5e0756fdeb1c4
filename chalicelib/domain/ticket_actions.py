"""Every action on a ticket under one name, with the names each channel knows it by.

The `key` is the action's one name inside Samvad: what `allowed_actions` returns (the permission), the
console's form and string key, and the key the OpenAPI document is built from. The other columns are the
names the outside world already uses and must keep (a URL segment, an OpenAPI operationId, the words
officers and citizens text): they are mapped here, once, and every channel is built from this table —
api/access.py, api/openapi.py, the console's action handler, config.json for the console, and the SMS
command parser (domain/commands.py).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.lifecycle import Change, Lifecycle


@dataclass(frozen=True)
class TicketAction:
    key: str
    perform: Callable[..., Change]  # the Lifecycle method: (lifecycle, ticket, actor, *arguments)
    arguments: tuple[str, ...] = ()  # the method's arguments after the actor, by the API body's names
    path: str | None = None  # /api/tickets/{number}/<path>; None: not offered by the API
    operation_id: str | None = None  # the OpenAPI operationId of that path
    commands: tuple[str, ...] = ()  # the SMS/WhatsApp command words (domain/commands.py)
    command_args: int = 0  # words after the complaint number before the free text, in a command


ACKNOWLEDGE = TicketAction("acknowledge", Lifecycle.acknowledge, (), "acknowledge", "acknowledge", ("ACK",))
RESOLVE = TicketAction("resolve", Lifecycle.resolve, ("remark",), "resolve", "resolve", ("DONE",))
# A demand's or a request's "no", with the reason the citizen is told (domain/lifecycle.py decline).
DECLINE = TicketAction("decline", Lifecycle.decline, ("reason",), "decline", "decline", ("DECLINE", "REFUSE"))
MORE_TIME = TicketAction("more_time", Lifecycle.request_time, ("days", "reason"), "more-time", "more_time",
                         ("TIME",), command_args=1)
TRANSFER = TicketAction("transfer", Lifecycle.transfer, ("department", "reason"), "transfer", "transfer",
                        ("TRANSFER",), command_args=1)
PROPOSE_CLOSURE = TicketAction("propose_closure", Lifecycle.propose_closure, ("code", "remark"),
                               commands=("CLOSE",), command_args=1)
DECIDE = TicketAction("decide", Lifecycle.decide, ("approve", "note"), "decide", "decide", ("APPROVE", "REJECT"))
ESCALATE = TicketAction("escalate", Lifecycle.escalate_by_hand, ("reason",), "escalate", "escalate", ("ESCALATE",))
NOTE = TicketAction("note", Lifecycle.note, ("text",), "notes", "notes")
REROUTE = TicketAction("reroute", Lifecycle.reroute, ("category", "reason"), "reroute", "reroute")
REOPEN = TicketAction("reopen", Lifecycle.reopen, ("reason",), commands=("REOPEN",))  # the citizen's
# The citizen's answer to "was it solved?" given to an operator — on a sign-language video call, or a call — and
# recorded on their behalf: yes closes it (satisfied), no reopens it (the citizen's own 1/2, by an operator's hand).
FEEDBACK = TicketAction("feedback", Lifecycle.feedback, ("satisfied",), "feedback", "recordFeedback")

TICKET_ACTIONS: tuple[TicketAction, ...] = (ACKNOWLEDGE, RESOLVE, DECLINE, MORE_TIME, TRANSFER, PROPOSE_CLOSURE,
                                            DECIDE, ESCALATE, NOTE, REROUTE, REOPEN, FEEDBACK)
# The order the API documents and lists its actions in (an unknown path's 404 names them).
API_ACTIONS: tuple[TicketAction, ...] = (ACKNOWLEDGE, RESOLVE, DECLINE, MORE_TIME, TRANSFER, DECIDE, ESCALATE, NOTE,
                                         REROUTE, FEEDBACK)

_BY_PATH = {action.path: action for action in API_ACTIONS}
_BY_COMMAND = {word: action for action in TICKET_ACTIONS for word in action.commands}
COMMAND_WORDS: tuple[str, ...] = tuple(_BY_COMMAND)


def by_path(segment: str) -> TicketAction | None:
    return _BY_PATH.get(segment)


def by_command(word: str) -> TicketAction | None:
    return _BY_COMMAND.get(word)


def console_paths() -> dict[str, str]:
    """The console posts an action the API allows (its key) to this path segment."""
    return {action.key: str(action.path) for action in API_ACTIONS}


def call_arguments(action: TicketAction, given: dict[str, Any]) -> list[Any]:
    """The lifecycle method's arguments from what was sent; an optional one left out keeps its default."""
    return [given[name] for name in action.arguments if name in given]
