"""Issue 14, point 7: the rough edges met on `make run`, each through the interface its user meets it by —
`manage.py` in a subprocess, the sandbox over HTTP, the console's API, the ringer under `advance`."""
from __future__ import annotations

import base64
import json
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest

from chalicelib.local.sandbox import Sandbox
from chalicelib.state_file import read_state_file
from chalicelib.store.district_loader import load_district, load_state
from tests.support.demo import untranscribed
from tests.support.fixtures import ROOT

RAIPUR = ROOT / "examples" / "raipur.yaml"
ACCOUNT, TOKEN = "AC" + "1" * 32, "rough-edges-token"


def _manage(*args: str, env: dict[str, str] | None = None, stdin: int | None = subprocess.DEVNULL,
            timeout: float = 60) -> subprocess.CompletedProcess:
    base = {k: v for k, v in __import__("os").environ.items() if not k.startswith(("AWS_", "SAMVAD_", "TWILIO_"))}
    base.update({"AWS_DEFAULT_REGION": "ap-south-1", **(env or {})})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=base, stdin=stdin,
                          capture_output=True, text=True, timeout=timeout)


# --- `manage.py call` with no terminal ---------------------------------------------------------------------------

def test_call_from_dev_null_without_a_script_says_to_give_one(tmp_path):
    done = _manage("call", env={"SAMVAD_LOCAL_STATE": str(tmp_path / "stack.json")})
    assert done.returncode == 2
    assert "EOFError" not in done.stderr and "Traceback" not in done.stderr
    assert "neither a terminal nor a pipe" in done.stderr and "--script '1|1|2|say:" in done.stderr


def test_a_terminal_caller_who_presses_ctrl_d_hangs_up_rather_than_crashing():
    from chalicelib.local.caller import Hangup, TerminalAnswerer

    def ctrl_d(prompt: str) -> str:
        raise EOFError

    with pytest.raises(Hangup):
        TerminalAnswerer(ctrl_d).digits(1)


# --- `manage.py messages` shows a WhatsApp template's variables ------------------------------------------------

@pytest.fixture
def sandbox(tmp_path):
    running = Sandbox("127.0.0.1", 0, ACCOUNT, TOKEN).start()
    state = tmp_path / "stack.json"
    state.write_text(json.dumps({"sandbox_url": running.url}))
    yield running, state
    running.stop()


