"""The console's API handlers for tickets, the dashboard and the district file: each parses, authorises,
calls one query or operation, and renders.

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
from chalicelib.domain.ports import Page
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.ticket_actions import API_ACTIONS, TicketAction, by_path
from chalicelib.handlers import api_common as common
from chalicelib.i18n import catalog

EXPORT_ROWS = 5000
EXPORT_PAGE = 100
EXCERPT = 140  # characters of a search result's text: enough to tell the complaints apart


def me(call: Call) -> dict[str, Any]:
    return call.user.as_json()


def get_district(call: Call) -> dict[str, Any]:
    district = common.district(access.district_code(call.user, call.path["code"]))
    return {"code": district.code, "names": district.names, "languages": list(district.languages),
            "categories": [{"id": c.id, "names": c.names, "department": c.department, "sla_hours": c.sla_hours,
                            "urgency": c.urgency, "urgencies": list(c.urgencies)} for c in district.categories],
            "departments": [{"id": d.id, "names": d.names} for d in district.departments.values()],
            "kinds": list(district.offered_kinds),
            "requests": [{"id": r.id, "names": r.names, "department": r.department, "sla_hours": r.sla_hours,
                          "fields": [{"id": f.id, "names": f.names, "type": f.type, "required": f.required}
                                     for f in r.form]} for r in district.requests]}


# -- lists ----------------------------------------------------------------------------------------------

def _list_page(call: Call, limit: int, start_cursor: str | None) -> tuple[list[Ticket], str | None]:
    """One page of the view asked for, as far as this user may see it, and the cursor to the next."""
    params, user = call.params, call.user
    view = params["view"]
    code = access.district_code(user, params.get("district"))
    if view == "number":
        number = _needed(params, "number", "view=number needs number=<complaint number>")
        ticket = wiring.ticket_store().get(number)
        return ([ticket] if ticket and ticket.district == code and access.may_see(user, ticket) else []), None
    scope, page = _query_view(call, view, code, limit, start_cursor)
    return [t for t in page.tickets if access.may_see(user, t)], cursor.encode(page.last_key, scope)


def _query_view(call: Call, view: str, code: str, limit: int, start_cursor: str | None) -> tuple[str, Page]:
    params, user, queries = call.params, call.user, wiring.console_queries()
    if view == "caller":
        phone = _needed(params, "phone", "view=caller needs phone=+91…")
        if user.role == "officer":
            raise forbidden("Officers see their inbox and their department's tickets")
        scope = f"caller:{phone}:{code}"
        return scope, queries.tickets_of_caller(phone, code, limit, cursor.decode(start_cursor, scope))
    if view == "recent":
        if user.role == "officer":
            raise forbidden("Officers see their inbox and their department's tickets")
        scope = f"recent:{code}"
        return scope, queries.recent(code, limit, cursor.decode(start_cursor, scope))
    if view in ("inbox", "department"):
        department, level = _queue_of(call, view, code)
        scope = f"queue:{code}:{department}:{level}"
        return scope, queries.queue(code, department, level, limit, cursor.decode(start_cursor, scope))
    if view == "kind":
        return _kind_view(call, code, limit, start_cursor)
    if user.role not in ("collector", "state_admin"):
        raise forbidden("The overdue and at-risk lists are the Collector's")
    scope = f"{view}:{code}"
    start = cursor.decode(start_cursor, scope)
    if view == "overdue":
        return scope, queries.overdue(code, iso(common.now()), limit, start)
    return scope, queries.at_risk(code, limit, start)


KIND_VIEW_DAYS = 7  # the Collector's weekly list of suggestions (and demands, requests): the last seven days


def _kind_view(call: Call, code: str, limit: int, start_cursor: str | None) -> tuple[str, Page]:
    """view=kind&kind=suggestion: the district's suggestions of the last week, answered or not, newest first."""
    from datetime import timedelta

    kind = _needed(call.params, "kind", "view=kind needs kind=suggestion, demand or request")
    listed = [k for k in common.district(code).offered_kinds if k != "complaint"]
    if kind not in listed:
        raise bad_request(f"kind={kind}: {code} takes " + ", ".join(listed), "kind_not_offered")
    if call.user.role == "officer":
        raise forbidden("Officers see their inbox and their department's tickets")
    scope = f"kind:{code}:{kind}"
    since = iso(common.now() - timedelta(days=KIND_VIEW_DAYS))
    return scope, wiring.console_queries().of_kind(code, kind, since, limit, cursor.decode(start_cursor, scope))


