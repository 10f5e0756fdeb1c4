"""axe-core in the browser tests: `assert_accessible(page, "name")` runs its rules on the page as it is drawn and
fails on any violation of impact serious or critical, each listed plainly (rule, impact, what to do, where).

axe-core comes from the npm registry at test time (`make axe`, which `make test` runs through `make browser`) and
is never committed. The console's Content-Security-Policy (script-src 'self') refuses an injected <script>, so the
library is evaluated through the DevTools protocol, which the policy does not govern; nothing of the console's
headers changes for the test."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 6).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary || "" })) }));
}"""


def _inject(page: Any) -> None:
    if page.evaluate("typeof window.axe === 'object'"):
        return
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE.relative_to(ROOT)}): `make axe` installs it from the npm registry")
    # page.add_script_tag would add a <script> the console's script-src 'self' refuses.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    assert page.evaluate("typeof window.axe === 'object'"), "axe-core did not load into the page"


def violations(page: Any) -> list[dict[str, Any]]:
    """Every axe-core violation on the page now, whatever its impact."""
    _inject(page)
    found: list[dict[str, Any]] = page.evaluate(_RUN)
    return found


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for v in found:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    at {n['target']}: {n['summary'].splitlines()[-1].strip() if n['summary'] else ''}"
                  for n in v["nodes"]]
    return "\n".join(lines)


def assert_accessible(page: Any, name: str) -> list[dict[str, Any]]:
    """Fail when the page has a serious or critical violation; the minor and moderate ones are returned."""
    found = violations(page)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, f"{name}: {len(blocking)} serious or critical accessibility violations\n{describe(blocking)}"
    return [v for v in found if v["impact"] not in BLOCKING]
