"""`make deploy STAGE=prod DISTRICT=examples/<district>.yaml`: one command from a checkout to a hotline.

    python -m infra.deploy --stage prod --district my-district.yaml [--account-sid AC…] [--domain hotline.example.gov.in
        --certificate-arn arn:aws:acm:…] [--alarm-email ops@example.gov.in] [--bucket my-artifacts]
        [--provisioned-concurrency 1] [--secrets-version 2026-11-23] [--region ap-south-1] [--stack samvad-prod]
        [--dry-run]

1. Refuses, before building anything, when something a running stage needs is missing: the district file is
   not valid, the AWS CLI or credentials are missing, an SSM SecureString the functions read
   (/samvad/<stage>/twilio-auth-token, /samvad/<stage>/link-secret) does not exist, the stack is mid-update.
2. `make package STAGE=…` (chalice package --merge-template infra/resources.json, finish, the SAM transform,
   cfn-lint, readiness).
3. `aws cloudformation package` into an artifact bucket (--bucket, or samvad-artifacts-<account>-<region>,
   created when missing), then `aws cloudformation deploy` with the parameters (infra/stack_parameters.py)
   and the API function's version key (infra/version_key.py), the template through the same bucket (the
   CLI refuses a template over 51,200 bytes otherwise).
4. PUBLIC_BASE_URL: https://<domain> with a custom domain; else the stage's execute-api URL, read from the
   stack's RestAPIId output. The API function cannot name its own API in the template (a circular
   reference), so a new stack is deployed twice: the second run only sets PublicBaseUrl.
5. Loads the district file into the stage's directory (`manage.py load-district`, SAMVAD_STAGE set), puts
   the outage fallback's TwiML in the stack's bucket (`manage.py fallback-twiml --upload`) and prints the
   URLs to paste into Twilio, with the Cognito pool and the alarm topic.

--dry-run: all of it rehearsed offline, every AWS call printed and none sent (infra/dry_run.py).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra import stack_parameters
from infra.stack_parameters import execute_api_url

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".chalice" / "config.json"
ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
WEBHOOKS = (
    ("A call comes in (Voice Configuration, Webhook, HTTP POST)", "/twilio/voice/incoming"),
    ("Call status changes (status callback URL, HTTP POST)", "/twilio/voice/status"),
    ("A message comes in (Messaging Configuration, Webhook, HTTP POST)", "/twilio/messaging/incoming"),
)


class Refusal(Exception):
    """Something the stage needs is missing: said plainly, nothing was changed."""


@dataclass
class Options:
    stage: str
    district: Path
    region: str = "ap-south-1"
    account_sid: str = ""
    domain: str = ""
    certificate_arn: str = ""
    alarm_email: str = ""
    bucket: str = ""
    provisioned_concurrency: str = ""
    secrets_version: str = ""
    stack: str = ""
    dry_run: bool = False
    build_dir: Path = field(default_factory=lambda: ROOT / "build")

    def __post_init__(self) -> None:
        self.stack = self.stack or f"samvad-{self.stage}"


def run(command: Sequence[str], env: dict[str, str] | None = None) -> None:
    print("$ " + " ".join(command), flush=True)
    subprocess.run(list(command), check=True, cwd=ROOT, env=env)  # noqa: S603 (our own commands, no shell)


@dataclass
class StackState:
    status: str = ""
    parameters: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return bool(self.status) and self.status != "REVIEW_IN_PROGRESS"


def stack_state(cloudformation: Any, name: str) -> StackState:
    from botocore.exceptions import ClientError

    try:
        stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    except ClientError as error:
        if "does not exist" in str(error):
            return StackState()
        raise
    return StackState(stack["StackStatus"],
                      {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])},
                      {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])})


def secret_parameters(stage: str) -> list[str]:
    """The SSM parameters the stage's functions read (the *_PARAMETER variables of .chalice/config.json)."""
    config = json.loads(CONFIG.read_text())
    stages = config.get("stages", {})
    if stage not in stages:
        raise Refusal(f"stage {stage!r} is not in .chalice/config.json (stages: {', '.join(sorted(stages))}); "
                      "see docs/deploy.md, 'Another stage'")
    variables = {**config.get("environment_variables", {}), **stages[stage].get("environment_variables", {})}
    return sorted(v for k, v in variables.items() if k.endswith("_PARAMETER"))


