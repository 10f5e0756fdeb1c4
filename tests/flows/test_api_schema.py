"""The OpenAPI document against the routes: schemathesis generates requests from the document (valid
ones, and invalid ones that must be refused), chalice's test client carries them into the app in
process, and every answer is checked: no 5xx, a documented status code, a documented content type, a
body that conforms to the documented schema.

Valid cases are pointed at real data three times in four (a ticket, the demo district, a category),
so the checks see tickets, timelines and figures, not only 404s. Repeatable: derandomized, no example
database.
"""
from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chalicelib import wiring
from chalicelib.api.openapi import document
from tests.support.fixtures import CALLER
from tests.support.operators import TUESDAY_MORNING, incoming, pin
from tests.support.transcripts import transcribed

# Hypothesis keeps caches in ./.hypothesis by default: not in the working tree.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "samvad-hypothesis")


def _tested_document() -> dict[str, Any]:
    """The document, with the bearer requirement left to this harness: every case carries a real user's
    token (the 401s are tests/flows/test_api_authorisation.py's), so the invalid cases schemathesis makes
    are invalid queries, paths and bodies, not missing tokens."""
    tested = document()
    for item in tested["paths"].values():
        for operation in item.values():
            operation.pop("security", None)
    return tested


SCHEMA = schemathesis.openapi.from_dict(_tested_document())
OPERATIONS = {op["operationId"]: op for item in document()["paths"].values() for op in item.values()}
USERS = {"collector.rpr": "collector", "officer.water.l1": "officer", "operator.rpr.sign": "operator"}
POSITIVE_EXAMPLES = 15
NEGATIVE_EXAMPLES = 8
BASE = "http://samvad.test"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


def send(client: Any, case: Any, token: str) -> Response:
    """A generated case through chalice's test client, answered as schemathesis' own Response."""
    kwargs = case.as_transport_kwargs(base_url=BASE, headers={"Authorization": f"Bearer {token}"})
    prepared = requests.Request(method=kwargs["method"], url=kwargs["url"], headers=kwargs.get("headers"),
                                params=kwargs.get("params"), json=kwargs.get("json"), data=kwargs.get("data"),
                                cookies=kwargs.get("cookies")).prepare()
    body = prepared.body or b""
    started = time.perf_counter()
    answer = client.http.request(prepared.method, prepared.path_url, headers=dict(prepared.headers),
                                 body=body.encode() if isinstance(body, str) else body)
    elapsed = time.perf_counter() - started
    headers = {name.lower(): [value] for name, value in answer.headers.items()}
    return Response(status_code=answer.status_code, headers=headers, content=answer.body, request=prepared,
                    elapsed=elapsed, verify=True)


