"""`make package`'s SAM transform: what CloudFormation does first with the packaged template, done here.

    python -m infra.sam_transform build/prod --stage prod [--region ap-south-1]

CloudFormation expands `Transform: AWS::Serverless-2016-10-31` with AWS's own library, aws-sam-translator
(pinned in requirements-dev.txt), before it looks at anything else; a template the transform refuses fails
the deploy at its first step. cfn-lint 1.x no longer runs the transform, so this does, as a deploy would:
every CodeUri pointed at S3 as `aws cloudformation package` points it, and the parameter values `make deploy`
passes on a new stack's second run (infra/stack_parameters.py) with a stand-in API id and Twilio account,
the version key computed from the zip (infra/version_key.py). It writes build/<stage>/transformed.json, the
plain CloudFormation that `make package` then lints and checks for readiness like sam.json.

Offline: the transform is given a fixed map of AWS managed policies (it would otherwise ask IAM to list
them, and only needs them for a function naming one in `Policies`) and a session that only names the
region; a template with an AWS::Serverless::Application, which it resolves from the Serverless
Application Repository, is refused.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from infra import stack_parameters

TRANSFORMED = "transformed.json"
SAMPLE_API_ID = "a1b2c3d4e5"  # stand-ins for what only an account knows: the API's id, the account
SAMPLE_ACCOUNT = "123456789012"
SAMPLE_ACCOUNT_SID = "AC" + "0" * 32
# What IAM's ListPolicies (Scope=AWS) answers for the managed policies a SAM function may name in Policies;
# every function here has its own role, so none is used today.
MANAGED_POLICIES = {name: f"arn:aws:iam::aws:policy/{path}{name}" for path, name in (
    ("service-role/", "AWSLambdaBasicExecutionRole"), ("service-role/", "AWSLambdaSQSQueueExecutionRole"),
    ("service-role/", "AWSLambdaVPCAccessExecutionRole"), ("", "AWSXrayWriteOnlyAccess"),
    ("", "AWSXRayDaemonWriteAccess"), ("service-role/", "AWSLambdaRole"))}
# Properties `aws cloudformation package` uploads and replaces with an S3 URI, by resource type.
UPLOADED = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}


class TransformError(Exception):
    """The transform refused the template: its own message, as CloudFormation would show it."""


def artifact_bucket(account: str, region: str) -> str:
    return f"samvad-artifacts-{account}-{region}"


def as_uploaded(template: dict[str, Any], base_dir: Path, bucket: str, prefix: str) -> dict[str, Any]:
    """The template `aws cloudformation package` writes: each local artifact replaced by s3://bucket/prefix/<the
    file's MD5>, the key the CLI gives it."""
    uploaded = copy.deepcopy(template)
    for resource in uploaded.get("Resources", {}).values():
        prop = UPLOADED.get(resource.get("Type", ""))
        value = (resource.get("Properties") or {}).get(prop) if prop else None
        if isinstance(value, str) and not value.startswith("s3://"):
            digest = hashlib.md5((base_dir / value).read_bytes()).hexdigest()  # noqa: S324 (the CLI's key, not a secret)
            resource["Properties"][prop] = f"s3://{bucket}/{prefix}/{digest}"
    return uploaded


def transform(template: dict[str, Any], values: dict[str, str], region: str) -> dict[str, Any]:
    """aws-sam-translator's Translator, as CloudFormation runs it; raises TransformError with its message."""
    import boto3
    from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics  # type: ignore[import-untyped]
    from samtranslator.model.exceptions import ExceptionWithMessage, InvalidDocumentException  # type: ignore[import-untyped]
    from samtranslator.parser.parser import Parser  # type: ignore[import-untyped]
    from samtranslator.translator.translator import Translator  # type: ignore[import-untyped]

    applications = [name for name, r in template.get("Resources", {}).items()
                    if r.get("Type") == "AWS::Serverless::Application"]
    if applications:
        raise TransformError(f"{', '.join(applications)}: AWS::Serverless::Application needs the Serverless "
                             "Application Repository, which this offline transform does not call")
    # The session only tells the translator the region (for AWS::Region and the partition); it makes no call.
    session = boto3.session.Session(region_name=region)
    # The translator's timings go to a publisher that keeps them here (it would warn of them left unpublished).
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
    translator = Translator(None, Parser(), boto_session=session, metrics=metrics)
    try:
        return translator.translate(copy.deepcopy(template), parameter_values=dict(values),
                                    get_managed_policy_map=lambda: MANAGED_POLICIES)
    except InvalidDocumentException as error:
        raise TransformError(" ".join([error.message, *(cause.message for cause in error.causes)])) from error
    except ExceptionWithMessage as error:
        raise TransformError(error.message) from error
    finally:
        metrics.publish()


def sample_values(template: dict[str, Any], zip_path: Path, stage: str, region: str) -> dict[str, str]:
    """The overrides `make deploy` passes on a new stack's second run, with the stand-ins above."""
    given = stack_parameters.overrides(stage, stack_parameters.execute_api_url(SAMPLE_API_ID, region),
                                       account_sid=SAMPLE_ACCOUNT_SID)
    return stack_parameters.with_version_keys(template, zip_path, given, previous={})


def transform_package(outdir: Path, stage: str, region: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Transforms outdir/sam.json as a deploy would and writes outdir/transformed.json; returns it and the
    parameter values used. Raises TransformError."""
    template = json.loads((outdir / "sam.json").read_text())
    zip_path = outdir / "deployment.zip"
    given = sample_values(template, zip_path, stage, region)
    values = stack_parameters.effective(template, {}, given)
    refused = stack_parameters.problems(template, values)
    if refused:
        raise TransformError("; ".join(refused))
    uploaded = as_uploaded(template, outdir, artifact_bucket(SAMPLE_ACCOUNT, region), f"samvad/{stage}")
    transformed = transform(uploaded, values, region)
    (outdir / TRANSFORMED).write_text(json.dumps(transformed, indent=2) + "\n")
    return transformed, given


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.sam_transform", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="make package's output: sam.json and deployment.zip")
    parser.add_argument("--stage", required=True)
    parser.add_argument("--region", default="ap-south-1")
    args = parser.parse_args(argv)
    from samtranslator import __version__  # type: ignore[import-untyped]

    print(f"  SAM transform (aws-sam-translator {__version__}) of {args.outdir}/sam.json, as a deploy runs it:",
          flush=True)
    try:
        transformed, given = transform_package(args.outdir, args.stage, args.region)
    except TransformError as error:
        print(f"sam transform: {args.outdir}/sam.json would not deploy: Transform AWS::Serverless-2016-10-31 "
              f"failed with: {error}", file=sys.stderr)
        return 1
    print("  with " + " ".join(f"{k}={v}" for k, v in given.items()), flush=True)
    print(f"  {args.outdir}/{TRANSFORMED}: {len(transformed['Resources'])} resources", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
