"""`make deploy … DRY_RUN=1` (`python -m infra.deploy --dry-run`): the deploy rehearsed here, without an account.

infra/deploy.py runs as it always does, with its AWS session swapped for infra/offline_aws.py's (every call
it makes is printed with its parameters and answered here as an empty account would answer a first deploy)
and its runner swapped for `Rehearsal`, which takes each command in turn:

- `make package`: run for real (it is offline: chalice package, the SAM transform, cfn-lint, readiness);
- `aws cloudformation package`: not run (it uploads). The template the CLI would write is written
  (CodeUri → s3://bucket/prefix/<the zip's MD5>) and the S3 calls the CLI would make are listed;
- `aws cloudformation deploy`: not run. The CLI's own refusal of a template over 51,200 bytes without
  --s3-bucket is applied, then CloudFormation's checks of the parameter values and the SAM transform with
  exactly the values of the command; the calls the CLI would make are listed, and the stack is taken as
  created (outputs: stand-ins) for what follows;
- `manage.py …`: run for real under infra/offline_aws.py, so its own AWS calls are printed and answered here.

The calls the AWS CLI makes are listed from what the CLI (v1) does, not recorded: it runs in a process of
its own, outside this one's reach. What only AWS can say — IAM's and the service quotas' verdicts, a
resource that fails to create, the real API id — is left to the deploy itself.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from infra import sam_transform, stack_parameters
from infra.offline_aws import OfflineAccount, offline_environment
from infra.readiness import Template, Unresolved

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_BODY_LIMIT = 51_200  # bytes: above it, `aws cloudformation deploy` needs --s3-bucket (and so does the API)
MULTIPART_CHUNK = 8 * 1024 * 1024  # the CLI's transfer: one PUT up to 8 MiB, else parts of 8 MiB
CLI = "  CLI "


class DryRunRefusal(Exception):
    """What the CLI or CloudFormation would refuse: the real deploy would stop here."""


def _option(command: Sequence[str], name: str) -> str:
    return command[list(command).index(name) + 1] if name in command else ""


def _after(command: Sequence[str], name: str) -> list[str]:
    """The values of a list option (--parameter-overrides k=v …, --capabilities …) up to the next option."""
    items = list(command)
    if name not in items:
        return []
    values = []
    for item in items[items.index(name) + 1:]:
        if item.startswith("--"):
            break
        values.append(item)
    return values


class Rehearsal:
    """The runner infra/deploy.py is given in a dry run (see the module's doc)."""

    def __init__(self, account: OfflineAccount, region: str) -> None:
        self.account, self.region = account, region
        self.transformed: list[int] = []  # resources of each deploy's transform

    def __call__(self, command: Sequence[str], env: dict[str, str] | None = None) -> None:
        command = list(command)
        print("$ " + shlex.join(command), flush=True)
        if command[:2] == ["make", "package"]:
            subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603 (our own make target)
        elif command[:3] == ["aws", "cloudformation", "package"]:
            self._package(command)
        elif command[:3] == ["aws", "cloudformation", "deploy"]:
            self._deploy(command)
        elif len(command) > 1 and command[1] == "manage.py":
            environment = offline_environment(dict(env if env is not None else os.environ))
            subprocess.run([command[0], "-m", "infra.offline_aws", *command[1:]], check=True, cwd=ROOT,  # noqa: S603
                           env=environment)
        else:
            raise DryRunRefusal(f"the dry run does not know the command {command[:3]}")

    def _package(self, command: list[str]) -> None:
        source = Path(_option(command, "--template-file"))
        bucket, prefix = _option(command, "--s3-bucket"), _option(command, "--s3-prefix")
        template = json.loads(source.read_text())
        uploaded: dict[str, str] = {}  # key -> the first resource whose artifact it is
        for name, resource in template.get("Resources", {}).items():
            prop = sam_transform.UPLOADED.get(resource.get("Type", ""))
            artifact = (resource.get("Properties") or {}).get(prop) if prop else None
            if not isinstance(artifact, str) or artifact.startswith("s3://"):
                continue
            path = source.parent / artifact
            key = f"{prefix}/{hashlib.md5(path.read_bytes()).hexdigest()}"  # noqa: S324 (the CLI's key)
            if key in uploaded:  # the CLI asks again, finds it, and does not upload it twice
                print(f"{CLI}s3 HeadObject Bucket={bucket} Key={key}   → there ({name}: the same file as "
                      f"{uploaded[key]})", flush=True)
                continue
            uploaded[key] = name
            size = path.stat().st_size
            print(f"{CLI}s3 HeadObject Bucket={bucket} Key={key}   → assumed: not there yet ({name}'s {prop})",
                  flush=True)
            if size <= MULTIPART_CHUNK:
                print(f"{CLI}s3 PutObject Bucket={bucket} Key={key} Body=<{size} bytes>", flush=True)
            else:
                print(f"{CLI}s3 CreateMultipartUpload Bucket={bucket} Key={key}, UploadPart "
                      f"×{math.ceil(size / MULTIPART_CHUNK)} ({size} bytes of {artifact}), CompleteMultipartUpload",
                      flush=True)
        packaged = sam_transform.as_uploaded(template, source.parent, bucket, prefix)
        Path(_option(command, "--output-template-file")).write_text(json.dumps(packaged, indent=4) + "\n")
        print(f"  (not run: {_option(command, '--output-template-file')} written as the CLI writes it)", flush=True)

    def _deploy(self, command: list[str]) -> None:
        path = Path(_option(command, "--template-file"))
        name, bucket, prefix = _option(command, "--stack-name"), _option(command, "--s3-bucket"), \
            _option(command, "--s3-prefix")
        body = path.read_bytes()
        if len(body) > TEMPLATE_BODY_LIMIT and not bucket:
            raise DryRunRefusal(f"{path} is {len(body)} bytes: `aws cloudformation deploy` refuses a template over "
                                f"{TEMPLATE_BODY_LIMIT} bytes without --s3-bucket")
        template = json.loads(body)
        given = dict(item.split("=", 1) for item in _after(command, "--parameter-overrides"))
        previous = {p["ParameterKey"]: p["ParameterValue"] for p in (self.account.stack or {}).get("Parameters", [])}
        values = stack_parameters.effective(template, previous, given)
        kind = "UPDATE" if self.account.stack else "CREATE"
        key = f"{prefix}/{hashlib.md5(body).hexdigest()}.template"  # noqa: S324 (the CLI's key)
        if bucket:
            print(f"{CLI}s3 HeadObject Bucket={bucket} Key={key}, then PutObject Body=<{len(body)} bytes>", flush=True)
        print(f"{CLI}cloudformation DescribeStacks StackName={name}", flush=True)
        if kind == "UPDATE":
            print(f"{CLI}cloudformation GetTemplateSummary StackName={name}", flush=True)
        parameters = [{"ParameterKey": k, "ParameterValue": given[k]} if k in given else
                      {"ParameterKey": k, "UsePreviousValue": True}
                      for k in template.get("Parameters", {}) if k in given or kind == "UPDATE"]
        where = f"TemplateURL=https://s3.{self.region}.amazonaws.com/{bucket}/{key}" if bucket else "TemplateBody=…"
        print(f"{CLI}cloudformation CreateChangeSet StackName={name} ChangeSetType={kind} {where} "
              f"Capabilities={','.join(_after(command, '--capabilities'))} "
              f"Parameters={json.dumps(parameters)}", flush=True)
        problems = stack_parameters.problems(template, values)
        if problems:
            raise DryRunRefusal("CloudFormation would refuse the parameters: " + "; ".join(problems))
        try:
            transformed = sam_transform.transform(template, values, self.region)
        except sam_transform.TransformError as error:
            raise DryRunRefusal(f"Transform AWS::Serverless-2016-10-31 failed with: {error}") from error
        self.transformed.append(len(transformed["Resources"]))
        print(f"  (CloudFormation's SAM transform with these values, run here: {len(transformed['Resources'])} "
              "resources)", flush=True)
        print(f"{CLI}cloudformation DescribeChangeSet (every 5 s until CREATE_COMPLETE), ExecuteChangeSet "
              f"StackName={name}, DescribeStacks (every 30 s until {kind}_COMPLETE)", flush=True)
        self.account.deployed(name, values, self._outputs(transformed, values))
        print(f"  (not run: the stack is taken as {kind.lower()}d; its API id a stand-in, "
              f"{sam_transform.SAMPLE_API_ID})", flush=True)

    def _outputs(self, transformed: dict[str, Any], values: dict[str, str]) -> dict[str, str]:
        """The stack's outputs as CloudFormation would give them, where the template and the values say what they
        are (a condition's, a parameter's, a bucket's name); stand-ins for what only the stack knows."""
        t = Template(transformed, values.get("Stage", ""))
        t.params.update({**values, "AWS::Region": self.region, "AWS::AccountId": self.account.account})
        found = {}
        for key, spec in transformed.get("Outputs", {}).items():
            if "Condition" in spec and not t.condition(spec["Condition"]):
                continue
            value = t.value(spec.get("Value"))
            known = isinstance(value, str) and not isinstance(value, Unresolved) and "${" not in value
            found[key] = value if known else f"<{key}>"
        found["RestAPIId"] = sam_transform.SAMPLE_API_ID
        return found


def header(stage: str, region: str, account: str) -> str:
    return (f"make deploy, dry run of {stage} in {region}: nothing is sent to AWS and no account is needed. "
            f"Assumed: an empty account {account} (a stand-in), a first deploy (no stack, no artifact bucket), "
            "both SSM parameters there as SecureStrings.\n"
            "  AWS lines: the calls this deploy makes, answered here; CLI lines: what the AWS CLI would call.")


def run_dry(stage: str, region: str, deploy_call: Any) -> int:
    """Runs `deploy_call(session, runner)` offline; returns the exit code the real deploy would have."""
    from infra.offline_aws import OfflineSession

    account = OfflineAccount()
    print(header(stage, region, account.account), flush=True)
    rehearsal = Rehearsal(account, region)
    try:
        deploy_call(OfflineSession(account, region), rehearsal)
    except DryRunRefusal as refusal:
        print(f"make deploy (dry run): the real deploy would stop here: {refusal}", file=sys.stderr)
        return 1
    print(f"\ndry run complete: nothing was sent. {len(account.calls)} AWS calls of infra/deploy.py answered here "
          "(manage.py's are listed above, answered in its own process); "
          f"{len(rehearsal.transformed)} stack deploys transformed "
          f"({', '.join(map(str, rehearsal.transformed))} resources).")
    return 0
