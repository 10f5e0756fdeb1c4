"""`make deploy` without an AWS account: a moto server plays AWS (STS, SSM, S3, CloudFormation's stack
reads, DynamoDB for the district), the AWS CLI's `cloudformation deploy` is played by a stub stack (moto
cannot run the SAM transform), and `aws cloudformation package` runs for real when the CLI is installed.
The dry run (`make deploy DRY_RUN=1`) and the transform itself are in test_sam_transform.py.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import boto3
import pytest

from infra import deploy
from infra.deploy import Options, Refusal
from tests.support.stack_process import free_port_block

ROOT = Path(__file__).resolve().parents[2]
DISTRICT = ROOT / "examples" / "raipur.yaml"
API_ID = "a1b2c3d4e5"
SID = "AC" + "3" * 32
REGION = "ap-south-1"
KEY = "ApiVersionSha256"
# What `make package` leaves in build/<stage>/sam.json, cut to what the deploy reads: the API function's alias,
# its version key, and the parameters its environment uses.
SAM_TEMPLATE = {
    "Parameters": {"Stage": {"Type": "String"}, "PublicBaseUrl": {"Type": "String", "Default": ""},
                   "TwilioAccountSid": {"Type": "String"}, "SecretsVersion": {"Type": "String", "Default": "1"},
                   "AlarmEmail": {"Type": "String", "Default": ""},
                   KEY: {"Type": "String", "AllowedPattern": "^[0-9a-f]{64}$"}},
    "Resources": {"APIHandler": {"Type": "AWS::Serverless::Function", "Properties": {
        "CodeUri": "./deployment.zip", "AutoPublishAlias": "live", "AutoPublishCodeSha256": {"Ref": KEY},
        "Environment": {"Variables": {"PUBLIC_BASE_URL": {"Ref": "PublicBaseUrl"},
                                      "TWILIO_ACCOUNT_SID": {"Ref": "TwilioAccountSid"},
                                      "SAMVAD_SECRETS_VERSION": {"Ref": "SecretsVersion"}}}}}}}


@pytest.fixture
def moto_server(monkeypatch):
    from moto.server import ThreadedMotoServer

    port = free_port_block(1)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    reset = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset, timeout=10).close()  # moto's state lives in this process: start empty
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    yield boto3.session.Session(region_name=REGION)
    urllib.request.urlopen(reset, timeout=10).close()
    server.stop()


def secrets(session, stage="dev", **kinds):
    for name in ("twilio-auth-token", "link-secret"):
        kind = kinds.get(name.replace("-", "_"), "SecureString")
        if kind:
            session.client("ssm").put_parameter(Name=f"/samvad/{stage}/{name}", Type=kind, Value="s3cret")


class FakeAws:
    """Plays `make package`, the AWS CLI and manage.py's subprocess the way deploy() calls them."""

    def __init__(self, session, build_dir: Path, real: bool = False, code: str = "") -> None:
        """real: run the AWS CLI's package step (when installed) and manage.py for real (seconds each);
        code: app.py in the package."""
        self.session, self.build_dir, self.commands, self.real, self.code = session, build_dir, [], real, code

    def __call__(self, command, env=None) -> None:
        command = list(command)
        self.commands.append(command)
        if command[:2] == ["make", "package"]:
            stage = command[2].split("=", 1)[1]
            out = self.build_dir / stage
            out.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(out / "deployment.zip", "w") as z:
                z.writestr("app.py", self.code)
            (out / "sam.json").write_text(json.dumps(SAM_TEMPLATE))
        elif command[:3] == ["aws", "cloudformation", "package"]:
            if self.real and shutil.which("aws"):  # the real CLI, against the moto server (AWS_ENDPOINT_URL)
                subprocess.run(command, check=True, env=os.environ, capture_output=True)
            else:
                source = Path(command[command.index("--template-file") + 1])
                Path(command[command.index("--output-template-file") + 1]).write_text(source.read_text())
        elif command[:3] == ["aws", "cloudformation", "deploy"]:
            self._deploy(command)
        elif command[1:3] in (["manage.py", "load-district"], ["manage.py", "fallback-twiml"]):
            if self.real:
                subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=True)
        else:
            raise AssertionError(f"unexpected command {command}")

    def deploys(self) -> list[dict[str, str]]:
        return [dict(a.split("=", 1) for a in c[c.index("--parameter-overrides") + 1:])
                for c in self.commands if c[:3] == ["aws", "cloudformation", "deploy"]]

    def keys(self) -> list[str]:
        """The version key of each deploy (then left out of deploys()' dicts by the tests that compare them)."""
        return [d[KEY] for d in self.deploys()]

    def _deploy(self, command) -> None:
        """A stack with the template's outputs, its parameters kept like `aws cloudformation deploy` does."""
        cloudformation = self.session.client("cloudformation")
        name = command[command.index("--stack-name") + 1]
        overrides = self.deploys()[-1]
        state = deploy.stack_state(cloudformation, name)
        values = {**state.parameters, **overrides}
        template = json.dumps({
            "Parameters": {key: {"Type": "String"} for key in values},
            "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
            "Outputs": {"RestAPIId": {"Value": API_ID}, "UserPoolId": {"Value": "ap-south-1_Pool"},
                        "ConsoleClientId": {"Value": "consoleclient"}, "AlarmTopicArn": {"Value": {"Ref": "Topic"}}}})
        parameters = [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]
        if state.exists:
            try:
                cloudformation.update_stack(StackName=name, TemplateBody=template, Parameters=parameters)
            except cloudformation.exceptions.ClientError as error:  # --no-fail-on-empty-changeset
                assert "No updates are to be performed" in str(error)
        else:
            cloudformation.create_stack(StackName=name, TemplateBody=template, Parameters=parameters)


