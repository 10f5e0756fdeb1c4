"""`make run` for real: the stack in its own process, phoned through `manage.py call` over HTTP."""
from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.stack_process import running_stack

ROOT = Path(__file__).resolve().parents[2]


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def local_stack(tmp_path):
    with running_stack(tmp_path) as stack:
        yield stack


def test_make_run_answers_health_and_a_scripted_call_ends_in_an_sms(local_stack):
    state = local_stack["state"]
    assert _get_json(f"{state['base_url']}/health") == {"status": "ok", "stage": "local"}
    call = subprocess.run(
        [sys.executable, "manage.py", "call", "--from", "+919822200011", "--to", "+919977222584",
         "--script", "1|1|2|say:राशन दुकान तीन महीने से बंद है, वार्ड चार, अभनपुर"],
        cwd=ROOT, env=local_stack["env"], capture_output=True, text=True, timeout=60)
    assert call.returncode == 0, call.stdout + call.stderr
    assert "आपकी शिकायत दर्ज हो गई है" in call.stdout and "(beep)" in call.stdout

    messages: list = []
    deadline = time.monotonic() + 20
    while not messages and time.monotonic() < deadline:  # the pump delivers within a couple of seconds
        messages = _get_json(f"{state['sandbox_url']}/sandbox/messages?to=%2B919822200011")["messages"]
        time.sleep(0.3)
    [sms] = messages  # Raipur's Collectorate lines and its SMS are on Plivo: a DLT SMS from its header
    assert sms["body"].startswith("आपकी शिकायत RPR") and (sms["carrier"], sms["from"]) == ("plivo", "RPRCOL")
    assert sms["request"]["dst"].lstrip("+") == "919822200011"  # the fields Plivo's API received
    assert sms["request"]["dlt_entity_id"].startswith("DEMO") and sms["request"]["dlt_template_id"].startswith("DEMO")
    [recording] = _get_json(f"{state['sandbox_url']}/sandbox/recordings")["recordings"]
    assert recording["carrier"] == "plivo"  # its media, like Plivo's, only with the account's credentials
    login = base64.b64encode(f"{state['plivo_auth_id']}:{state['plivo_auth_token']}".encode()).decode()
    fetch = urllib.request.Request(recording["url"], headers={"Authorization": f"Basic {login}"})
    with urllib.request.urlopen(fetch, timeout=5) as response:
        assert "राशन दुकान" in response.read().decode()


def test_time_passes_locally_the_officer_resolves_by_sms_and_the_citizen_answers_the_feedback_call(local_stack):
    state, env = local_stack["state"], local_stack["env"]

    def manage(*args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    manage("call", "--from", "+919833300022", "--script", "1|1|3|say:हैंडपंप खराब है")
    messages = _get_json(f"{state['sandbox_url']}/sandbox/messages?to=%2B919833300022")["messages"]
    deadline = time.monotonic() + 20
    while not messages and time.monotonic() < deadline:
        time.sleep(0.3)
        messages = _get_json(f"{state['sandbox_url']}/sandbox/messages?to=%2B919833300022")["messages"]
    number = re.search(r"RPR\d+", messages[0]["body"]).group(0)

    reminder = manage("advance", "36h")
    assert f"स्मरण: शिकायत {number}" in reminder and "+919000000301" in reminder
    assert "निराकरण दर्ज" in manage("text", "+919000000301", f"DONE {number} नया हैंडपंप लगाया")
    manage("answer", "+919833300022", "1")
    closing = manage("advance", "1m")
    assert "call to +919833300022: completed" in closing
    assert f"धन्यवाद। शिकायत {number} बंद की गई।" in closing


def test_a_call_during_an_outage_is_reconciled_into_a_ticket_and_an_sms(local_stack):
    state, env = local_stack["state"], local_stack["env"]

    def manage(*args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    heard = manage("call", "--outage", "--from", "+919844400033", "--script", "say:सड़क पर गड्ढे हैं, वार्ड नौ")
    assert "/fallback/voice.xml" in heard and "क्षमा करें" in heard and "(beep)" in heard and "धन्यवाद" in heard
    with urllib.request.urlopen(f"{state['sandbox_url']}/fallback/voice.xml", timeout=5) as response:
        assert response.headers["Content-Type"].startswith("text/xml")  # what S3 serves, deployed

    first = manage("reconcile", "--local", "--min-age", "0")
    number = re.search(r"1 tickets created (RPR\d+)", first).group(1)
    assert "from +91******0033" in first  # progress, with the number masked
    messages: list = []
    deadline = time.monotonic() + 20
    while not messages and time.monotonic() < deadline:
        messages = _get_json(f"{state['sandbox_url']}/sandbox/messages?to=%2B919844400033")["messages"]
        time.sleep(0.3)
    [sms] = messages
    assert sms["body"].startswith(f"आपकी शिकायत {number} दर्ज")
    assert "0 tickets created" in manage("reconcile", "--local", "--min-age", "0")


def _post_json(url: str, body: dict, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _get(url: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_console_signs_in_like_cognito_and_the_api_verifies_the_local_token(local_stack):
    state = local_stack["state"]
    config = _get_json(f"{state['base_url']}/console/config.json")
    assert config["auth_endpoint"] == state["auth"]["endpoint"] and config["client_id"] == state["auth"]["client_id"]
    cognito = {"Content-Type": "application/x-amz-json-1.1",
               "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"}
    sign_in = {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": config["client_id"],
               "AuthParameters": {"USERNAME": "operator.rpr", "PASSWORD": "demo-operator"}}
    status, answer = _post_json(config["auth_endpoint"], sign_in, cognito)
    assert status == 200, answer
    status, me = _get(f"{state['base_url']}/api/me", answer["AuthenticationResult"]["IdToken"])
    assert (status, me["role"], me["district"]) == (200, "operator", "RPR")

    sign_in["AuthParameters"]["PASSWORD"] = "wrong"
    status, answer = _post_json(config["auth_endpoint"], sign_in, cognito)
    assert (status, answer["__type"]) == (400, "NotAuthorizedException")
    status, refusal = _get(f"{state['base_url']}/api/me")
    assert status == 401 and refusal["error"]["code"] == "sign_in_needed"

    # The documented command prints a token for scripts and API clients.
    token = subprocess.run([sys.executable, "manage.py", "token", "collector.rpr"], cwd=ROOT, env=local_stack["env"],
                           capture_output=True, text=True, timeout=30)
    assert token.returncode == 0, token.stderr
    status, figures = _get(f"{state['base_url']}/api/dashboard", token.stdout.strip())
    assert status == 200 and figures["district"] == "RPR"
    assert any("collector.rpr" in line and "demo-collector" in line for line in local_stack["output"])