def _queue_of(call: Call, view: str, code: str) -> tuple[str, str | None]:
    """The department and level of an inbox (the officer's own post) or a department's queue."""
    user, params = call.user, call.params
    if view == "inbox":
        if user.role != "officer":
            raise bad_request("The inbox is an officer's; use view=department", "officers_only")
        return str(user.department), user.level
    department = _needed(params, "department", "view=department needs department=<id>")
    if user.role == "officer" and department != user.department:
        raise forbidden("That is another department's queue")
    if user.role == "operator":
        raise forbidden("Operators see the recent list and callers' tickets")
    if department not in common.district(code).departments:
        raise not_found(f"No department {department} in {code}")
    return department, params.get("level")


def _needed(params: dict[str, Any], name: str, message: str) -> str:
    if not params.get(name):
        raise bad_request(message)
    return str(params[name])


def list_tickets(call: Call) -> dict[str, Any]:
    tickets, next_cursor = _list_page(call, call.params["limit"], call.params.get("cursor"))
    now = iso(common.now())
    return {"items": [common.summary(t, now) for t in tickets], "next_cursor": next_cursor}


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


# -- one ticket -------------------------------------------------------------------------------------------

def _detail(call: Call, ticket: Ticket) -> dict[str, Any]:
    """The ticket as the console shows it: api_common's detail, with the recording's transcript and the
    category its words point to."""
    return {**common.detail(call, ticket), "transcript": _transcript(ticket),
            "category_hint": ticket.category_hint if ticket.category_hint != ticket.category else None}


def _transcript(ticket: Ticket) -> dict[str, Any] | None:
    from chalicelib.domain.transcripts import Transcript

    found = Transcript.from_json(ticket.transcript)
    if found is None:
        return None
    return {"status": found.status, "text": found.text, "confidence": found.confidence, "language": found.language,
            "reason": found.reason, "at": found.at or None, "corrected_text": found.corrected_text,
            "corrected_by": found.corrected_by, "corrected_at": found.corrected_at, "deleted_at": found.deleted_at}


def get_ticket(call: Call) -> dict[str, Any]:
    return _detail(call, common.ticket(call, call.path["number"]))


def register(call: Call) -> dict[str, Any]:
    from chalicelib.domain.clocks import NoClocksForUrgency
    from chalicelib.domain.registration import ConsoleComplaint, FormNotFilled, KindNotOffered, UnknownCategory
    from chalicelib.operations.console_registration import CallHasTicket, CallOfAnotherDistrict, register_for_caller

    body = call.body
    if call.user.role == "state_admin" and not body.get("district"):
        raise common.district_needed(call)
    code = access.district_code(call.user, body.get("district"))
    district = common.district(code)
    language = body.get("language") or district.default_language
    if language not in district.languages:
        raise ApiError(422, "unknown_language", f"{code} takes complaints in {', '.join(district.languages)}")
    kind = body.get("kind") or "complaint"
    complaint = ConsoleComplaint(
        caller_phone=body["caller_phone"], category_id=body["category"], language=language,
        description=(body.get("description") or "").strip(), operator=call.user.username,
        caller_name=(body.get("caller_name") or "").strip() or None,
        address=(body.get("address") or "").strip() or None, call_sid=body.get("call_sid"),
        whatsapp_consent=body.get("whatsapp_consent") is True, urgency=body.get("urgency"), kind=kind,
        form=body.get("form"))
    if not complaint.description and kind != "request":
        raise _refused(call, 400, "bad_request", "api_description_needed")
    try:
        number = register_for_caller(complaint, district, wiring.ticket_store(), wiring.dispatcher(),
                                     wiring.clock(), wiring.console_queries(), wiring.call_log())
    except CallOfAnotherDistrict:
        raise not_found(f"No call {complaint.call_sid} in district {code}") from None
    except UnknownCategory:
        raise ApiError(422, "unknown_category", f"No {'request form' if kind == 'request' else 'category'} "
                       f"{body['category']} in {code}: "
                       + ", ".join(c.id for c in district.categories_for(kind))) from None
    except KindNotOffered as refused:
        raise _refused(call, 422, "kind_not_offered", "api_kind_not_offered", kind=refused.kind,
                       offered=", ".join(refused.offered)) from None
    except FormNotFilled as refused:
        raise _refused(call, 422, "form_not_filled", "api_form_not_filled", form=refused.form,
                       fields=", ".join(refused.fields)) from None
    except NoClocksForUrgency as refused:
        raise _refused(call, 422, "urgency_not_offered", "api_urgency_not_offered", category=refused.category,
                       urgency=refused.urgency, offered=", ".join(refused.offered)) from None
    except CallHasTicket as existing:
        raise ApiError(409, "call_has_ticket",
                       f"This call already has complaint number {existing.complaint_number}") from None
    return _detail(call, common.ticket(call, number))


