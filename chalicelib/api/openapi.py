"""The OpenAPI 3 document served at /api/openapi.json: the contract the console and tests use.

Written by hand next to the routes (tests/flows/test_api_schema.py runs schemathesis against it, so a
route that drifts from it fails the suite).
"""
from __future__ import annotations

from typing import Any

from chalicelib.domain.call_log import CALL_ID_PATTERN
from chalicelib.domain.district import KINDS, URGENCIES
from chalicelib.domain.ticket_actions import API_ACTIONS

ROLES = ("operator", "officer", "collector", "state_admin")
LEVELS = ("L1", "L2", "L3", "L4")
STATUSES = ("registered", "acknowledged", "reopened", "resolved", "closed")
VIEWS = ("caller", "recent", "inbox", "department", "overdue", "at_risk", "kind", "number", "approvals")

NUMBER_PATTERN = "^[A-Z]{2,5}[0-9]{10}$"
PHONE_PATTERN = r"^\+[1-9][0-9]{6,14}$"
# Free text may hold anything but NUL (chalicelib/api/validate.py refuses it in every string).
NO_NUL = "^[^\\u0000]*$"


def _free(max_length: int, min_length: int = 0) -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string", "maxLength": max_length, "pattern": NO_NUL}
    return {**text, "minLength": min_length} if min_length else text


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    words = {400: "The request is not valid", 401: "No token, or the token is not valid",
             403: "The user's role or district does not allow this", 404: "Not found",
             409: "Someone changed the ticket first, or the action does not apply now",
             410: "It is over (a video call that has ended)",
             422: "The content is understood but refused", 502: "Twilio did not give the recording"}
    return {str(code): _json(_ref("Error"), words[code]) for code in codes}


def _op(summary: str, roles: tuple[str, ...], responses: dict[str, Any], *, params: list | None = None,
        body: dict[str, Any] | None = None, op_id: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": op_id,
        "summary": summary,
        "description": "Roles: " + ", ".join(roles) + ".",
        "x-roles": list(roles),
        "security": [{"bearer": []}],
        "responses": {**responses, **_errors(401, 403)},
    }
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation


