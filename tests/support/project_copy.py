"""A copy of the project's own files in a temporary folder, for tests that package or deploy it as a district
admin would (chalice and make write beside the sources)."""
from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from tests.support.demo import ROOT


def copy_project(target: Path, names: Iterable[str]) -> Path:
    """`names` (files or folders, relative to the project) and every function's policy, copied into `target`."""
    for name in names:
        source, copied = ROOT / name, target / name
        copied.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, copied, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, copied)
    for policy in (ROOT / ".chalice").glob("policy-*.json"):
        (target / ".chalice").mkdir(parents=True, exist_ok=True)
        shutil.copy2(policy, target / ".chalice" / policy.name)
    return target
