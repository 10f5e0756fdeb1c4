"""Powertools for AWS Lambda in the queue consumers and the schedules, never on the webhook path; secrets read
from SSM are read again after their max age, on both paths."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import boto3
import pytest

from chalicelib import settings
from chalicelib.local.lambda_events import LambdaContext, sqs_event
from tests.support.fixtures import signed_post

ROOT = Path(__file__).resolve().parents[2]
TOKEN_PARAMETER = "/samvad/test/twilio-auth-token"

WEBHOOK_IN_A_FRESH_INTERPRETER = """
import sys
from moto import mock_aws
import boto3
with mock_aws():
    from chalicelib import settings
    from chalicelib.local.provision import provision
    provision(boto3.client("dynamodb"), boto3.client("sqs"), settings.stage())
    from chalicelib.district_file import read_district_file
    from chalicelib.store.district_loader import load_district
    from tests.support.demo import demo_on
    load_district(demo_on("twilio"))
    loaded_by_setup = sorted(m for m in sys.modules if m.startswith("aws_lambda_powertools"))
    import app
    from chalice.test import Client
    from tests.support.fixtures import signed_post
    with Client(app.app, stage_name="test") as client:
        answer = signed_post(client, "/twilio/voice/incoming",
                             {"CallSid": "CA" + "0" * 32, "From": "+919812345678", "To": "+919977222564"})
    print(answer.status_code, "<Response>" in answer.body.decode(), loaded_by_setup,
          sorted(m for m in sys.modules if m.startswith("aws_lambda_powertools")))
"""


def test_importing_app_and_answering_a_call_never_loads_powertools():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", WEBHOOK_IN_A_FRESH_INTERPRETER], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split()[-4:] == ["200", "True", "[]", "[]"], done.stdout + done.stderr


@pytest.fixture
def token_in_ssm(aws, monkeypatch):
    """Deployed: the token is an SSM SecureString that TWILIO_AUTH_TOKEN_PARAMETER names."""
    ssm = boto3.client("ssm", region_name=settings.region())
    ssm.put_parameter(Name=TOKEN_PARAMETER, Value="token-before-rotation", Type="SecureString")
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN_PARAMETER", TOKEN_PARAMETER)
    settings.read_parameters_with(None)
    settings._ssm.cache_clear()
    settings._parameters.clear()
    yield ssm
    settings.read_parameters_with(None)
    settings._parameters.clear()


def _rotate(ssm) -> None:
    ssm.put_parameter(Name=TOKEN_PARAMETER, Value="token-after-rotation", Type="SecureString", Overwrite=True)


def test_the_webhook_path_takes_a_rotated_token_after_its_max_age(token_in_ssm, client, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(settings, "_clock", lambda: now[0])
    form = {"CallSid": "CA" + "1" * 32, "From": "+919812345678", "To": "+919977222564"}
    url = settings.public_base_url() + "/twilio/voice/incoming"

    def answer(token: str) -> int:
        from chalicelib.telephony.signature import sign

        return signed_post(client, "/twilio/voice/incoming", form, signature=sign(url, form, token)).status_code

    assert answer("token-before-rotation") == 200
    _rotate(token_in_ssm)
    now[0] += settings.secret_max_age_seconds() - 1
    assert answer("token-before-rotation") == 200  # still within its max age: SSM is not asked again
    assert answer("token-after-rotation") == 403
    now[0] += 2
    assert answer("token-after-rotation") == 200
    assert answer("token-before-rotation") == 403
    assert "aws_lambda_powertools.utilities.parameters" not in sys.modules or settings._parameter_reader is None


def test_a_consumer_reads_the_token_through_powertools_parameters_and_takes_a_rotation(
        token_in_ssm, aws, twilio, app_module, phone, monkeypatch):
    from aws_lambda_powertools.utilities.parameters import base

    from chalicelib import powertools

    moved = [timedelta(0)]

    class MovableDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + moved[0]

    monkeypatch.setattr(base, "datetime", MovableDatetime)
    powertools.ssm_parameters.cache_clear()
    # Twilio signs with the token the webhook reads; the light reader's copy is the one before rotation.
    phone("1|1|3|say:हैंडपंप खराब है")
    sqs = aws["sqs"]
    url = sqs.get_queue_url(QueueName=settings.queue_name("notify"))["QueueUrl"]
    arn = f"arn:aws:sqs:{settings.region()}:123456789012:{settings.queue_name('notify')}"
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    _rotate(token_in_ssm)
    twilio.fail_next(503)  # the first delivery fails, so the second one sends again
    app_module.notifier(sqs_event([message], arn, settings.region()), LambdaContext("notifier"))
    assert settings._parameter_reader is powertools.read_parameter
    [first] = twilio.requests
    assert first.auth == (settings.twilio_account_sid(), "token-after-rotation")  # Powertools read it afresh

    token_in_ssm.put_parameter(Name=TOKEN_PARAMETER, Value="token-third", Type="SecureString", Overwrite=True)
    app_module.notifier(sqs_event([message], arn, settings.region()), LambdaContext("notifier"))
    assert {r.auth[1] for r in twilio.requests[1:]} == {"token-after-rotation"}  # cached within the max age
    twilio.requests.clear()
    moved[0] = timedelta(seconds=settings.secret_max_age_seconds() + 1)
    app_module.notifier(sqs_event([message], arn, settings.region()), LambdaContext("notifier"))
    assert twilio.requests == []  # nothing left to send: both messages went out once
    assert settings.twilio_auth_token() == "token-third"


def test_a_consumer_logs_json_lines_with_phones_masked_and_the_event(aws, twilio, app_module, phone, capsys,
                                                                    monkeypatch, background_logger):
    monkeypatch.setenv("SAMVAD_LOG_FORMAT", "json")
    phone("1|1|3|say:हैंडपंप खराब है")
    sqs = aws["sqs"]
    url = sqs.get_queue_url(QueueName=settings.queue_name("notify"))["QueueUrl"]
    arn = f"arn:aws:sqs:{settings.region()}:123456789012:{settings.queue_name('notify')}"
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    twilio.fail_next(RuntimeError("Twilio refused To=+919812345678"))
    capsys.readouterr()
    app_module.notifier(sqs_event([message], arn, settings.region()), LambdaContext("notifier"))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    from chalicelib import powertools

    [failed] = [line for line in lines if "returns to the queue" in line["message"]]
    assert failed["service"] == powertools.SERVICE and failed["level"] == "ERROR"
    assert failed["complaint_number"].startswith("RPR") and failed["event_id"]
    assert "+91******5678" in failed["exception"] and "9812345678" not in json.dumps(lines)