def _query(name: str, schema: dict[str, Any], description: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


NUMBER_PARAM = {"name": "number", "in": "path", "required": True, "description": "The complaint number",
                "schema": {"type": "string", "pattern": NUMBER_PATTERN}}
DISTRICT_PARAM = {"name": "code", "in": "path", "required": True, "description": "The district code",
                  "schema": {"type": "string", "pattern": "^[A-Z]{2,5}$"}}
DISTRICT_QUERY = _query("district", {"type": "string", "pattern": "^[A-Z]{2,5}$"},
                        "District code; only a state_admin chooses, others get their own")
LIST_PARAMS = [
    _query("view", {"type": "string", "enum": list(VIEWS)},
           "caller: a caller's tickets (phone); recent: the district's newest; inbox: the officer's open tickets "
           "by due time; department: open tickets of a department (and level) by due time; overdue: open past "
           "the SLA; at_risk: open past 80% of the SLA, not yet overdue; kind: the last 7 days' suggestions, "
           "demands or requests (kind), newest first; number: one complaint number; approvals: requests waiting "
           "for a decision, the oldest first (an officer: for theirs; the Collector, a state admin: the district's)",
           required=True),
    _query("kind", {"type": "string", "enum": list(KINDS)},
           "view=kind: which kind's weekly list (not complaint); the other lists: only this kind"),
    _query("phone", {"type": "string", "pattern": PHONE_PATTERN}, "view=caller: the caller's number"),
    _query("number", {"type": "string", "pattern": NUMBER_PATTERN}, "view=number: the complaint number"),
    _query("department", {"type": "string", "pattern": "^[a-z0-9_]{1,40}$"},
           "view=department: whose queue; the other lists: only this department's (one the district has, else "
           "400 filter_not_offered)"),
    _query("level", {"type": "string", "enum": list(LEVELS)}, "Only open tickets at this level"),
    # The list filters (domain/list_filters.py picks the index that answers them); a page reads at most `limit`
    # items, so a filtered page may be short and still carry next_cursor.
    _query("status", {"type": "string", "enum": ["open", *STATUSES]},
           "Only this status (open: registered, acknowledged or reopened); a list of open tickets refuses resolved "
           "and closed (400 filter_not_offered)"),
    _query("category", {"type": "string", "pattern": "^[a-z0-9_]{1,40}$"},
           "Only this category's (one the district has, else 400 filter_not_offered)"),
    _query("urgency", {"type": "string", "enum": list(URGENCIES)}, "Only this urgency"),
    _query("from", {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
           "Registered on or after this day (YYYY-MM-DD, IST)"),
    _query("to", {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
           "Registered on or before this day (YYYY-MM-DD, IST)"),
    _query("sort", {"type": "string", "enum": ["newest", "oldest", "due_nearest", "due_farthest"]},
           "newest/oldest by registration (recent, kind, caller; recent's default), due_nearest/due_farthest by "
           "the level's deadline (recent: open tickets only; inbox, department) or the SLA's (overdue, at_risk), "
           "their default; another: 400 filter_not_offered"),
    DISTRICT_QUERY,
    _query("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 25}, "Page size"),
    _query("cursor", _free(2000), "next_cursor of the previous page"),
]

_names = {"type": "object", "additionalProperties": {"type": "string"},
          "description": "A name per language code"}
_time = {"type": "string", "description": "ISO 8601, UTC"}
_opt_time = {"type": ["string", "null"], "description": "ISO 8601, UTC"}
_count = {"type": "integer"}
_percent = {"type": ["number", "null"], "description": "null when there is nothing to divide by"}


def _district_schemas() -> dict[str, Any]:
    """chalicelib/schemas/district.schema.json (the district file's one schema) as components: `District`, and
    each of its definitions as `District_<name>`."""
    from chalicelib.schemas import schema

    def moved(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: (value.replace("#/definitions/", "#/components/schemas/District_") if key == "$ref"
                          else moved(value)) for key, value in node.items() if key not in ("$schema", "$id")}
        return [moved(item) for item in node] if isinstance(node, list) else node

    district = moved(schema("district"))
    return {"District": {k: v for k, v in district.items() if k != "definitions"},
            **{f"District_{name}": value for name, value in district.get("definitions", {}).items()}}


def _obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": _obj({"code": {"type": "string"}, "message": {"type": "string"},
                                  # A form's refusal (the directory's): each wrong field, to show beside its input.
                                  "fields": {"type": "array", "items": _obj({
                                      "code": {"type": "string"}, "message": {"type": "string"},
                                      "path": {"type": "array", "items": {"type": ["string", "integer"]}}})}},
                                 ["code", "message"])}),
    "User": _obj({"username": {"type": "string"}, "name": {"type": "string"},
                  "role": {"type": "string", "enum": list(ROLES)},
                  "district": {"type": ["string", "null"]}, "department": {"type": ["string", "null"]},
                  "level": {"type": ["string", "null"]},
                  "state": {"type": ["string", "null"], "description": "A state_admin's state (its state view)"}}),
    "TicketSummary": _obj({
        "complaint_number": {"type": "string"}, "district": {"type": "string"},
        "status": {"type": "string", "enum": list(STATUSES)}, "level": {"type": "string", "enum": list(LEVELS)},
        "category": {"type": "string"}, "department": {"type": "string"},
        "caller_phone": {"type": "string"}, "caller_name": {"type": ["string", "null"]},
        "language": {"type": "string"}, "channel": {"type": "string"},
        "created_at": _time, "level_due_at": _time, "sla_due_at": _time,
        "flagged": {"type": "boolean"}, "overdue": {"type": "boolean"}, "at_risk": {"type": "boolean"},
        "pending": {"type": ["object", "null"]},
        "urgency": {"type": "string", "enum": list(URGENCIES),
                    "description": "emergency, urgent or normal: the clocks the ticket runs on"},
        "kind": {"type": "string", "enum": list(KINDS),
                 "description": "complaint, suggestion, demand or request: how it ends (closure: answered, "
                                "accepted, declined, done, refused for the others)"},
    }),
    "TimelineEntry": _obj({"at": _time, "actor_type": {"type": "string"}, "actor_id": {"type": "string"},
                           "action": {"type": "string"}, "channel": {"type": "string"},
                           "detail": {"type": "object"}}),
    "TicketList": _obj({"items": {"type": "array", "items": _ref("TicketRow")},
                        "next_cursor": {"type": ["string", "null"]},
                        "now": {**_time, "description": "The server's time: what times left and ages count from"}}),
}
SCHEMAS["TicketRow"] = {"allOf": [_ref("TicketSummary"), _obj({
    "excerpt": {"type": "string", "maxLength": 140,
                "description": "The first words of the description, or of the recording's transcript"},
    "address": {"type": ["string", "null"], "description": "The locality the caller gave"},
    "level_started_at": {**_time, "description": "When the level's clock started (its deadline is level_due_at)"}})]}
SCHEMAS["BulkAction"] = {
    "type": "object", "additionalProperties": False, "required": ["action", "numbers", "reason"],
    "properties": {
        "action": {"type": "string", "enum": ["transfer", "reroute"],
                   "description": "transfer: to `department`, at its L1; reroute: to `category` (its department "
                                  "follows)"},
        "numbers": {"type": "array", "minItems": 1, "maxItems": 50,
                    "items": {"type": "string", "pattern": NUMBER_PATTERN}},
        "department": {"type": "string", "pattern": "^[a-z0-9_]{1,40}$"},
        "category": {"type": "string", "pattern": "^[a-z0-9_]{1,40}$"},
        "reason": _free(500, 1),
        "district": {"type": "string", "pattern": "^[A-Z]{2,5}$", "description": "A state admin's district"}}}
