"""Remediation a person can run: every AWS CLI command a check's fix names is whole (nothing elided),
its placeholders are marked <like-this>, and it gives every parameter the command requires (botocore's
model says which); the report offers only such commands to copy, and the one for the finding's kind."""

from __future__ import annotations

import re
from functools import cache

import botocore.session
import pytest
from botocore import xform_name
from botocore.model import OperationModel

from posture.core.registry import Registry
from posture.render.html import _remediation, runnable

CLI_SERVICES = {"s3api": "s3", "configservice": "config"}
# A value that stands for the reader's own and is not marked as one.
UNMARKED = re.compile(r"^(my[-_]|your[-_]|example\b|xxx|YOUR|MY_|\$\{|\$[A-Z])|^[A-Z][A-Z0-9]*_(ID|ARN|NAME)$")


def commands(text: str) -> list[str]:
    parts = text.split("`")
    if len(parts) == 1:
        return [text.rstrip(".")] if text.startswith("aws ") else []
    return [p for i, p in enumerate(parts) if i % 2 and p.startswith("aws ")]


@cache
def operation(service: str, verb: str) -> OperationModel | None:
    session = botocore.session.get_session()
    try:
        model = session.get_service_model(CLI_SERVICES.get(service, service))
    except Exception:
        return None
    names = {xform_name(n, "-"): n for n in model.operation_names}
    return model.operation_model(names[verb]) if verb in names else None


def problems(text: str) -> list[str]:
    found = []
    for command in commands(text):
        if "..." in command or "…" in command:
            found.append(f"elided: {command}")
        for placeholder in re.findall(r"<([^<>]*)>", command):
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.+\-]*", placeholder):
                found.append(f"placeholder not <like-this>: <{placeholder}>")
        found += [f"unmarked placeholder: {t}" for t in re.split(r"[\s=,]+", command) if UNMARKED.search(t)]
        tokens = command.split(" ")
        op = operation(tokens[1], tokens[2]) if len(tokens) > 2 and " --" in command else None
        if op is not None and op.input_shape is not None:
            given = {t.split("=")[0].replace("--no-", "--") for t in tokens if t.startswith("--")}
            lacking = [r for r in op.input_shape.required_members if f"--{xform_name(r, '-')}" not in given]
            if lacking:
                found.append(f"{tokens[1]} {tokens[2]} lacks {', '.join(lacking)}")
    return found


def test_every_remediation_command_can_be_run() -> None:
    bad = {c.meta.id: problems(c.meta.remediation) for c in Registry.load(plugins=False)}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, "\n".join(f"{k}: {'; '.join(v)}" for k, v in sorted(bad.items()))


@pytest.mark.parametrize(("text", "expected"), [
    ("`aws acm request-certificate --domain-name <name> ...`", ["elided: aws acm request-certificate"]),
    ("`aws iam detach-role-policy --role-name MY_ROLE --policy-arn <arn>`", ["unmarked placeholder: MY_ROLE"]),
    ("`aws iam detach-role-policy --role-name <the role> --policy-arn <arn>`", ["placeholder not <like-this>"]),
    ("`aws iam detach-role-policy --policy-arn <arn>`", ["iam detach-role-policy lacks RoleName"]),
    ("`aws kms enable-key-rotation --key-id <key-id>`", []),
])
def test_the_lint_finds_what_a_person_could_not_run(text: str, expected: list[str]) -> None:
    found = problems(text)
    assert len(found) == len(expected) and all(f.startswith(e) for f, e in zip(found, expected, strict=True))


def test_the_report_offers_the_command_for_the_findings_kind() -> None:
    text = ("Detach it (for a role `aws iam detach-role-policy --role-name <role-name> --policy-arn <arn>`, for a "
            "user `aws iam detach-user-policy --user-name <user-name> --policy-arn <arn>`).")
    role, user = _remediation(text, "AwsIamRole"), _remediation(text, "AwsIamUser")
    assert role.count('<pre class="remedy">') == user.count('<pre class="remedy">') == 1
    assert "detach-role-policy" in role.split('<pre class="remedy">')[1]
    assert "detach-user-policy" in user.split('<pre class="remedy">')[1]
    assert _remediation(text, "AwsAccount").count('<pre class="remedy">') == 2  # not a principal: both
    assert not runnable("aws iam detach-role-policy") and not runnable("aws iam x --a <b> ...")