def _send(sandbox_url: str, form: dict[str, str]) -> None:
    login = base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
    request = urllib.request.Request(f"{sandbox_url}/api/2010-04-01/Accounts/{ACCOUNT}/Messages.json",
                                     data=urllib.parse.urlencode(form).encode(), method="POST",
                                     headers={"Authorization": f"Basic {login}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 201


def test_messages_lists_a_whatsapp_template_with_its_variables_and_an_sms_with_its_text(sandbox):
    running, state = sandbox
    _send(running.url, {"To": "whatsapp:+919812345678", "From": "whatsapp:+919977222500",
                        "ContentSid": "HX" + "a" * 32,
                        "ContentVariables": json.dumps({"1": "RPR2611230001", "2": "पेयजल"}, ensure_ascii=False)})
    _send(running.url, {"To": "+919812345678", "From": "+919977222584", "Body": "आपकी शिकायत RPR2611230002"})
    done = _manage("messages", env={"SAMVAD_LOCAL_STATE": str(state)})
    assert done.returncode == 0, done.stderr
    template, sms = done.stdout.strip().splitlines()
    assert "None" not in template
    assert template.endswith(f"WhatsApp template HX{'a' * 32} ({{{{1}}}}=RPR2611230001, {{{{2}}}}=पेयजल)")
    assert sms.endswith("+919977222584 → +919812345678: आपकी शिकायत RPR2611230002")


# --- the ringer under `advance` ----------------------------------------------------------------------------------

def test_the_ringer_never_joins_a_call_thread_before_it_has_started(monkeypatch):
    """`advance` waits for the calls it caused while the sandbox's threads ring more: a thread listed before it
    started made the wait raise "cannot join thread before it is started"."""
    from chalicelib.local.ringer import Ringer
    from chalicelib.local.sandbox import SandboxState

    class Answered:  # the callee's side: a call that takes a moment to play out
        def post(self, url, form, headers):
            time.sleep(0.05)
            return 200, '<?xml version="1.0"?><Response><Hangup/></Response>'

        def get(self, url, headers=None):
            return 200, ""

    state = SandboxState(ACCOUNT, TOKEN)
    ringer = Ringer(state, "http://127.0.0.1:9", transport=Answered())
    start = threading.Thread.start

    def slow_start(self):  # the thread that rang is pre-empted just before the call's thread starts
        time.sleep(0.02)
        start(self)

    monkeypatch.setattr(threading.Thread, "start", slow_start)
    calls = [{"sid": f"CA{i:032d}", "request": {"To": "+919812345678", "From": "+919977222584",
                                               "Url": "http://127.0.0.1:9/twilio/callback"}} for i in range(20)]
    ringing = [threading.Thread(target=ringer.ring, args=(c,)) for c in calls]
    for thread in ringing:
        start(thread)
    failures: list[BaseException] = []
    deadline = time.monotonic() + 5
    while any(t.is_alive() for t in ringing) and time.monotonic() < deadline:
        try:
            ringer.wait(seconds=5)
        except RuntimeError as error:
            failures.append(error)
    for thread in ringing:
        thread.join()
    ringer.wait(seconds=10)
    assert failures == []
    assert all(c.get("status") in ("completed", "no-answer") for c in calls)  # every call played out


# --- the demo's operators have phones of their own ---------------------------------------------------------------

def test_the_demo_operators_phones_are_nobody_elses():
    from chalicelib.district_file import read_district_file
    from chalicelib.state_file import is_state_file

    for path in sorted((ROOT / "examples").glob("*.yaml")):
        if is_state_file(path):
            continue
        district = read_district_file(path)  # refuses a shared phone
        assert not {o.phone for o in district.operators} & district.officer_phones(), path.name


def test_load_district_refuses_an_operator_whose_phone_is_an_officers(tmp_path):
    text = RAIPUR.read_text(encoding="utf-8")
    assert '    phone: "+919000000902"' in text
    shared = tmp_path / "raipur.yaml"
    shared.write_text(text.replace('    phone: "+919000000902"', '    phone: "+919000000502"'), encoding="utf-8")
    done = _manage("load-district", str(shared))
    assert done.returncode == 2, done.stdout + done.stderr
    assert ("operators[1] (operator.rpr.night): phone +919000000502 is also the phone of departments.revenue.L2 "
            "(Sub Divisional Magistrate)") in done.stderr
    assert "give the operator a number of their own" in done.stderr and "Traceback" not in done.stderr


def test_the_console_save_refuses_it_too(api):
    found = api.get("state.admin", "/api/districts/RPR/config").json
    config = found["config"]
    config["operators"][0]["phone"] = config["departments"][0]["officers"]["L1"]["phone"]  # the health L1's
    refused = api.put("state.admin", "/api/districts/RPR/config", {"version": found["version"], "config": config})
    assert refused.status_code == 422, refused.json
    assert "give the operator a number of their own" in json.dumps(refused.json, ensure_ascii=False), refused.json


# --- a state admin's new complaint names its district ------------------------------------------------------------

@pytest.fixture
def state_number(aws):
    load_district(untranscribed(ROOT / "examples" / "bilaspur.yaml"))
    load_state(read_state_file(ROOT / "examples" / "state-181.yaml"))


COMPLAINT = {"caller_phone": "+919812345678", "category": "water", "description": "हैंडपंप खराब है"}


@pytest.mark.parametrize(("language", "words"), [
    ("en", 'Choose the district this complaint is for: send "district" with it, one of RPR, BSP.'),
    ("hi", 'यह शिकायत किस ज़िले की है, चुनें: उसके साथ "district" भेजें, इनमें से एक: RPR, BSP।')])
def test_a_state_admin_registering_a_complaint_is_asked_for_its_district_in_their_language(
        api, state_number, language, words):
    refused = api.post("state.admin", "/api/tickets", COMPLAINT, headers={"Accept-Language": language})
    error = refused.json["error"]
    assert (refused.status_code, error["code"], error["message"]) == (400, "district_needed", words)
    assert "?district=" not in error["message"]
    registered = api.post("state.admin", "/api/tickets", {**COMPLAINT, "district": "RPR"},
                          headers={"Accept-Language": language})
    assert registered.status_code in (200, 201), registered.json
    assert registered.json["complaint_number"].startswith("RPR")


# --- an edited district file takes effect at once on the local stack ----------------------------------------------

@pytest.mark.alone
def test_an_edited_district_file_loaded_into_the_running_stack_is_heard_on_the_next_call(tmp_path):
    from tests.support.stack_process import running_stack

    with running_stack(tmp_path) as stack:
        env = stack["env"]

        def heard() -> str:
            done = subprocess.run([sys.executable, "manage.py", "call", "--from", "+919844400044",
                                   "--to", "+919977222584", "--script", "1|1|hangup"], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=60)
            return done.stdout + done.stderr

        assert "पेयजल" in heard()  # the directory is cached now (SAMVAD_DIRECTORY_CACHE_SECONDS, 60 s)
        edited = tmp_path / "raipur.yaml"
        edited.write_text(RAIPUR.read_text(encoding="utf-8").replace("hi: पेयजल,", "hi: पीने का पानी,"),
                          encoding="utf-8")
        load = subprocess.run([sys.executable, "manage.py", "load-district", str(edited), "--local"], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=60)
        assert load.returncode == 0, load.stdout + load.stderr
        assert "the running stack reads it from the next call on" in load.stdout
        now = heard()
        assert "पीने का पानी" in now and "पेयजल" not in now, now
        assert any("directory reloaded" in line for line in stack["output"])

