"""One IAM policy per function and stage, written from infra/needs.json.

    python -m infra.policies --stage dev --stage prod          # (re)write .chalice/policy-<stage>-<function>.json
    python -m infra.policies --stage prod --check              # exit 1 when a file differs from the needs

Chalice reads the files as they are (`lambda_functions.<name>.iam_policy_file` in .chalice/config.json), for
`chalice package` and `chalice deploy` alike, so they are plain JSON: account and region are wildcards in
the ARNs, names are exact. X-Ray has no resource-level permissions: its two actions are the only ones on "*". Chime SDK
meetings and media pipelines are named by Chime: their actions are held to their resource type (meeting/*,
media-pipeline/*); creating a capture pipeline also needs s3:GetBucketPolicy on the sink's bucket (Chime reads
that the bucket lets mediapipelines.chime.amazonaws.com write), declared as the bucket-level s3 need 'audio'.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NEEDS_FILE = ROOT / "infra" / "needs.json"
CHALICE_DIR = ROOT / ".chalice"
TRACING_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
LOG_ACTIONS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]


def load_needs(path: Path = NEEDS_FILE) -> dict[str, dict[str, Any]]:
    return json.loads(path.read_text())["functions"]


def function_name(need: dict[str, Any], stage: str) -> str:
    return need["function_name"].format(stage=stage)


def table_arn(stage: str, relative: str) -> str:
    """`tickets` or `tickets/index/by_caller` → the ARN of samvad-<stage>-tickets (or its index)."""
    return f"arn:aws:dynamodb:*:*:table/samvad-{stage}-{relative}"


def queue_arn(stage: str, kind: str) -> str:
    return f"arn:aws:sqs:*:*:samvad-{stage}-{kind}"


# S3 ARNs name no account, and a bucket's name must be unique across accounts: the stack names it with the
# account id, which a policy file (plain JSON, no Fn::Sub) can only name through this IAM policy variable.
ACCOUNT_VARIABLE = "${aws:PrincipalAccount}"


def bucket_name(stage: str, kind: str) -> str:
    """`audio` → the bucket infra/resources.json makes: samvad-<stage>-audio-<account id>."""
    return f"samvad-{stage}-{kind}-{ACCOUNT_VARIABLE}"


def object_arn(stage: str, relative: str) -> str:
    """`audio/recordings` → the objects under recordings/ in the stage's audio bucket."""
    kind, _, prefix = relative.partition("/")
    return f"arn:aws:s3:::{bucket_name(stage, kind)}/{prefix}/*"


def bucket_arn(stage: str, kind: str) -> str:
    """`audio` → the stage's audio bucket itself (bucket-level actions: GetBucketPolicy)."""
    return f"arn:aws:s3:::{bucket_name(stage, kind)}"


def s3_arn(stage: str, relative: str) -> str:
    """An s3 need's name: `audio/recordings` the objects under a prefix, `audio` the bucket."""
    return object_arn(stage, relative) if "/" in relative else bucket_arn(stage, relative)


def transcription_job_arn(stage: str) -> str:
    """The stage's jobs: the transcriber names each samvad-<stage>-<complaint number>-<recording sid>."""
    return f"arn:aws:transcribe:*:*:transcription-job/samvad-{stage}-*"


# Each Chime SDK action authorised on the resource type it takes (Service Authorization Reference, Amazon
# Chime): a meeting's id and a pipeline's are Chime's, so the type is as narrow as a policy file can name them.
CHIME_RESOURCES = {"CreateMeeting": "meeting", "CreateAttendee": "meeting", "GetMeeting": "meeting",
                   "DeleteMeeting": "meeting", "CreateMediaCapturePipeline": "media-pipeline",
                   "DeleteMediaCapturePipeline": "media-pipeline"}


def chime_arn(resource_type: str) -> str:
    """`meeting` → every Chime SDK meeting of the account (media-pipeline likewise)."""
    return f"arn:aws:chime:*:*:{resource_type}/*"