def act(call: Call, action: TicketAction) -> dict[str, Any]:
    from chalicelib.domain.lifecycle import NotAllowed
    from chalicelib.operations.console_ticket_actions import TicketMoved, perform_ticket_action

    ticket = common.ticket(call, call.path["number"])
    try:
        after = perform_ticket_action(action, ticket, call.body, access.actor(call.user),
                                      common.district(ticket.district), common.now(), wiring.ticket_store(),
                                      wiring.dispatcher())
    except NotAllowed as refused:
        raise common.refusal(call, ticket, refused) from None
    except TicketMoved:
        raise common.ticket_moved() from None
    return _detail(call, after)


def correct_transcript(call: Call) -> dict[str, Any]:
    """PUT /api/tickets/{number}/transcript {"text"}: whoever may see the ticket (an officer: of its department)."""
    from chalicelib.operations import transcript_correction as correction

    ticket = common.ticket(call, call.path["number"])
    try:
        after = correction.correct_transcript(ticket, call.body["text"], access.actor(call.user),
                                              common.district(ticket.district), common.now(), wiring.ticket_store(),
                                              wiring.search_index())
    except correction.EmptyCorrection:
        raise _refused(call, 422, "empty_text", "transcript_correction_empty") from None
    except correction.CorrectionTooLong:
        raise _refused(call, 422, "too_long", "transcript_correction_too_long", limit=correction.MAX_TEXT) from None
    except correction.TranscriptDeleted:
        raise _refused(call, 409, "transcript_deleted", "transcript_deleted") from None
    except correction.NoTranscript:
        raise _refused(call, 409, "no_transcript", "transcript_none") from None
    except correction.TicketMoved:
        raise common.ticket_moved() from None
    return _detail(call, after)


def search_tickets(call: Call) -> dict[str, Any]:
    """GET /api/tickets/search?q=: tickets whose description or transcript has every word, newest first
    (Hindi spellings and common Latin spellings alike: domain/hindi_search.py), as far as this user may see."""
    from chalicelib.domain.hindi_search import terms
    from chalicelib.operations.ticket_search import search_tickets as search

    params, user = call.params, call.user
    code = access.district_code(user, params.get("district"))
    query = " ".join(params["q"].split())
    if not terms(query):
        raise _refused(call, 422, "no_words", "search_no_words")
    scope = f"search:{code}:{query}"
    start = cursor.decode(params.get("cursor"), scope)
    tickets, next_cursor, _ = search(wiring.search_index(), wiring.ticket_store(), code, query, params["limit"],
                                     start["c"] if start else None)
    now = iso(common.now())
    return {"items": [{**common.summary(t, now), "text": _excerpt(t)} for t in tickets if access.may_see(user, t)],
            "next_cursor": cursor.encode({"c": next_cursor} if next_cursor else None, scope)}


def _refused(call: Call, status: int, code: str, key: str, **values: Any) -> ApiError:
    return ApiError(status, code, catalog(call.language).text(key, **values))


def _excerpt(ticket: Ticket) -> str:
    from chalicelib.operations.ticket_search import ticket_text

    text = " ".join(ticket_text(ticket).split())
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1].rstrip() + "…"


def recording(call: Call) -> dict[str, Any]:
    from chalicelib.domain.ports import RecordingTooLarge
    from chalicelib.handlers.recordings import MAX_AUDIO_BYTES

    ticket = common.ticket(call, call.path["number"])
    if not ticket.recording_url:
        raise not_found("This complaint has no recording (it was written down by an operator)")
    try:
        audio, content_type = wiring.recording_audio().fetch_audio(ticket.recording_url, MAX_AUDIO_BYTES)
    except RecordingTooLarge:
        raise ApiError(422, "too_large", "The recording is too large to play in the console") from None
    except Exception:
        raise ApiError(502, "recording_unavailable", "Twilio did not give the recording just now; try again "
                                                     "in a little while") from None
    return {"content_type": content_type, "data": base64.b64encode(audio).decode(),
            "duration": ticket.recording_duration}


# -- the Collector's figures and the district file ----------------------------------------------------------

def dashboard(call: Call) -> dict[str, Any] | Response:
    from chalicelib.domain import dashboard as figures

    if call.user.role == "state_admin" and not call.params.get("district"):
        return state_view(call)
    if call.params.get("format") == "csv":
        raise bad_request("format=csv is the state view's: leave out district", "csv_state_view_only")
    district = common.district(access.district_code(call.user, call.params.get("district")))
    now = common.now()
    return figures.build(district, now, wiring.console_queries().counter_items(figures.keys(district, now)))


