"""The stack's parameter values: what `make deploy` passes, what CloudFormation then uses, and its checks.

`aws cloudformation deploy --parameter-overrides` sets the parameters given; on an existing stack the others
keep their previous values, and on a new one their defaults. infra/deploy.py, the SAM transform step of
`make package` (infra/sam_transform.py) and the dry run all build their values here, so the transform is
run with what a deploy passes.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from infra import version_key


def execute_api_url(api_id: str, region: str) -> str:
    return f"https://{api_id}.execute-api.{region}.amazonaws.com/api"


def overrides(stage: str, public_base_url: str, *, account_sid: str = "", domain: str = "",
              certificate_arn: str = "", alarm_email: str = "", provisioned_concurrency: str = "",
              secrets_version: str = "") -> dict[str, str]:
    """`--parameter-overrides` of `aws cloudformation deploy`: Stage and PublicBaseUrl always, the rest when given
    (each is then kept by the stack)."""
    found = {"Stage": stage, "PublicBaseUrl": public_base_url}
    for key, value in (("TwilioAccountSid", account_sid), ("CustomDomainName", domain),
                       ("CustomDomainCertificateArn", certificate_arn), ("AlarmEmail", alarm_email),
                       ("ApiProvisionedConcurrency", provisioned_concurrency), ("SecretsVersion", secrets_version)):
        if value:
            found[key] = value
    return found


def effective(template: dict[str, Any], previous: dict[str, str], given: dict[str, str]) -> dict[str, str]:
    """What CloudFormation will use for each parameter: the value given, else the stack's, else the default."""
    values = {}
    for name, spec in template.get("Parameters", {}).items():
        if name in given:
            values[name] = given[name]
        elif name in previous:
            values[name] = previous[name]
        elif "Default" in spec:
            values[name] = str(spec["Default"])
    return values


def with_version_keys(template: dict[str, Any], zip_path: Path, given: dict[str, str],
                      previous: dict[str, str]) -> dict[str, str]:
    """`given`, plus the version key of every aliased function (infra/version_key.py), computed from the values
    the other parameters will have."""
    others = {k: v for k, v in given.items() if k not in version_key.version_parameters(template)}
    return {**others, **version_key.keys(template, zip_path, effective(template, previous, others))}


def problems(template: dict[str, Any], values: dict[str, str]) -> list[str]:
    """What CloudFormation refuses before it creates a change set: a parameter without a value, a value outside
    its AllowedPattern, AllowedValues, MinValue/MaxValue, or a Number that is not one."""
    found = []
    for name, spec in template.get("Parameters", {}).items():
        if name not in values:
            found.append(f"Parameters: [{name}] must have values")
            continue
        value = values[name]
        pattern = spec.get("AllowedPattern")
        if pattern and spec.get("Type", "String") == "String" and not re.fullmatch(pattern, value):
            found.append(f"Parameter '{name}' must match pattern {pattern} (value {value!r})")
        if "AllowedValues" in spec and value not in [str(v) for v in spec["AllowedValues"]]:
            found.append(f"Parameter '{name}' must be one of AllowedValues (value {value!r})")
        if spec.get("Type") == "Number":
            try:
                number = float(value)
            except ValueError:
                found.append(f"Parameter '{name}' must be a number (value {value!r})")
                continue
            if "MinValue" in spec and number < float(spec["MinValue"]):
                found.append(f"Parameter '{name}' must be a number not less than {spec['MinValue']}")
            if "MaxValue" in spec and number > float(spec["MaxValue"]):
                found.append(f"Parameter '{name}' must be a number not greater than {spec['MaxValue']}")
    return found