SCHEMAS["BulkResult"] = _obj({
    "done": {"type": "array", "items": {"type": "string"}, "description": "The complaint numbers acted on"},
    "refused": {"type": "array", "items": _obj({"number": {"type": "string"}, "code": {"type": "string"},
                                                "message": {"type": "string"}}),
                "description": "Each refused on its own, with why, in the user's language; nothing of it written"}})
SCHEMAS["Ticket"] = {"allOf": [_ref("TicketSummary"), _obj({
    "now": {**_time, "description": "The server's time: what the due line's time left counts from"},
    "level_started_at": {**_time, "description": "When the level's clock started (its deadline is level_due_at)"},
    "version": {"type": "integer"}, "address": {"type": ["string", "null"]},
    "description": {"type": ["string", "null"]}, "call_sid": {"type": ["string", "null"]},
    "acknowledged_at": _opt_time, "resolved_at": _opt_time, "resolution_remark": {"type": ["string", "null"]},
    "closed_at": _opt_time, "closure": {"type": ["string", "null"]}, "reopen_count": {"type": "integer"},
    "has_recording": {"type": "boolean"},
    "whatsapp_consent": {"type": "boolean", "description": "The citizen agreed to updates on WhatsApp"},
    "allowed_actions": {"type": "array", "items": {"type": "string"},
                        "description": "What this user may do now: "
                                       + ", ".join(action.key for action in API_ACTIONS)},
    "timeline": {"type": "array", "items": _ref("TimelineEntry")},
    "transcript": {"oneOf": [{"type": "null"}, _ref("Transcript")],
                   "description": "The recording's transcript once its job has ended; null before, or with no "
                                  "recording"},
    "form": {"type": ["object", "null"], "additionalProperties": {"type": "string"},
             "description": "A request's blanks, by the form's field ids"},
    "category_hint": {"type": ["string", "null"],
                      "description": "Another category the transcript's words point to than the one chosen (the "
                                     "district's keywords): a suggestion for the reroute action, never applied"},
})]}
TRANSCRIPT_STATUSES = ("done", "low_confidence", "empty", "failed", "unavailable", "timed_out",
                       "unsupported_language", "off")
SCHEMAS["Transcript"] = _obj({
    "status": {"type": "string", "enum": list(TRANSCRIPT_STATUSES),
               "description": "done; low_confidence (text kept: listen before acting on it); empty (no words "
                              "heard); failed, unavailable (the carrier kept the audio, or it was too large), "
                              "timed_out, unsupported_language, off: no text, the recording is the evidence"},
    "text": {"type": "string", "description": "What the machine heard, never overwritten"},
    "confidence": {"type": ["number", "null"], "description": "The mean of the words' confidences, 0–1"},
    "language": {"type": "string", "description": "Transcribe's language code, e.g. hi-IN"},
    "reason": {"type": ["string", "null"], "description": "Why there is no text"},
    "at": _opt_time,
    "corrected_text": {"type": ["string", "null"], "description": "A person's correction, shown instead"},
    "corrected_by": {"type": ["string", "null"]}, "corrected_at": _opt_time,
    "deleted_at": {**_opt_time, "description": "When the district's retention ran out and the words (the "
                   "machine's and the correction) were deleted"},
})
SCHEMAS["SearchResults"] = _obj({
    "items": {"type": "array", "items": {"allOf": [_ref("TicketSummary"), _obj({
        "text": {"type": "string", "description": "The start of the description and transcript"}})]}},
    "next_cursor": {"type": ["string", "null"]}})
SCHEMAS["NewTicket"] = {
    "type": "object", "additionalProperties": False,
    "required": ["caller_phone", "category"],
    "properties": {
        "caller_phone": {"type": "string", "pattern": PHONE_PATTERN},
        "caller_name": _free(120),
        "address": _free(300),
        "description": {**_free(2000), "description": "What the citizen said; needed except for a request, "
                                                      "whose form is its words"},
        "category": {"type": "string", "pattern": "^[a-z0-9_]{1,40}$",
                     "description": "A category, or for a request one of the district's request forms"},
        "kind": {"type": "string", "enum": list(KINDS),
                 "description": "absent: complaint. One the district does not take: 422 kind_not_offered"},
        "form": {"type": "object", "maxProperties": 20,
                 "additionalProperties": {"type": "string", "maxLength": 300},
                 "description": "A request's blanks by field id; one missing, wrong or unknown: 422 form_not_filled"},
        "language": {"type": "string", "pattern": "^[a-z]{2}$"},
        "call_sid": {"type": "string", "pattern": CALL_ID_PATTERN},
        "more_on_call": {"type": "boolean",
                         "description": "One more complaint from the call of call_sid, which has one already: "
                                        "linked to the call and listed on it (its recording stays with the "
                                        "first). Absent or false: the call's one ticket; a second is 409 "
                                        "call_has_ticket"},
        "submission": {"type": "string", "pattern": "^[A-Za-z0-9-]{8,64}$",
                       "description": "The form's own id (the console makes one per form): the same submission "
                                      "posted again answers its first ticket instead of registering a second. A "
                                      "call's first complaint is keyed by its call_sid instead"},
        "district": {"type": "string", "pattern": "^[A-Z]{2,5}$"},
        "whatsapp_consent": {"type": "boolean",
                             "description": "The caller agrees to updates on WhatsApp (kept on the caller and "
                                            "the ticket); absent or false: no answer"},
        "urgency": {"type": "string", "enum": list(URGENCIES),
                    "description": "emergency or urgent: the category's clocks for it (hours, not days); absent: "
                                   "the category's own urgency. A category without that urgency's clocks: 422"},
    },
}


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "properties": properties, "required": required}


