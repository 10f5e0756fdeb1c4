"""Who may call what: every role against every operation of the OpenAPI document, and every way a token
can be wrong, through the real routes (chalice's test client).

The matrix is built from the document's paths, so a new operation fails here until it has a recipe (a
request that the allowed roles can really make).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from chalicelib.api.openapi import document
from chalicelib.local.auth import LocalIssuer
from tests.support.fixtures import CALLER, signed_post
from tests.support.operators import TUESDAY_MORNING, incoming, pin
from tests.support.transcripts import transcribed

DOCUMENT = document()
OPERATIONS = {op["operationId"]: (path, method.upper(), op)
              for path, item in DOCUMENT["paths"].items() for method, op in item.items()}

# Every user the fixtures know: the demo district's people, another department's officer, a state
# admin, and another district's Collector and operator.
USERS = ("operator.rpr", "operator.rpr.sign", "officer.water.l1", "officer.water.l2", "officer.water.l3",
         "officer.health.l1", "collector.rpr", "state.admin", "collector.bsp", "operator.bsp")
ROLE = {"operator.rpr": "operator", "operator.rpr.sign": "operator", "officer.water.l1": "officer",
        "officer.water.l2": "officer", "officer.water.l3": "officer", "officer.health.l1": "officer",
        "collector.rpr": "collector", "state.admin": "state_admin", "collector.bsp": "collector",
        "operator.bsp": "operator"}
OTHER_DISTRICT = {"collector.bsp", "operator.bsp"}
OTHER_DEPARTMENT = {"officer.health.l1"}  # every ticket in the matrix is a water ticket
LEVEL = {"officer.water.l1": "L1", "officer.water.l2": "L2", "officer.water.l3": "L3"}


@dataclass
class Request:
    method: str
    path: str
    body: Any = None
    # Where the recipe cannot put the ticket in a state this user could act on (an L1 officer has
    # nobody below to decide for), the answer it must give instead: never 401/403.
    expect: set[int] = field(default_factory=lambda: {200, 201})


class World:
    """Tickets in the states the recipes need, made through the API itself."""

    def __init__(self, api: Any, hotline: Any) -> None:
        self.api, self.hotline = api, hotline
        self._shared: str | None = None
        self._ivr: str | None = None
        self._transcribed: str | None = None

    def ok(self, user: str, method: str, path: str, body: Any = None) -> Any:
        response = self.api.call(user, method, path, body)
        assert response.status_code in (200, 201), (user, method, path, response.body)
        return response.json

    def ticket(self, level: str = "L1") -> str:
        """A fresh water ticket at this level, registered by the operator, escalated by the Collector."""
        number = self.ok("operator.rpr", "POST", "/api/tickets", {
            "caller_phone": CALLER, "category": "water", "description": "हैंडपंप खराब है, वार्ड ७"})["complaint_number"]
        for _ in range(int(level[1]) - 1):
            self.ok("collector.rpr", "POST", f"/api/tickets/{number}/escalate", {"reason": "matrix"})
        return number

    def shared(self) -> str:
        if self._shared is None:
            self._shared = self.ticket()
        return self._shared

    def ivr_ticket(self) -> str:
        """A ticket from a real call, so it has a recording."""
        if self._ivr is None:
            self._ivr = self.hotline.complaint("3")
        return self._ivr

    def transcribed(self) -> str:
        """The IVR ticket with its transcript on it, as the transcriber leaves it."""
        if self._transcribed is None:
            self._transcribed = transcribed(self.ivr_ticket()).complaint_number
        return self._transcribed

    def at_level_of(self, user: str) -> str:
        return self.ticket(LEVEL.get(user, "L1"))

    def pending_for(self, user: str) -> tuple[str, set[int]]:
        """A ticket with a request waiting for this user's decision."""
        if ROLE[user] in ("collector", "state_admin"):
            number = self.ticket("L3")  # the Collector decides L3's and L4's requests
            self.ok("officer.water.l3", "POST", f"/api/tickets/{number}/more-time", {"days": 2, "reason": "पाइप"})
            return number, {200}
        if user in ("officer.water.l2", "officer.water.l3"):
            below = {"officer.water.l2": "officer.water.l1", "officer.water.l3": "officer.water.l2"}[user]
            number = self.ticket(LEVEL[below])
            self.ok(below, "POST", f"/api/tickets/{number}/more-time", {"days": 2, "reason": "पाइप"})
            return number, {200}
        number = self.ticket()  # nobody is below L1: its own request is not its own to decide
        self.ok("officer.water.l1", "POST", f"/api/tickets/{number}/more-time", {"days": 2, "reason": "पाइप"})
        return number, {409}

    def config(self) -> dict[str, Any]:
        return self.ok("collector.rpr", "GET", "/api/districts/RPR/config")