def state_view(call: Call) -> dict[str, Any] | Response:
    """The state_admin's districts side by side: one BatchGet of counters per few districts, never a ticket."""
    from chalicelib.domain import state_view as view

    if not call.user.state:
        raise _refused(call, 400, "state_needed", "state_view_no_state")
    state = wiring.directory().state(call.user.state)
    if state is None:
        raise _refused(call, 404, "no_state", "state_view_unknown_state", state=call.user.state)
    now = common.now()
    codes = [d.code for d in state.districts]
    built = view.build(state.code, [(d.code, d.names or _district_names(d.code)) for d in state.districts], now,
                       wiring.console_queries().counter_items(view.keys(codes, now)), state.ranking_min_tickets)
    if call.params.get("format") != "csv":
        return built
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(view.CSV_COLUMNS)
    for entry in built["districts"]:
        writer.writerow([_cell(value) for value in view.csv_row(entry, call.language)])
    name = f"samvad-{state.code}-districts-{built['today']}.csv"
    return Response("\ufeff" + out.getvalue(), status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store"})


def _district_names(code: str) -> dict[str, str]:
    """A district the state file does not name: its own file's names (the directory caches them), if loaded."""
    district = wiring.directory().district(code)
    return dict(district.names) if district else {}


def district_config(call: Call) -> dict[str, Any]:
    code = access.district_code(call.user, call.path["code"])
    found = wiring.district_configs().district_config(code)
    if found is None:
        raise not_found(f"No district {code}")
    config, version = found
    return {"code": code, "version": version, "config": config}


def save_district_config(call: Call) -> dict[str, Any]:
    from chalicelib.domain.ports import LineTaken, StaleConfig, TooManyLines
    from chalicelib.i18n import available_languages
    from chalicelib.operations import console_district_config as operation

    code = access.district_code(call.user, call.path["code"])
    try:
        saved = operation.save_district_config(
            code, call.body["version"], call.body["config"], call.body.get("summary") or "", call.user.username,
            iso(common.now()), wiring.district_configs(), available_languages())
    except operation.UnknownDistrict:
        raise not_found(f"No district {code}") from None
    except StaleConfig as stale:
        if stale.current is not None:
            raise ApiError(409, "stale", f"Someone saved the directory since you opened it (version "
                                         f"{stale.current}); reload and make your change again") from None
        raise ApiError(409, "stale", "Someone saved the directory a moment ago; reload and try again") from None
    except operation.WrongDistrictCode:
        raise ApiError(422, "district_code", f"The file's code must stay {code}") from None
    except operation.InvalidDistrict as invalid:
        raise ApiError(422, "invalid_district", str(invalid)) from None
    except TooManyLines:
        raise ApiError(422, "too_many_lines", "More than 95 lines in one save: load this district with "
                                              "`manage.py load-district` instead") from None
    except LineTaken:
        raise ApiError(422, "line_taken", "A line in the file belongs to another district or to a state "
                                          "number") from None
    common.forget_cached_directory()
    return {"code": code, "version": saved.version, "config": saved.district.raw}


def audit(call: Call) -> dict[str, Any]:
    code = access.district_code(call.user, call.path["code"])
    scope = f"audit:{code}"
    entries, last = wiring.district_configs().audit(code, call.params["limit"],
                                                    cursor.decode(call.params.get("cursor"), scope))
    return {"items": [{"at": e.at, "by": e.by, "section": e.section, "summary": e.summary, "version": e.version}
                      for e in entries],
            "next_cursor": cursor.encode(last, scope)}


OPERATIONS = {"me": me, "getDistrict": get_district, "listTickets": list_tickets, "exportTickets": export_tickets,
              "getTicket": get_ticket, "registerTicket": register, "getRecording": recording,
              "dashboard": dashboard, "getDistrictConfig": district_config,
              "putDistrictConfig": save_district_config, "directoryAudit": audit,
              "correctTranscript": correct_transcript, "searchTickets": search_tickets}


def serve(request: Any, operation_id: str) -> Response:
    return handle(request, operation_id, OPERATIONS[operation_id])


def serve_action(request: Any, segment: str) -> Response:
    """POST /api/tickets/{number}/{segment}: the action whose API path is `segment` (domain/ticket_actions.py)."""
    action = by_path(segment)
    if action is None or action.operation_id is None:
        from chalicelib.api.auth import user_from_headers
        from chalicelib.api.http import error_response

        try:  # like every /api route: nothing is said without a token, not even the list of actions
            user_from_headers({k.lower(): v for k, v in (request.headers or {}).items()})
        except ApiError as error:
            return error_response(error)
        paths = ", ".join(str(a.path) for a in API_ACTIONS)
        return error_response(not_found(f"No action {segment[:40]}; actions: {paths}"))
    chosen = action
    return handle(request, action.operation_id, lambda call: act(call, chosen))
