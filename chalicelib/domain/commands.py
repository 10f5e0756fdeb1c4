"""What officers and citizens may text: parsed into commands, nothing more.

    ACK <no>                        DONE <no> <remark>            TIME <no> <days> <reason>
    TRANSFER <no> <dept> <reason>   CLOSE <no> <code> <remark>    APPROVE <no> [note]
    REJECT <no> <reason>            ESCALATE <no> [reason]        (Collector)
    DECLINE <no> <reason>           REFUSE <no> <reason>          a demand's, a request's "no"
    1 / 2 [<no>]   satisfied / not satisfied                      REOPEN <no> [reason]   (citizen)

The words and how many fixed arguments each takes come from the ticket actions' table
(domain/ticket_actions.py); a command names its action there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.domain.complaint_number import is_valid
from chalicelib.domain.ticket_actions import COMMAND_WORDS, TicketAction, by_command

VERBS = COMMAND_WORDS


@dataclass(frozen=True)
class Command:
    verb: str  # one of VERBS, or FEEDBACK
    number: str | None
    args: tuple[str, ...] = ()
    text: str = ""  # the free text after the fixed arguments (remark, reason, note)

    @property
    def action(self) -> TicketAction | None:
        """The ticket action the word asks for; None for FEEDBACK (a citizen's 1 or 2)."""
        return by_command(self.verb)


class Unparsable(ValueError):
    pass


def parse(message: str) -> Command:
    words = (message or "").strip().split()
    if not words:
        raise Unparsable("empty")
    head = words[0].upper().rstrip(".")
    if head in ("1", "2"):
        number = words[1].upper() if len(words) > 1 and is_valid(words[1].upper()) else None
        return Command("FEEDBACK", number, (head,))
    if head not in VERBS or len(words) < 2:
        raise Unparsable(head)
    number = re.sub(r"[^A-Z0-9]", "", words[1].upper())
    if not is_valid(number):
        raise Unparsable(f"number {words[1]!r}")
    action = by_command(head)
    fixed = action.command_args if action else 0
    if len(words) < 2 + fixed:
        raise Unparsable(f"{head} needs more")
    args = tuple(w.lower() for w in words[2:2 + fixed])
    return Command(head, number, args, " ".join(words[2 + fixed:]))


def whole_number(text: str) -> int | None:
    """ASCII digits only: str.isdigit() is true for '²', which int() then refuses."""
    return int(text) if re.fullmatch(r"[0-9]+", text) else None
