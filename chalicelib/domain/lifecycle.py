"""The ticket lifecycle: every transition after registration, for every channel.

Officers' SMS/WhatsApp commands, the console (operators, officers, Collector), the citizen's feedback
and the sweeper's clock all come here. Each transition returns a Change: the ticket before and after
(the store writes it conditional on the version it read, so of two officers acting at once one wins),
timeline entries, events for the queues, and dashboard counter increments.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain import clocks
from chalicelib.domain.clock import iso, ist_date, parse_iso
from chalicelib.domain.district import (
    COMPLAINT,
    DEMAND,
    EMERGENCY,
    LEVELS,
    OUTCOMES,
    REQUEST,
    SPECIAL_CLOSURE_CODES,
    SUGGESTION,
    District,
)
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.figures import closure_figures, open_gauges, resolution_figures
from chalicelib.domain.schedule import feedback_call_hours, feedback_due_after, next_action_at, reminder_time
from chalicelib.domain.ticket import (
    ACKNOWLEDGED,
    CLOSED,
    REGISTERED,
    REOPENED,
    RESOLVED,
    CounterIncrement,
    Ticket,
    TimelineEntry,
    snapshot,
)
from chalicelib.domain.working_time import add_hours

MAX_EXTENSION_DAYS = 30


@dataclass(frozen=True)
class Actor:
    kind: str  # officer, collector, citizen, operator, system
    id: str  # a phone number, a user name, or "sweeper"
    channel: str  # sms, whatsapp, ivr, console, system
    posts: tuple[tuple[str, str], ...] = ()  # (department, level) an officer holds


SYSTEM = Actor("system", "sweeper", "system")


class NotAllowed(Exception):
    """The action does not apply; `reason` is a message key the channel turns into words."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


@dataclass(frozen=True)
class Change:
    before: Ticket
    after: Ticket
    timeline: tuple[TimelineEntry, ...]
    events: tuple[DomainEvent, ...]
    counters: tuple[CounterIncrement, ...] = field(default=())


def next_level(level: str) -> str | None:
    index = LEVELS.index(level)
    return LEVELS[index + 1] if index + 1 < len(LEVELS) else None