def options(tmp_path, **kw) -> Options:
    return Options(stage="dev", district=DISTRICT, region=REGION, build_dir=tmp_path / "build", **kw)


def run_deploy(session, tmp_path, real=False, code="", **kw):
    fake = FakeAws(session, tmp_path / "build", real, code)
    report = deploy.deploy(options(tmp_path, **kw), session, runner=fake, which=lambda _name: "/usr/bin/aws")
    return fake, report


def test_it_refuses_to_run_without_the_twilio_token_in_ssm(moto_server, tmp_path):
    secrets(moto_server, twilio_auth_token=None)
    fake = FakeAws(moto_server, tmp_path)
    with pytest.raises(Refusal) as refusal:
        deploy.deploy(options(tmp_path, account_sid=SID), moto_server, runner=fake, which=lambda _name: "aws")
    message = str(refusal.value)
    assert "/samvad/dev/twilio-auth-token does not exist" in message
    assert "aws ssm put-parameter --region ap-south-1 --name /samvad/dev/twilio-auth-token --type SecureString" \
        in message
    assert fake.commands == []  # nothing built, nothing deployed


def test_it_refuses_a_token_kept_as_plain_text(moto_server, tmp_path):
    secrets(moto_server, twilio_auth_token="String")
    with pytest.raises(Refusal, match="is a String, not a SecureString"):
        run_deploy(moto_server, tmp_path, account_sid=SID)


def test_make_deploy_says_why_and_exits_2(moto_server, capsys):
    secrets(moto_server, link_secret=None)
    code = deploy.main(["--stage", "dev", "--district", str(DISTRICT), "--account-sid", SID])
    assert code == 2
    assert "not deploying dev: the SSM parameter /samvad/dev/link-secret does not exist" in capsys.readouterr().err


def test_the_first_deploy_needs_the_account_sid(moto_server, tmp_path):
    secrets(moto_server)
    with pytest.raises(Refusal, match="TWILIO_ACCOUNT_SID is needed on the first deploy"):
        run_deploy(moto_server, tmp_path)


