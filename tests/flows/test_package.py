"""`make package` for dev and prod, without an AWS account: chalice package with the merge template, the
finishing step, AWS's SAM transform as a deploy runs it, cfn-lint and the readiness check on both templates
— and proof that the check catches what it is for. (`make package` itself, refusing what the transform
refuses, and the deploy's dry run: test_sam_transform.py.)

Packaging runs once per stage per session, in a copy of the project (chalice's own cache stays out of it);
with a complete wheelhouse/ (`make wheels`) it runs with PIP_NO_INDEX, which proves the package needs no
package index.
"""
from __future__ import annotations

import ast
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infra import chalice_deploy, finish_package, policies, readiness, sam_transform, version_key
from tests.support.project_copy import copy_project

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WHEELS = ROOT / "wheelhouse"
WEBHOOK_IMPORTS = {"app.py", "__pycache__", "chalice", "chalicelib", "twilio"}
PROJECT_FILES = ("app.py", "requirements.txt", "chalicelib", ".chalice/config.json", "infra/resources.json")


def wheel_cache_env() -> dict[str, str]:
    """What `make package` adds when `make wheels` has completed (its stamp is in wheelhouse/)."""
    complete = list(WHEELS.glob(".complete-*"))
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELS)} if complete else {}


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("project"), PROJECT_FILES)


class Packaged:
    def __init__(self, stage: str, outdir: Path, output: str, offline: bool, notes: list[str]) -> None:
        self.stage, self.outdir, self.output, self.offline, self.notes = stage, outdir, output, offline, notes

    @property
    def template(self) -> dict:
        return json.loads((self.outdir / "sam.json").read_text())


@pytest.fixture(scope="session")
def packaged(project, tmp_path_factory):
    """packaged(stage): `make package STAGE=stage`'s steps, once per stage per session."""
    done: dict[str, Packaged] = {}
    bytecode_cache = tmp_path_factory.mktemp("bytecode")

    def build(stage: str) -> Packaged:
        if stage not in done:
            outdir = tmp_path_factory.mktemp("build") / stage
            offline = wheel_cache_env()
            env = {**os.environ, **offline, "AWS_DEFAULT_REGION": "ap-south-1", "SAMVAD_STAGE": stage}
            result = subprocess.run([str(BIN / "chalice"), "package", "--stage", stage, "--merge-template",
                                     "infra/resources.json", str(outdir)], cwd=project, env=env,
                                    capture_output=True, text=True)
            assert result.returncode == 0, result.stdout + result.stderr
            notes = finish_package.finish(outdir, stage, cache_dir=bytecode_cache)
            done[stage] = Packaged(stage, outdir, result.stdout + result.stderr, bool(offline), notes)
        return done[stage]

    return build


@pytest.fixture(scope="session")
def chalice_deploy_resources(tmp_path_factory) -> Path:
    """The stack `chalice deploy` users deploy beside it (python -m infra.chalice_deploy)."""
    path = tmp_path_factory.mktemp("chalice-deploy") / "resources-prod.json"
    path.write_text(json.dumps(chalice_deploy.resources_template("prod")))
    return path


@pytest.fixture(scope="session")
def lint(packaged, chalice_deploy_resources) -> subprocess.CompletedProcess:
    """cfn-lint on both stages' templates and the chalice-deploy stack in one run (it takes seconds to start)."""
    return subprocess.run([str(BIN / "cfn-lint"), *(str(packaged(s).outdir / "sam.json") for s in ("dev", "prod")),
                           str(chalice_deploy_resources)], capture_output=True, text=True)


@pytest.fixture(scope="session")
def transformed(packaged) -> dict[str, tuple[dict, dict[str, str]]]:
    """Each stage through aws-sam-translator as `make package` runs it: (transformed template, values passed)."""
    return {stage: sam_transform.transform_package(packaged(stage).outdir, stage, "ap-south-1")
            for stage in ("dev", "prod")}


