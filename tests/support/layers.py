"""What a layer's tests may load: the unit tests import neither moto nor Chalice nor the AWS SDKs.

Shared by tests/unit/test_unit_layer.py (the rule) and tests/bench/run.py (their import time)."""
from __future__ import annotations

import subprocess
import sys

from tests.support.demo import ROOT

UNIT = ROOT / "tests" / "unit"
HEAVY = ("moto", "chalice", "boto3", "botocore", "pynamodb")

# Imports the conftests and every unit test module as pytest would, in a fresh interpreter with pytest already
# loaded (it is, before pytest imports a test); prints the seconds it took, then the heavy packages found loaded.
PROBE = """\
import importlib, sys, time
import pytest
start = time.perf_counter()
for module in sys.argv[2:]:
    importlib.import_module(module)
elapsed = time.perf_counter() - start
print(elapsed)
for name in sys.argv[1].split(","):
    if name in sys.modules:
        print(name)
"""


def unit_modules() -> list[str]:
    """tests.conftest, tests.unit.conftest, then every module of tests/unit (test files and their fakes)."""
    modules = sorted(f"tests.unit.{path.stem}" for path in UNIT.glob("*.py")
                     if path.stem not in ("__init__", "conftest"))
    return ["tests.conftest", "tests.unit.conftest", *modules]


def import_unit_tests(env: dict[str, str] | None = None) -> tuple[float, list[str]]:
    """(seconds to import them, the HEAVY packages they loaded) in a fresh process."""
    result = subprocess.run([sys.executable, "-c", PROBE, ",".join(HEAVY), *unit_modules()], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"importing the unit tests failed:\n{result.stderr}")
    seconds, *loaded = result.stdout.split()
    return float(seconds), loaded


def import_app(env: dict[str, str] | None = None) -> float:
    """Seconds `import app` takes in a fresh process: the reference the unit tests' import time is given against."""
    probe = "import time; t = time.perf_counter(); import app; print(time.perf_counter() - t)"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True)
    return float(result.stdout)
