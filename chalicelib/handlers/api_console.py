"""The console's API handlers: each parses, authorises, makes one domain call and renders.

chalicelib/api/http.py has already checked the token, the role (from the OpenAPI document), the query
and the body by the time a handler runs.
"""
from __future__ import annotations

import base64
import csv
import io
import re
from typing import Any

from chalice import Response

from chalicelib import wiring
from chalicelib.api import access, cursor
from chalicelib.api.errors import ApiError, bad_request, forbidden, not_found
from chalicelib.api.http import Call, handle
from chalicelib.domain.clock import iso
from chalicelib.domain.district import District, DistrictConfigError, parse_district
from chalicelib.domain.lifecycle import Change, Lifecycle, NotAllowed
from chalicelib.domain.ticket import Ticket, TimelineEntry
from chalicelib.i18n import available_languages, catalog

EXPORT_ROWS = 5000
EXPORT_PAGE = 100


# -- shared steps -------------------------------------------------------------------------------------

def _district(code: str) -> District:
    district = wiring.directory().district(code)
    if district is None:
        raise not_found(f"No district {code}")
    return district


def _ticket(call: Call, number: str) -> Ticket:
    ticket = wiring.ticket_store().get(number)
    # Another district's or department's ticket reads as missing: its existence is not the user's to know.
    if ticket is None or not access.may_see(call.user, ticket):
        raise not_found(f"No complaint number {number} that you can see")
    return ticket


def _now() -> Any:
    return wiring.clock().now()


def summary(ticket: Ticket, now: str) -> dict[str, Any]:
    return {
        "complaint_number": ticket.complaint_number, "district": ticket.district, "status": ticket.status,
        "level": ticket.level, "category": ticket.category, "department": ticket.department,
        "caller_phone": ticket.caller_phone, "caller_name": ticket.caller_name, "language": ticket.language,
        "channel": ticket.channel, "created_at": ticket.created_at, "level_due_at": ticket.level_due_at,
        "sla_due_at": ticket.sla_due_at, "flagged": ticket.flagged,
        "overdue": ticket.is_open and ticket.sla_due_at <= now,
        "at_risk": ticket.is_open and ticket.sla_risk_at <= now < ticket.sla_due_at,
        "pending": ticket.pending,
    }


def detail(call: Call, ticket: Ticket) -> dict[str, Any]:
    from chalicelib.store import console

    entries = console.timeline(ticket.complaint_number)
    return {**summary(ticket, iso(_now())), "version": ticket.version, "address": ticket.address,
            "description": ticket.description, "call_sid": ticket.call_sid,
            "acknowledged_at": ticket.acknowledged_at, "resolved_at": ticket.resolved_at,
            "resolution_remark": ticket.resolution_remark, "closed_at": ticket.closed_at, "closure": ticket.closure,
            "reopen_count": ticket.reopen_count, "has_recording": bool(ticket.recording_url),
            "allowed_actions": access.allowed_actions(call.user, ticket, _district(ticket.district)),
            "timeline": [_entry(e) for e in entries]}


def _entry(entry: TimelineEntry) -> dict[str, Any]:
    return {"at": entry.at, "actor_type": entry.actor_type, "actor_id": entry.actor_id, "action": entry.action,
            "channel": entry.channel, "detail": entry.detail}


def _refusal(call: Call, ticket: Ticket, refusal: NotAllowed) -> ApiError:
    words = catalog(call.language)
    key = f"reply_{refusal.reason}"
    try:
        message = words.text(key, number=ticket.complaint_number, **refusal.details)
    except KeyError:
        message = refusal.reason.replace("_", " ")
    status = 403 if refusal.reason == "not_yours" else 422 if refusal.reason in _REFUSED_INPUT else 409
    return ApiError(status, refusal.reason, message)


# What was sent cannot be done whatever the ticket's state (422); other refusals are about the state (409).
_REFUSED_INPUT = frozenset({"remark_needed", "bad_days", "bad_code", "unknown_department", "unknown_category"})