class Lifecycle:
    def __init__(self, district: District, now: datetime) -> None:
        self.district = district
        self.now = now
        self.at = iso(now)

    # -- officers ---------------------------------------------------------------------------------

    def acknowledge(self, ticket: Ticket, actor: Actor) -> Change:
        self._responsible(ticket, actor)
        if ticket.status not in (REGISTERED, REOPENED):
            raise NotAllowed("already_acknowledged" if ticket.status == ACKNOWLEDGED else "not_open")
        after = replace(ticket, status=ACKNOWLEDGED, acknowledged_at=self.at, officer_ring_due_at=None)
        detail = {"by_ring": ticket.officer_rings} if actor.channel == "ivr" and ticket.officer_rings else {}
        return self._change(ticket, after, actor, "acknowledged", detail, [("ticket.acknowledged", {})])

    def resolve(self, ticket: Ticket, actor: Actor, remark: str) -> Change:
        """A complaint waits for the citizen's "solved?"; any other kind ends here with its "done" outcome (a
        suggestion answered, a demand accepted, a request done), the remark told to the citizen."""
        self._responsible(ticket, actor)
        if not remark.strip():
            raise NotAllowed("remark_needed")
        if ticket.kind != COMPLAINT:
            return self._conclude(ticket, actor, OUTCOMES[ticket.kind][0], remark)
        after = replace(ticket, status=RESOLVED, resolved_at=self.at, resolution_remark=remark.strip(),
                        feedback_calls=0, pending=None, flagged=False)
        after = replace(after, feedback_due_at=feedback_due_after(after, self.district, 0))
        return self._change(ticket, after, actor, "resolved", {"remark": remark.strip()},
                            [("ticket.resolved", {"remark": remark.strip()})], resolution_figures(ticket, self.at))

    def decline(self, ticket: Ticket, actor: Actor, reason: str) -> Change:
        """A demand declined, a request refused: closed, the reason told to the citizen."""
        self._responsible(ticket, actor)
        if ticket.kind not in (DEMAND, REQUEST):
            raise NotAllowed("not_declinable")
        if not reason.strip():
            raise NotAllowed("reason_needed")
        return self._conclude(ticket, actor, OUTCOMES[ticket.kind][1], reason)

    def _conclude(self, ticket: Ticket, actor: Actor, outcome: str, remark: str) -> Change:
        # No feedback call and no reopening: the citizen is told the outcome and why; a new call is a new ticket.
        after = replace(self._closed(ticket, outcome), resolved_at=self.at, resolution_remark=remark.strip(),
                        reopen_until=None, officer_ring_due_at=None)
        return self._change(ticket, after, actor, "concluded", {"outcome": outcome, "remark": remark.strip()},
                            [("ticket.concluded", {"outcome": outcome, "remark": remark.strip()})],
                            {**resolution_figures(ticket, self.at), **closure_figures(ticket, outcome, self.at)})

    def request_time(self, ticket: Ticket, actor: Actor, days: int, reason: str) -> Change:
        self._responsible(ticket, actor)
        if not 1 <= days <= MAX_EXTENSION_DAYS:
            raise NotAllowed("bad_days", most=MAX_EXTENSION_DAYS)
        return self._ask_above(ticket, actor, "extension", "extension_requested", reason, days=days)

    def propose_closure(self, ticket: Ticket, actor: Actor, code: str, remark: str) -> Change:
        self._responsible(ticket, actor)
        if code not in SPECIAL_CLOSURE_CODES:
            raise NotAllowed("bad_code", codes=", ".join(SPECIAL_CLOSURE_CODES))
        return self._ask_above(ticket, actor, "closure", "closure_proposed", remark, code=code)

    def _ask_above(self, ticket: Ticket, actor: Actor, kind: str, action: str, reason: str, **terms: Any) -> Change:
        """A request the level above decides (decide()); one at a time per ticket."""
        if ticket.pending:
            raise NotAllowed("pending_exists")
        reason = reason.strip()
        pending = {"kind": kind, **terms, "reason": reason, "by": actor.id, "level": ticket.level, "at": self.at}
        return self._change(ticket, replace(ticket, pending=pending), actor, action, {**terms, "reason": reason},
                            [(f"ticket.{action}", {**terms, "reason": reason, "requested_by": actor.id})])

    def decide(self, ticket: Ticket, actor: Actor, approve: bool, note: str = "") -> Change:
        pending = ticket.pending
        if not pending or not ticket.is_open:
            raise NotAllowed("nothing_to_decide")
        if actor.id == pending["by"]:
            raise NotAllowed("own_request")
        above = next_level(pending["level"])
        may = (ticket.department, above) in actor.posts if above else False
        # The notice goes to the Collector when the post above is empty, so the Collector must be able to act on it.
        unfilled = above is None or self.district.officer(ticket.department, above) is None
        if not may and not (actor.kind == "collector" and (pending["level"] in ("L3", "L4") or unfilled)):
            raise NotAllowed("not_yours")
        decision = {"kind": pending["kind"], "approved": approve, "requested_by": pending["by"], "note": note}
        if not approve:
            return self._change(ticket, replace(ticket, pending=None), actor, f"{pending['kind']}_rejected",
                                {"note": note}, [("ticket.request_decided", decision)])
        if pending["kind"] == "extension":
            # Approved after the deadline passed, the officer still gets the days asked for, from now.
            due = max(parse_iso(ticket.level_due_at), self.now) + timedelta(days=int(pending["days"]))
            after = replace(ticket, pending=None, level_due_at=iso(due), promised_at=iso(due), flagged=False,
                            reminders_sent=tuple(p for p in ticket.reminders_sent
                                                 if reminder_time(replace(ticket, level_due_at=iso(due)), p)
                                                 <= self.now))
            return self._change(ticket, after, actor, "extension_approved", {"days": pending["days"]},
                                [("ticket.request_decided", {**decision, "level_due_at": iso(due)})])
        closure = f"special:{pending['code']}"
        after = self._closed(ticket, closure)
        return self._change(ticket, after, actor, "closed", {"closure": closure, "proposed_by": pending["by"]},
                            [("ticket.request_decided", decision),
                             ("ticket.closed", {"closure": closure, "reason": pending["reason"]})],
                            closure_figures(ticket, pending["code"], self.at))

    def transfer(self, ticket: Ticket, actor: Actor, department: str, reason: str) -> Change:
        # The Collector's office (its operators, the Collector) sends any open ticket of the district where it
        # belongs, as it reroutes one (the console's bulk transfer); an officer only one at their own post.
        if actor.kind in ("operator", "collector"):
            if not ticket.is_open:
                raise NotAllowed("not_open")
        else:
            self._responsible(ticket, actor)
        if department not in self.district.departments:
            raise NotAllowed("unknown_department", departments=", ".join(self.district.departments))
        if department == ticket.department:
            raise NotAllowed("same_department")
        after = self._at_level(replace(ticket, department=department, pending=None, status=REGISTERED), "L1")
        return self._change(ticket, after, actor, "transferred",
                            {"from": ticket.department, "to": department, "reason": reason.strip()},
                            [("ticket.transferred", {"from_department": ticket.department,
                                                    "reason": reason.strip()})], {"transferred": 1})

    def reroute(self, ticket: Ticket, actor: Actor, category_id: str, reason: str) -> Change:
        """An operator or the Collector corrects the category: the department (and its SLA) follow it, and
        a change of department starts again at the new department's L1. The SLA still counts from the call."""
        if actor.kind not in ("operator", "collector"):
            raise NotAllowed("not_yours")
        if not ticket.is_open:
            raise NotAllowed("not_open")
        category = self.district.category(category_id)
        if category is None or category.is_request != (ticket.kind == REQUEST):  # a form is not a complaint's
            choices = self.district.categories_for(ticket.kind)
            raise NotAllowed("unknown_category", categories=", ".join(c.id for c in choices))
        if category.id == ticket.category:
            raise NotAllowed("same_category")
        created = parse_iso(ticket.created_at)
        # The ticket keeps its urgency where the new category offers it, else takes the new category's own.
        urgency = ticket.urgency if ticket.urgency in category.clocks else category.urgency
        after = replace(ticket, category=category.id, department=category.department, urgency=urgency,
                        sla_due_at=iso(clocks.sla_due(self.district, category, urgency, created, ticket.kind)),
                        sla_risk_at=iso(clocks.sla_risk(self.district, category, urgency, created, ticket.kind)))
        after = replace(after, sla_breached=after.sla_breached and after.sla_due_at <= self.at,
                        sla_at_risk=after.sla_risk_at <= self.at)
        if urgency != EMERGENCY:
            after = replace(after, officer_ring_due_at=None)
        moved = category.department != ticket.department
        if moved:
            after = self._at_level(replace(after, pending=None, status=REGISTERED), "L1")
        elif after.sla_due_at > self.at and after.level_due_at > after.sla_due_at:
            # A shorter SLA of the new category, same department: the level keeps its clock but, as everywhere
            # (clocks.level_due), never past the ticket's own due time while that is still ahead. Left alone, the
            # officer was shown a level deadline after the final one.
            after = replace(after, level_due_at=after.sla_due_at)
        detail = {"from_category": ticket.category, "to_category": category.id, "reason": reason.strip()}
        events = [("ticket.transferred", {"from_department": ticket.department, "reason": reason.strip()})] if moved \
            else []
        return self._change(ticket, after, actor, "rerouted", detail, events, {"rerouted": 1})

    def note(self, ticket: Ticket, actor: Actor, text: str) -> Change:
        """A note on the timeline (nothing else changes; the version moves so notes keep their order)."""
        if not text.strip():
            raise NotAllowed("remark_needed")
        return self._change(ticket, ticket, actor, "note", {"text": text.strip()}, [])

    def escalate_by_hand(self, ticket: Ticket, actor: Actor, reason: str) -> Change:
        """The Collector moves a ticket up (L3 → L4 where the district escalates by hand)."""
        if actor.kind != "collector":
            raise NotAllowed("not_yours")
        if not ticket.is_open:
            raise NotAllowed("not_open")
        return self._escalate(ticket, actor, reason or "by_collector")

    # -- citizens ---------------------------------------------------------------------------------

    def feedback(self, ticket: Ticket, actor: Actor, satisfied: bool) -> Change:
        if ticket.caller_phone != actor.id and actor.kind == "citizen":
            raise NotAllowed("not_yours")
        if ticket.status != RESOLVED:
            if not satisfied and ticket.status == CLOSED:
                return self.reopen(ticket, actor, "not_satisfied")
            raise NotAllowed("not_resolved")
        if satisfied:
            after = self._closed(ticket, "satisfied")
            return self._change(ticket, after, actor, "closed", {"closure": "satisfied"},
                                [("ticket.closed", {"closure": "satisfied"})],
                                closure_figures(ticket, "satisfied", self.at))
        return self._reopen(ticket, actor, "not_satisfied")

    def reopen(self, ticket: Ticket, actor: Actor, reason: str) -> Change:
        if actor.kind == "citizen" and ticket.caller_phone != actor.id:
            raise NotAllowed("not_yours")
        if ticket.status != CLOSED and ticket.status != RESOLVED:
            raise NotAllowed("still_open")
        if ticket.status == CLOSED and (not ticket.reopen_until or self.at > ticket.reopen_until):
            raise NotAllowed("reopen_window_over")
        return self._reopen(ticket, actor, reason)

    # -- the clock --------------------------------------------------------------------------------

    def tick(self, ticket: Ticket) -> Change | None:
        """What time demands now: reminders, escalation, a flag, a feedback call, a close."""
        if ticket.is_open:
            return self._tick_open(ticket)
        if ticket.status == RESOLVED and ticket.feedback_due_at and ticket.feedback_due_at <= self.at:
            calls = len(feedback_call_hours(ticket, self.district))  # none for a video call's ticket
            if ticket.feedback_calls < calls:
                made = ticket.feedback_calls + 1
                after = replace(ticket, feedback_calls=made,
                                feedback_due_at=feedback_due_after(ticket, self.district, made))
                return self._change(ticket, after, SYSTEM, "feedback_call", {"attempt": made},
                                    [("feedback.call_due", {"attempt": made, "of": calls})])
            after = self._closed(ticket, "no_response")
            return self._change(ticket, after, SYSTEM, "closed", {"closure": "no_response"},
                                [("ticket.closed", {"closure": "no_response"})],
                                closure_figures(ticket, "no_response", self.at))
        return None

    def _tick_open(self, ticket: Ticket) -> Change | None:
        # A suggestion never climbs: past its week it is overdue on the Collector's list, at L1.
        if not ticket.flagged and ticket.level_due_at <= self.at and ticket.kind != SUGGESTION:
            return self._up_or_flag(ticket, "deadline")
        if not ticket.flagged and ticket.officer_ring_due_at and ticket.officer_ring_due_at <= self.at:
            return self._ring(ticket)
        before_deadline = ticket.level_due_at > self.at  # a reminder after the deadline reminds of nothing
        due = [p for p in self.district.follow_up.reminders_at_percent
               if before_deadline and p not in ticket.reminders_sent and reminder_time(ticket, p) <= self.now]
        if due:
            after = replace(ticket, reminders_sent=tuple(sorted((*ticket.reminders_sent, *due))))
            return self._change(ticket, after, SYSTEM, "reminded", {"percent": max(due)},
                                [("ticket.reminder", {"percent": max(due)})])
        if not ticket.sla_breached and ticket.sla_due_at <= self.at:
            return self._change(ticket, replace(ticket, sla_breached=True), SYSTEM, "sla_breached", {}, [],
                                {"sla_breached": 1})
        if not ticket.sla_breached and not ticket.sla_at_risk and ticket.sla_risk_at and ticket.sla_risk_at <= self.at:
            return self._change(ticket, replace(ticket, sla_at_risk=True), SYSTEM, "sla_at_risk", {}, [])
        return None

    def _up_or_flag(self, ticket: Ticket, reason: str) -> Change:
        """A level's time is up (its deadline, or its officer never answered the emergency's rings)."""
        level = ticket.level
        if level == "L4" or (level == "L3" and not self.district.follow_up.auto_escalate_to_l4):
            flag = "past_l4" if level == "L4" else "l4_by_hand"
            after = replace(ticket, flagged=True, officer_ring_due_at=None)
            return self._change(ticket, after, SYSTEM, "flagged", {"reason": flag, "after": reason},
                                [("ticket.flagged", {"reason": flag})], {"flagged": 1})
        return self._escalate(ticket, SYSTEM, reason)

    def _ring(self, ticket: Ticket) -> Change:
        """An emergency's next call to the officer at its level, or, when none of them was answered with 1, the
        level above: an emergency does not wait out its level's hour for an officer who is not there."""
        policy = self.district.follow_up
        if ticket.officer_rings >= policy.emergency_rings:
            return self._up_or_flag(ticket, "rings_unanswered")
        made = ticket.officer_rings + 1
        after = replace(ticket, officer_rings=made,
                        officer_ring_due_at=iso(self.now + timedelta(minutes=policy.emergency_ring_minutes)))
        return self._change(ticket, after, SYSTEM, "officer_rung", {"attempt": made, "of": policy.emergency_rings},
                            [("officer.ring_due", {"attempt": made, "of": policy.emergency_rings})])

    # -- shared steps -----------------------------------------------------------------------------

    def _responsible(self, ticket: Ticket, actor: Actor) -> None:
        if not ticket.is_open:
            raise NotAllowed("not_open")
        if (ticket.department, ticket.level) not in actor.posts:
            raise NotAllowed("not_yours")

    def _at_level(self, ticket: Ticket, level: str) -> Ticket:
        category = self.district.category(ticket.category)
        if category is None:  # a category since removed from the district file: the district's own clock
            hours = self.district.level_hours.get(level, clocks.DEFAULT_LEVEL_HOURS)
            due = add_hours(self.now, hours, self.district.counted_hours)
        else:
            urgency = ticket.urgency if ticket.urgency in category.clocks else category.urgency
            due = clocks.level_due(self.district, category, urgency, level, self.now, parse_iso(ticket.sla_due_at),
                                   ticket.kind)
        return replace(ticket, level=level, level_started_at=self.at, reminders_sent=(), flagged=False,
                       level_due_at=iso(due), officer_rings=0,
                       officer_ring_due_at=self.at if ticket.urgency == EMERGENCY else None)

    def _escalate(self, ticket: Ticket, actor: Actor, reason: str) -> Change:
        to = next_level(ticket.level)
        if to is None:
            after = replace(ticket, flagged=True)
            return self._change(ticket, after, actor, "flagged", {"reason": reason},
                                [("ticket.flagged", {"reason": reason})], {"flagged": 1})
        after = self._at_level(replace(ticket, pending=None), to)
        if after.status == ACKNOWLEDGED:
            after = replace(after, status=REGISTERED)  # the new officer has not acknowledged it yet
        return self._change(ticket, after, actor, "escalated", {"from": ticket.level, "to": to, "reason": reason},
                            [("ticket.escalated", {"from_level": ticket.level, "reason": reason})],
                            {"escalated": 1, f"escalated_to_{to}": 1})

    def _reopen(self, ticket: Ticket, actor: Actor, reason: str) -> Change:
        to = next_level(ticket.level) or "L4"
        after = self._at_level(replace(ticket, status=REOPENED, closed_at=None, closure=None, resolved_at=None,
                                       feedback_calls=0, feedback_due_at=None, reopen_until=None, pending=None,
                                       reopen_count=ticket.reopen_count + 1), to)
        return self._change(ticket, after, actor, "reopened", {"reason": reason, "to": to},
                            [("ticket.reopened", {"reason": reason, "from_level": ticket.level,
                                                 "remark": ticket.resolution_remark or ""})],
                            {"reopened": 1})

    def _closed(self, ticket: Ticket, closure: str) -> Ticket:
        until = iso(self.now + timedelta(hours=self.district.follow_up.reopen_window_hours))
        return replace(ticket, status=CLOSED, closed_at=self.at, closure=closure, pending=None,
                       feedback_due_at=None, reopen_until=until, flagged=False)

    def _change(self, before: Ticket, after: Ticket, actor: Actor, action: str, detail: dict[str, Any],
                events: list[tuple[str, dict[str, Any]]], figures: dict[str, int] | None = None) -> Change:
        after = replace(after, version=before.version + 1)
        after = replace(after, next_action_at=next_action_at(after, self.district))
        entry = TimelineEntry(complaint_number=before.complaint_number, at=self.at, actor_type=actor.kind,
                              actor_id=actor.id, action=action, channel=actor.channel, detail=detail)
        domain_events = tuple(DomainEvent(type=kind, complaint_number=after.complaint_number,
                                          version=after.version, at=self.at,
                                          data={**snapshot(after), **extra, "actor": actor.id})
                              for kind, extra in events)
        counters = []
        if figures:
            counters.append(CounterIncrement(scope=f"DISTRICT#{after.district}", period=f"DAY#{ist_date(self.now)}",
                                             figures={**figures, **{f"{k}_{after.department}": v
                                                                    for k, v in figures.items()}}))
        gauges = open_gauges(before, after)
        if gauges:
            counters.append(gauges)
        return Change(before=before, after=after, timeline=(entry,), events=domain_events, counters=tuple(counters))