def _action(action: str, body: dict[str, Any]) -> Callable[[World, str], Request]:
    def recipe(world: World, user: str) -> Request:
        return Request("POST", f"/api/tickets/{world.at_level_of(user)}/{action}", body)
    return recipe


def _decline(world: World, user: str) -> Request:
    """A demand at the user's level (the demo, made to take demands): only its officer may decline it."""
    from tests.support.demo import offer_kinds

    offer_kinds("demand")
    demand = {"caller_phone": CALLER, "category": "water", "kind": "demand", "description": "नई पाइपलाइन बिछे"}
    number = world.ok("operator.rpr", "POST", "/api/tickets", demand)["complaint_number"]
    for _ in range(int(LEVEL.get(user, "L1")[1]) - 1):
        world.ok("collector.rpr", "POST", f"/api/tickets/{number}/escalate", {"reason": "matrix"})
    return Request("POST", f"/api/tickets/{number}/decline", {"reason": "बजट नहीं"})


def _decide(world: World, user: str) -> Request:
    number, expect = world.pending_for(user)
    return Request("POST", f"/api/tickets/{number}/decide", {"approve": True, "note": "ठीक है"}, expect)


def _put_config(world: World, user: str) -> Request:
    current = world.config()
    return Request("PUT", "/api/districts/RPR/config", {"version": current["version"], "config": current["config"],
                                                        "summary": "nothing changed"})


def _operators_call(world: World) -> str:
    """A call ringing the demo's day operator on the operators line (the clock pinned inside the shift)."""
    if getattr(world, "operators_call", None) is None:
        pin(world.hotline.clock, TUESDAY_MORNING)
        world.operators_call = incoming(world.api.client)[0]
    return world.operators_call


def _video_call(world: World) -> str:
    """A sign-language video call the citizen is in (the sandbox plays the meeting service), for each user anew:
    a signer's join answers it, and a second signer would be refused."""
    from chalicelib import wiring
    from chalicelib.operations.video_booking import request_video

    world.monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS", f"{world.sandbox.url}/chime-meetings")
    world.monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES", f"{world.sandbox.url}/chime-pipelines")
    wiring.video_meetings.cache_clear()
    pin(world.hotline.clock, TUESDAY_MORNING)  # operator.rpr.sign signs Mon–Sat 10:00–18:00 IST
    world.video_phones = getattr(world, "video_phones", 0) + 1
    booked = request_video(wiring.directory().district("RPR"), f"+9198123{world.video_phones:05d}", "hi", "web",
                           calls=wiring.video_calls(), dispatcher=wiring.dispatcher(), clock=wiring.clock(),
                           link_base="https://samvad.test")
    assert world.api.post(None, f"/video/{booked.call.id}/join").status_code == 200
    return booked.call.id


def _video_step(world: World, user: str, step: str) -> Request:
    call_id = _video_call(world)
    # Only the operators who sign join or end a video call: another operator is refused (403 no_sign_language).
    return Request("POST", f"/api/video-calls/{call_id}/{step}", None,
                   {403} if user == "operator.rpr" else {200})


def _resolved(world: World) -> str:
    """A fresh water ticket its L1 officer resolved: the citizen's answer is due (one per user: a yes closes it)."""
    number = world.ticket()
    world.ok("officer.water.l1", "POST", f"/api/tickets/{number}/resolve", {"remark": "ठीक कर दिया"})
    return number


