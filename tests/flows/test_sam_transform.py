"""The deploy guide's commands, offline, through their real interfaces: `make deploy … DRY_RUN=1` (which runs
`make package`, the SAM transform included) and `make package` refusing a template the transform refuses.

Both run in one copy of the project (one chalice build, reused), with no AWS credentials, every proxy and
AWS endpoint pointed at a closed loopback port, and an `aws` on PATH that records being called: the dry run
never calls it, and nothing leaves the machine.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.project_copy import copy_project

ROOT = Path(__file__).resolve().parents[2]
SID = "AC" + "3" * 32
COPIED = ("Makefile", "app.py", "manage.py", "requirements.txt", "requirements-dev.txt", "chalicelib", "infra",
          ".chalice/config.json", "examples/raipur.yaml")
TRANSFORM_REFUSAL = "Resource with id [APIHandler] is invalid. AutoPublishCodeSha256 must be a string"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("deployable"), COPIED)
    (root / ".venv").symlink_to(Path(sys.prefix))  # the interpreter running the tests, its tools
    if (ROOT / "wheelhouse").is_dir():
        (root / "wheelhouse").symlink_to(ROOT / "wheelhouse")  # make package then needs no package index
    return root


@pytest.fixture(scope="module")
def offline_env(project, tmp_path_factory) -> dict[str, str]:
    """No credentials, no profile; HTTP(S) and AWS endpoints at a closed port; an `aws` that only records."""
    stubs = tmp_path_factory.mktemp("stubs")
    (stubs / "aws").write_text(f"#!/bin/sh\necho \"$@\" >> {stubs / 'aws-called'}\nexit 1\n")
    (stubs / "aws").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MAKE", "MFLAGS"))}
    dead = "http://127.0.0.1:9"
    env.update({"PATH": f"{stubs}:{env['PATH']}", "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead,
                "https_proxy": dead, "AWS_ENDPOINT_URL": dead, "AWS_EC2_METADATA_DISABLED": "true",
                "STUBS": str(stubs)})
    return env


def make(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    # STAMP= : the venv is the tests' own, never (re)installed from here; sub-makes inherit it through MAKEFLAGS.
    return subprocess.run(["make", "--no-print-directory", *args, "STAMP="], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)


def test_make_deploy_dry_run_prints_every_aws_call_in_order_and_sends_none(project, offline_env):
    result = make(project, offline_env, "deploy", "DRY_RUN=1", "STAGE=prod", "DISTRICT=examples/raipur.yaml",
                  f"TWILIO_ACCOUNT_SID={SID}", "ALARM_EMAIL=it-cell@example.gov.in")
    out = result.stdout
    assert result.returncode == 0, out[-3000:] + result.stderr[-3000:]
    assert not (Path(offline_env["STUBS"]) / "aws-called").exists()  # the CLI was never run
    assert "pip install" not in out  # the tests' venv was left alone (STAMP= reached the inner make)

    # make package ran for real, the transform in it, with a deploy's parameter values.
    transformed = json.loads((project / "build" / "prod" / "transformed.json").read_text())
    count = len(transformed["Resources"])
    assert f"build/prod/transformed.json: {count} resources" in out
    assert "readiness: build/prod/transformed.json: 12 rules, 6 functions — ready" in out

    # Every call, in the order the deploy makes them.
    expected = [
        "AWS sts GetCallerIdentity", "AWS ssm GetParameter Name=/samvad/prod/link-secret",
        "AWS ssm GetParameter Name=/samvad/prod/twilio-auth-token",
        "AWS cloudformation DescribeStacks StackName=samvad-prod   → assumed: no such stack",
        "$ make package STAGE=prod REGION=ap-south-1",
        "AWS s3 HeadBucket Bucket=samvad-artifacts-123456789012-ap-south-1",
        "AWS s3 CreateBucket Bucket=samvad-artifacts-123456789012-ap-south-1",
        "AWS s3 PutPublicAccessBlock Bucket=samvad-artifacts-123456789012-ap-south-1",
        "$ aws cloudformation package", "CLI s3 CreateMultipartUpload Bucket=samvad-artifacts-123456789012",
        "$ aws cloudformation deploy", "CLI cloudformation CreateChangeSet StackName=samvad-prod ChangeSetType=CREATE",
        f"(CloudFormation's SAM transform with these values, run here: {count} resources)",
        "AWS cloudformation DescribeStacks StackName=samvad-prod   → CREATE_COMPLETE",
        "$ aws cloudformation deploy", "CLI cloudformation CreateChangeSet StackName=samvad-prod ChangeSetType=UPDATE",
        f"(CloudFormation's SAM transform with these values, run here: {count} resources)",
        "manage.py load-district examples/raipur.yaml",
        "AWS dynamodb GetItem TableName=samvad-prod-directory",
        "AWS dynamodb PutItem TableName=samvad-prod-directory",
        "manage.py fallback-twiml --upload --stage prod",
        "AWS s3 PutObject Bucket=samvad-prod-fallback-123456789012 Key=fallback/voice.xml",
        "Samvad prod would be deployed (dry run", "dry run complete: nothing was sent",
    ]
    at = 0
    for marker in expected:
        found = out.find(marker, at)
        assert found >= 0, f"{marker!r} missing after position {at}:\n{out[at:at + 2000]}"
        at = found + len(marker)

    # The two deploys' parameters: the second gives the API function its URL, and so a new version key.
    commands = [shlex.split(line[2:]) for line in out.splitlines() if line.startswith("$ aws cloudformation deploy")]
    first, second = (dict(item.split("=", 1) for item in c[c.index("--parameter-overrides") + 1:]) for c in commands)
    assert {k: v for k, v in first.items() if k != "ApiVersionSha256"} == {
        "Stage": "prod", "PublicBaseUrl": "", "TwilioAccountSid": SID, "AlarmEmail": "it-cell@example.gov.in"}
    assert second["PublicBaseUrl"] == "https://a1b2c3d4e5.execute-api.ap-south-1.amazonaws.com/api"
    assert re.fullmatch(r"[0-9a-f]{64}", first["ApiVersionSha256"]) and first["ApiVersionSha256"] != \
        second["ApiVersionSha256"]
    # The template goes through the bucket: the CLI refuses one over 51,200 bytes inline.
    assert all(c[c.index("--s3-bucket") + 1] == "samvad-artifacts-123456789012-ap-south-1" for c in commands)
    assert (project / "build" / "prod" / "packaged.json").exists()


def test_make_package_fails_with_the_transforms_own_message(project, offline_env):
    """What the issue found: an AutoPublishCodeSha256 that is an Fn::Sub passed cfn-lint and the readiness
    check, and CloudFormation's transform refused it. Now `make package` refuses it, before the linting."""
    merge = project / "infra" / "resources.json"
    kept = merge.read_text()
    resources = json.loads(kept)
    resources["Resources"]["APIHandler"]["Properties"]["AutoPublishCodeSha256"] = {
        "Fn::Sub": "env:${PublicBaseUrl}|${CustomDomainName}|${TwilioAccountSid}|${SecretsVersion}"}
    del resources["Parameters"]["ApiVersionSha256"]  # the merge template as it was
    merge.write_text(json.dumps(resources, indent=2))
    try:
        result = make(project, offline_env, "package", "STAGE=prod")
    finally:
        merge.write_text(kept)
    assert result.returncode != 0, result.stdout[-2000:]
    assert TRANSFORM_REFUSAL in result.stderr, result.stderr[-2000:]
    assert "Transform AWS::Serverless-2016-10-31 failed with: Invalid Serverless Application Specification " \
           "document. Number of errors found: 1." in result.stderr
    assert "cfn-lint" not in result.stdout.split("infra.sam_transform", 1)[1]  # it stopped at the transform