_text = _free(1000, 1)
# Each API action's summary, roles and body, by its key; its path and operationId come from the actions'
# table (domain/ticket_actions.py).
ACTION_DOCS: dict[str, tuple[str, tuple[str, ...], dict[str, Any]]] = {
    "acknowledge": ("The officer holding it acknowledges it", ("officer",), _body({}, [])),
    "resolve": ("The officer holding it resolves it; the citizen is told and asked for feedback (a suggestion "
                "answered, a demand accepted, a request done: closed, the citizen told)", ("officer",),
                _body({"remark": _text}, ["remark"])),
    "decline": ("The officer holding a demand declines it, or a request refuses it; closed, the reason told to "
                "the citizen", ("officer",), _body({"reason": _text}, ["reason"])),
    "more_time": ("The officer holding it asks the level above for more days", ("officer",),
                  _body({"days": {"type": "integer", "minimum": 1, "maximum": 30}, "reason": _text},
                        ["days", "reason"])),
    "transfer": ("The officer holding it sends it to another department's L1", ("officer",),
                 _body({"department": {"type": "string", "pattern": "^[a-z0-9_]{1,40}$"}, "reason": _text},
                       ["department", "reason"])),
    "decide": ("The level above (the Collector for L3/L4) approves or rejects a pending request",
               ("officer", "collector", "state_admin"),
               _body({"approve": {"type": "boolean"}, "note": _free(1000)},
                     ["approve"])),
    "escalate": ("The Collector moves it up a level", ("collector", "state_admin"),
                 _body({"reason": _text}, ["reason"])),
    "note": ("Adds a note to the timeline", ROLES, _body({"text": _text}, ["text"])),
    "feedback": ("An operator records the citizen's answer to \"was it solved?\", given on a sign-language video "
                 "call (or a call): yes closes it as satisfied, no reopens it a level up", ("operator",),
                 _body({"satisfied": {"type": "boolean"}}, ["satisfied"])),
    "reroute": ("Corrects the category (and so the department); the new department's L1 gets it",
                ("operator", "collector", "state_admin"),
                _body({"category": {"type": "string", "pattern": "^[a-z0-9_]{1,40}$"}, "reason": _text},
                      ["category", "reason"])),
}


def _action_paths() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for action in API_ACTIONS:
        summary, roles, body = ACTION_DOCS[action.key]
        paths[f"/api/tickets/{{number}}/{action.path}"] = {"post": _op(
            summary, roles, {"200": _json(_ref("Ticket"), "The ticket after"), **_errors(400, 404, 409, 422)},
            params=[NUMBER_PARAM], body=body, op_id=str(action.operation_id))}
    return paths


_bucket = _obj({"registered": _count, "resolved": _count, "closed": _count, "reopened": _count,
                "escalated": _count})