RECIPES: dict[str, Callable[[World, str], Request]] = {
    "recordFeedback": lambda w, u: Request("POST", f"/api/tickets/{_resolved(w)}/feedback", {"satisfied": True}),
    "joinVideoCall": lambda w, u: _video_step(w, u, "join"),
    "leaveVideoCall": lambda w, u: _video_step(w, u, "leave"),
    "me": lambda w, u: Request("GET", "/api/me"),
    "ringingCalls": lambda w, u: _operators_call(w) and Request("GET", "/api/calls/ringing?district=RPR"),
    "getCall": lambda w, u: Request("GET", f"/api/calls/{_operators_call(w)}"),
    "listTickets": lambda w, u: Request("GET", f"/api/tickets?view=number&number={w.shared()}&district=RPR"),
    "registerTicket": lambda w, u: Request("POST", "/api/tickets", {
        "caller_phone": CALLER, "category": "water", "description": "नल से पानी नहीं आता", "district": "RPR"}),
    "exportTickets": lambda w, u: Request("GET", f"/api/tickets/export.csv?view=number&number={w.shared()}"
                                                 "&district=RPR"),
    "bulkTickets": lambda w, u: Request("POST", "/api/tickets/bulk", {
        "action": "transfer", "numbers": [w.shared()], "department": "electricity", "reason": "मोटर की बिजली",
        "district": "RPR"}),
    "getTicket": lambda w, u: Request("GET", f"/api/tickets/{w.shared()}"),
    "getRecording": lambda w, u: Request("GET", f"/api/tickets/{w.ivr_ticket()}/recording"),
    "correctTranscript": lambda w, u: Request("PUT", f"/api/tickets/{w.transcribed()}/transcript",
                                              {"text": "हैंडपंप खराब है, वार्ड सात"}),
    "searchTickets": lambda w, u: Request("GET", "/api/tickets/search?q=handpump&district=RPR"),
    "dashboard": lambda w, u: Request("GET", "/api/dashboard?district=RPR"),
    "getDistrict": lambda w, u: Request("GET", "/api/districts/RPR"),
    "getDistrictConfig": lambda w, u: Request("GET", "/api/districts/RPR/config"),
    "putDistrictConfig": _put_config,
    "directoryAudit": lambda w, u: Request("GET", "/api/districts/RPR/audit"),
    "acknowledge": _action("acknowledge", {}),
    "resolve": _action("resolve", {"remark": "नया हैंडपंप लगाया"}),
    "decline": _decline,
    "more_time": _action("more-time", {"days": 3, "reason": "पाइप मँगाना है"}),
    "transfer": _action("transfer", {"department": "electricity", "reason": "मोटर की बिजली"}),
    "decide": _decide,
    "escalate": _action("escalate", {"reason": "देर हो रही है"}),
    "notes": _action("notes", {"text": "नागरिक से बात हुई"}),
    "reroute": _action("reroute", {"category": "health", "reason": "गलत श्रेणी"}),
    "getBlocklist": lambda w, u: Request("GET", "/api/districts/RPR/blocklist"),
    "blockCaller": lambda w, u: Request("PUT", "/api/districts/RPR/blocklist/919800011122", {"reason": "गाली"}),
    "unblockCaller": lambda w, u: Request("DELETE", "/api/districts/RPR/blocklist/919800011122"),
    "setOwnPin": lambda w, u: Request("PUT", "/api/me/pin", {"pin": "4321"}),
    "resetOfficerPin": lambda w, u: Request("PUT", "/api/districts/RPR/officer-pins/919000000301", {"pin": "4321"}),
}