@pytest.fixture(scope="session")
def lint_transformed(packaged, transformed) -> subprocess.CompletedProcess:
    """cfn-lint on what the transform made of both stages (W2001: the version key is resolved away)."""
    return subprocess.run([str(BIN / "cfn-lint"), "--ignore-checks", "W2001", "--",
                           *(str(packaged(s).outdir / sam_transform.TRANSFORMED) for s in ("dev", "prod"))],
                          capture_output=True, text=True)


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_each_stage_packages_lint_clean_and_ready(packaged, lint, stage):
    build = packaged(stage)
    assert "Could not install dependencies" not in build.output  # chalice only warns when pip fails
    assert lint.returncode == 0, lint.stdout + lint.stderr
    findings = readiness.check(build.template, stage, zip_path=build.outdir / "deployment.zip")
    assert findings == [], "\n".join(map(str, findings))


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_each_stage_transforms_as_a_deploy_would_lint_clean_and_ready(transformed, lint_transformed, stage):
    template, values = transformed[stage]
    assert lint_transformed.returncode == 0, lint_transformed.stdout + lint_transformed.stderr
    assert not [r for r in template["Resources"].values() if r["Type"].startswith("AWS::Serverless::")]
    assert "Transform" not in template
    assert values["Stage"] == stage and re.fullmatch(version_key.PATTERN, values["ApiVersionSha256"])
    assert readiness.check(template, stage) == []
    # The rules see the transformed form too: the SQS event sources are event source mappings now.
    assert len(readiness.sqs_sources(readiness.Template(template, stage))) == 3


def test_the_version_key_names_the_version_the_alias_and_the_api_use(packaged, transformed):
    build = packaged("prod")
    template, values = transformed["prod"]
    uploaded = sam_transform.as_uploaded(build.template, build.outdir, "bucket", "samvad/prod")
    other = sam_transform.transform(uploaded, {**values, "ApiVersionSha256": "f" * 64}, "ap-south-1")
    for made, key in ((template, values["ApiVersionSha256"]), (other, "f" * 64)):
        resources = made["Resources"]
        versions = [name for name, r in resources.items() if r["Type"] == "AWS::Lambda::Version"]
        assert versions == [f"APIHandlerVersion{key[:10]}"]  # a new key, a new version (the old one retained)
        assert resources[versions[0]]["DeletionPolicy"] == "Retain"
        alias = resources["APIHandlerAliaslive"]["Properties"]
        assert alias["FunctionVersion"] == {"Fn::GetAtt": [versions[0], "Version"]}
        assert "ProvisionedConcurrencyConfig" in alias
        assert resources["APIHandler"]["Properties"]["Description"] == key
        body = json.dumps(resources["RestAPI"]["Properties"]["Body"])
        assert '"Ref": "APIHandlerAliaslive"' in body and "${APIHandler.Arn}" not in body
        assert resources["APIHandlerInvokePermission"]["Properties"]["FunctionName"] == {"Ref": "APIHandlerAliaslive"}
    assert all(r["Properties"]["Code"]["S3Bucket"] == "bucket" for r in other["Resources"].values()
               if r["Type"] == "AWS::Lambda::Function")  # CodeUri → S3, as `aws cloudformation package` writes it


def test_the_transform_refuses_what_cloudformation_would(packaged, transformed):
    """The transform's own messages, and never an AWS call: a SAR application is refused before translating."""
    template = packaged("prod").template
    _made, values = transformed["prod"]
    uploaded = sam_transform.as_uploaded(template, packaged("prod").outdir, "bucket", "samvad/prod")
    uploaded["Resources"]["APIHandler"]["Properties"]["AutoPublishCodeSha256"] = {"Fn::Sub": "env:${PublicBaseUrl}"}
    with pytest.raises(sam_transform.TransformError, match=re.escape(
            "Resource with id [APIHandler] is invalid. AutoPublishCodeSha256 must be a string")):
        sam_transform.transform(uploaded, values, "ap-south-1")
    uploaded["Resources"]["Extras"] = {"Type": "AWS::Serverless::Application",
                                       "Properties": {"Location": {"ApplicationId": "arn:aws:serverlessrepo:x",
                                                                   "SemanticVersion": "1.0.0"}}}
    with pytest.raises(sam_transform.TransformError, match="Serverless Application Repository"):
        sam_transform.transform(uploaded, values, "ap-south-1")


