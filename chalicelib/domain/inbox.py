"""An SMS or WhatsApp message from an officer or a citizen: act on it and say what happened.

Every answer is a short reply in the district's language (officers) or the ticket's (citizens); a
message that is not understood, or not allowed, changes nothing and says how to do it right.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.clock import Clock, iso
from chalicelib.domain.commands import Command, Unparsable, parse, whole_number
from chalicelib.domain.commit import commit
from chalicelib.domain.district import District
from chalicelib.domain.lifecycle import Actor, Change, Lifecycle, NotAllowed
from chalicelib.domain.notices import officer_due
from chalicelib.domain.ports import Directory, EventDispatcher, TicketStore
from chalicelib.domain.ticket import CLOSED, RESOLVED, Ticket
from chalicelib.i18n import catalog


@dataclass(frozen=True)
class InboxReply:
    text: str
    changed: bool


def handle_message(phone: str, channel: str, text: str, directory: Directory, store: TicketStore,
                   dispatcher: EventDispatcher, clock: Clock, home_district: District | None) -> InboxReply:
    """`home_district` is the district owning the number the message was sent to, if any."""
    try:
        command = parse(text)
    except Unparsable:
        return _help(phone, home_district)
    if command.verb in ("FEEDBACK", "REOPEN") and not _is_officer(phone, home_district):
        return _citizen(phone, channel, command, directory, store, dispatcher, clock)
    district = directory.district(_code(command.number)) if command.number else None
    if district is None or command.number is None:
        return _help(phone, home_district)
    words = catalog(district.default_language)
    ticket = store.get(command.number)
    if ticket is None:
        return InboxReply(words.text("reply_not_found", number=command.number), False)
    actor = _actor(phone, channel, district)
    lifecycle = Lifecycle(district, clock.now())
    try:
        change, reply_key, values = _officer_action(lifecycle, ticket, actor, command, district)
    except NotAllowed as refusal:
        return InboxReply(words.text(f"reply_{refusal.reason}", number=ticket.complaint_number, **refusal.details),
                          False)
    return _commit(change, store, dispatcher, words.text(reply_key, number=ticket.complaint_number, **values))


def _outcome_word(change: Change, district: District) -> str:
    return catalog(district.default_language).text(f"outcome_{change.after.closure}") \
        if change.after.closure in ("answered", "accepted", "declined", "done", "refused") else ""


def _officer_action(lifecycle: Lifecycle, ticket: Ticket, actor: Actor, command: Command,
                    district: District) -> tuple[Change, str, dict[str, Any]]:
    verb = command.verb
    if verb == "ACK":
        change = lifecycle.acknowledge(ticket, actor)
        return change, "reply_acknowledged", {"due": officer_due(change.after.level_due_at)}
    if verb == "DONE":
        change = lifecycle.resolve(ticket, actor, command.text)
        return change, "reply_resolved" if change.after.status != CLOSED else "reply_concluded", \
            {"outcome": _outcome_word(change, district)}
    if verb in ("DECLINE", "REFUSE"):
        change = lifecycle.decline(ticket, actor, command.text)
        return change, "reply_concluded", {"outcome": _outcome_word(change, district)}
    if verb == "TIME":
        days = whole_number(command.args[0]) or 0
        return lifecycle.request_time(ticket, actor, days, command.text), "reply_extension_requested", {"days": days}
    if verb == "TRANSFER":
        change = lifecycle.transfer(ticket, actor, command.args[0], command.text)
        names = district.departments[command.args[0]].names
        return change, "reply_transferred", {"department": names.get(district.default_language, command.args[0])}
    if verb == "CLOSE":
        return lifecycle.propose_closure(ticket, actor, command.args[0], command.text), "reply_closure_proposed", {}
    if verb in ("APPROVE", "REJECT"):
        pending = ticket.pending or {}
        change = lifecycle.decide(ticket, actor, verb == "APPROVE", command.text)
        requester = next((o.name for d in district.departments.values() for o in d.officers.values()
                          if o.phone == pending.get("by")), pending.get("by", ""))
        return change, "reply_decided", {"requester": requester}
    if verb == "ESCALATE":
        change = lifecycle.escalate_by_hand(ticket, actor, command.text)
        return change, "reply_escalated", {"level": change.after.level}
    raise NotAllowed("not_yours")


def _citizen(phone: str, channel: str, command: Command, directory: Directory, store: TicketStore,
             dispatcher: EventDispatcher, clock: Clock) -> InboxReply:
    satisfied = command.verb == "FEEDBACK" and command.args[0] == "1"
    if command.number:
        ticket = store.get(command.number)
        tickets = [ticket] if ticket and ticket.caller_phone == phone else []
    else:
        tickets = _feedback_candidates(store.recent_for_caller(phone), satisfied, clock)
    if not tickets:
        language = next((t.language for t in store.recent_for_caller(phone, 1)), "hi")
        return InboxReply(catalog(language).text("reply_no_ticket"), False)
    ticket = tickets[0]
    district = directory.district(ticket.district)
    if district is None:  # a ticket outlives no district: the directory is broken, and the queue retries
        raise LookupError(f"district {ticket.district} of {ticket.complaint_number} is not in the directory")
    words = catalog(ticket.language)
    lifecycle = Lifecycle(district, clock.now())
    actor = Actor("citizen", phone, channel)
    try:
        if command.verb == "REOPEN":
            change = lifecycle.reopen(ticket, actor, command.text or "citizen_asked")
        else:
            change = lifecycle.feedback(ticket, actor, satisfied)
    except NotAllowed as refusal:
        return InboxReply(words.text(f"reply_{refusal.reason}", number=ticket.complaint_number, **refusal.details),
                          False)
    key = "reply_closed_satisfied" if change.after.status == CLOSED else "reply_reopened"
    return _commit(change, store, dispatcher, words.text(key, number=ticket.complaint_number))


def _feedback_candidates(recent: list[Ticket], satisfied: bool, clock: Clock) -> list[Ticket]:
    """A bare "1" or "2" answers the latest resolved ticket; a "2" with none reopens the latest closed
    one still within its reopen window (or, failing that, the latest closed, to be told it is too late)."""
    resolved = sorted((t for t in recent if t.status == RESOLVED), key=lambda t: t.resolved_at or "", reverse=True)
    if satisfied or resolved:
        return resolved
    closed = sorted((t for t in recent if t.status == CLOSED), key=lambda t: t.closed_at or "", reverse=True)
    now = iso(clock.now())
    return [t for t in closed if t.reopen_until and now <= t.reopen_until] or closed


def _commit(change: Change, store: TicketStore, dispatcher: EventDispatcher, reply: str) -> InboxReply:
    if commit(change, store, dispatcher):
        return InboxReply(reply, True)
    return InboxReply(catalog(change.before.language).text("reply_stale", number=change.before.complaint_number),
                      False)


def _actor(phone: str, channel: str, district: District) -> Actor:
    posts = tuple(district.posts_of(phone))
    if district.collector and district.collector.phone == phone:
        return Actor("collector", phone, channel, posts)
    return Actor("officer" if posts else "citizen", phone, channel, posts)


def _is_officer(phone: str, district: District | None) -> bool:
    return bool(district and phone in district.officer_phones())


def _help(phone: str, district: District | None) -> InboxReply:
    language = district.default_language if district else "hi"
    key = "reply_help" if _is_officer(phone, district) else "reply_citizen_help"
    return InboxReply(catalog(language).text(key), False)


def _code(number: str) -> str:
    return number.rstrip("0123456789")