def test_every_operation_of_the_document_has_a_recipe_and_a_route():
    assert set(RECIPES) == set(OPERATIONS), "a new operation needs a recipe in this matrix"
    import app

    routes = {(re.sub(r"\{[^}]+\}", "{}", path), method) for path, methods in app.app.routes.items()
              for method in methods}
    for path, method, _ in OPERATIONS.values():
        concrete = (re.sub(r"\{[^}]+\}", "{}", path), method)
        generic = ("/api/tickets/{}/{}", method)  # the actions share one route
        assert concrete in routes or generic in routes, f"{method} {path} is documented but not routed"
    for operation in DOCUMENT["paths"].values():
        for op in operation.values():
            assert set(op["x-roles"]) <= {"operator", "officer", "collector", "state_admin"}
            assert {"401", "403"} <= set(op["responses"]), op["operationId"]


def _error_shape(response: Any, code: str | None = None) -> None:
    assert response.json is not None, response.body
    assert set(response.json) == {"error"} and set(response.json["error"]) == {"code", "message"}, response.json
    assert isinstance(response.json["error"]["message"], str) and response.json["error"]["message"]
    if code:
        assert response.json["error"]["code"] == code, response.json


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_the_role_matrix(operation_id, api, hotline, twilio_audio, monkeypatch):
    path, method, operation = OPERATIONS[operation_id]
    world = World(api, hotline)
    world.sandbox, world.monkeypatch = twilio_audio, monkeypatch
    report = []
    for user in USERS:
        request = RECIPES[operation_id](world, user)
        assert request.method == method and _matches(path, request.path.split("?")[0]), (request, path)
        response = api.call(user, request.method, request.path, request.body)
        status = response.status_code
        allowed = ROLE[user] in operation["x-roles"]
        if not allowed:
            outcome = status == 403 and response.json["error"]["code"] == "role_not_allowed"
        elif user in OTHER_DISTRICT and operation_id != "me":
            outcome = status in (403, 404)  # another district: refused, or its tickets read as missing
        elif user in OTHER_DEPARTMENT and "{number}" in path:
            outcome = status == 404  # another department's ticket is not there for this officer
        else:
            outcome = status in request.expect
        if status >= 400:
            _error_shape(response)
        if operation_id == "listTickets" and user in OTHER_DEPARTMENT:
            outcome = outcome and status == 200 and response.json["items"] == []
        if operation_id == "me" and status == 200:
            outcome = outcome and response.json["username"] == user and response.json["role"] == ROLE[user]
        report.append((user, "allowed" if allowed else "role refused", status, outcome,
                       response.body[:160] if not outcome else b""))
    failures = [row for row in report if not row[3]]
    assert not failures, "\n".join(f"{operation_id} as {u} ({kind}): {s} {body!r}" for u, kind, s, _, body in failures)
    # Every role the document allows really got through with at least one of its users.
    through = {ROLE[u] for u, kind, s, ok, _ in report if kind == "allowed" and s < 400}
    assert through == set(operation["x-roles"]), (operation_id, through)


def _matches(template: str, path: str) -> bool:
    return re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)), path) is not None


def test_an_officer_who_does_not_hold_the_ticket_is_told_so(api):
    """Same department, another level: the role may act, the ticket is not theirs (403 not_yours)."""
    world = World(api, None)
    number = world.ticket("L1")
    for user in ("officer.water.l2", "officer.water.l3"):
        for action, body in (("acknowledge", {}), ("resolve", {"remark": "हो गया"}),
                             ("more-time", {"days": 2, "reason": "x"}),
                             ("transfer", {"department": "health", "reason": "x"})):
            response = api.post(user, f"/api/tickets/{number}/{action}", body)
            assert response.status_code == 403, (user, action, response.body)
            _error_shape(response, "not_yours")
        # Seeing it is fine: the department's officers read their department's tickets.
        assert api.get(user, f"/api/tickets/{number}").json["allowed_actions"] == ["note"]
    assert api.get("officer.water.l1", f"/api/tickets/{number}").json["version"] == 1  # nothing changed


# -- tokens -----------------------------------------------------------------------------------------

def _concrete(path: str) -> str:
    return path.replace("{number}", "RPR2611230001").replace("{code}", "RPR")


