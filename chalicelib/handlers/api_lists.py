"""The console's lists of tickets: a page of a view with its filters and sort, the CSV export of it, and the bulk
transfer or reroute of rows picked from it. Each handler parses, authorises, runs one plan or operation, renders.

Which index answers which filter is domain/list_filters.py's; the cursor carries the view and the filters, so a
cursor of one filtered list is refused on another (api/cursor.py).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from chalice import Response

from chalicelib import wiring
from chalicelib.api import access, cursor
from chalicelib.api.errors import ApiError, bad_request, forbidden, not_found
from chalicelib.api.http import Call
from chalicelib.domain import list_filters as lists
from chalicelib.domain.clock import iso
from chalicelib.domain.ports import Page
from chalicelib.domain.ticket import Ticket
from chalicelib.handlers import api_common as common

EXPORT_ROWS = 5000
EXPORT_PAGE = 100
KIND_VIEW_DAYS = 7  # the Collector's weekly list of suggestions (and demands, requests): the last seven days


def row(ticket: Ticket, now: str) -> dict[str, Any]:
    """A list's row: the summary, and what it is about (its first words) and where (the address)."""
    return {**common.summary(ticket, now), "excerpt": common.excerpt(ticket), "address": ticket.address,
            "level_started_at": ticket.level_started_at or ticket.created_at}  # the level's clock: amber near its end


# -- a page of a list -----------------------------------------------------------------------------------------

def _filters(call: Call) -> lists.Filters:
    params = call.params
    days = {}
    for name in ("from", "to"):
        if params.get(name):
            try:
                days[name] = date.fromisoformat(params[name])
            except ValueError:
                raise bad_request("filter_bad_day", field=name) from None
    return lists.Filters(status=params.get("status"), department=params.get("department"),
                         category=params.get("category"), level=params.get("level"), kind=params.get("kind"),
                         urgency=params.get("urgency"), day_from=days.get("from"), day_to=days.get("to"),
                         sort=params.get("sort"))


def _offered_here(code: str, filters: lists.Filters, view: str) -> None:
    """A department or category the district has not: refused with what it has, not an empty list (a department's
    own queue of a department there is not: 404, as before)."""
    if filters.day_from and filters.day_to and filters.day_from > filters.day_to:
        raise bad_request("filter_days_reversed")
    if not (filters.department or filters.category):
        return  # the district's file is read only to check what it has
    district = common.district(code)
    if filters.department and view != "department" and filters.department not in district.departments:
        raise _not_offered(lists.FilterNotOffered("department", filters.department, tuple(district.departments)))
    categories = tuple(c.id for c in (*district.categories, *district.requests))
    if filters.category and filters.category not in categories:
        raise _not_offered(lists.FilterNotOffered("category", filters.category, categories))


def _list_page(call: Call, limit: int, start_cursor: str | None) -> tuple[list[Ticket], str | None]:
    """One page of the view asked for, as far as this user may see it, and the cursor to the next."""
    params, user = call.params, call.user
    view = params["view"]
    code = access.district_code(user, params.get("district"))
    if view == "number":
        number = _needed(params, "number", "number")
        ticket = wiring.ticket_store().get(number)
        return ([ticket] if ticket and ticket.district == code and access.may_see(user, ticket) else []), None
    if view == "approvals":
        scope, page = _approvals_view(call, code, limit, start_cursor)
        return [t for t in page.tickets if access.may_see(user, t)], cursor.encode(page.last_key, scope)
    filters = _filters(call)
    _offered_here(code, filters, view)
    try:
        scope, plan = _plan(call, view, code, filters)
    except lists.FilterNotOffered as refused:
        raise _not_offered(refused) from None
    scope = f"{scope}|{filters.scope()}"  # a cursor of one filter or sort is refused on another
    page = wiring.console_queries().planned(plan, limit, cursor.decode(start_cursor, scope))
    return [t for t in page.tickets if access.may_see(user, t)], cursor.encode(page.last_key, scope)


def _plan(call: Call, view: str, code: str, filters: lists.Filters) -> tuple[str, lists.Plan]:
    params, user = call.params, call.user
    if view == "caller":
        phone = _needed(params, "phone", "caller")
        if user.role == "officer":
            raise forbidden("officers_see_inbox")
        return f"caller:{phone}:{code}", lists.plan_caller(phone, code, filters)
    if view == "recent":
        if user.role == "officer":
            raise forbidden("officers_see_inbox")
        return f"recent:{code}", lists.plan_recent(code, filters)
    if view in ("inbox", "department"):
        department, level = _queue_of(call, view, code)
        return f"queue:{code}:{department}:{level}", lists.plan_queue(code, department, level, filters)
    if view == "kind":
        return _kind_view(call, code, filters)
    if user.role not in ("collector", "state_admin"):
        raise forbidden("collectors_lists")
    return f"{view}:{code}", lists.plan_deadline_list(view, code, iso(common.now()), filters)


def _kind_view(call: Call, code: str, filters: lists.Filters) -> tuple[str, lists.Plan]:
    """view=kind&kind=suggestion: the district's suggestions of the last week, answered or not, newest first."""
    kind = _needed(call.params, "kind", "kind")
    listed = [k for k in common.district(code).offered_kinds if k != "complaint"]
    if kind not in listed:
        raise bad_request("kind_not_offered", kind=kind, offered=", ".join(listed))
    if call.user.role == "officer":
        raise forbidden("officers_see_inbox")
    since = iso(common.now() - timedelta(days=KIND_VIEW_DAYS))
    # The view's own kind is the index's key: the kind filter of the other lists is this view's parameter.
    return f"kind:{code}:{kind}", lists.plan_kind(code, kind, since, replace(filters, kind=kind))