def _apply(call: Call, ticket: Ticket, change: Change) -> dict[str, Any]:
    from chalicelib.domain.commit import commit

    if not commit(change, wiring.ticket_store(), wiring.dispatcher()):
        raise ApiError(409, "stale", "Someone changed this ticket a moment ago; it has been reloaded — "
                                     "check it and try again")
    return detail(call, change.after)


# -- operations -----------------------------------------------------------------------------------------

def me(call: Call) -> dict[str, Any]:
    return call.user.as_json()


def get_district(call: Call) -> dict[str, Any]:
    code = access.district_code(call.user, call.path["code"])
    district = _district(code)
    return {"code": district.code, "names": district.names, "languages": list(district.languages),
            "categories": [{"id": c.id, "names": c.names, "department": c.department, "sla_hours": c.sla_hours}
                           for c in district.categories],
            "departments": [{"id": d.id, "names": d.names} for d in district.departments.values()]}


def _list_page(call: Call, limit: int, start_cursor: str | None) -> tuple[list[Ticket], str | None]:
    from chalicelib.store import console

    params, user = call.params, call.user
    view = params["view"]
    code = access.district_code(user, params.get("district"))
    now = iso(_now())
    if view == "number":
        number = _needed(params, "number", "view=number needs number=<complaint number>")
        ticket = wiring.ticket_store().get(number)
        return ([ticket] if ticket and ticket.district == code and access.may_see(user, ticket) else []), None
    if view == "caller":
        phone = _needed(params, "phone", "view=caller needs phone=+91…")
        if user.role == "officer":
            raise forbidden("Officers see their inbox and their department's tickets")
        scope = f"caller:{phone}:{code}"
        page = console.tickets_of_caller(phone, code, limit, cursor.decode(start_cursor, scope))
    elif view == "recent":
        if user.role == "officer":
            raise forbidden("Officers see their inbox and their department's tickets")
        scope = f"recent:{code}"
        page = console.recent(code, limit, cursor.decode(start_cursor, scope))
    elif view in ("inbox", "department"):
        if view == "inbox":
            if user.role != "officer":
                raise bad_request("The inbox is an officer's; use view=department", "officers_only")
            department, level = str(user.department), user.level
        else:
            department = _needed(params, "department", "view=department needs department=<id>")
            level = params.get("level")
            if user.role == "officer" and department != user.department:
                raise forbidden("That is another department's queue")
            if user.role == "operator":
                raise forbidden("Operators see the recent list and callers' tickets")
            if department not in _district(code).departments:
                raise not_found(f"No department {department} in {code}")
        scope = f"queue:{code}:{department}:{level}"
        page = console.queue(code, department, level, limit, cursor.decode(start_cursor, scope))
    else:
        if user.role not in ("collector", "state_admin"):
            raise forbidden("The overdue and at-risk lists are the Collector's")
        scope = f"{view}:{code}"
        start = cursor.decode(start_cursor, scope)
        page = console.overdue(code, now, limit, start) if view == "overdue" else console.at_risk(code, limit, start)
    return [t for t in page.tickets if access.may_see(user, t)], cursor.encode(page.last_key, scope)


def _needed(params: dict[str, Any], name: str, message: str) -> str:
    if not params.get(name):
        raise bad_request(message)
    return str(params[name])


