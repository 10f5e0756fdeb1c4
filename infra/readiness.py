"""Readiness check of a packaged stage: what cfn-lint does not know about this app.

    python -m infra.readiness build/prod --stage prod [--template sam.json --template transformed.json]

(make package runs it after cfn-lint, on the SAM template and on the CloudFormation the SAM transform makes
of it, infra/sam_transform.py: the rules read both forms.)

cfn-lint checks each resource against CloudFormation's schemas. It cannot know that a queue must outlive
six runs of the function that drains it, that a function's role must cover what its code does (and no
more), that a dead-letter queue nobody watches is a silent failure, that the API function must not name
its own API (SAM hides the circular reference from it), or that a parameter-only change leaves an alias on
its old version. Each rule below returns findings; `check()` runs them all on one packaged template.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra import policies, version_key
from infra.finish_package import LOCAL_ONLY, is_local_only

ROOT = Path(__file__).resolve().parents[1]
ALLOWED_RUNTIMES = ("python3.11", "python3.12", "python3.13")
VISIBILITY_FACTOR = 6  # AWS: a queue's visibility timeout at least six times the consuming function's timeout
SAMPLE = {"AWS::Region": "ap-south-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
          "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "samvad"}
# Services whose actions take resource ARNs: a "*" there would reach every table, queue, parameter or log.
# Chime's meetings and pipelines are named by Chime: a statement names their resource type (meeting/*), not "*".
RESOURCE_SCOPED = ("dynamodb:", "sqs:", "ssm:", "logs:", "kms:", "s3:", "sns:", "lambda:", "chime:")
CHECKED_SERVICES = ("dynamodb:", "sqs:", "ssm:", "s3:", "transcribe:", "chime:")  # only as infra/needs.json declares
# What an S3 statement may name: a bucket, or the objects under one named prefix of it (bucket/prefix/*).
_S3_OBJECTS = re.compile(r"^(?P<name>[^*?/]+/[^*?]+)/\*$")
PLACEHOLDER = "REPLACE-WITH"


@dataclass(frozen=True)
class Finding:
    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.where}: {self.message}"


class Unresolved(str):
    """A value only CloudFormation knows (a resource's Ref or attribute)."""


class Template:
    """The packaged template with the parameters a deploy of `stage` would have (defaults otherwise)."""

    def __init__(self, data: dict[str, Any], stage: str) -> None:
        self.data = data
        self.stage = stage
        self.resources: dict[str, dict[str, Any]] = data.get("Resources", {})
        self.params = {name: spec.get("Default") for name, spec in data.get("Parameters", {}).items()}
        self.params["Stage"] = stage

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {name: r for name, r in self.resources.items() if r.get("Type") == kind}

    def props(self, name: str) -> dict[str, Any]:
        return self.resources.get(name, {}).get("Properties", {}) or {}

    def condition(self, name: str) -> bool:
        return self._truth(self.data.get("Conditions", {}).get(name, False))

    def _truth(self, node: Any) -> bool:
        if isinstance(node, bool):
            return node
        if isinstance(node, dict):
            if "Fn::Equals" in node:
                a, b = (self.value(v) for v in node["Fn::Equals"])
                return str(a) == str(b)
            if "Fn::Not" in node:
                return not self._truth(node["Fn::Not"][0])
            if "Fn::And" in node:
                return all(self._truth(v) for v in node["Fn::And"])
            if "Fn::Or" in node:
                return any(self._truth(v) for v in node["Fn::Or"])
            if "Condition" in node:
                return self.condition(node["Condition"])
        return bool(node)

    def value(self, node: Any) -> Any:
        """Resolves parameters, pseudo parameters, Fn::If, Fn::Sub and Fn::Join as far as they can be."""
        if isinstance(node, dict) and len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                if arg in self.params:
                    return self.params[arg]
                return SAMPLE.get(arg, Unresolved(f"${{{arg}}}"))
            if key == "Fn::If":
                return self.value(arg[1] if self.condition(arg[0]) else arg[2])
            if key == "Fn::Sub":
                text, local = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

                def sub(match: re.Match) -> str:
                    name = match.group(1)
                    if name in local:
                        return str(self.value(local[name]))
                    if name in self.params and self.params[name] is not None:
                        return str(self.params[name])
                    return SAMPLE.get(name, match.group(0))

                return re.sub(r"\$\{([^}!]+)\}", sub, text)
            if key == "Fn::Join":
                return arg[0].join(str(self.value(v)) for v in arg[1])
            if key == "Fn::GetAtt":
                target = arg if isinstance(arg, str) else ".".join(arg)
                return Unresolved(f"${{{target}}}")
        return node

    def refs(self, node: Any) -> set[str]:
        """Logical ids of resources `node` refers to (Ref, Fn::GetAtt, ${...} in Fn::Sub, SAM's X.Alias)."""
        found: set[str] = set()

        def add(name: str) -> None:
            head = name.split(".")[0]
            if head in self.resources:
                found.add(head)

        def walk(value: Any, local: frozenset[str] = frozenset()) -> None:
            if isinstance(value, dict):
                for key, arg in value.items():
                    if key == "Ref" and isinstance(arg, str):
                        add(arg)
                    elif key == "Fn::GetAtt":
                        add(arg if isinstance(arg, str) else arg[0])
                    elif key == "Fn::Sub":
                        text, mapping = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
                        for name in re.findall(r"\$\{([^}!]+)\}", text):
                            if name not in mapping:
                                add(name)
                        walk(mapping)
                    else:
                        walk(arg)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(node)
        return found


# -- the rules ------------------------------------------------------------------------------------------

def functions(t: Template) -> dict[str, dict[str, Any]]:
    return t.of_type("AWS::Serverless::Function") | t.of_type("AWS::Lambda::Function")


def _queue_by_arn(t: Template, arn: Any) -> str | None:
    if isinstance(arn, dict) and "Fn::GetAtt" in arn:
        target = arn["Fn::GetAtt"]
        return target if isinstance(target, str) else target[0]
    name = str(t.value(arn)).rsplit(":", 1)[-1]
    for logical, queue in t.of_type("AWS::SQS::Queue").items():
        if t.value(queue.get("Properties", {}).get("QueueName")) == name:
            return logical
    return None


def sqs_sources(t: Template) -> list[tuple[str, str, dict[str, Any]]]:
    """(function, event name, event properties) for every SQS event source: a SAM function's SQS event, or in
    the transformed template the event source mapping SAM made of it (its Queue is the EventSourceArn)."""
    found = []
    for name, fn in functions(t).items():
        for event_name, event in (fn.get("Properties", {}).get("Events") or {}).items():
            if event.get("Type") == "SQS":
                found.append((name, event_name, event.get("Properties", {})))
    for name, mapping in t.of_type("AWS::Lambda::EventSourceMapping").items():
        props = mapping.get("Properties", {})
        target = t.refs(props.get("FunctionName"))
        if ":sqs:" in str(t.value(props.get("EventSourceArn"))) and target:
            found.append((sorted(target)[0], name, {**props, "Queue": props.get("EventSourceArn")}))
    return found


def rule_queue_visibility(t: Template, **_: Any) -> list[Finding]:
    findings = []
    for fn, event_name, props in sqs_sources(t):
        queue = _queue_by_arn(t, props.get("Queue"))
        if queue is None:
            findings.append(Finding("queue-visibility", f"{fn}.{event_name}",
                                    "its queue is not in this template; its visibility timeout cannot be checked"))
            continue
        timeout = int(t.value(t.props(fn).get("Timeout", 3)))
        visibility = int(t.value(t.props(queue).get("VisibilityTimeout", 30)))
        if visibility < VISIBILITY_FACTOR * timeout:
            findings.append(Finding("queue-visibility", queue,
                                    f"VisibilityTimeout {visibility} s < {VISIBILITY_FACTOR} × {fn}'s Timeout "
                                    f"{timeout} s: messages come back while a batch is still being worked on"))
        if "ReportBatchItemFailures" not in (props.get("FunctionResponseTypes") or []):
            findings.append(Finding("batch-failures", f"{fn}.{event_name}",
                                    "FunctionResponseTypes lacks ReportBatchItemFailures: the consumers return "
                                    "batchItemFailures, so without it a failed message is deleted with the batch"))
    return findings


def rule_runtime(t: Template, **_: Any) -> list[Finding]:
    return [Finding("runtime", name, f"Runtime {t.value(fn['Properties'].get('Runtime'))!r} is not one of "
                                     f"{', '.join(ALLOWED_RUNTIMES)}")
            for name, fn in functions(t).items()
            if t.value(fn.get("Properties", {}).get("Runtime")) not in ALLOWED_RUNTIMES]


def _statements(document: Any) -> list[dict[str, Any]]:
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return [statements] if isinstance(statements, dict) else list(statements)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_documents(t: Template) -> dict[str, list[dict[str, Any]]]:
    """Policy documents by the role (or policy resource) holding them."""
    found: dict[str, list[dict[str, Any]]] = {}
    for name, role in t.of_type("AWS::IAM::Role").items():
        found[name] = [p.get("PolicyDocument", {}) for p in role.get("Properties", {}).get("Policies") or []]
    for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        for name, policy in t.of_type(kind).items():
            found[name] = [policy.get("Properties", {}).get("PolicyDocument", {})]
    return found


def rule_iam_wildcards(t: Template, **_: Any) -> list[Finding]:
    findings = []
    for holder, documents in role_documents(t).items():
        for document in documents:
            for statement in _statements(document):
                if statement.get("Effect") != "Allow":
                    continue
                actions = [str(a) for a in _as_list(statement.get("Action", []))]
                where = f"{holder} {statement.get('Sid') or ''}".strip()
                if "NotAction" in statement or "NotResource" in statement:
                    findings.append(Finding("iam-wildcards", where, "NotAction/NotResource allow everything else"))
                for action in actions:
                    if "*" in action or "?" in action:
                        findings.append(Finding("iam-wildcards", where, f"wildcard action {action!r}"))
                scoped = [a for a in actions if a.lower().startswith(RESOURCE_SCOPED)]
                for resource in _as_list(statement.get("Resource", [])):
                    text = str(t.value(resource))
                    name = _resource_name(text)
                    if scoped and (text == "*" or name is None or "*" in name or "?" in name):
                        if any(a.lower().startswith(("kms:",)) for a in scoped) and "Condition" in statement:
                            continue  # a key held to SSM and to named parameters by its conditions
                        findings.append(Finding("iam-wildcards", where,
                                                f"{', '.join(scoped)} on {text!r}: name the table, queue, "
                                                "parameter, log group or Chime resource type"))
    return findings


def _resource_name(arn: str) -> str | None:
    """The part of an ARN that names the thing (table and index, queue, parameter, log group)."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None
    service, rest = parts[2], parts[5]
    if service == "dynamodb":
        return rest.removeprefix("table/")
    if service == "logs":
        return rest.removeprefix("log-group:").removesuffix(":*")
    if service == "ssm":
        return rest.removeprefix("parameter")
    if service == "s3":
        objects = _S3_OBJECTS.match(rest)
        return objects["name"] if objects else rest
    if service == "chime":  # meeting/* names the type; the ids are Chime's
        kind, _, ids = rest.partition("/")
        return kind if ids == "*" else rest
    return rest


def rule_tables(t: Template, **_: Any) -> list[Finding]:
    findings = []
    prod = t.stage == "prod"
    for name, table in t.of_type("AWS::DynamoDB::Table").items():
        props = table.get("Properties", {})
        if t.value(props.get("BillingMode")) != "PAY_PER_REQUEST":
            findings.append(Finding("tables", name, "BillingMode is not PAY_PER_REQUEST: provisioned capacity "
                                                    "throttles a burst of calls and is paid for when idle"))
        if not t.value((props.get("SSESpecification") or {}).get("SSEEnabled")):
            findings.append(Finding("tables", name, "SSESpecification.SSEEnabled is not true"))
        pitr = (props.get("PointInTimeRecoverySpecification") or {}).get("PointInTimeRecoveryEnabled")
        if not t.value(pitr):
            findings.append(Finding("tables", name, "point-in-time recovery is off: no restore after a bad write"))
        if prod and t.value(props.get("DeletionProtectionEnabled")) is not True:
            findings.append(Finding("tables", name, "DeletionProtectionEnabled is not true in prod"))
        if prod and table.get("DeletionPolicy") != "Retain":
            findings.append(Finding("tables", name, "DeletionPolicy is not Retain in prod"))
    return findings


def dead_letter_queues(t: Template) -> dict[str, str]:
    """DLQ logical id -> the queue whose redrive policy names it."""
    found = {}
    for name, queue in t.of_type("AWS::SQS::Queue").items():
        target = (queue.get("Properties", {}).get("RedrivePolicy") or {}).get("deadLetterTargetArn")
        dlq = _queue_by_arn(t, target) if target is not None else None
        if dlq:
            found[dlq] = name
    return found


def _alarms(t: Template) -> list[tuple[str, dict[str, Any]]]:
    return [(name, a.get("Properties", {})) for name, a in t.of_type("AWS::CloudWatch::Alarm").items()]


def _notifies(t: Template, props: dict[str, Any]) -> bool:
    """Does the alarm's AlarmActions name an SNS topic of this template (the alarm topic people subscribe to)?"""
    topics = set(t.of_type("AWS::SNS::Topic"))
    return bool(topics & t.refs(props.get("AlarmActions") or []))


def _alarmed(t: Template, namespace: str, metrics: tuple[str, ...], dimension: str, target: str) -> bool:
    """Is there an alarm notifying the alarm topic on one of `metrics` for the resource `target`?"""
    for _name, props in _alarms(t):
        if props.get("Namespace") != namespace or props.get("MetricName") not in metrics:
            continue
        if not _notifies(t, props):
            continue
        for dim in props.get("Dimensions") or []:
            if dim.get("Name") == dimension and target in t.refs(dim.get("Value")):
                return True
    return False


def rule_queues(t: Template, **_: Any) -> list[Finding]:
    findings = []
    dlqs = dead_letter_queues(t)
    for name, queue in t.of_type("AWS::SQS::Queue").items():
        props = queue.get("Properties", {})
        if not (t.value(props.get("SqsManagedSseEnabled")) is True or props.get("KmsMasterKeyId")):
            findings.append(Finding("queues", name, "no encryption at rest (SqsManagedSseEnabled or KmsMasterKeyId)"))
        if name in dlqs:
            if not _alarmed(t, "AWS/SQS", ("ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessages"),
                            "QueueName", name):
                findings.append(Finding("dlq-alarm", name, f"dead-letter queue of {dlqs[name]} has no alarm with an "
                                                           "action on its depth: failures would wait unseen"))
            continue
        redrive = props.get("RedrivePolicy")
        if not redrive:
            findings.append(Finding("queues", name, "no RedrivePolicy: a poison message is retried until it expires"))
        elif _queue_by_arn(t, redrive.get("deadLetterTargetArn")) is None:
            findings.append(Finding("queues", name, "RedrivePolicy names a dead-letter queue not in this template"))
    return findings


def rule_function_alarms(t: Template, **_: Any) -> list[Finding]:
    findings = []
    for name in functions(t):
        for metric in ("Errors", "Throttles"):
            if not _alarmed(t, "AWS/Lambda", (metric,), "FunctionName", name):
                findings.append(Finding("alarms", name, f"no alarm with an action on its {metric}"))
    if t.of_type("AWS::Serverless::Api") or t.of_type("AWS::ApiGateway::RestApi"):
        names = {props.get("MetricName") for _n, props in _alarms(t)
                 if props.get("Namespace") == "AWS/ApiGateway" and _notifies(t, props)}
        for metric in ("5XXError", "Latency"):
            if metric not in names:
                findings.append(Finding("alarms", "RestAPI", f"no alarm with an action on the API's {metric}"))
    return findings


def _needed(need: dict[str, Any], stage: str) -> list[tuple[str, str]]:
    """(action, sample ARN) pairs a function needs."""
    pairs = []
    for relative, actions in need.get("dynamodb", {}).items():
        pairs += [(f"dynamodb:{a}", policies.table_arn(stage, relative)) for a in actions]
    for kind, actions in need.get("sqs", {}).items():
        pairs += [(f"sqs:{a}", policies.queue_arn(stage, kind)) for a in actions]
    pairs += [("ssm:GetParameter", policies.parameter_arn(stage, p)) for p in need.get("ssm", [])]
    for relative, actions in need.get("s3", {}).items():
        pairs += [(f"s3:{a}", policies.s3_arn(stage, relative)) for a in actions]
    pairs += [(f"transcribe:{a}", policies.transcription_job_arn(stage)) for a in need.get("transcribe", [])]
    for arn, actions in policies.chime_needs(need.get("chime", [])).items():
        pairs += [(f"chime:{a}", arn) for a in actions]
    return [(action, _sample_arn(arn)) for action, arn in pairs]


def _sample_arn(arn: str) -> str:
    arn = arn.replace(policies.ACCOUNT_VARIABLE, SAMPLE["AWS::AccountId"])
    parts = arn.split(":", 5)
    parts[3], parts[4] = parts[3].replace("*", SAMPLE["AWS::Region"]), parts[4].replace("*", SAMPLE["AWS::AccountId"])
    return ":".join(parts)


def _grants(t: Template, role: str) -> list[tuple[str, str, str]]:
    """(action, resource pattern, sid) allowed by a role's inline policies."""
    grants = []
    for document in role_documents(t).get(role, []):
        for statement in _statements(document):
            if statement.get("Effect") != "Allow":
                continue
            for action in _as_list(statement.get("Action", [])):
                for resource in _as_list(statement.get("Resource", [])):
                    named = str(t.value(resource)).replace(policies.ACCOUNT_VARIABLE, SAMPLE["AWS::AccountId"])
                    grants.append((str(action), named, statement.get("Sid") or ""))
    return grants


def _matches(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value.lower(), pattern.lower())


def tables_and_indexes(t: Template) -> dict[str, set[str]]:
    """Each table of the template by the name needs.json uses ('tickets' for samvad-<stage>-tickets), with the
    names of its global secondary indexes."""
    prefix = f"samvad-{t.stage}-"
    found = {}
    for table in t.of_type("AWS::DynamoDB::Table").values():
        props = table.get("Properties", {})
        name = str(t.value(props.get("TableName")))
        found[name.removeprefix(prefix)] = {str(i.get("IndexName")) for i in props.get("GlobalSecondaryIndexes") or []}
    return found


def rule_needs(t: Template, needs: dict[str, dict[str, Any]] | None = None, **_: Any) -> list[Finding]:
    needs = needs if needs is not None else policies.load_needs()
    by_resource = {need.get("resource"): (name, need) for name, need in needs.items()}
    findings = []
    tables = tables_and_indexes(t)
    for function, need in needs.items():
        for relative in need.get("dynamodb", {}):
            table, _, index = relative.partition("/index/")
            if table not in tables:
                findings.append(Finding("needs", function, f"needs table {table!r}, which the template does not "
                                                           "make (add it to infra/resources.json)"))
            elif index and index not in tables[table]:
                findings.append(Finding("needs", function, f"needs index {relative!r}, which table {table!r} does "
                                                           "not have (infra/resources.json)"))
    for fn, spec in functions(t).items():
        if fn not in by_resource:
            findings.append(Finding("needs", fn, "Chalice makes this function but infra/needs.json declares no needs "
                                                 "for it: add an entry, then python -m infra.policies --stage …"))
            continue
        function, need = by_resource[fn]
        role_ref = spec.get("Properties", {}).get("Role")
        role = role_ref["Fn::GetAtt"][0] if isinstance(role_ref, dict) and "Fn::GetAtt" in role_ref else None
        if role is None or role not in t.resources:
            findings.append(Finding("needs", fn, "its role is not made by this template: its policy cannot be checked"))
            continue
        if t.props(role).get("ManagedPolicyArns"):
            findings.append(Finding("needs", role, "managed policies attached: their grants cannot be checked here"))
        grants = _grants(t, role)
        wanted = _needed(need, t.stage)
        for action, arn in wanted:
            if not any(_matches(a, action) and _matches(r, arn) for a, r, _sid in grants):
                findings.append(Finding("needs", f"{fn} ({function})",
                                        f"its role does not allow {action} on {arn} (declared in infra/needs.json)"))
        for action, resource, sid in grants:
            if not action.lower().startswith(CHECKED_SERVICES):
                continue
            if not any(_matches(action, a) and _matches(resource, arn) for a, arn in wanted):
                findings.append(Finding("needs", f"{role} {sid}".strip(),
                                        f"allows {action} on {resource}, which {function} does not need "
                                        "(infra/needs.json)"))
        variables = (spec.get("Properties", {}).get("Environment") or {}).get("Variables") or {}
        named = {str(t.value(v)) for k, v in variables.items() if k.endswith("_PARAMETER")}
        for parameter in need.get("ssm", []):
            if policies.parameter_name(t.stage, parameter) not in named:
                findings.append(Finding("needs", fn, f"needs parameter {policies.parameter_name(t.stage, parameter)} "
                                                     "but no *_PARAMETER variable names it"))
    return findings


def rule_environment(t: Template, **_: Any) -> list[Finding]:
    findings = []
    # A secret is read from the SSM parameter its `<NAME>_PARAMETER` variable names; `<NAME>` itself would
    # put it in plain text in the function's configuration (settings.secret reads that first, for local use).
    secrets = {key.removesuffix("_PARAMETER") for spec in functions(t).values()
               for key in ((spec.get("Properties", {}).get("Environment") or {}).get("Variables") or {})
               if key.endswith("_PARAMETER")}
    for fn, spec in functions(t).items():
        variables = (spec.get("Properties", {}).get("Environment") or {}).get("Variables") or {}
        for key in sorted(secrets & set(variables)):
            findings.append(Finding("environment", fn, f"{key} is a secret in a plain variable: keep it in the SSM "
                                                       f"SecureString {key}_PARAMETER names"))
        for key, value in variables.items():
            if PLACEHOLDER in json.dumps(value):
                findings.append(Finding("environment", fn, f"{key} is still a placeholder ({PLACEHOLDER}…)"))
        if str(t.value(variables.get("SAMVAD_STAGE"))) != t.stage:
            findings.append(Finding("environment", fn, f"SAMVAD_STAGE is {variables.get('SAMVAD_STAGE')!r}, "
                                                       f"packaged for {t.stage!r}"))
        if "PUBLIC_BASE_URL" not in variables:
            findings.append(Finding("environment", fn, "no PUBLIC_BASE_URL: Twilio signatures and links need it"))
    stage = t.data.get("Parameters", {}).get("Stage", {})
    if stage.get("AllowedPattern") != f"^{t.stage}$" and stage.get("AllowedValues") != [t.stage]:
        findings.append(Finding("environment", "Parameters.Stage", f"not pinned to {t.stage!r} "
                                                                   "(python -m infra.finish_package)"))
    return findings


def rule_cycles(t: Template, **_: Any) -> list[Finding]:
    edges = {name: (t.refs(res.get("Properties", {})) | set(_as_list(res.get("DependsOn", []))) |
                    t.refs({k: v for k, v in res.items() if k not in ("Properties", "DependsOn", "Type")})) - {name}
             for name, res in t.resources.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt in edges and nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return [Finding("cycle", cycle[0], "circular reference: " + " → ".join(cycle) +
                    " (the API function cannot name its own API: PublicBaseUrl exists for that)")
            for cycle in cycles]


def rule_alias_versions(t: Template, **_: Any) -> list[Finding]:
    """SAM publishes a version when CodeUri or AutoPublishCodeSha256 changes, not when a parameter that the
    environment names does: the alias would keep serving the old environment (aws/serverless-application-model
    issue 3820). And its transform takes AutoPublishCodeSha256 only as a string after resolving parameters
    (an Fn::Sub is refused), then names the version after its first ten characters alone. So it must be a Ref
    to a SHA-256 parameter that the deploy computes from the code and the environment (infra/version_key.py).
    In the transformed template: the API's integrations and permission name the alias, not the function."""
    findings = []
    keyed = version_key.version_parameters(t.data)
    for fn, spec in functions(t).items():
        props = spec.get("Properties", {})
        if not props.get("AutoPublishAlias"):
            continue
        used = sorted(version_key.environment_parameters(t.data, fn) - {"Stage"})
        sha = props.get("AutoPublishCodeSha256")
        if sha is None:
            if used:
                findings.append(Finding("alias-version", fn, f"environment uses {', '.join(used)} but no "
                                                             "AutoPublishCodeSha256 follows them: changing them "
                                                             "would leave the alias on the old version"))
            continue
        parameter = sha.get("Ref") if isinstance(sha, dict) else None
        spec_of = t.data.get("Parameters", {}).get(parameter or "", {})
        if keyed.get(parameter or "") != fn or spec_of.get("AllowedPattern") != version_key.PATTERN:
            findings.append(Finding("alias-version", fn, f"AutoPublishCodeSha256 is {json.dumps(sha)}: make it a "
                                                         "Ref to a String parameter with AllowedPattern "
                                                         f"{version_key.PATTERN} that make deploy computes "
                                                         "(infra/version_key.py); SAM's transform refuses anything "
                                                         "but a string there"))
    aliased = {fn for fn, spec in functions(t).items() if spec.get("Properties", {}).get("AutoPublishAlias")}
    aliased |= {target for alias in t.of_type("AWS::Lambda::Alias").values()
                for target in t.refs(alias.get("Properties", {}).get("FunctionName"))}
    api = t.props("RestAPI")
    body = api.get("DefinitionBody") or api.get("Body")
    for fn in sorted(aliased):
        if body and "${" + fn + ".Arn}" in json.dumps(body):
            findings.append(Finding("alias-version", "RestAPI", f"integrations call {fn}, not its alias: "
                                                                "provisioned concurrency would sit unused"))
        for name, permission in t.of_type("AWS::Lambda::Permission").items():
            target = permission.get("Properties", {}).get("FunctionName")
            if target in ({"Ref": fn}, {"Fn::GetAtt": [fn, "Arn"]}, {"Fn::GetAtt": f"{fn}.Arn"}):
                findings.append(Finding("alias-version", name, f"lets its caller invoke {fn}, not its alias, "
                                                               "which the integrations call"))
    return findings


def rule_package(t: Template, zip_path: Path | None = None, requirements: Path | None = None,
                 **_: Any) -> list[Finding]:
    """chalice only warns when a dependency cannot be installed (offline, no wheel): check the zip holds each."""
    if zip_path is None or not zip_path.exists():
        return []
    requirements = requirements or ROOT / "requirements.txt"
    with zipfile.ZipFile(zip_path) as archive:
        present = {_normalise(name.split("/")[0][: -len(".dist-info")])
                   for name in archive.namelist() if name.split("/")[0].endswith(".dist-info")}
    findings = []
    for line in requirements.read_text().splitlines():
        line = line.split("#")[0].strip()
        match = re.match(r"^([A-Za-z0-9._-]+)\s*==\s*([^\s;]+)", line)
        if match and _normalise(f"{match.group(1)}-{match.group(2)}") not in present:
            findings.append(Finding("package", zip_path.name, f"{match.group(1)}=={match.group(2)} is not in the "
                                                              "deployment package (chalice could not install it)"))
    return findings


def rule_local_only(t: Template, zip_path: Path | None = None, **_: Any) -> list[Finding]:
    """The local stack and the YAML loaders stay on the admin's machine: infra/finish_package.py takes them out
    of the zip; a package made without that step (or code that needs them again) is refused here."""
    if zip_path is None or not zip_path.exists():
        return []
    with zipfile.ZipFile(zip_path) as archive:
        shipped = sorted(name for name in archive.namelist() if is_local_only(name))
    if not shipped:
        return []
    return [Finding("local-code", zip_path.name, f"{len(shipped)} files Lambda never runs are in the package "
                                                 f"({', '.join(shipped[:3])}{'…' if len(shipped) > 3 else ''}): "
                                                 f"python -m infra.finish_package takes out {', '.join(LOCAL_ONLY)}")]


def _normalise(name_version: str) -> str:
    return re.sub(r"[-_.]+", "_", name_version.lower())


RULES = (rule_queue_visibility, rule_runtime, rule_iam_wildcards, rule_tables, rule_queues, rule_function_alarms,
         rule_needs, rule_environment, rule_cycles, rule_alias_versions, rule_package, rule_local_only)


def check(template: dict[str, Any], stage: str, needs: dict[str, dict[str, Any]] | None = None,
          zip_path: Path | None = None) -> list[Finding]:
    t = Template(template, stage)
    findings: list[Finding] = []
    for rule in RULES:
        findings += rule(t, needs=needs, zip_path=zip_path)
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.readiness", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="chalice package's output: sam.json and deployment.zip")
    parser.add_argument("--stage", required=True)
    parser.add_argument("--template", action="append", default=None,
                        help="a template in outdir (again for another): sam.json by default; make package also "
                             "checks transformed.json, the SAM transform's CloudFormation")
    args = parser.parse_args(argv)
    failed = 0
    for n, name in enumerate(args.template or ["sam.json"]):
        template = json.loads((args.outdir / name).read_text())
        # The zip is the same for every template: its rules run once.
        findings = check(template, args.stage, zip_path=args.outdir / "deployment.zip" if n == 0 else None)
        for finding in findings:
            print(f"  {finding}", file=sys.stderr)
        if findings:
            print(f"readiness: {len(findings)} problem(s) in {args.outdir}/{name}", file=sys.stderr)
            failed += 1
            continue
        print(f"readiness: {args.outdir}/{name}: {len(RULES)} rules, "
              f"{len(functions(Template(template, args.stage)))} functions — ready", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