def test_packaging_needs_no_package_index_with_the_wheel_cache(packaged):
    # `make test` fills wheelhouse/ first (`make wheels`); run bare, this says what is missing rather than skip.
    assert wheel_cache_env(), "no complete wheelhouse/: run `make wheels` (make test does it first)"
    build = packaged("dev")
    assert build.offline
    with zipfile.ZipFile(build.outdir / "deployment.zip") as archive:
        names = archive.namelist()
    # Every requirement came from wheelhouse/ (pip had no index), as Lambda's platform wheels.
    assert any(n.startswith("twilio-9.13.0.dist-info/") for n in names)
    assert any(n.startswith("cryptography/hazmat/bindings/_rust.abi3.so") for n in names)
    wheel = next(n for n in names if n.startswith("cryptography-") and n.endswith("/WHEEL"))
    with zipfile.ZipFile(build.outdir / "deployment.zip") as archive:
        tags = archive.read(wheel).decode()
    assert "manylinux2014_x86_64" in tags or "manylinux_2_17_x86_64" in tags, tags


def test_make_test_fills_the_wheel_cache_before_the_suite():
    """CI starts from a fresh clone (`.ci/run` → `make test`): the test above must find wheelhouse/ complete."""
    result = subprocess.run(["make", "-s", "-p", "-n", "-f", str(ROOT / "Makefile"), "lint"], cwd=ROOT,
                            capture_output=True, text=True)  # -p: the rules as make read them, nothing run
    rule = next(line for line in result.stdout.splitlines() if line.startswith("test:"))
    assert "wheels" in rule.split(":", 1)[1].split(), rule


def test_the_template_pins_its_stage_and_sends_the_api_through_the_alias(packaged):
    template = packaged("prod").template
    assert template["Parameters"]["Stage"]["AllowedPattern"] == "^prod$"
    api = template["Resources"]["APIHandler"]["Properties"]
    assert api["AutoPublishAlias"] == "live"
    uris = [method["x-amazon-apigateway-integration"]["uri"]
            for path in template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"].values()
            for method in path.values()]
    assert uris and all(u["Fn::Sub"][1] == {"AliasArn": {"Ref": "APIHandler.Alias"}} for u in uris)
    # PUBLIC_BASE_URL: the parameter, else the custom domain; the other functions may fall back to the API's
    # execute-api URL, the API function may not (it would name its own API).
    assert "RestAPI" not in json.dumps(api["Environment"]["Variables"]["PUBLIC_BASE_URL"])
    assert "${RestAPI}" in json.dumps(template["Resources"]["Notifier"]["Properties"]["Environment"])