def chime_needs(actions: list[str]) -> dict[str, list[str]]:
    """The declared Chime actions by the ARN pattern each is allowed on (an action not in CHIME_RESOURCES is
    refused: its resource type must be looked up, not guessed)."""
    unknown = [a for a in actions if a not in CHIME_RESOURCES]
    if unknown:
        raise ValueError(f"no resource type known for chime:{', chime:'.join(unknown)} (infra/policies.py)")
    by_arn: dict[str, list[str]] = {}
    for action in actions:
        by_arn.setdefault(chime_arn(CHIME_RESOURCES[action]), []).append(action)
    return by_arn


def parameter_name(stage: str, name: str) -> str:
    return f"/samvad/{stage}/{name}"


def parameter_arn(stage: str, name: str) -> str:
    return f"arn:aws:ssm:*:*:parameter{parameter_name(stage, name)}"


def log_group_arns(name: str) -> list[str]:
    """The function's own log group (CreateLogGroup names the group, the others its streams)."""
    group = f"arn:aws:logs:*:*:log-group:/aws/lambda/{name}"
    return [group, group + ":*"]


def _sid(text: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def policy_document(stage: str, function: str, needs: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    need = (needs or load_needs())[function]
    statements: list[dict[str, Any]] = [
        {"Sid": "OwnLogs", "Effect": "Allow", "Action": LOG_ACTIONS,
         "Resource": log_group_arns(function_name(need, stage))}]
    for relative, actions in need.get("dynamodb", {}).items():
        statements.append({"Sid": "Table" + _sid(relative), "Effect": "Allow",
                           "Action": [f"dynamodb:{a}" for a in actions], "Resource": table_arn(stage, relative)})
    for kind, actions in need.get("sqs", {}).items():
        statements.append({"Sid": "Queue" + _sid(kind), "Effect": "Allow",
                           "Action": [f"sqs:{a}" for a in actions], "Resource": queue_arn(stage, kind)})
    for relative, actions in need.get("s3", {}).items():
        statements.append({"Sid": ("Objects" if "/" in relative else "Bucket") + _sid(relative), "Effect": "Allow",
                           "Action": [f"s3:{a}" for a in actions], "Resource": s3_arn(stage, relative)})
    if need.get("transcribe"):
        statements.append({"Sid": "TranscriptionJobs", "Effect": "Allow",
                           "Action": [f"transcribe:{a}" for a in need["transcribe"]],
                           "Resource": transcription_job_arn(stage)})
    for arn, actions in chime_needs(need.get("chime", [])).items():
        statements.append({"Sid": "Chime" + _sid(arn.rsplit(":", 1)[-1]), "Effect": "Allow",
                           "Action": [f"chime:{a}" for a in actions], "Resource": arn})
    parameters = need.get("ssm", [])
    if parameters:
        arns = [parameter_arn(stage, p) for p in parameters]
        statements.append({"Sid": "Parameters", "Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": arns})
        # Only needed with a customer-managed key (aws/ssm's key policy already allows use through SSM); held
        # to SSM and to these parameters by the encryption context Parameter Store sets.
        statements.append({"Sid": "ParameterKey", "Effect": "Allow", "Action": ["kms:Decrypt"],
                           "Resource": "arn:aws:kms:*:*:key/*",
                           "Condition": {"StringLike": {"kms:ViaService": "ssm.*.amazonaws.com",
                                                        "kms:EncryptionContext:PARAMETER_ARN": arns}}})
    statements.append({"Sid": "Tracing", "Effect": "Allow", "Action": TRACING_ACTIONS, "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def policy_file(stage: str, function: str) -> Path:
    return CHALICE_DIR / f"policy-{stage}-{function}.json"


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.policies", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", action="append", required=True)
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    needs = load_needs()
    stale = []
    for stage in args.stage:
        for function in needs:
            path, text = policy_file(stage, function), render(policy_document(stage, function, needs))
            if args.check:
                if not path.exists() or path.read_text() != text:
                    stale.append(path)
            elif not path.exists() or path.read_text() != text:
                path.write_text(text)
                print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("out of date with infra/needs.json: " + ", ".join(str(p.relative_to(ROOT)) for p in stale),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