CREATE_HINTS = {
    "twilio-auth-token": "'<the auth token from the Twilio console>'",
    "link-secret": '"$(openssl rand -hex 32)"',
}


def check_parameters(ssm: Any, names: list[str], region: str) -> None:
    from botocore.exceptions import ClientError

    problems = []
    for name in names:
        hint = CREATE_HINTS.get(name.rsplit("/", 1)[-1], "'<value>'")
        create = (f"  aws ssm put-parameter --region {region} --name {name} --type SecureString --value {hint}")
        try:
            kind = ssm.get_parameter(Name=name)["Parameter"]["Type"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ParameterNotFound":
                problems.append(f"the SSM parameter {name} does not exist. Create it:\n{create}")
                continue
            raise
        if kind != "SecureString":
            problems.append(f"the SSM parameter {name} is a {kind}, not a SecureString. Recreate it:\n"
                            f"  aws ssm delete-parameter --region {region} --name {name}\n{create}")
    if problems:
        raise Refusal("\n".join(problems))


def preflight(opts: Options, session: Any, which: Callable[[str], str | None] = shutil.which) -> dict[str, Any]:
    """Everything that can be known before building; raises Refusal with what to do."""
    from chalicelib.district_file import read_district_file
    from chalicelib.domain.district import DistrictConfigError

    if not re.fullmatch(r"[a-z0-9-]+", opts.stage):
        raise Refusal(f"STAGE {opts.stage!r}: lower-case letters, digits and '-' only")
    try:
        district = read_district_file(opts.district)
    except DistrictConfigError as error:
        raise Refusal(f"DISTRICT {opts.district}: {error}") from error
    try:
        account = session.client("sts", region_name=opts.region).get_caller_identity()["Account"]
    except Exception as error:  # no credentials, expired session, no network
        raise Refusal(f"no usable AWS credentials ({error}): `aws configure` or set AWS_PROFILE") from error
    check_parameters(session.client("ssm", region_name=opts.region), secret_parameters(opts.stage), opts.region)
    stack = stack_state(session.client("cloudformation", region_name=opts.region), opts.stack)
    if stack.status.endswith("_IN_PROGRESS") and stack.status != "REVIEW_IN_PROGRESS":
        raise Refusal(f"stack {opts.stack} is {stack.status}: wait for it to finish")
    if stack.status == "ROLLBACK_COMPLETE":
        raise Refusal(f"stack {opts.stack} failed on creation (ROLLBACK_COMPLETE) and cannot be updated: read its "
                      f"events, then `aws cloudformation delete-stack --stack-name {opts.stack}` and deploy again")
    if opts.account_sid and not ACCOUNT_SID.match(opts.account_sid):
        raise Refusal(f"TWILIO_ACCOUNT_SID {opts.account_sid!r} is not an account SID (AC + 32 hex digits)")
    if not opts.account_sid and not stack.parameters.get("TwilioAccountSid"):
        raise Refusal("TWILIO_ACCOUNT_SID is needed on the first deploy (AC…, from the Twilio console)")
    domain = opts.domain or stack.parameters.get("CustomDomainName", "")
    if domain and not (opts.certificate_arn or stack.parameters.get("CustomDomainCertificateArn")):
        raise Refusal(f"DOMAIN {domain} needs CERTIFICATE_ARN: an ACM certificate for it in {opts.region}")
    if which("aws") is None:
        raise Refusal("the AWS CLI (`aws`) is not on PATH: install it (docs/deploy.md, Prerequisites)")
    return {"district": district, "account": account, "stack": stack, "domain": domain}


def ensure_bucket(s3: Any, name: str, region: str) -> None:
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=name)
        return
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise Refusal(f"artifact bucket {name}: {error}") from error
    print(f"creating the artifact bucket {name}", flush=True)
    kwargs: dict[str, Any] = {"Bucket": name}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**kwargs)
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})


