"""AWS that answers on this machine and is never reached: the dry run's (`make deploy DRY_RUN=1`).

    python -m infra.offline_aws manage.py load-district examples/raipur.yaml     (a script, with the same AWS)

The clients are botocore's own, so every call is checked against AWS's API model (the operation, its
parameters' names and types) exactly as a real one; botocore's `before-call` event then answers it from
`OfflineAccount.answer` — an empty account, first deploy: no stack yet, no artifact bucket, both SSM
parameters present, no directory items — and a `before-send` handler refuses whatever would still go out.
Each call is printed as it is made, with its parameters (bodies by size). The credentials are dummies
given outright, so no credential provider (a profile, SSO, the instance metadata service) is asked either.
"""
from __future__ import annotations

import json
import os
import runpy
import sys
from collections.abc import Callable
from typing import Any

ACCOUNT = "123456789012"  # stands in for the account's id (the artifact and fallback buckets are named after it)
CREDENTIALS = {"aws_access_key_id": "dry-run", "aws_secret_access_key": "dry-run"}
PREFIX = "  AWS "


class NotSent(RuntimeError):
    """A request got past the dry run's answers: it is not sent."""


def _shown(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if hasattr(value, "read"):
        return "<a file>"
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 100 else text[:97] + "..."


class OfflineAccount:
    """The answers, and what the dry run has deployed so far (the stack DescribeStacks then shows)."""

    def __init__(self, account: str = ACCOUNT, out: Callable[[str], None] | None = None) -> None:
        self.account = account
        self.stack: dict[str, Any] | None = None
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.out = out or (lambda line: print(line, flush=True))

    def deployed(self, name: str, parameters: dict[str, str], outputs: dict[str, str]) -> None:
        status = "UPDATE_COMPLETE" if self.stack else "CREATE_COMPLETE"
        self.stack = {"StackName": name, "StackStatus": status, "CreationTime": "2026-01-01T00:00:00Z",
                      "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
                      "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()]}

    def answer(self, service: str, operation: str, params: dict[str, Any]) -> tuple[int, dict[str, Any], str]:
        """(HTTP status, parsed response, what was assumed)."""
        key = (service, operation)
        if key == ("sts", "GetCallerIdentity"):
            return 200, {"Account": self.account, "Arn": f"arn:aws:iam::{self.account}:user/dry-run",
                         "UserId": "DRYRUN"}, f"account {self.account} (a stand-in)"
        if key == ("ssm", "GetParameter"):
            return 200, {"Parameter": {"Name": params.get("Name"), "Type": "SecureString", "Version": 1}}, \
                "assumed: there, a SecureString"
        if key == ("cloudformation", "DescribeStacks"):
            if self.stack is None:
                return 400, {"Error": {"Code": "ValidationError", "Type": "Sender",
                                       "Message": f"Stack with id {params.get('StackName')} does not exist"}}, \
                    "assumed: no such stack (a first deploy)"
            return 200, {"Stacks": [self.stack]}, f"{self.stack['StackStatus']} (as the dry run deployed it)"
        if key == ("s3", "HeadBucket"):
            return 404, {"Error": {"Code": "404", "Message": "Not Found"}}, "assumed: no such bucket"
        if key == ("s3", "GetBucketLifecycleConfiguration"):
            return 404, {"Error": {"Code": "NoSuchLifecycleConfiguration",
                                   "Message": "The lifecycle configuration does not exist"}}, \
                "assumed: no lifecycle rules yet (a first load)"
        if key == ("dynamodb", "GetItem"):
            return 200, {}, "assumed: no such item"
        if key == ("dynamodb", "Query"):
            return 200, {"Items": [], "Count": 0, "ScannedCount": 0}, "assumed: nothing"
        if key == ("dynamodb", "BatchWriteItem"):
            return 200, {"UnprocessedItems": {}}, ""
        return 200, {}, ""

    def install(self, client: Any) -> Any:
        """Answers every call of `client` here; returns it."""
        events = client.meta.events

        def keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
            context["offline_params"] = dict(params)

        def answer(model: Any, context: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]]:
            from botocore.awsrequest import AWSResponse

            service, operation = model.service_model.service_name, model.name
            params = context.get("offline_params", {})
            self.calls.append((service, operation, params))
            status, parsed, note = self.answer(service, operation, params)
            shown = " ".join(f"{k}={_shown(v)}" for k, v in params.items())
            line = f"{PREFIX}{service} {operation} {shown}".rstrip()
            self.out(line + (f"   → {note}" if note else ""))
            parsed.setdefault("ResponseMetadata", {"HTTPStatusCode": status, "HTTPHeaders": {}, "RetryAttempts": 0})
            return AWSResponse("https://dry-run.invalid/", status, {}, None), parsed

        def refuse(request: Any, **_: Any) -> None:
            raise NotSent(f"dry run: {request.method} {request.url} would have been sent")

        events.register_first("provide-client-params.*.*", keep_params)
        events.register_first("before-call.*.*", answer)
        events.register_first("before-send.*.*", refuse)
        return client


class OfflineSession:
    """What infra/deploy.py takes as a boto3 session: `client(service, region_name=…)`."""

    def __init__(self, account: OfflineAccount, region: str) -> None:
        import boto3

        self.account = account
        self._session = boto3.session.Session(region_name=region, **CREDENTIALS)

    def client(self, service: str, region_name: str | None = None) -> Any:
        return self.account.install(self._session.client(service, region_name=region_name))


def offline_environment(environ: dict[str, str]) -> dict[str, str]:
    """A process environment in which an AWS SDK finds dummy credentials first and never a real profile."""
    env = {k: v for k, v in environ.items()
           if k not in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
           and not k.startswith("AWS_ENDPOINT_URL")}
    env.update({"AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
                "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"], "AWS_EC2_METADATA_DISABLED": "true"})
    return env


def patch_botocore(account: OfflineAccount) -> None:
    """Every botocore client made from now on in this process (boto3's, pynamodb's) answers here."""
    import botocore.session

    create = botocore.session.Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        return account.install(create(self, *args, **kwargs))

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m infra.offline_aws SCRIPT [ARG…]", file=sys.stderr)
        return 2
    env = offline_environment(dict(os.environ))
    for name in set(os.environ) - set(env):
        del os.environ[name]
    os.environ.update(env)
    patch_botocore(OfflineAccount())
    sys.argv = args
    try:
        runpy.run_path(args[0], run_name="__main__")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