SCHEMAS["Dashboard"] = _obj({
    "district": {"type": "string"}, "as_of": _time, "today": {"type": "string"},
    "totals": _obj({"today": _bucket, "week": _bucket, "month": _bucket}),
    "daily": {"type": "array", "items": _obj({"date": {"type": "string"}, "registered": _count,
                                              "resolved": _count, "closed": _count})},
    "pending": {"type": "array", "items": _obj({
        "department": {"type": "string"}, "names": _names, "L1": _count, "L2": _count, "L3": _count,
        "L4": _count, "total": _count})},
    "open_total": _count, "open_overdue": _count,
    "open_emergencies": _count, "open_urgent": _count,
    "waiting_decision": {"type": "integer", "description": "Open tickets whose request waits for the level above"},
    "open_at_risk": {"type": "integer", "description": "Open tickets past 80% of their SLA, not yet past it"},
    "on_time": _obj({"closed": _obj({"closed": _count, "in_sla": _count, "percent": _percent}),
                     "open": _obj({"open": _count, "overdue": _count, "percent": _percent})}),
    "sla_compliance": _obj({"resolved": _count, "in_sla": _count, "percent": _percent}),
    "closures": _obj({"closed": _count, "satisfied": _count, "no_response": _count, "special": _count,
                      "satisfied_percent": _percent}),
    "reopen_rate": _obj({"reopened": _count, "resolved": _count, "percent": _percent}),
    "median_hours_to_resolve": {"type": ["number", "null"]},
    "calls_by_hour": {"type": "array", "items": _obj({
        "line": {"type": "string"}, "hotline": {"type": "string"},
        "hours": {"type": "array", "items": _obj({"hour": _count, "answered": _count, "abandoned": _count})}})},
    "grades": {"type": "array", "items": _obj({
        "department": {"type": "string"}, "names": _names, "grade": {"type": "string", "enum": list("ABCD")},
        "resolved": _count, "in_sla_percent": _percent, "open_overdue": _count})},
})
SCHEMAS["StateView"] = _obj({
    "state": {"type": "string"}, "as_of": _time, "today": {"type": "string"},
    "days": {"type": "integer", "description": "The figures cover this many days, today included"},
    "ranking_min_tickets": {"type": "integer", "description": "A district is ranked once it resolved this many "
                                                              "in those days (the state file's)"},
    "districts": {"type": "array", "description": "Ranked districts first (rank 1 is best), then the unranked "
                  "in the state file's order", "items": _obj({
                      "code": {"type": "string"}, "name": _names,
                      "totals": _bucket, "open": _count, "overdue": _count,
                      "sla_compliance": _obj({"resolved": _count, "in_sla": _count, "percent": _percent}),
                      "satisfaction": _obj({"closed": _count, "satisfied": _count, "percent": _percent}),
                      "reopen_rate": _obj({"reopened": _count, "resolved": _count, "percent": _percent}),
                      "grade": {"type": "string", "enum": list("ABCD")},
                      "ranked": {"type": "boolean"},
                      "rank": {"type": ["integer", "null"], "description": "null when not ranked"}})},
})
SCHEMAS["DistrictSummary"] = _obj({
    "code": {"type": "string"}, "names": _names, "languages": {"type": "array", "items": {"type": "string"}},
    "categories": {"type": "array", "items": _obj({
        "id": {"type": "string"}, "names": _names, "department": {"type": "string"}, "sla_hours": _count,
        "urgency": {"type": "string", "enum": list(URGENCIES), "description": "A new ticket's, unless marked"},
        "urgencies": {"type": "array", "items": {"type": "string", "enum": list(URGENCIES)},
                      "description": "What a ticket of it may be marked, most urgent first"}})},
    "kinds": {"type": "array", "items": {"type": "string", "enum": list(KINDS)},
              "description": "What the district takes; request only with forms"},
    "requests": {"type": "array", "items": _obj({
        "id": {"type": "string"}, "names": _names, "department": {"type": "string"}, "sla_hours": _count,
        "fields": {"type": "array", "items": _obj({"id": {"type": "string"}, "names": _names,
                                                     "type": {"type": "string", "enum": ["text", "phone"]},
                                                     "required": {"type": "boolean"}})}})},
    "departments": {"type": "array", "items": _obj({"id": {"type": "string"}, "names": _names})},
})
SCHEMAS.update(_district_schemas())
SCHEMAS["DistrictConfig"] = _obj({"code": {"type": "string"}, "version": {"type": "integer"},
                                  "config": _ref("District")})
SCHEMAS["AuditList"] = _obj({"items": {"type": "array", "items": _obj({
    "at": _time, "by": {"type": "string"},
    "section": {"type": "string", "description": "The parts of the file that changed, e.g. \"departments\""},
    "summary": {"type": "string"},
    "version": {"type": "integer"},
    "changes": {"type": "array", "description": "What the save changed, field by field, in the reader's language "
                "(Accept-Language), e.g. {what: \"Water L2 officer's phone\", before: \"+9198…\", after: "
                "\"+9197…\"}; empty for a blocklist or PIN change",
                "items": _obj({"what": {"type": "string"}, "before": {"type": ["string", "null"]},
                               "after": {"type": ["string", "null"]}})}})},
    "next_cursor": {"type": ["string", "null"]}})
SCHEMAS["Recording"] = _obj({"content_type": {"type": "string"}, "data": {"type": "string",
                                                                        "description": "base64"},
                             "duration": {"type": ["integer", "null"]}})