def test_the_package_ships_bytecode_that_python_uses_without_the_source(packaged, tmp_path):
    build = packaged("prod")
    assert any(note.startswith("bytecode:") and ".pyc files added" in note for note in build.notes), build.notes
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(build.outdir / "deployment.zip") as archive:
        header = archive.read(f"__pycache__/app.{tag}.pyc")[:8]
        # What `import app` needs (twilio's REST clients and botocore are loaded later, by other steps).
        archive.extractall(tmp_path, [n for n in archive.namelist() if n.split("/")[0] in WEBHOOK_IMPORTS
                                      and not n.startswith("twilio/rest/")])
    assert int.from_bytes(header[4:8], "little") == 0b01  # hash-based, source never checked (PEP 552)
    # Lambda unpacks the zip with arbitrary timestamps: an unchecked-hash .pyc is used as is. Spoil the
    # source; the import still works, so it came from the bytecode.
    (tmp_path / "app.py").write_text("raise SystemExit('the source was compiled again')\n")
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1",
           "SAMVAD_STAGE": "prod", "AWS_REGION": "ap-south-1"}
    result = subprocess.run([sys.executable, "-S", "-c", "import app, sys; print(sorted({'boto3', 'pynamodb', "
                             "'aws_xray_sdk'} & set(sys.modules)))"], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"  # and the webhook path stays free of AWS code


def test_the_package_leaves_the_local_stack_and_the_yaml_loaders_out(packaged, tmp_path):
    build = packaged("prod")
    assert any(note.startswith("local only: ") and not note.startswith("local only: 0 ") for note in build.notes)
    with zipfile.ZipFile(build.outdir / "deployment.zip") as archive:
        names = archive.namelist()
        archive.extractall(tmp_path)
    assert not [n for n in names if finish_package.is_local_only(n)]
    assert "chalicelib/domain/district.py" in names and "chalicelib/store/directory.py" in names  # only those went
    # Every deployed module imports without them, as Lambda would load it (its region, no project on the path).
    modules = sorted(n[:-3].replace("/", ".").removesuffix(".__init__") for n in names
                     if n.startswith("chalicelib/") and n.endswith(".py"))
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1",
           "SAMVAD_STAGE": "prod", "AWS_REGION": "ap-south-1"}
    probe = "import importlib, sys\nimport app\nfor module in sys.argv[1:]: importlib.import_module(module)"
    result = subprocess.run([sys.executable, "-S", "-c", probe, *modules], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_app_never_imports_what_the_package_leaves_out():
    """.importlinter checks chalicelib (app.py is a module, not a package it can hold): app.py's own imports,
    those inside its functions too, are checked here."""
    tree = ast.parse((ROOT / "app.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module} | \
               {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    named = {f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
             and node.module for alias in node.names}
    paths = {name.replace(".", "/") + suffix for name in imported | named for suffix in (".py", "/")}
    assert {"chalicelib/handlers/voice.py"} <= paths  # the walk sees app's imports
    assert not [path for path in paths if finish_package.is_local_only(path)]


def test_the_readiness_check_refuses_a_package_with_the_local_stack(packaged, tmp_path):
    build = packaged("prod")
    archive = tmp_path / "deployment.zip"
    shutil.copyfile(build.outdir / "deployment.zip", archive)
    assert readiness.check(build.template, "prod", zip_path=archive) == []
    with zipfile.ZipFile(archive, "a") as z:  # what chalice packages when the finishing step is skipped
        z.write(ROOT / "chalicelib" / "local" / "stack.py", "chalicelib/local/stack.py")
    findings = readiness.check(build.template, "prod", zip_path=archive)
    assert [f.rule for f in findings] == ["local-code"], findings
    assert "chalicelib/local/stack.py" in findings[0].message


def test_the_committed_policies_are_the_declared_needs():
    assert policies.main(["--stage", "dev", "--stage", "prod", "--check"]) == 0


# -- the readiness check catches each failure it is for -------------------------------------------------

def _statement(template, role, sid):
    return next(s for p in template["Resources"][role]["Properties"]["Policies"]
                for s in p["PolicyDocument"]["Statement"] if s.get("Sid") == sid)


def _env(template, function):
    return template["Resources"][function]["Properties"]["Environment"]["Variables"]


def _add_function(template):
    template["Resources"]["Janitor"] = copy.deepcopy(template["Resources"]["Sweeper"])


MUTATIONS = {
    "visibility under 6 × timeout": (
        "queue-visibility", lambda t: t["Resources"]["NotifyQueue"]["Properties"].update(VisibilityTimeout=300)),
    "no ReportBatchItemFailures": (
        "batch-failures", lambda t: t["Resources"]["Followup"]["Properties"]["Events"]["FollowupSqsEventSource"]
        ["Properties"].pop("FunctionResponseTypes")),
    "a runtime Lambda retired": (
        "runtime", lambda t: t["Resources"]["Notifier"]["Properties"].update(Runtime="python3.9")),
    "a wildcard action": (
        "iam-wildcards", lambda t: _statement(t, "NotifierRole", "TableIdempotency")["Action"].append("dynamodb:*")),
    "a table statement on Resource *": (
        "iam-wildcards", lambda t: _statement(t, "SweeperRole", "TableTimeline").update(Resource="*")),
    "point-in-time recovery off": (
        "tables", lambda t: t["Resources"]["TicketsTable"]["Properties"]["PointInTimeRecoverySpecification"]
        .update(PointInTimeRecoveryEnabled=False)),
    "deletion protection off in prod": (
        "tables", lambda t: t["Resources"]["CountersTable"]["Properties"].update(DeletionProtectionEnabled=False)),
    "encryption off": (
        "tables", lambda t: t["Resources"]["CallsTable"]["Properties"]["SSESpecification"].update(SSEEnabled=False)),
    "a queue without a dead-letter queue": (
        "queues", lambda t: t["Resources"]["FollowupQueue"]["Properties"].pop("RedrivePolicy")),
    "a dead-letter queue nobody watches": (
        "dlq-alarm", lambda t: t["Resources"].pop("NotifyDeadLetterQueueAlarm")),
    "a role missing what its function does": (
        "needs", lambda t: _statement(t, "NotifierRole", "TableIdempotency")["Action"].remove("dynamodb:PutItem")),
    "a role allowed more than its function needs": (
        "needs", lambda t: _statement(t, "ApiHandlerRole", "TableTickets")["Action"].append("dynamodb:DeleteItem")),
    "a function with no declared needs": ("needs", _add_function),
    "the API function naming its own API": (
        "cycle", lambda t: _env(t, "APIHandler").update(PUBLIC_BASE_URL={
            "Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api"})),
    "an alias that keeps the old environment": (
        "alias-version", lambda t: t["Resources"]["APIHandler"]["Properties"].pop("AutoPublishCodeSha256")),
    "a version key SAM's transform refuses (an Fn::Sub)": (
        "alias-version", lambda t: t["Resources"]["APIHandler"]["Properties"].update(AutoPublishCodeSha256={
            "Fn::Sub": "env:${PublicBaseUrl}|${CustomDomainName}|${TwilioAccountSid}|${SecretsVersion}"})),
    "a version key any string may be (no SHA-256 pattern)": (
        "alias-version", lambda t: t["Parameters"]["ApiVersionSha256"].pop("AllowedPattern")),
    "the API allowed to invoke the function, not its alias": (
        "alias-version", lambda t: t["Resources"]["APIHandlerInvokePermission"]["Properties"].update(
            FunctionName={"Ref": "APIHandler"})),
    "the auth token in a plain variable": (
        "environment", lambda t: _env(t, "Notifier").update(TWILIO_AUTH_TOKEN="0123456789abcdef")),
    "a placeholder left in the environment": (
        "environment", lambda t: _env(t, "Followup").update(TWILIO_ACCOUNT_SID="REPLACE-WITH-ACCOUNT-SID")),
    "a function without a throttle alarm": ("alarms", lambda t: t["Resources"].pop("FollowupThrottlesAlarm")),
    "a function without an errors alarm": ("alarms", lambda t: t["Resources"].pop("SweeperErrorsAlarm")),
    "the API without a 5xx alarm": ("alarms", lambda t: t["Resources"].pop("Api5xxAlarm")),
    "the webhooks without a latency alarm": ("alarms", lambda t: t["Resources"].pop("WebhookLatencyAlarm")),
    "an alarm that notifies no topic": (
        "alarms", lambda t: t["Resources"]["Api5xxAlarm"]["Properties"].update(AlarmActions=[])),
    "a dead-letter alarm that notifies no topic": (
        "dlq-alarm", lambda t: t["Resources"]["FollowupDeadLetterQueueAlarm"]["Properties"].update(AlarmActions=[])),
    "a table on provisioned capacity": (
        "tables", lambda t: t["Resources"]["TimelineTable"]["Properties"].update(BillingMode="PROVISIONED")),
    "a queue without encryption": (
        "queues", lambda t: t["Resources"]["NotifyQueue"]["Properties"].pop("SqsManagedSseEnabled")),
}
# A copied function also lacks its own alarms' dimension: that finding comes with the needs one.
ALSO = {"a function with no declared needs": {"alarms"}}


@pytest.mark.parametrize("case", list(MUTATIONS))
def test_the_readiness_check_catches(packaged, case):
    rule, mutate = MUTATIONS[case]
    template = packaged("prod").template
    assert readiness.check(template, "prod") == []
    mutate(template)
    rules = {finding.rule for finding in readiness.check(template, "prod")}
    assert rule in rules, f"{case}: nothing said"
    assert rules <= {rule} | ALSO.get(case, set()), f"{case}: also {rules - {rule}}"


@pytest.mark.parametrize("need", ["notes", "tickets/index/by_colour"])
def test_the_readiness_check_catches_a_need_the_template_does_not_make(packaged, need):
    """A table or index declared in infra/needs.json but missing from infra/resources.json (tables are added by
    several people: the check reads both files, never a list of its own)."""
    template = packaged("prod").template
    needs = policies.load_needs()
    assert readiness.check(template, "prod", needs=needs) == []
    needs["sweeper"].setdefault("dynamodb", {})[need] = ["Query"]
    findings = [f for f in readiness.check(template, "prod", needs=needs) if "does not make" in f.message
                or "does not have" in f.message]
    assert [f.rule for f in findings] == ["needs"] and findings[0].where == "sweeper", findings


def test_dev_may_be_deleted_but_prod_may_not(packaged):
    dev = packaged("dev").template
    assert dev["Resources"]["TicketsTable"]["Properties"]["DeletionProtectionEnabled"]["Fn::If"][0] == "IsProd"
    assert readiness.check(dev, "dev") == []
    assert {f.rule for f in readiness.check(dev, "prod")} >= {"environment", "needs"}  # packaged for dev


def test_a_package_missing_a_requirement_is_refused(tmp_path):
    archive = tmp_path / "deployment.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("pynamodb-6.1.0.dist-info/METADATA", "")
        z.writestr("app.py", "")
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("twilio==9.13.0  # the SDK\npynamodb==6.1.0\n")
    findings = readiness.rule_package(readiness.Template({}, "dev"), zip_path=archive, requirements=requirements)
    assert [f.message.split(" ")[0] for f in findings] == ["twilio==9.13.0"]


def test_chalice_deploy_users_get_the_same_tables_queues_and_alarms(lint, chalice_deploy_resources):
    assert lint.returncode == 0, lint.stdout + lint.stderr
    template = json.loads(chalice_deploy_resources.read_text())
    t = readiness.Template(template, "prod")
    assert readiness.rule_tables(t) == [] and readiness.rule_queues(t) == []
    resources = json.loads((ROOT / "infra" / "resources.json").read_text())["Resources"]
    tables = {name for name, r in resources.items() if r.get("Type") == "AWS::DynamoDB::Table"}
    assert set(t.of_type("AWS::DynamoDB::Table")) == tables and "AlarmTopic" in template["Resources"]
    # Alarms name the functions as `chalice deploy` names them.
    dims = template["Resources"]["NotifierErrorsAlarm"]["Properties"]["Dimensions"]
    assert dims == [{"Name": "FunctionName", "Value": {"Fn::Sub": "samvad-${Stage}-notifier"}}]
    assert not set(template["Resources"]) & {"ApiDomain", "ApiDomainMapping", "APIHandler", "RestAPI"}
