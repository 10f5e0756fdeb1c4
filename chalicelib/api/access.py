"""Who may see and do what in the console: districts, departments and levels from the user's token."""
from __future__ import annotations

from chalicelib.api.auth import User
from chalicelib.api.errors import bad_request, forbidden
from chalicelib.domain import ticket_actions
from chalicelib.domain.district import OUTCOMES, District
from chalicelib.domain.lifecycle import Actor, next_level
from chalicelib.domain.ticket import REGISTERED, REOPENED, RESOLVED, Ticket
from chalicelib.domain.ticket_actions import TicketAction


def district_code(user: User, requested: str | None) -> str:
    """The district a request is about: a state admin and a state's executive name one of their state file's;
    everyone else has their own."""
    if user.role == "state_admin" or user.is_state_executive:
        if not requested:
            raise bad_request("district_needed")
        if not _of_state(user, requested):
            raise forbidden("district_not_of_state", district=requested, state=user.state)
        return requested
    if requested and requested != user.district:
        raise forbidden("other_district", district=requested, own=user.district)
    return str(user.district)


def state_districts(user: User) -> set[str]:
    """The districts of the user's state file (none when it is not loaded)."""
    from chalicelib import wiring

    state = wiring.directory().state(str(user.state)) if user.state else None
    return {d.code for d in state.districts} if state else set()


def _of_state(user: User, code: str) -> bool:
    """A district of the user's state file. A state admin with no state file loaded (a district's own deployment,
    where the only districts are the deployed ones) names the district it asks for; an executive never works
    without its state file (its calls come through it)."""
    districts = state_districts(user)
    return code in districts or (user.role == "state_admin" and not districts)


def may_see(user: User, ticket: Ticket) -> bool:
    if user.role == "state_admin" or user.is_state_executive:
        return _of_state(user, ticket.district)
    if ticket.district != user.district:
        return False
    return user.role != "officer" or ticket.department == user.department


def actor(user: User) -> Actor:
    if user.role == "officer":
        return Actor("officer", user.username, "console", ((str(user.department), str(user.level)),))
    kind = "operator" if user.role == "operator" else "collector"
    return Actor(kind, user.username, "console")


def allowed_actions(user: User, ticket: Ticket, district: District) -> list[str]:
    """What the console offers on this ticket, by the actions' keys; the lifecycle still decides (and
    refuses) on its own."""
    return [action.key for action in _offered(user, ticket, district)]


def _offered(user: User, ticket: Ticket, district: District) -> list[TicketAction]:
    actions = [ticket_actions.NOTE]
    if user.role == "operator" and ticket.status == RESOLVED:
        actions.append(ticket_actions.FEEDBACK)  # the citizen's answer, told to the operator on a (video) call
    pending = ticket.pending
    if ticket.is_open:
        if user.role == "officer" and (ticket.department, ticket.level) == (user.department, user.level):
            if ticket.status in (REGISTERED, REOPENED):
                actions.append(ticket_actions.ACKNOWLEDGE)
            actions.append(ticket_actions.RESOLVE)
            if ticket.kind in OUTCOMES and len(OUTCOMES[ticket.kind]) > 1:  # a demand's or request's "no"
                actions.append(ticket_actions.DECLINE)
            actions.append(ticket_actions.TRANSFER)
            if not pending:
                actions.append(ticket_actions.MORE_TIME)
        if user.role in ("operator", "collector", "state_admin"):
            actions.append(ticket_actions.REROUTE)
        if user.role in ("collector", "state_admin"):
            actions.append(ticket_actions.ESCALATE)
        if pending:
            above = next_level(pending["level"])
            if user.role == "officer" and (ticket.department, above) == (user.department, user.level):
                actions.append(ticket_actions.DECIDE)
            if user.role in ("collector", "state_admin") and (
                    pending["level"] in ("L3", "L4") or not district.officer(ticket.department, above or "")):
                actions.append(ticket_actions.DECIDE)
    return actions