def _queue_of(call: Call, view: str, code: str) -> tuple[str, str | None]:
    """The department and level of an inbox (the officer's own post) or a department's queue."""
    user, params = call.user, call.params
    if view == "inbox":
        if user.role != "officer":
            raise bad_request("officers_only")
        return str(user.department), user.level
    department = _needed(params, "department", "department")
    if user.role == "officer" and department != user.department:
        raise forbidden("other_department")
    if user.role == "operator":
        raise forbidden("operators_lists")
    if department not in common.district(code).departments:
        raise not_found("no_department", department=department, district=code)
    return department, params.get("level")


def _approvals_view(call: Call, code: str, limit: int, start_cursor: str | None) -> tuple[str, Page]:
    """view=approvals: the requests waiting for this officer's decision (their department, the level above the
    asker's); the Collector's and a state admin's: every one waiting in the district."""
    from chalicelib.domain.approvals import post_prefix

    user = call.user
    if user.role == "operator":
        raise forbidden("approvals_not_operators")
    post = post_prefix(str(user.department), str(user.level)) if user.role == "officer" else None
    scope = f"approvals:{code}:{post or '*'}"
    return scope, wiring.console_queries().approvals(code, post, limit, cursor.decode(start_cursor, scope))


def _needed(params: dict[str, Any], name: str, view: str) -> str:
    if not params.get(name):
        raise bad_request("view_needs", view=view, field=name)
    return str(params[name])


def _not_offered(refused: lists.FilterNotOffered) -> ApiError:
    return bad_request("filter_not_offered", field=refused.name, value=refused.value,
                       offered=", ".join(refused.offered))


def list_tickets(call: Call) -> dict[str, Any]:
    tickets, next_cursor = _list_page(call, call.params["limit"], call.params.get("cursor"))
    now = iso(common.now())
    # `now`: the server's time, so the console says "3 days ago" and "due in 5 h" from it, not from the PC's clock.
    return {"items": [row(t, now) for t in tickets], "next_cursor": next_cursor, "now": now}


def export_tickets(call: Call) -> Response:
    """CSV of a list, pages of 100 read until 5,000 rows or the end; Excel reads the BOM as UTF-8."""
    rows: list[Ticket] = []
    next_cursor = call.params.get("cursor")
    while len(rows) < EXPORT_ROWS:
        tickets, next_cursor = _list_page(call, EXPORT_PAGE, next_cursor)
        rows += tickets
        if not next_cursor:
            break
    out = io.StringIO()
    writer = csv.writer(out)
    columns = ["complaint_number", "status", "level", "category", "department", "caller_phone", "caller_name",
               "language", "channel", "created_at", "level_due_at", "sla_due_at", "overdue", "at_risk", "flagged"]
    writer.writerow(columns)
    now = iso(common.now())
    for ticket in rows:
        values = common.summary(ticket, now)
        writer.writerow([cell(values[c]) for c in columns])
    name = f"samvad-{call.params['view']}-{now[:10]}.csv"
    return Response("\ufeff" + out.getvalue(), status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store", **({"X-Next-Cursor": next_cursor} if next_cursor else {})})


_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def cell(value: Any) -> str:
    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    # A cell starting with = + - @ (or a tab or CR) would run as a formula in Excel or Sheets: a caller's
    # name must stay a name. Only a plain number (a phone number, +9198…) is left as it is: "-1+cmd|…"
    # starts with a digit after its sign and is still a formula.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


# -- many rows at once ------------------------------------------------------------------------------------------

def bulk(call: Call) -> dict[str, Any]:
    """POST /api/tickets/bulk: transfer (or reroute) each ticket named, each through the single action's
    operation and its own conditional write; each done or refused on its own, in the user's language."""
    from chalicelib.domain.ticket_actions import REROUTE, TRANSFER
    from chalicelib.operations.bulk_ticket_actions import Missing, Moved, perform_on_each

    body, user = call.body, call.user
    action = TRANSFER if body["action"] == "transfer" else REROUTE
    given = {"reason": body["reason"], action.arguments[0]: body.get(action.arguments[0]) or ""}
    if not given[action.arguments[0]]:
        raise bad_request("bulk_needs", action=body["action"], field=action.arguments[0])
    code = access.district_code(user, body.get("district"))
    numbers = list(dict.fromkeys(body["numbers"]))  # a number picked twice is acted on once
    outcome = perform_on_each(action, numbers, given, access.actor(user), common.district(code), common.now(),
                              wiring.ticket_store(), wiring.dispatcher(),
                              lambda t: t.district == code and access.may_see(user, t))
    refused = []
    for number, reason in outcome.refused:
        if isinstance(reason, Missing):
            error = not_found("no_ticket", number=number)
        elif isinstance(reason, Moved):
            error = common.ticket_moved()
        else:
            error = common.refusal(call, reason.ticket, reason.refused)
        refused.append({"number": number, "code": error.code, "message": error.words(call.language)})
    return {"done": outcome.done, "refused": refused}


OPERATIONS = {"listTickets": list_tickets, "exportTickets": export_tickets, "bulkTickets": bulk}