CALL_STATES = ("ringing", "answered", "ended", "missed")
SCHEMAS["OperatorCall"] = _obj({
    "call_sid": {"type": "string"}, "caller_phone": {"type": "string"}, "line": {"type": ["string", "null"]},
    "hotline": {"type": ["string", "null"]},
    "state": {"type": "string", "enum": list(CALL_STATES),
              "description": "ringing; answered (an operator is on it); ended (answered, now over); missed "
                             "(nobody answered: the caller went to the recorded intake)"},
    "operators": {"type": "array", "items": {"type": "string"}, "description": "User names rung"},
    "ringing_at": _time, "answered_at": _opt_time, "answered_by": {"type": ["string", "null"]},
    "complaint_number": {"type": ["string", "null"], "description": "Once a ticket is registered for the call"},
    "complaint_numbers": {"type": "array", "items": {"type": "string"},
                          "description": "Every ticket registered from the call, oldest first"},
    "kind": {"type": "string", "enum": ["voice", "video"],
             "description": "video: a sign-language video call (shown only to the operators who sign)"},
    "video": {"type": ["object", "null"], "description": "A video call's own state: booked, ringing, answered, "
              "ended or missed; the citizen's answer on recording (null: none given, nothing recorded); when it "
              "ends at the latest (the district's cap); its slot", "properties": {
                  "state": {"type": "string"}, "recording_consent": {"type": ["boolean", "null"]},
                  "consent_at": _opt_time, "ends_at": _opt_time, "slot_at": _opt_time,
                  "citizen_left_at": _opt_time, "language": {"type": "string"}}}}, required=[
    "call_sid", "caller_phone", "line", "hotline", "state", "operators", "ringing_at", "answered_at", "answered_by",
    "complaint_number", "complaint_numbers", "kind"])
SCHEMAS["VideoSeat"] = _obj({
    "meeting": {"type": "object", "description": "The meeting service's Meeting (Amazon Chime SDK)"},
    "attendee": {"type": "object", "description": "This user's Attendee in it (its JoinToken)"},
    "media": {"type": "string", "enum": ["chime", "local"],
              "description": "local: the local stack's stand-in, no audio or video to connect to"},
    "call": _ref("OperatorCall"), "now": _time})
SCHEMAS["VideoLeft"] = _obj({"call": _ref("OperatorCall"), "now": _time})
SCHEMAS["OperatorCallList"] = _obj({"items": {"type": "array", "items": _ref("OperatorCall")}})
SCHEMAS["OperatorCallDetail"] = {"allOf": [_ref("OperatorCall"), _obj({
    "tickets": {"type": "array", "items": _ref("TicketSummary"), "description": "The caller's tickets in the "
                                                                             "district, newest first"},
    "now": {**_time, "description": "The server's clock (a video call's time left is counted from it)"}})]}
CALL_SID_PARAM = {"name": "call_sid", "in": "path", "required": True, "description": "Twilio's CallSid",
                  "schema": {"type": "string", "pattern": CALL_ID_PATTERN}}


def _call_paths() -> dict[str, Any]:
    """The operators' incoming calls (operators-mode hotlines), polled by the console's incoming-call page."""
    roles = ("operator", "collector", "state_admin")
    return {
        "/api/calls/ringing": {"get": _op(
            "Calls that rang the district's operators in the last minutes, newest first", roles,
            {"200": _json(_ref("OperatorCallList"), "Newest first"), **_errors(400, 404)},
            params=[DISTRICT_QUERY, _query("minutes", {"type": "integer", "minimum": 1, "maximum": 60,
                                                       "default": 10}, "How far back")],
            op_id="ringingCalls")},
        "/api/calls/{call_sid}": {"get": _op(
            "One call that rang the operators, with the caller's previous tickets (the screen pop)", roles,
            {"200": _json(_ref("OperatorCallDetail"), "The call"), **_errors(400, 404)},
            params=[CALL_SID_PARAM], op_id="getCall")},
        "/api/video-calls/{call_sid}/join": {"post": _op(
            "A signing operator joins a sign-language video call the citizen is in: the first to join answers it",
            ("operator",), {"200": _json(_ref("VideoSeat"), "The meeting and this operator's seat"),
                            **_errors(400, 404, 409, 410)},
            params=[CALL_SID_PARAM], op_id="joinVideoCall")},
        "/api/video-calls/{call_sid}/leave": {"post": _op(
            "The operator leaves the video call; leaving an answered call ends it for both", ("operator",),
            {"200": _json(_ref("VideoLeft"), "The call as it is now"), **_errors(400, 404)},
            params=[CALL_SID_PARAM], op_id="leaveVideoCall")},
    }

SCHEMAS["BlockedCaller"] = _obj({"phone": {"type": "string"}, "reason": {"type": "string"},
                                 "by": {"type": "string", "description": "Who blocked it"}, "at": _time})
SCHEMAS["Blocklist"] = _obj({"items": {"type": "array", "items": _ref("BlockedCaller")}})
SCHEMAS["Unblocked"] = _obj({"phone": {"type": "string"},
                             "removed": {"type": "boolean", "description": "false: it was not on the list"}})