@pytest.fixture
def seeded(api, hotline, twilio_audio, monkeypatch):
    """Tickets in several states, so generated requests meet real data; a voice call and a sign-language video
    call the citizen is in (the sandbox plays the meeting service)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS", f"{twilio_audio.url}/chime-meetings")
    monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES", f"{twilio_audio.url}/chime-pipelines")
    wiring.video_meetings.cache_clear()
    pin(hotline.clock, TUESDAY_MORNING)  # inside the day operator's shift, for the call on the operators line
    numbers = [hotline.complaint("3")]  # from a call: with a recording
    for category in ("health", "water", "electricity", "health", "water", "water"):
        answer = api.post("operator.rpr", "/api/tickets", {
            "caller_phone": CALLER, "category": category, "description": "बिजली नहीं, पानी नहीं — =1+1",
            "caller_name": "रामू", "address": "वार्ड ७, खरोरा"})
        assert answer.status_code == 201, answer.body
        numbers.append(answer.json["complaint_number"])
    from tests.support.demo import offer_kinds

    offer_kinds("demand")  # after the call: the IVR would ask the kind first
    demands = []  # for the water L1 officer to decline (the generated cases decline some)
    for _ in range(3):
        answer = api.post("operator.rpr", "/api/tickets", {"caller_phone": CALLER, "category": "water",
                                                           "kind": "demand", "description": "नई पाइपलाइन"})
        assert answer.status_code == 201, answer.body
        demands.append(answer.json["complaint_number"])
    assert api.post("officer.water.l1", f"/api/tickets/{numbers[0]}/more-time",
                    {"days": 2, "reason": "पाइप"}).status_code == 200
    assert api.post("officer.water.l1", f"/api/tickets/{numbers[2]}/resolve", {"remark": "ठीक"}).status_code == 200
    for _ in range(2):  # a water ticket at L3 whose officer asks for time: the Collector decides that one
        assert api.post("collector.rpr", f"/api/tickets/{numbers[5]}/escalate", {"reason": "देर"}).status_code == 200
    assert api.post("officer.water.l3", f"/api/tickets/{numbers[5]}/more-time",
                    {"days": 3, "reason": "पाइप"}).status_code == 200
    hotline.deliver()
    transcribed(numbers[0])  # the call's ticket with its transcript, for the correction
    district = api.get("collector.rpr", "/api/districts/RPR").json
    return {"numbers": numbers, "demands": demands, "categories": [c["id"] for c in district["categories"]],
            "departments": [d["id"] for d in district["departments"]],
            "calls": [incoming(api.client)[0], _video_call_joined(api)]}


def _video_call_joined(api) -> str:
    from chalicelib.operations.video_booking import request_video

    booked = request_video(wiring.directory().district("RPR"), "+919812345670", "hi", "web",
                           calls=wiring.video_calls(), dispatcher=wiring.dispatcher(), clock=wiring.clock(),
                           link_base="https://samvad.test")
    assert api.post(None, f"/video/{booked.call.id}/join").status_code == 200
    return booked.call.id


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_the_routes_answer_as_the_document_says(operation_id, api, seeded):
    operation = SCHEMA.find_operation_by_id(operation_id)
    users = [user for user, role in USERS.items() if role in OPERATIONS[operation_id]["x-roles"]]
    tokens = {user: api.token(user) for user in users}
    sent: list[tuple[str, str, int]] = []

    def run(mode: GenerationMode, examples: int, checks: list[Any]) -> None:
        @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
        @settings(max_examples=examples, derandomize=True, database=None, deadline=None, print_blob=False,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def check(case: Any, data: st.DataObject) -> None:
            user = data.draw(st.sampled_from(users), label="user")
            if mode is GenerationMode.POSITIVE:  # an invalid case must stay invalid
                _aim_at_real_data(case, data, seeded, api)
            response = send(api.client, case, tokens[user])
            sent.append((mode.name, user, response.status_code))
            case.validate_response(response, checks=checks)

        check()

    run(GenerationMode.POSITIVE, POSITIVE_EXAMPLES, CHECKS)
    if operation.path_parameters or operation.query or operation.body:  # something to make invalid
        run(GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES, [*CHECKS, negative_data_rejection])
    # It did send requests (each checked above), as each allowed user, and some of them went through.
    assert {user for _, user, _ in sent} == set(users), sent
    assert any(mode == "POSITIVE" and status < 300 for mode, _, status in sent), sent


def _aim_at_real_data(case: Any, data: st.DataObject, seeded: dict[str, Any], api: Any) -> None:
    """Point a valid case at real data: a ticket, the district, a category, a department."""
    def real() -> bool:  # three times in four: hypothesis' own booleans lean to False
        return data.draw(st.sampled_from((True, True, True, False)))

    path, query, body = case.path_parameters or {}, case.query or {}, case.body
    if "number" in path and real():
        tickets = seeded["demands"] if case.operation.path.endswith("/decline") else seeded["numbers"]
        path["number"] = data.draw(st.sampled_from(tickets), label="number")
    if "code" in path and real():
        path["code"] = "RPR"
    if "call_sid" in path and real():
        path["call_sid"] = data.draw(st.sampled_from(seeded["calls"]), label="call_sid")
    if "phone" in path and case.operation.path.endswith("/officer-pins/{phone}") and real():
        path["phone"] = "919000000301"  # an officer's phone: only officers have an IVR PIN
    if real():
        query.pop("district", None)
        if query.get("view") == "number":
            query["number"] = data.draw(st.sampled_from(seeded["numbers"]))
        if query.get("view") == "caller":
            query["phone"] = CALLER
        if "department" in query:
            query["department"] = data.draw(st.sampled_from(seeded["departments"]))
    if isinstance(body, dict) and real():
        for name, choices in (("category", seeded["categories"]), ("department", seeded["departments"]),
                              ("language", ["hi", "en"]), ("district", ["RPR"])):
            if name in body:
                body[name] = data.draw(st.sampled_from(choices), label=name)
        if case.operation.path == "/api/tickets" and case.operation.method.upper() == "POST" \
                and not str(body.get("description") or "").strip():
            body["description"] = "हैंडपंप खराब है"  # a complaint says what it is about (a request's form aside)
        if case.operation.method.upper() == "PUT" and "config" in body:
            current = api.get("collector.rpr", "/api/districts/RPR/config").json
            body.update(version=current["version"], config=current["config"])


def test_the_served_document_is_the_one_tested_and_a_valid_openapi_document(api):
    from openapi_spec_validator import validate

    served = api.get("collector.rpr", "/api/openapi.json")
    assert served.status_code == 200
    assert served.json == json.loads(json.dumps(document()))
    validate(served.json)
