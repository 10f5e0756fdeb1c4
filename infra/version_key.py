"""The key that makes SAM publish a new version of an aliased function: `AutoPublishCodeSha256`.

SAM's transform takes AutoPublishCodeSha256 only as a string once parameter references are resolved (an
`Fn::Sub` stays an Fn::Sub and is refused), and when it is set, names the function's version after its first
ten characters, ignoring CodeUri and the environment. So the template makes it a `Ref` to one parameter
(ApiVersionSha256 in infra/resources.json) and the deploy passes a value computed here from everything a
version is made of: the code in deployment.zip, the function's properties as packaged, and the values of
the parameters its environment uses. Any of them changes, the key changes, SAM names a new version, the
alias moves to it and provisioned concurrency is set up on it; none changes, the stack keeps its version.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

PATTERN = "^[0-9a-f]{64}$"  # a SHA-256: a version's logical id takes its first ten characters
EXCLUDED_PROPERTIES = ("CodeUri", "AutoPublishCodeSha256")  # the code is hashed by content; the key is the output


def version_parameters(template: dict[str, Any]) -> dict[str, str]:
    """Parameter -> the aliased function whose AutoPublishCodeSha256 is a `Ref` to it."""
    found = {}
    parameters = template.get("Parameters", {})
    for name, resource in template.get("Resources", {}).items():
        props = resource.get("Properties") or {}
        sha = props.get("AutoPublishCodeSha256")
        if props.get("AutoPublishAlias") and isinstance(sha, dict) and set(sha) == {"Ref"} \
                and sha["Ref"] in parameters:
            found[sha["Ref"]] = name
    return found


def parameters_named(node: Any, template: dict[str, Any]) -> set[str]:
    """Template parameters `node` uses: by Ref, in an Fn::Sub, or through the conditions it names."""
    parameters = set(template.get("Parameters", {}))
    text = json.dumps(node or {})
    found = {name for name in parameters if f'"Ref": "{name}"' in text or "${" + name + "}" in text}
    for condition, body in template.get("Conditions", {}).items():
        if f'"{condition}"' in text:
            found |= parameters_named(body, template)
    return found


def environment_parameters(template: dict[str, Any], function: str) -> set[str]:
    props = template["Resources"][function].get("Properties") or {}
    return parameters_named(props.get("Environment"), template)


def code_digest(zip_path: Path) -> str:
    """SHA-256 over the zip's entries (names and contents, in name order): its dates and order say nothing about
    the code, and chalice does not keep them from one build to the next."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(zip_path) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            digest.update(info.filename.encode() + b"\0")
            digest.update(hashlib.sha256(archive.read(info)).digest())
    return digest.hexdigest()


def compute(template: dict[str, Any], function: str, code: str, values: dict[str, str]) -> str:
    """The key for `function`: its code's digest, its packaged properties, its environment's parameter values."""
    props = {k: v for k, v in (template["Resources"][function].get("Properties") or {}).items()
             if k not in EXCLUDED_PROPERTIES}
    used = sorted(environment_parameters(template, function))
    payload = {"code": code, "properties": props, "parameters": {name: str(values.get(name, "")) for name in used}}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def keys(template: dict[str, Any], zip_path: Path, values: dict[str, str]) -> dict[str, str]:
    """A value for every version parameter of the template, given the values the other parameters will have."""
    wanted = version_parameters(template)
    if not wanted:
        return {}
    code = code_digest(zip_path)
    return {parameter: compute(template, function, code, values) for parameter, function in wanted.items()}