def list_tickets(call: Call) -> dict[str, Any]:
    tickets, next_cursor = _list_page(call, call.params["limit"], call.params.get("cursor"))
    now = iso(_now())
    return {"items": [summary(t, now) for t in tickets], "next_cursor": next_cursor}


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
    now = iso(_now())
    for ticket in rows:
        values = summary(ticket, now)
        writer.writerow([_cell(values[c]) for c in columns])
    name = f"samvad-{call.params['view']}-{now[:10]}.csv"
    return Response("\ufeff" + out.getvalue(), status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store", **({"X-Next-Cursor": next_cursor} if next_cursor else {})})


_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    # A cell starting with = + - @ (or a tab or CR) would run as a formula in Excel or Sheets: a caller's
    # name must stay a name. Only a plain number (a phone number, +9198…) is left as it is: "-1+cmd|…"
    # starts with a digit after its sign and is still a formula.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def get_ticket(call: Call) -> dict[str, Any]:
    return detail(call, _ticket(call, call.path["number"]))


def register(call: Call) -> dict[str, Any]:
    from chalicelib.domain.intake import register_console_complaint
    from chalicelib.domain.ticket import ConsoleComplaint, UnknownCategory
    from chalicelib.store import console

    body = call.body
    code = access.district_code(call.user, body.get("district"))
    district = _district(code)
    language = body.get("language") or district.default_language
    if language not in district.languages:
        raise ApiError(422, "unknown_language", f"{code} takes complaints in {', '.join(district.languages)}")
    complaint = ConsoleComplaint(
        caller_phone=body["caller_phone"], category_id=body["category"], language=language,
        description=body["description"].strip(), operator=call.user.username,
        caller_name=(body.get("caller_name") or "").strip() or None,
        address=(body.get("address") or "").strip() or None, call_sid=body.get("call_sid"))
    if not complaint.description:
        raise bad_request("Write the complaint in 'description'")
    if complaint.call_sid and console.call_district(complaint.call_sid) not in (None, code):
        # Another district's call reads as missing: its item and recording must not join this ticket.
        raise not_found(f"No call {complaint.call_sid} in district {code}")
    try:
        result = register_console_complaint(complaint, district, wiring.ticket_store(), wiring.dispatcher(),
                                            wiring.clock())
    except UnknownCategory:
        raise ApiError(422, "unknown_category", f"No category {body['category']} in {code}: "
                       + ", ".join(c.id for c in district.categories)) from None
    if not result.created:
        raise ApiError(409, "call_has_ticket", f"This call already has complaint number {result.complaint_number}")
    if complaint.call_sid:  # an operators-mode call may have its recording already (Twilio posted it)
        from chalicelib.handlers.api_calls import attach_finished_recording

        attach_finished_recording(result.complaint_number, complaint.call_sid)
    return detail(call, wiring.ticket_store().get(result.complaint_number))


def act(call: Call, action: str) -> dict[str, Any]:
    ticket = _ticket(call, call.path["number"])
    lifecycle = Lifecycle(_district(ticket.district), _now())
    actor, body = access.actor(call.user), call.body
    try:
        if action == "acknowledge":
            change = lifecycle.acknowledge(ticket, actor)
        elif action == "resolve":
            change = lifecycle.resolve(ticket, actor, body["remark"])
        elif action == "more-time":
            change = lifecycle.request_time(ticket, actor, body["days"], body["reason"])
        elif action == "transfer":
            change = lifecycle.transfer(ticket, actor, body["department"], body["reason"])
        elif action == "decide":
            change = lifecycle.decide(ticket, actor, body["approve"], body.get("note", ""))
        elif action == "escalate":
            change = lifecycle.escalate_by_hand(ticket, actor, body["reason"])
        elif action == "notes":
            change = lifecycle.note(ticket, actor, body["text"])
        else:
            change = lifecycle.reroute(ticket, actor, body["category"], body["reason"])
    except NotAllowed as refusal:
        raise _refusal(call, ticket, refusal) from None
    return _apply(call, ticket, change)


def recording(call: Call) -> dict[str, Any]:
    from chalicelib.handlers.recordings import RecordingTooLarge, _fetch

    ticket = _ticket(call, call.path["number"])
    if not ticket.recording_url:
        raise not_found("This complaint has no recording (it was written down by an operator)")
    try:
        audio, content_type = _fetch(ticket.recording_url)
    except RecordingTooLarge:
        raise ApiError(422, "too_large", "The recording is too large to play in the console") from None
    except Exception:
        raise ApiError(502, "recording_unavailable", "Twilio did not give the recording just now; try again "
                                                     "in a little while") from None
    return {"content_type": content_type, "data": base64.b64encode(audio).decode(),
            "duration": ticket.recording_duration}


def dashboard(call: Call) -> dict[str, Any]:
    from chalicelib.domain import dashboard as figures
    from chalicelib.store import console

    district = _district(access.district_code(call.user, call.params.get("district")))
    now = _now()
    return figures.build(district, now, console.counter_items(figures.keys(district, now)))


def district_config(call: Call) -> dict[str, Any]:
    from chalicelib.store import console

    code = access.district_code(call.user, call.path["code"])
    found = console.district_config(code)
    if found is None:
        raise not_found(f"No district {code}")
    config, version = found
    return {"code": code, "version": version, "config": config}


def save_district_config(call: Call) -> dict[str, Any]:
    from chalicelib.store import console

    code = access.district_code(call.user, call.path["code"])
    found = console.district_config(code)
    if found is None:
        raise not_found(f"No district {code}")
    old_config, version = found
    if call.body["version"] != version:
        raise ApiError(409, "stale", f"Someone saved the directory since you opened it (version {version}); "
                                     "reload and make your change again")
    config = call.body["config"]
    if config.get("code") != code:
        raise ApiError(422, "district_code", f"The file's code must stay {code}")
    try:
        district = parse_district(config, available_languages())
    except DistrictConfigError as error:
        raise ApiError(422, "invalid_district", str(error)) from None
    except (TypeError, ValueError, AttributeError, KeyError) as error:  # a section of the wrong shape
        raise ApiError(422, "invalid_district", f"A section has the wrong shape ({type(error).__name__}: "
                                                f"{str(error)[:200]}); compare with the district file") from None
    old_lines = {line for line, _ in parse_district(old_config, available_languages()).lines()}
    removed = sorted(old_lines - {line for line, _ in district.lines()})
    # DynamoDB's limit of 100 writes per transaction: the file, its audit entry and at most two senders.
    if len(district.lines()) + len(removed) + 4 > 100:
        raise ApiError(422, "too_many_lines", "More than 95 lines in one save: load this district with "
                                              "`manage.py load-district` instead")
    summary_text = (call.body.get("summary") or "").strip() or "directory edited"
    changed = ", ".join(sorted(k for k in old_config.keys() | config.keys() if old_config.get(k) != config.get(k)))
    try:
        saved = console.save_district_config(district, version, call.user.username, iso(_now()), summary_text,
                                             removed, section=changed)
    except console.StaleConfig:
        raise ApiError(409, "stale", "Someone saved the directory a moment ago; reload and try again") from None
    except console.LineTaken:
        raise ApiError(422, "line_taken", "A line in the file belongs to another district or to a state "
                                          "number") from None
    forget_cached_directory()
    return {"code": code, "version": saved, "config": district.raw}


def forget_cached_directory() -> None:
    """A directory edit: this container hears of it at once, others within the cache's TTL (a minute)."""
    directory = wiring.directory()
    if hasattr(directory, "clear"):
        directory.clear()


def audit(call: Call) -> dict[str, Any]:
    from chalicelib.store import console

    code = access.district_code(call.user, call.path["code"])
    scope = f"audit:{code}"
    entries, last = console.audit(code, call.params["limit"], cursor.decode(call.params.get("cursor"), scope))
    return {"items": entries, "next_cursor": cursor.encode(last, scope)}


OPERATIONS = {"me": me, "getDistrict": get_district, "listTickets": list_tickets, "exportTickets": export_tickets,
              "getTicket": get_ticket, "registerTicket": register, "getRecording": recording,
              "dashboard": dashboard, "getDistrictConfig": district_config,
              "putDistrictConfig": save_district_config, "directoryAudit": audit}
ACTIONS = ("acknowledge", "resolve", "more-time", "transfer", "decide", "escalate", "notes", "reroute")


def serve(request: Any, operation_id: str) -> Response:
    return handle(request, operation_id, OPERATIONS[operation_id])


def serve_action(request: Any, action: str) -> Response:
    if action not in ACTIONS:
        from chalicelib.api.auth import user_from_headers
        from chalicelib.api.http import error_response

        try:  # like every /api route: nothing is said without a token, not even the list of actions
            user_from_headers({k.lower(): v for k, v in (request.headers or {}).items()})
        except ApiError as error:
            return error_response(error)
        return error_response(not_found(f"No action {action[:40]}; actions: {', '.join(ACTIONS)}"))
    return handle(request, action.replace("-", "_"), lambda call: act(call, action))