def deploy(opts: Options, session: Any, runner: Callable[..., None] = run,
           which: Callable[[str], str | None] = shutil.which) -> dict[str, Any]:
    found = preflight(opts, session, which)
    stack: StackState = found["stack"]
    runner(["make", "package", f"STAGE={opts.stage}", f"REGION={opts.region}"])

    bucket = opts.bucket or f"samvad-artifacts-{found['account']}-{opts.region}"
    ensure_bucket(session.client("s3", region_name=opts.region), bucket, opts.region)
    outdir = opts.build_dir / opts.stage
    template = json.loads((outdir / "sam.json").read_text())
    packaged = outdir / "packaged.json"
    prefix = f"samvad/{opts.stage}"
    runner(["aws", "cloudformation", "package", "--region", opts.region, "--template-file",
            str(outdir / "sam.json"), "--s3-bucket", bucket, "--s3-prefix", prefix,
            "--use-json", "--output-template-file", str(packaged)])

    if found["domain"]:
        base_url = f"https://{found['domain']}"
    elif stack.outputs.get("RestAPIId"):
        base_url = execute_api_url(stack.outputs["RestAPIId"], opts.region)
    else:
        base_url = ""  # a new stack: its API's id exists only after this first run

    def cloudformation_deploy(public_base_url: str, previous: dict[str, str]) -> None:
        given = stack_parameters.overrides(
            opts.stage, public_base_url, account_sid=opts.account_sid, domain=opts.domain,
            certificate_arn=opts.certificate_arn, alarm_email=opts.alarm_email,
            provisioned_concurrency=opts.provisioned_concurrency, secrets_version=opts.secrets_version)
        # The version key follows the code and every value the API function's environment will have, those the
        # stack keeps included: SAM publishes a new version for the alias exactly when it changes.
        overrides = stack_parameters.with_version_keys(template, outdir / "deployment.zip", given, previous)
        for name in sorted(set(overrides) - set(given)):
            print(f"version key {name}={overrides[name]} (the code, the function's properties and its "
                  "environment's parameter values)", flush=True)
        # --s3-bucket: the packaged template is over the 51,200 bytes the CLI sends inline.
        runner(["aws", "cloudformation", "deploy", "--region", opts.region, "--template-file", str(packaged),
                "--stack-name", opts.stack, "--s3-bucket", bucket, "--s3-prefix", prefix,
                "--capabilities", "CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND",
                "--no-fail-on-empty-changeset", "--tags", "app=samvad", f"stage={opts.stage}",
                "--parameter-overrides", *[f"{k}={v}" for k, v in overrides.items()]])

    cloudformation = session.client("cloudformation", region_name=opts.region)
    cloudformation_deploy(base_url, stack.parameters)
    stack = stack_state(cloudformation, opts.stack)
    if not base_url:
        base_url = execute_api_url(stack.outputs["RestAPIId"], opts.region)
        print(f"the API is {base_url}: deploying again to give the API function its own URL", flush=True)
        cloudformation_deploy(base_url, stack.parameters)
        stack = stack_state(cloudformation, opts.stack)

    env = {**os.environ, "SAMVAD_STAGE": opts.stage, "AWS_REGION": opts.region, "AWS_DEFAULT_REGION": opts.region}
    runner([sys.executable, "manage.py", "load-district", str(opts.district)], env=env)
    # What Twilio plays when the API is down: static TwiML in the stack's fallback bucket (README, the fallback).
    runner([sys.executable, "manage.py", "fallback-twiml", "--upload", "--stage", opts.stage, "--region", opts.region],
           env=env)
    report = {"stack": opts.stack, "public_base_url": base_url, "outputs": stack.outputs,
              "lines": [line for line, _hotline in found["district"].lines()], "district": found["district"].code}
    print(summary(report, opts))
    return report


