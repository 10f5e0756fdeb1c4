"""The console's API handlers for tickets, the dashboard and the district file: each parses, authorises,
calls one query or operation, and renders.

chalicelib/api/http.py has already checked the token, the role (from the OpenAPI document), the query
and the body by the time a handler runs.
"""
from __future__ import annotations

import base64
import csv
import io
from typing import Any

from chalice import Response

from chalicelib import wiring
from chalicelib.api import access, cursor
from chalicelib.api.errors import ApiError, bad_request, not_found
from chalicelib.api.http import Call, handle
from chalicelib.domain.clock import iso
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.ticket_actions import API_ACTIONS, TicketAction, by_path
from chalicelib.handlers import api_common as common
from chalicelib.handlers import api_directory, api_lists
from chalicelib.handlers.api_lists import cell
from chalicelib.i18n import catalog


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
        raise ApiError(422, "unknown_language", district=code, languages=", ".join(district.languages))
    kind = body.get("kind") or "complaint"
    complaint = ConsoleComplaint(
        caller_phone=body["caller_phone"], category_id=body["category"], language=language,
        description=(body.get("description") or "").strip(), operator=call.user.username,
        caller_name=(body.get("caller_name") or "").strip() or None,
        address=(body.get("address") or "").strip() or None, call_sid=body.get("call_sid"),
        whatsapp_consent=body.get("whatsapp_consent") is True, urgency=body.get("urgency"), kind=kind,
        form=body.get("form"), more_on_call=body.get("more_on_call") is True, submission=body.get("submission"))
    if not complaint.description and kind != "request":
        raise _refused(call, 400, "description_needed", "api_description_needed")
    try:
        number = register_for_caller(complaint, district, wiring.ticket_store(), wiring.dispatcher(),
                                     wiring.clock(), wiring.console_queries(), wiring.call_log(),
                                     wiring.video_calls())
    except CallOfAnotherDistrict:
        raise not_found("no_call_in_district", call_sid=complaint.call_sid, district=code) from None
    except UnknownCategory:
        raise _refused(call, 422, "unknown_category", "error_unknown_form" if kind == "request" else
                       "error_unknown_category", category=body["category"], district=code,
                       offered=", ".join(c.id for c in district.categories_for(kind))) from None
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
        raise ApiError(409, "call_has_ticket", number=existing.complaint_number) from None
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
    return {"items": [{**common.summary(t, now), "text": common.excerpt(t)}
                      for t in tickets if access.may_see(user, t)],
            "next_cursor": cursor.encode({"c": next_cursor} if next_cursor else None, scope)}


def _refused(call: Call, status: int, code: str, key: str, **values: Any) -> ApiError:
    return ApiError(status, code, catalog(call.language).text(key, **values))


def recording(call: Call) -> dict[str, Any]:
    from chalicelib.domain.ports import RecordingTooLarge
    from chalicelib.handlers.recordings import MAX_AUDIO_BYTES

    ticket = common.ticket(call, call.path["number"])
    if not ticket.recording_url:
        raise not_found("no_recording")
    try:
        audio, content_type = wiring.recording_audio().fetch_audio(ticket.recording_url, MAX_AUDIO_BYTES)
    except RecordingTooLarge:
        raise ApiError(422, "recording_too_large") from None
    except Exception:
        raise ApiError(502, "recording_unavailable") from None
    return {"content_type": content_type, "data": base64.b64encode(audio).decode(),
            "duration": ticket.recording_duration}


# -- the Collector's figures and the district file ----------------------------------------------------------

def dashboard(call: Call) -> dict[str, Any] | Response:
    from chalicelib.domain import dashboard as figures

    if call.user.role == "state_admin" and not call.params.get("district"):
        return state_view(call)
    if call.params.get("format") == "csv":
        raise bad_request("csv_state_view_only")
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
        writer.writerow([cell(value) for value in view.csv_row(entry, call.language)])
    name = f"samvad-{state.code}-districts-{built['today']}.csv"
    return Response("\ufeff" + out.getvalue(), status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store"})


def _district_names(code: str) -> dict[str, str]:
    """A district the state file does not name: its own file's names (the directory caches them), if loaded."""
    district = wiring.directory().district(code)
    return dict(district.names) if district else {}


OPERATIONS = {"me": me, "getDistrict": get_district, **api_lists.OPERATIONS,
              "getTicket": get_ticket, "registerTicket": register, "getRecording": recording,
              "dashboard": dashboard, "getDistrictConfig": api_directory.district_config,
              "putDistrictConfig": api_directory.save_district_config, "directoryAudit": api_directory.audit,
              "correctTranscript": correct_transcript, "searchTickets": search_tickets}


def serve(request: Any, operation_id: str) -> Response:
    return handle(request, operation_id, OPERATIONS[operation_id])


def serve_action(request: Any, segment: str) -> Response:
    """POST /api/tickets/{number}/{segment}: the action whose API path is `segment` (domain/ticket_actions.py)."""
    action = by_path(segment)
    if action is None or action.operation_id is None:
        from chalicelib.api.auth import user_from_headers
        from chalicelib.api.http import error_response, request_language

        headers = {k.lower(): v for k, v in (request.headers or {}).items()}
        try:  # like every /api route: nothing is said without a token, not even the list of actions
            user_from_headers(headers)
        except ApiError as error:
            return error_response(error, request_language(headers))
        paths = ", ".join(str(a.path) for a in API_ACTIONS)
        return error_response(not_found("no_action", action=segment[:40], actions=paths), request_language(headers))
    chosen = action
    return handle(request, action.operation_id, lambda call: act(call, chosen))