BLOCKED_PHONE_PARAM = {"name": "phone", "in": "path", "required": True,
                       "description": "The caller's E.164 number without its + (nothing to encode), e.g. 919812345678",
                       "schema": {"type": "string", "pattern": "^[1-9][0-9]{6,14}$"}}


def _blocklist_paths() -> dict[str, Any]:
    """The Collector's office's blocklist: blocked callers and texters get a short answer; no complaint is taken."""
    roles = ("collector", "state_admin")
    return {
        "/api/districts/{code}/blocklist": {"get": _op(
            "The district's blocked callers", roles, {"200": _json(_ref("Blocklist"), "The list"),
                                                      **_errors(400, 404)},
            params=[DISTRICT_PARAM], op_id="getBlocklist")},
        "/api/districts/{code}/blocklist/{phone}": {
            "put": _op("Blocks a caller for the district (audited); the IVR hears of it within a minute", roles,
                       {"200": _json(_ref("BlockedCaller"), "Blocked"), **_errors(400, 404)},
                       params=[DISTRICT_PARAM, BLOCKED_PHONE_PARAM], body=_body({"reason": _free(200)}, []),
                       op_id="blockCaller"),
            "delete": _op("Unblocks a caller (audited); removing a number not on the list changes nothing", roles,
                          {"200": _json(_ref("Unblocked"), "Done"), **_errors(400, 404)},
                          params=[DISTRICT_PARAM, BLOCKED_PHONE_PARAM], op_id="unblockCaller"),
        },
    }


SCHEMAS["PinSet"] = _obj({"phone": {"type": "string"}, "district": {"type": "string"},
                          "at": {"type": "string", "description": "UTC ISO time"},
                          "by": {"type": "string", "description": "who set it"}})
OFFICER_PHONE_PARAM = {**BLOCKED_PHONE_PARAM, "description": "The officer's E.164 number without its +"}
PIN_BODY = _body({"pin": {"type": "string", "pattern": "^[0-9]{4,8}$",
                          "description": "4 to 8 digits, keyed on the officers' IVR; only its hash is kept"}}, ["pin"])