def _bad_tokens(issuer: LocalIssuer, tmp_path: Any) -> dict[str, str | None]:
    import jwt

    stranger_same_kid = LocalIssuer(tmp_path / "key.pem", issuer=issuer.issuer, users=issuer.users)
    stranger = LocalIssuer(tmp_path / "other.pem", issuer=issuer.issuer, users=issuer.users)
    assert stranger_same_kid.kid == issuer.kid  # the same key id, another key: the signature must fail
    user = "collector.rpr"
    unsigned = jwt.encode({"sub": "x", "cognito:groups": ["collector"], "custom:district": "RPR",
                           "token_use": "id", "aud": issuer.client_id, "iss": issuer.issuer,
                           "exp": 4102444800}, None, algorithm="none")
    return {
        "no header": None,
        "not bearer": "Basic Y29sbGVjdG9yLnJwcjpkZW1vLWNvbGxlY3Rvcg==",
        "empty bearer": "Bearer ",
        "malformed": "Bearer not-a-token",
        "three garbled parts": "Bearer e30.e30.c2ln",
        "expired": "Bearer " + issuer.mint(user, hours=-1),
        "another audience": "Bearer " + issuer.mint(user, aud="another-app-client"),
        "another issuer": "Bearer " + issuer.mint(user, iss="https://cognito-idp.ap-south-1.amazonaws.com/other"),
        "another key, same key id": "Bearer " + stranger_same_kid.mint(user),
        "another key": "Bearer " + stranger.mint(user),
        "alg none": "Bearer " + unsigned,
        "access token": "Bearer " + issuer.mint(user, token_use="access"),
        "no token_use": "Bearer " + issuer.mint(user, token_use=None),
        "no role": "Bearer " + issuer.mint(user, **{"cognito:groups": ["visitors"]}),
        "officer without a post": "Bearer " + issuer.mint("officer.water.l1", **{"custom:level": ""}),
    }


def test_every_operation_refuses_a_missing_or_bad_token_with_401(api, issuer, tmp_path):
    tokens = _bad_tokens(issuer, tmp_path)
    targets = [(method, _concrete(path)) for path, method, _ in OPERATIONS.values()] + [("GET", "/api/openapi.json")]
    failures = []
    for name, header in tokens.items():
        for method, path in targets:
            headers = {"Content-Type": "application/json"} | ({"Authorization": header} if header else {})
            response = api.client.http.request(method, path, headers=headers, body=b"{}")
            try:
                assert response.status_code == 401
                assert response.headers.get("WWW-Authenticate") == "Bearer"
                _error_shape(_with_json(response), "sign_in_needed" if not header else None)
            except AssertionError:
                failures.append(f"{name}: {method} {path} -> {response.status_code} {response.body[:120]!r}")
    assert not failures, "\n".join(failures)


def test_a_good_token_is_still_good(api, issuer):
    """The other side of the 401s: the same request with the user's own token is answered."""
    assert api.get("collector.rpr", "/api/me").status_code == 200
    document_response = api.get("operator.rpr", "/api/openapi.json")
    assert document_response.status_code == 200 and document_response.json["paths"].keys() == DOCUMENT["paths"].keys()


# -- routes without a token -------------------------------------------------------------------------

PUBLIC = {("/health", "GET")}
CONSOLE_FILES = {("/console", "GET"), ("/console/{name}", "GET"),  # no data: every figure comes from /api
                 ("/console/vendor/{name}", "GET"),  # the Chime SDK bundle (`make chime`)
                 ("/video/{video_id}", "GET")}  # the citizen's video page: its data from /video/{id}/state
# A sign-language video call's own link: its id (128 random bits) is the secret, so an unknown one is 404 and
# nothing is said; the district's page that books one asks for a phone and sends the link only to it.
VIDEO_LINK = {("/video/{video_id}/state", "GET"), ("/video/{video_id}/{step}", "POST")}
VIDEO_ASK = {("/video/ask/{district}", "GET"), ("/video/ask/{district}", "POST")}
OWN_SIGNED_LINK = {("/recordings/{token}", "GET"), ("/recordings/{token}", "POST"), ("/r/{token}", "GET"),
                   ("/r/{token}", "POST")}