def test_a_new_stack_is_deployed_twice_then_the_district_loaded_and_the_urls_printed(moto_server, tmp_path,
                                                                                     capsys):
    from chalicelib.local.provision import provision

    secrets(moto_server)
    provision(moto_server.client("dynamodb"), moto_server.client("sqs"), "dev")
    fallback_bucket = "samvad-dev-fallback-123456789012"  # the stack makes it (FallbackBucket)
    moto_server.client("s3").create_bucket(Bucket=fallback_bucket,
                                           CreateBucketConfiguration={"LocationConstraint": REGION})
    fake, report = run_deploy(moto_server, tmp_path, real=True, account_sid=SID, alarm_email="ops@example.gov.in")

    url = f"https://{API_ID}.execute-api.{REGION}.amazonaws.com/api"
    first, second = ({k: v for k, v in d.items() if k != KEY} for d in fake.deploys())
    assert first == {"Stage": "dev", "PublicBaseUrl": "", "TwilioAccountSid": SID, "AlarmEmail": "ops@example.gov.in"}
    assert second["PublicBaseUrl"] == url  # the API function now knows the URL Twilio signs
    assert report["public_base_url"] == url
    assert [c[:3] for c in fake.commands] == [
        ["make", "package", "STAGE=dev"], ["aws", "cloudformation", "package"], ["aws", "cloudformation", "deploy"],
        ["aws", "cloudformation", "deploy"], [sys.executable, "manage.py", "load-district"],
        [sys.executable, "manage.py", "fallback-twiml"]]
    bucket = f"samvad-artifacts-123456789012-{REGION}"
    assert moto_server.client("s3").head_bucket(Bucket=bucket)
    assert fake.commands[1][fake.commands[1].index("--s3-bucket") + 1] == bucket
    # the district is in the stage's directory
    line = moto_server.client("dynamodb").get_item(TableName="samvad-dev-directory",
                                                   Key={"pk": {"S": "LINE#+919977222564"}, "sk": {"S": "LINE"}})
    assert line["Item"]["district"]["S"] == "RPR"
    assert moto_server.client("s3").get_object(Bucket=fallback_bucket, Key="fallback/voice.xml")["Body"].read()
    printed = capsys.readouterr().out
    for path in ("/twilio/voice/incoming", "/twilio/voice/status", "/twilio/messaging/incoming"):
        assert url + path in printed
    assert "+919977222564" in printed and "ap-south-1_Pool" in printed


def test_an_update_deploys_once_with_the_url_it_already_knows(moto_server, tmp_path):
    secrets(moto_server)
    run_deploy(moto_server, tmp_path, account_sid=SID)
    fake, _report = run_deploy(moto_server, tmp_path)  # no account SID: the stack keeps it
    (only,) = fake.deploys()
    assert only.pop(KEY)
    assert only == {"Stage": "dev", "PublicBaseUrl": f"https://{API_ID}.execute-api.{REGION}.amazonaws.com/api"}


def test_a_custom_domain_is_the_url_twilio_calls(moto_server, tmp_path):
    secrets(moto_server)
    with pytest.raises(Refusal, match="needs CERTIFICATE_ARN"):
        run_deploy(moto_server, tmp_path, account_sid=SID, domain="hotline.example.gov.in")
    certificate = "arn:aws:acm:ap-south-1:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555"
    fake, report = run_deploy(moto_server, tmp_path, account_sid=SID, domain="hotline.example.gov.in",
                              certificate_arn=certificate)
    (only,) = fake.deploys()  # the URL is known before the stack exists: one run
    assert only["PublicBaseUrl"] == "https://hotline.example.gov.in"
    assert only["CustomDomainName"] == "hotline.example.gov.in" and only["CustomDomainCertificateArn"] == certificate
    assert report["public_base_url"] == "https://hotline.example.gov.in"


def test_the_version_key_follows_the_code_and_every_value_of_the_environment(moto_server, tmp_path):
    """SAM names the API function's version after AutoPublishCodeSha256 alone (infra/version_key.py): the key must
    change with the code or an environment parameter, those the stack keeps included, and only then."""
    secrets(moto_server)
    fake, _report = run_deploy(moto_server, tmp_path, account_sid=SID, code="v1")
    first, second = fake.keys()
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in (first, second))
    assert first != second  # the second run gives the API function its URL: a new version
    assert all(c[c.index("--s3-bucket") + 1] == f"samvad-artifacts-123456789012-{REGION}"
               for c in fake.commands if c[:3] == ["aws", "cloudformation", "deploy"])  # over 51,200 bytes

    def update(**kw) -> str:
        fake, _ = run_deploy(moto_server, tmp_path, **kw)
        (key,) = fake.keys()
        return key

    assert update(code="v1") == second  # nothing changed: the stack keeps its version
    assert update(code="v1", alarm_email="ops@example.gov.in") == second  # not in the function's environment
    changed = {update(code="v2"), update(code="v1", secrets_version="2")}
    assert len(changed) == 2 and second not in changed
    # The account SID the stack keeps (not given again) is in the key: a new one makes a new version too.
    assert update(code="v1", secrets_version="2") in changed
    assert update(code="v1", secrets_version="2", account_sid="AC" + "4" * 32) not in changed | {second}