def _officer_pin_paths() -> dict[str, Any]:
    """The officers' IVR PINs (handlers/api_officer_pins.py): set one's own, or reset an officer's."""
    return {
        "/api/me/pin": {"put": _op(
            "Sets the user's own PIN for the officers' IVR (an officer's post's phone; the Collector's)",
            ("officer", "collector"), {"200": _json(_ref("PinSet"), "Set"), **_errors(400, 404, 422)},
            body=PIN_BODY, op_id="setOwnPin")},
        "/api/districts/{code}/officer-pins/{phone}": {"put": _op(
            "Resets an officer's PIN for the officers' IVR (audited)", ("collector", "state_admin"),
            {"200": _json(_ref("PinSet"), "Set"), **_errors(400, 404, 422)},
            params=[DISTRICT_PARAM, OFFICER_PHONE_PARAM], body=PIN_BODY, op_id="resetOfficerPin")},
    }


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/me": {"get": _op("Who the token belongs to", ROLES, {"200": _json(_ref("User"), "The user")},
                               op_id="me")},
        "/api/tickets": {
            "get": _op("A list of tickets (one view at a time), newest or most urgent first", ROLES,
                       {"200": _json(_ref("TicketList"), "One page"), **_errors(400, 404)},
                       params=LIST_PARAMS, op_id="listTickets"),
            "post": _op("An operator registers a complaint on a caller's behalf",
                        ("operator", "collector", "state_admin"),
                        {"201": _json(_ref("Ticket"), "Registered"), **_errors(400, 404, 409, 422)},
                        body=_ref("NewTicket"), op_id="registerTicket"),
        },
        "/api/tickets/bulk": {"post": _op(
            "Transfers (or reroutes) up to 50 tickets at once, each as its own action: each done or refused on "
            "its own", ("operator", "collector", "state_admin"),
            {"200": _json(_ref("BulkResult"), "What was done and what was refused"), **_errors(400, 404)},
            body=_ref("BulkAction"), op_id="bulkTickets")},
        "/api/tickets/export.csv": {"get": _op(
            "The same lists as CSV (UTF-8 with BOM, for Excel); up to 5,000 rows per request, the next "
            "cursor in the X-Next-Cursor header", ("collector", "state_admin"),
            {"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}},
                     "headers": {"X-Next-Cursor": {"description": "There is more: send it as cursor for the "
                                                                  "next rows", "required": False,
                                                   "schema": {"type": "string"}}}},
             **_errors(400, 404)}, params=[p for p in LIST_PARAMS if p["name"] != "limit"], op_id="exportTickets")},
        "/api/tickets/search": {"get": _op(
            "Tickets whose description or transcript has every word, newest first (Hindi spelling variants and "
            "common Latin spellings match: pani, पानी; an officer sees their department's)", ROLES,
            {"200": _json(_ref("SearchResults"), "One page"), **_errors(400, 404, 422)},
            params=[_query("q", _free(200, 1), "The words", required=True), DISTRICT_QUERY,
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 50, "default": 25}, "Page size"),
                    _query("cursor", _free(2000), "next_cursor of the previous page")],
            op_id="searchTickets")},
        "/api/tickets/{number}/transcript": {"put": _op(
            "Corrects the recording's transcript: the machine's text is kept, the correction audited (who, when, "
            "before, after) and searchable", ROLES,
            {"200": _json(_ref("Ticket"), "The ticket after"), **_errors(400, 404, 409, 422)},
            params=[NUMBER_PARAM], body=_body({"text": _free(2000, 1)}, ["text"]), op_id="correctTranscript")},
        "/api/tickets/{number}": {"get": _op(
            "One ticket with its timeline and what this user may do", ROLES,
            {"200": _json(_ref("Ticket"), "The ticket"), **_errors(400, 404)},
            params=[NUMBER_PARAM], op_id="getTicket")},
        "/api/tickets/{number}/recording": {"get": _op(
            "The complaint's recording, fetched from Twilio by the API (its URL is never shown)",
            ("operator", "officer", "collector", "state_admin"),
            {"200": _json(_ref("Recording"), "The audio"), **_errors(400, 404, 422, 502)},
            params=[NUMBER_PARAM], op_id="getRecording")},
        "/api/dashboard": {"get": _op(
            "The Collector's figures, from counters kept on write. A state_admin without `district` gets the state "
            "view: every district of its state file (custom:state) side by side over 30 days, ranked only where it "
            "resolved at least the file's ranking_min_tickets; format=csv gives it as CSV (UTF-8 with BOM)",
            ("collector", "state_admin"),
            {"200": {"description": "A district's figures (Dashboard), or a state_admin's state view (StateView)",
                     "content": {"application/json": {"schema": {"oneOf": [_ref("Dashboard"), _ref("StateView")]}},
                                 "text/csv": {"schema": {"type": "string"}}}},
             **_errors(400, 404)},
            params=[DISTRICT_QUERY, _query("format", {"type": "string", "enum": ["json", "csv"], "default": "json"},
                                           "csv: the state view as CSV (state_admin, without district)")],
            op_id="dashboard")},
        "/api/districts/{code}": {"get": _op(
            "The district's languages, categories and departments (for forms)", ROLES,
            {"200": _json(_ref("DistrictSummary"), "The district"), **_errors(400, 404)},
            params=[DISTRICT_PARAM], op_id="getDistrict")},
        "/api/districts/{code}/config": {
            "get": _op("The whole district file, for directory admin", ("collector", "state_admin"),
                       {"200": _json(_ref("DistrictConfig"), "The file"), **_errors(400, 404)},
                       params=[DISTRICT_PARAM], op_id="getDistrictConfig"),
            "put": _op("Replaces the district file (validated; audited; refused if someone saved first)",
                       ("collector", "state_admin"),
                       {"200": _json(_ref("DistrictConfig"), "Saved"), **_errors(400, 404, 409, 422)},
                       params=[DISTRICT_PARAM],
                       body=_body({"version": {"type": "integer", "minimum": 0},
                                   # Checked against District by the save itself, so a wrong file is a 422
                                   # that names the place ("categories[0]: …"), not a 400.
                                   "config": {"type": "object", "description": "The whole file, with the "
                                              "shape of components/schemas/District. A wrong field: 422 "
                                              "invalid_fields, error.fields one {code, path, message} each "
                                              "(message in the user's language; path its place in the file); "
                                              "a rule between fields: 422 invalid_district"},
                                   "summary": _free(300)}, ["version", "config"]),
                       op_id="putDistrictConfig"),
        },
        "/api/districts/{code}/audit": {"get": _op(
            "Who changed the directory, when and what", ("collector", "state_admin"),
            {"200": _json(_ref("AuditList"), "Newest first"), **_errors(400, 404)},
            params=[DISTRICT_PARAM, _query("limit", {"type": "integer", "minimum": 1, "maximum": 100,
                                                     "default": 25}, "Page size"),
                    _query("cursor", _free(2000), "next_cursor")],
            op_id="directoryAudit")},
    }
    paths.update(_action_paths())
    paths.update(_call_paths())
    paths.update(_blocklist_paths())
    paths.update(_officer_pin_paths())
    return {
        "openapi": "3.1.0",
        "info": {"title": "Samvad API", "version": "1",
                 "description": "The grievance hotline's console API. JSON in and out (UTF-8, Devanagari as "
                                "is); errors are {\"error\": {\"code\", \"message\"}}; lists page with "
                                "next_cursor. Every route needs a bearer ID token (Cognito deployed; the "
                                "local stack's own keys locally)."},
        "paths": paths,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
    }