def summary(report: dict[str, Any], opts: Options) -> str:
    base, outputs = report["public_base_url"], report["outputs"]
    width = max(len(label) for label, _ in WEBHOOKS)
    done = "would be deployed (dry run: the API id in these URLs is a stand-in)" if opts.dry_run else "is deployed"
    out = [f"\nSamvad {opts.stage} {done} (stack {report['stack']}, district {report['district']}).",
           f"\nOn each Twilio number of the district ({', '.join(report['lines'])}), and on the WhatsApp sender "
           "or the Messaging Service it uses for replies, set:"]
    out += [f"  {label:<{width}}  {base}{path}" for label, path in WEBHOOKS]
    if outputs.get("FallbackVoiceUrl"):
        label = "Primary handler fails (Voice fallback URL, HTTP GET)"
        out.append(f"  {label:<{width}}  {outputs['FallbackVoiceUrl']}")
    out.append("  (the recording and message status callbacks are set by the app on each request)")
    out.append(f"\nConsole: {base}/console    health: {base}/health")
    if outputs.get("UserPoolId"):
        out.append(f"Users: Cognito user pool {outputs['UserPoolId']}, console app client "
                   f"{outputs.get('ConsoleClientId', '?')} (docs/deploy.md, 'Users')")
    if outputs.get("AlarmTopicArn"):
        out.append(f"Alarms go to {outputs['AlarmTopicArn']}" +
                   (f" (confirm the e-mail sent to {opts.alarm_email})" if opts.alarm_email else ""))
    if outputs.get("CustomDomainTarget"):
        out.append(f"DNS: CNAME {opts.domain or base.removeprefix('https://')} → {outputs['CustomDomainTarget']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.deploy", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--district", required=True, help="the district's YAML file (examples/raipur.yaml)")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION") or "ap-south-1")
    parser.add_argument("--account-sid", default="", help="the Twilio account SID (needed on the first deploy)")
    parser.add_argument("--domain", default="", help="a custom domain for the API (with --certificate-arn)")
    parser.add_argument("--certificate-arn", default="")
    parser.add_argument("--alarm-email", default="")
    parser.add_argument("--bucket", default="", help="artifact bucket (default samvad-artifacts-<account>-<region>)")
    parser.add_argument("--provisioned-concurrency", default="", help="on the API function's alias (0 for none)")
    parser.add_argument("--secrets-version", default="", help="change it after changing a secret in SSM")
    parser.add_argument("--stack", default="")
    parser.add_argument("--dry-run", action="store_true",
                        help="rehearse offline: print every AWS call in order, send none (make package runs)")
    args = parser.parse_args(argv)
    if not args.district:
        parser.error("--district is required: make deploy STAGE=prod DISTRICT=examples/<district>.yaml")
    opts = Options(stage=args.stage, district=Path(args.district), region=args.region,
                   account_sid=args.account_sid, domain=args.domain, certificate_arn=args.certificate_arn,
                   alarm_email=args.alarm_email, bucket=args.bucket,
                   provisioned_concurrency=args.provisioned_concurrency, secrets_version=args.secrets_version,
                   stack=args.stack, dry_run=args.dry_run)
    try:
        if opts.dry_run:
            from infra.dry_run import run_dry

            return run_dry(opts.stage, opts.region, lambda session, runner: deploy(opts, session, runner=runner))
        import boto3

        deploy(opts, boto3.session.Session())
    except Refusal as refusal:
        print(f"make deploy: not deploying {opts.stage}: {refusal}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"make deploy: {' '.join(error.cmd[:3])} failed (exit {error.returncode}); see above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
