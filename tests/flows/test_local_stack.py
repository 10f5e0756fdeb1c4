"""`make run` for real: the stack in its own process, phoned through `manage.py call` over HTTP."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port_block(size: int = 3) -> int:
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + size < 65535 and all(_is_free(base + i) for i in range(size)):
            return base
    raise RuntimeError("no free ports on loopback")


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def local_stack(tmp_path):
    port = _free_port_block()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TWILIO_", "SAMVAD_", "PUBLIC_"))}
    env["SAMVAD_LOCAL_STATE"] = str(tmp_path / "stack.json")
    process = subprocess.Popen([sys.executable, "-m", "chalicelib.local.stack", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    output = []
    deadline = time.monotonic() + 60
    for line in process.stdout:
        output.append(line)
        if "Samvad is running" in line or time.monotonic() > deadline:
            break
    assert any("Samvad is running" in line for line in output), "".join(output)
    yield {"port": port, "env": env, "state": json.loads((tmp_path / "stack.json").read_text()), "output": output}
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    assert not (tmp_path / "stack.json").exists()  # stopped cleanly


def test_make_run_answers_health_and_a_scripted_call_ends_in_an_sms(local_stack):
    state = local_stack["state"]
    assert _get_json(f"{state['base_url']}/health") == {"status": "ok", "stage": "local"}
    call = subprocess.run(
        [sys.executable, "manage.py", "call", "--from", "+919822200011", "--to", "+919977222584",
         "--script", "1|2|say:राशन दुकान तीन महीने से बंद है, वार्ड चार, अभनपुर"],
        cwd=ROOT, env=local_stack["env"], capture_output=True, text=True, timeout=60)
    assert call.returncode == 0, call.stdout + call.stderr
    assert "आपकी शिकायत दर्ज हो गई है" in call.stdout and "(beep)" in call.stdout

    messages: list = []
    deadline = time.monotonic() + 20
    while not messages and time.monotonic() < deadline:  # the pump delivers within a couple of seconds
        messages = _get_json(f"{state['sandbox_url']}/sandbox/messages?to=%2B919822200011")["messages"]
        time.sleep(0.3)
    [sms] = messages
    assert sms["body"].startswith("आपकी शिकायत क्र. RPR") and sms["from"] == "+919977222500"
    assert sms["request"]["To"] == "+919822200011"  # the fields Twilio's API received
    [recording] = _get_json(f"{state['sandbox_url']}/sandbox/recordings")["recordings"]
    with urllib.request.urlopen(recording["url"], timeout=5) as response:
        assert "राशन दुकान" in response.read().decode()


def test_time_passes_locally_the_officer_resolves_by_sms_and_the_citizen_answers_the_feedback_call(local_stack):
    state, env = local_stack["state"], local_stack["env"]

    def manage(*args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    manage("call", "--from", "+919833300022", "--script", "1|3|say:हैंडपंप खराब है")
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
