"""`make package`'s last step on chalice's output (build/<stage>/sam.json and deployment.zip).

    python -m infra.finish_package build/prod --stage prod [--no-bytecode]

1. Pins the template's Stage parameter to the packaged stage: the code's table and queue names come from
   SAMVAD_STAGE, baked in by `chalice package --stage`, so a stack deployed with another Stage would make
   tables the functions never use. A wrong `Stage=` override now fails before anything is created.
2. Routes API Gateway to the API function's alias `live` (AutoPublishAlias in infra/resources.json), so
   provisioned concurrency (ApiProvisionedConcurrency), which only exists on a version, serves the webhooks.
   Chalice points every integration at the unqualified function; the merge template cannot reach the paths.
3. Takes out of deployment.zip what only the admin's machine and the local stack use (LOCAL_ONLY): chalice
   packages the whole of chalicelib, and Lambda needs neither the embedded stack nor the YAML loaders.
   infra/readiness.py refuses a package that still holds them.
4. Adds compiled bytecode to deployment.zip: Lambda's /var/task is read-only, so without it every cold
   start compiles every module it imports. `unchecked-hash` .pyc files are used without looking at the
   source's timestamp (the zip's timestamps mean nothing once Lambda unpacks it). Compiled with this
   interpreter, hence only when its version is the functions' runtime. `make bench` measures the gain.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import marshal
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

ALIAS = "live"
TASK_ROOT = "/var/task"
CACHE_DIR = Path(__file__).resolve().parents[1] / "build" / ".bytecode"  # the last finished zip
# Never imported by deployed code (.importlinter's contract "deployed code never imports the local stack"):
# the embedded stack, the call simulator and the sandbox; the district and state files' YAML loaders.
LOCAL_ONLY = ("chalicelib/local/", "chalicelib/district_file.py", "chalicelib/state_file.py",
              "chalicelib/store/district_loader.py")


def source_of(name: str) -> str:
    """The source a zip entry stands for: itself, or for `pkg/__pycache__/mod.cpython-311.pyc`, `pkg/mod.py`."""
    folder, _, filename = name.rpartition("/")
    if folder.rpartition("/")[2] == "__pycache__" and filename.endswith(".pyc"):
        parent = folder.rpartition("/")[0]
        module = filename.split(".")[0]
        return f"{parent}/{module}.py" if parent else f"{module}.py"
    return name


def is_local_only(name: str) -> bool:
    source = source_of(name)
    return any(source.startswith(entry) if entry.endswith("/") else source == entry for entry in LOCAL_ONLY)


def strip_local_only(zip_path: Path) -> int:
    """Rewrites the zip without the LOCAL_ONLY entries; returns how many went. The entries kept keep their
    names, dates, modes and compression (zipfile cannot delete an entry in place)."""
    with zipfile.ZipFile(zip_path) as archive:
        dropped = [info for info in archive.infolist() if is_local_only(info.filename)]
    if not dropped:
        return 0
    stripped = zip_path.with_suffix(".stripped.zip")
    with zipfile.ZipFile(zip_path) as archive, zipfile.ZipFile(stripped, "w") as out:
        for info in archive.infolist():
            if not is_local_only(info.filename):
                out.writestr(info, archive.read(info), compress_type=info.compress_type)
    stripped.replace(zip_path)
    return len(dropped)


def pin_stage(template: dict[str, Any], stage: str) -> None:
    parameter = template["Parameters"]["Stage"]
    parameter["Default"] = stage
    # A pattern, not AllowedValues: cfn-lint would then call the other branch of every IsProd unreachable.
    parameter["AllowedPattern"] = f"^{stage}$"
    parameter["ConstraintDescription"] = f"this template was made for stage {stage} (make package STAGE=…)"


def route_api_to_alias(template: dict[str, Any]) -> int:
    """Every integration URI naming ${APIHandler.Arn} names the alias's ARN instead; returns how many."""
    resources = template["Resources"]
    if resources.get("APIHandler", {}).get("Properties", {}).get("AutoPublishAlias") != ALIAS:
        return 0
    changed = 0

    def visit(node: Any) -> Any:
        nonlocal changed
        if isinstance(node, dict):
            uri = node.get("Fn::Sub")
            if isinstance(uri, str) and "/functions/${APIHandler.Arn}/invocations" in uri:
                changed += 1
                # SAM resolves `Ref: APIHandler.Alias` (the alias's ARN) anywhere in the template.
                return {"Fn::Sub": [uri.replace("${APIHandler.Arn}", "${AliasArn}"),
                                    {"AliasArn": {"Ref": "APIHandler.Alias"}}]}
            return {k: visit(v) for k, v in node.items()}
        if isinstance(node, list):
            return [visit(v) for v in node]
        return node

    api = resources["RestAPI"]["Properties"]
    api["DefinitionBody"] = visit(api["DefinitionBody"])
    permission = resources.get("APIHandlerInvokePermission")
    if permission:
        permission["Properties"]["FunctionName"] = {"Ref": "APIHandler.Alias"}
    return changed


