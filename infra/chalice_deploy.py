"""For `chalice deploy` instead of `make deploy`: the stack of everything Chalice does not make.

    python -m infra.chalice_deploy --stage prod > build/resources-prod.json

`chalice deploy` makes the functions, their roles (the same policy files), the API and the event sources,
but never reads infra/resources.json. This writes the merge template's own resources as a stack of their
own: tables, queues and their dead-letter queues, the user pool, the alarm topic and the alarms. Alarms on
functions name them as `chalice deploy` does (samvad-<stage>, samvad-<stage>-notifier…); the API's as
Chalice names it (`samvad`). What needs Chalice's resources — the custom domain's mapping, the template's
PublicBaseUrl, provisioned concurrency — is left out, and the custom domain is Chalice's own
(api_gateway_custom_domain): docs/deploy.md, "With chalice deploy", says how to do each by hand.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from infra import policies
from infra.finish_package import pin_stage

ROOT = Path(__file__).resolve().parents[1]
MERGE_TEMPLATE = ROOT / "infra" / "resources.json"
# `chalice deploy` makes a custom domain itself, from api_gateway_custom_domain in .chalice/config.json.
CHALICE_MAKES = {"AWS::ApiGateway::DomainName", "AWS::ApiGateway::BasePathMapping"}


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value.split(".")[0])
            elif key == "Fn::GetAtt":
                found.add((value if isinstance(value, str) else value[0]).split(".")[0])
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                found |= {name.split(".")[0] for name in _placeholders(text)}
                if not isinstance(value, str):
                    found |= _refs(value[1])
            elif key == "Condition" and isinstance(value, str):
                found.add(f"condition:{value}")
            elif key == "Fn::If":
                found.add(f"condition:{value[0]}")
                found |= _refs(value[1:])
            else:
                found |= _refs(value)
    elif isinstance(node, list):
        for item in node:
            found |= _refs(item)
    return found


def _placeholders(text: str) -> list[str]:
    return [n for n in re.findall(r"\$\{([^}!]+)\}", text) if not n.startswith("AWS::")]


def _replace_function_refs(node: Any, names: dict[str, str]) -> Any:
    """{"Ref": "Notifier"} → {"Fn::Sub": "samvad-${Stage}-notifier"}: the name `chalice deploy` gives it."""
    if isinstance(node, dict):
        if set(node) == {"Ref"} and node["Ref"] in names:
            return {"Fn::Sub": names[node["Ref"]]}
        return {k: _replace_function_refs(v, names) for k, v in node.items()}
    if isinstance(node, list):
        return [_replace_function_refs(v, names) for v in node]
    return node


def resources_template(stage: str) -> dict[str, Any]:
    merge = json.loads(MERGE_TEMPLATE.read_text())
    names = {need["resource"]: need["function_name"].replace("{stage}", "${Stage}")
             for need in policies.load_needs().values()}
    resources = {name: _replace_function_refs(spec, names) for name, spec in merge["Resources"].items()
                 if "Type" in spec and spec["Type"] not in CHALICE_MAKES}
    for spec in resources.values():  # Chalice names its API after the app, whatever the stage
        for dim in spec.get("Properties", {}).get("Dimensions", []) if spec["Type"] == "AWS::CloudWatch::Alarm" else []:
            if dim.get("Name") == "ApiName":
                dim["Value"] = "samvad"
    parameters = dict(merge.get("Parameters", {}))
    conditions = dict(merge.get("Conditions", {}))
    outputs = dict(merge.get("Outputs", {}))
    changed = True
    while changed:  # drop what names something that is not here (Chalice's resources, dropped ones)
        changed = False
        known = set(resources) | set(parameters) | {f"condition:{c}" for c in conditions}
        for table in (resources, outputs):
            for name in [n for n, spec in table.items() if not _refs(spec) <= known]:
                del table[name]
                changed = True
    used = _refs(resources) | _refs(outputs)
    for condition in [u.removeprefix("condition:") for u in used if u.startswith("condition:")]:
        used |= _refs(conditions.get(condition, {}))
    parameters = {k: v for k, v in parameters.items() if k in used}
    conditions = {k: v for k, v in conditions.items() if f"condition:{k}" in used}
    template = {"AWSTemplateFormatVersion": "2010-09-09",
                "Description": f"Samvad {stage}: what `chalice deploy` does not make (python -m infra.chalice_deploy)",
                "Parameters": parameters, "Conditions": conditions, "Resources": resources, "Outputs": outputs}
    pin_stage(template, stage)  # the table and queue names the functions use are the stage's
    return template


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.chalice_deploy", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True)
    args = parser.parse_args(argv)
    json.dump(resources_template(args.stage), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