CARRIERS = ("twilio", "plivo")


def _carriers(path: str) -> list[str]:
    """A carrier's webhook route, once per carrier (and a carrier we have not: 404)."""
    return [path.replace("{carrier}", name) for name in (*CARRIERS, "exotel")] if "{carrier}" in path else [path]


def test_nothing_but_health_and_signed_carrier_routes_answers_without_a_token(api, app_module):
    """Every route the app has, called with no credentials at all."""
    seen = []
    for template, methods in app_module.app.routes.items():
        for method, entry in methods.items():
            for path in _carriers(template):
                concrete = (path.replace("{number}", "RPR2611230001").replace("{code}", "RPR")
                            .replace("{action}", "acknowledge").replace("{token}", "bm90LWEtbGluaw.eHh4")
                            .replace("{name}", "index.html"))
                concrete = re.sub(r"\{[a-z_]+\}", "1", concrete)
                form = "application/x-www-form-urlencoded" in (entry.content_types or [])
                headers = {"Content-Type": "application/x-www-form-urlencoded" if form else "application/json"}
                response = api.client.http.request(method, concrete, headers=headers, body=b"")
                key = (path, method)
                seen.append(key)
                if key in PUBLIC:
                    assert response.status_code == 200, key
                elif key in CONSOLE_FILES:
                    assert response.status_code in (200, 302, 404), key
                elif key in VIDEO_LINK:
                    assert response.status_code == 404, (key, response.status_code)
                    _error_shape(_with_json(response), "no_video_call")
                elif key in VIDEO_ASK:  # district "1": no such district; nothing booked, nothing sent
                    assert response.status_code == 404, (key, response.status_code)
                elif key in OWN_SIGNED_LINK:
                    assert response.status_code in (400, 403), (key, response.status_code)
                    assert b"<audio" not in response.body
                elif path == "/plivo/messaging/incoming":
                    assert response.status_code == 404, (key, response.status_code)  # Plivo takes no SMS here
                elif path.startswith(tuple(f"/{name}/" for name in CARRIERS)):
                    # A carrier's webhooks prove themselves with its signature; none: 403, nothing written.
                    assert response.status_code == 403, (key, response.status_code)
                elif path.startswith("/exotel/"):
                    assert response.status_code == 404, (key, response.status_code)  # no such carrier
                elif path.startswith("/api/"):
                    assert response.status_code == 401, (key, response.status_code, response.body)
                    _error_shape(_with_json(response), "sign_in_needed")
                else:
                    pytest.fail(f"{method} {path}: a route this test does not know; decide whether it needs a token")
    assert ("/api/openapi.json", "GET") in seen and len(seen) > 20


def test_an_unknown_action_needs_a_token_before_anything_is_said(api):
    response = api.post(None, "/api/tickets/RPR2611230001/delete", {})
    assert response.status_code == 401
    _error_shape(response, "sign_in_needed")
    known = api.post("collector.rpr", "/api/tickets/RPR2611230001/delete", {})
    assert known.status_code == 404
    _error_shape(known, "no_action")


def test_signed_twilio_routes_do_answer_without_a_token(api):
    response = signed_post(api.client, "/twilio/voice/incoming", {
        "CallSid": "CA" + "0" * 32, "From": CALLER, "To": "+919977222564", "AccountSid": "AC" + "1" * 32})
    assert response.status_code == 200 and b"<Response>" in response.body


def test_the_console_config_file_holds_no_secret(api):
    response = api.client.http.get("/console/config.json")
    assert response.status_code == 200
    config = _with_json(response).json
    assert set(config) == {"auth_endpoint", "client_id", "stage", "action_paths"}
    # The console posts each allowed action to the API path the actions' table names, "note" to /notes.
    assert config["action_paths"]["note"] == "notes" and config["action_paths"]["more_time"] == "more-time"


def _with_json(response: Any) -> Any:
    response.json = json.loads(response.body)
    return response