def runtimes(template: dict[str, Any]) -> set[str]:
    return {r["Properties"].get("Runtime") for r in template["Resources"].values()
            if r.get("Type") == "AWS::Serverless::Function"}


def add_bytecode(zip_path: Path, cache_dir: Path | None = None) -> int:
    """Appends __pycache__/<module>.cpython-3XX.pyc for every .py in the zip; returns how many were added.
    Appending leaves the existing entries as they are (no recompression); a second run adds nothing. With
    `cache_dir`, a zip already finished (same content: the other stage, an unchanged rebuild) is reused."""
    digest = hashlib.sha256(zip_path.read_bytes()).hexdigest()[:32]
    cached = cache_dir / f"{digest}.zip" if cache_dir else None
    if cached and cached.exists():
        shutil.copyfile(cached, zip_path)
        return int(cached.with_suffix(".count").read_text())
    tag = sys.implementation.cache_tag
    added = 0
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        missing = {n: _pyc_name(n, tag) for n in names if n.endswith(".py") and _pyc_name(n, tag) not in names}
        compiled = {}
        for source_name, pyc in sorted(missing.items()):
            pyc_bytes = _unchecked_hash_pyc(archive.read(source_name), f"{TASK_ROOT}/{source_name}")
            if pyc_bytes is not None:  # a file that does not compile (a py2 leftover) is left to Python
                compiled[pyc] = pyc_bytes
    with zipfile.ZipFile(zip_path, "a", compression=zipfile.ZIP_DEFLATED) as out:
        for pyc, data in compiled.items():
            info = zipfile.ZipInfo(pyc, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)
            added += 1
    if cached:
        for old in cache_dir.glob("*.zip"):  # one finished package kept: the latest
            old.unlink()
        cache_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(zip_path, cached)
        cached.with_suffix(".count").write_text(str(added))
    return added


def _unchecked_hash_pyc(source: bytes, filename: str) -> bytes | None:
    """What `python -m py_compile --invalidation-mode unchecked-hash` writes (PEP 552): magic, flags 0b01
    (hash-based, source not checked), the source's hash, the marshalled code."""
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    flags = (0b01).to_bytes(4, "little")
    return importlib.util.MAGIC_NUMBER + flags + importlib.util.source_hash(source) + marshal.dumps(code)


def _pyc_name(source: str, tag: str) -> str:
    folder, _, filename = source.rpartition("/")
    pyc = f"__pycache__/{filename[:-3]}.{tag}.pyc"
    return f"{folder}/{pyc}" if folder else pyc


def finish(outdir: Path, stage: str, bytecode: bool = True, cache_dir: Path | None = CACHE_DIR) -> list[str]:
    template_path = outdir / "sam.json"
    template = json.loads(template_path.read_text())
    notes = []
    pin_stage(template, stage)
    notes.append(f"Stage parameter pinned to {stage!r}")
    routed = route_api_to_alias(template)
    if routed:
        notes.append(f"{routed} API integrations routed to the API function's alias {ALIAS!r}")
    template_path.write_text(json.dumps(template, indent=2) + "\n")
    removed = strip_local_only(outdir / "deployment.zip")
    notes.append(f"local only: {removed} files of the local stack and the YAML loaders taken out")
    runtime = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if not bytecode:
        notes.append("bytecode: left out (--no-bytecode)")
    elif runtimes(template) != {runtime}:
        notes.append(f"bytecode: left out (functions run {sorted(runtimes(template))}, this is {runtime})")
    else:
        added = add_bytecode(outdir / "deployment.zip", cache_dir)
        notes.append(f"bytecode: {added} .pyc files added ({sys.implementation.cache_tag}, unchecked-hash)")
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.finish_package", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--stage", required=True)
    parser.add_argument("--no-bytecode", action="store_true")
    args = parser.parse_args(argv)
    for note in finish(args.outdir, args.stage, bytecode=not args.no_bytecode):
        print(f"  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
