"""The store reads its environment when it is used, not when it is imported: a process may import the models
first and learn its stage after (the local stack, a test, a bench run), and the X-Ray patch waits for the
first request of a deployed, traced function."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.support.demo import ROOT

# A fresh interpreter: nothing imported the models before this script does.
SCRIPT = """
import os, sys

import boto3
from moto import mock_aws

from chalicelib.store.models import CounterModel, TicketModel
assert "aws_xray_sdk" not in sys.modules, "importing the models patched X-Ray"

# Learnt after the import, as a deployed traced function's first request would find them.
os.environ.update(SAMVAD_STAGE="later", AWS_LAMBDA_FUNCTION_NAME="samvad-later", AWS_XRAY_SDK_ENABLED="true")
with mock_aws():
    from chalicelib.local.provision import provision

    provision(boto3.client("dynamodb"), boto3.client("sqs"), "later")
    CounterModel("STAGE", "check", value=7).save()
    item = boto3.client("dynamodb").get_item(TableName="samvad-later-counters",
                                             Key={"pk": {"S": "STAGE"}, "sk": {"S": "check"}})["Item"]
    print(item["value"]["N"], TicketModel.Meta.table_name, "aws_xray_sdk" in sys.modules)
"""


def test_the_models_use_the_stage_set_after_their_import_and_patch_x_ray_on_first_use():
    env = {k: v for k, v in os.environ.items() if k not in ("SAMVAD_STAGE", "AWS_LAMBDA_FUNCTION_NAME")}
    env["AWS_XRAY_SDK_ENABLED"] = "false"
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["7", "samvad-later-tickets", "True"]
