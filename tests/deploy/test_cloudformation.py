"""The CloudFormation templates: valid (cfn-lint), current with the catalogue, and least-privilege."""

from __future__ import annotations

from typing import Any

import pytest

from posture.core.iampolicy import SECURITY_HUB_IMPORT, scanner_policy
from posture.core.registry import Registry
from tests.support.deploy import CLOUDFORMATION, ROOT, TEMPLATES, compact_size, deploy_module, resources, template

MAX_POLICY_CHARS = 6144


def catalogue_reads() -> set[str]:
    registry = Registry.load(plugins=False)
    policy = scanner_policy([*registry, *registry.collectors], securityhub=False, organization=False)
    return {a for statement in policy["Statement"] for a in statement["Action"]}


def read_policies(parsed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n: r for n, r in resources(parsed, "AWS::IAM::ManagedPolicy").items() if n.startswith("ReadPolicy")}


def test_there_are_the_three_templates() -> None:
    assert [p.name for p in TEMPLATES] == ["scan-role-stackset.yaml", "scan-role.yaml", "scheduled-scan.yaml"]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_cfn_lint_passes(path: Any) -> None:
    from cfnlint.api import lint_all

    matches = lint_all(path.read_text("utf-8"))
    # Errors and warnings, as the cfn-lint command reports by default (I-rules are informational).
    assert [f"{m.linenumber}: {m.rule.id} {m.message}" for m in matches if m.rule.id[0] in "EW"] == []


def test_the_templates_are_what_the_generator_writes() -> None:
    generate = deploy_module("cloudformation/generate.py")
    for path, text in generate.outputs().items():
        assert path.read_text("utf-8") == text, f"{path.name} is stale: make deploy-templates"


@pytest.mark.parametrize(("name", "role"), [("scan-role.yaml", "ScanRole"), ("scheduled-scan.yaml", "TaskRole")])
def test_the_read_actions_equal_the_catalogue(name: str, role: str) -> None:
    parsed = template(name)
    policies = read_policies(parsed)
    assert policies
    granted: list[str] = []
    for policy in policies.values():
        properties = policy["Properties"]
        assert properties["Roles"] == [{"Ref": role}]
        document = properties["PolicyDocument"]
        assert compact_size(document) <= MAX_POLICY_CHARS, "each part stays under IAM's managed-policy size"
        for statement in document["Statement"]:
            assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
            granted += statement["Action"]
    assert len(granted) == len(set(granted)), "an action is granted by two parts"
    assert set(granted) == catalogue_reads()


def test_a_catalogue_too_large_for_one_policy_is_split_under_the_limit() -> None:
    generate = deploy_module("cloudformation/generate.py")
    actions = sorted(catalogue_reads() | {f"svc{i}:DescribeSomethingQuiteLong{i}" for i in range(400)})
    parts = generate.split(actions)
    assert len(parts) >= 3 and [a for part in parts for a in part] == actions
    for number, part in enumerate(parts, 1):
        assert compact_size(generate.document(f"PostureRead{number}", part)) <= MAX_POLICY_CHARS


def test_the_scan_role_trusts_only_the_scanner_role_in_the_organization_with_the_external_id() -> None:
    role = template("scan-role.yaml")["Resources"]["ScanRole"]["Properties"]
    [statement] = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRole" and statement["Effect"] == "Allow"
    assert statement["Principal"] == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${ScannerAccountId}:root"}}
    condition = statement["Condition"]
    assert condition["ArnEquals"] == {"aws:PrincipalArn": {
        "Fn::Sub": "arn:${AWS::Partition}:iam::${ScannerAccountId}:role/${ScannerRoleName}"}}
    assert condition["StringEquals"] == {"aws:PrincipalOrgID": {"Ref": "OrganizationId"},
                                         "sts:ExternalId": {"Ref": "ExternalId"}}


def test_the_scan_role_writes_only_to_security_hub_and_only_when_asked() -> None:
    parsed = template("scan-role.yaml")
    hub = parsed["Resources"]["SecurityHubImportPolicy"]
    assert hub["Condition"] == "ImportFindings"
    assert parsed["Parameters"]["SecurityHubImport"]["Default"] == "false"
    [statement] = hub["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == list(SECURITY_HUB_IMPORT)
    assert set(resources(parsed, "AWS::IAM::ManagedPolicy")) == {*read_policies(parsed), "SecurityHubImportPolicy"}
    assert not resources(parsed, "AWS::IAM::Policy") and "Policies" not in parsed["Resources"]["ScanRole"]["Properties"]


def test_the_stackset_is_service_managed_and_deploys_the_scan_role_template() -> None:
    parsed = template("scan-role-stackset.yaml")
    [stackset] = resources(parsed, "AWS::CloudFormation::StackSet").values()
    properties = stackset["Properties"]
    assert properties["PermissionModel"] == "SERVICE_MANAGED"
    assert properties["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    assert properties["TemplateBody"] == (CLOUDFORMATION / "scan-role.yaml").read_text("utf-8")
    passed = {p["ParameterKey"] for p in properties["Parameters"]}
    assert passed == set(template("scan-role.yaml")["Parameters"]) and passed <= set(parsed["Parameters"])
    assert len(properties["TemplateBody"].encode()) <= 51200


def scheduled() -> dict[str, Any]:
    return template("scheduled-scan.yaml")


def test_the_reports_bucket_is_kms_encrypted_versioned_and_private() -> None:
    parsed = scheduled()
    [bucket] = resources(parsed, "AWS::S3::Bucket").values()
    properties = bucket["Properties"]
    [rule] = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms",
                                                     "KMSMasterKeyID": {"Fn::GetAtt": ["ReportsKey", "Arn"]}}
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert set(properties["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(properties["PublicAccessBlockConfiguration"]) == 4
    assert parsed["Resources"]["ReportsKey"]["Properties"]["EnableKeyRotation"] is True
    statements = parsed["Resources"]["ReportsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert all(s["Effect"] == "Deny" for s in statements), "the bucket policy grants nothing"


def test_the_log_group_has_a_retention() -> None:
    [group] = resources(scheduled(), "AWS::Logs::LogGroup").values()
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert "KmsKeyId" in group["Properties"]


def test_the_schedule_runs_the_image_as_a_fargate_task_read_only_and_not_root() -> None:
    parsed = scheduled()
    [schedule] = resources(parsed, "AWS::Scheduler::Schedule").values()
    target = schedule["Properties"]["Target"]
    assert target["Arn"] == {"Fn::GetAtt": ["Cluster", "Arn"]}
    assert target["EcsParameters"]["LaunchType"] == "FARGATE"
    assert schedule["Properties"]["ScheduleExpression"] == {"Ref": "Schedule"}
    [task] = resources(parsed, "AWS::ECS::TaskDefinition").values()
    [container] = task["Properties"]["ContainerDefinitions"]
    assert container["ReadonlyRootFilesystem"] is True and container["User"] == "65532:65532"
    assert [m["ContainerPath"] for m in container["MountPoints"]] == ["/var/lib/posture"]
    assert container["Image"] == {"Ref": "Image"} and "@sha256:" in parsed["Parameters"]["Image"]["AllowedPattern"]
    environment = {e["Name"] for e in container["Environment"]}
    assert {"POSTURE_REGIONS", "POSTURE_FRAMEWORKS", "POSTURE_FAIL_ON", "POSTURE_SECURITYHUB"} <= environment


def test_the_task_role_is_least_privilege() -> None:
    parsed = scheduled()
    role = parsed["Resources"]["TaskRole"]["Properties"]
    [inline] = role["Policies"]
    statements = {s["Sid"]: s for s in inline["PolicyDocument"]["Statement"]}
    assert statements["AssumeTheScanRoleInTheOrganization"]["Condition"] == {
        "StringEquals": {"aws:ResourceOrgID": {"Ref": "OrganizationId"}}}
    writes = [s for s in statements.values() if any(a.startswith("s3:Put") for a in _actions(s))]
    assert all("${ReportsBucket.Arn}/" in str(s["Resource"]) for s in writes)
    # Nothing but reads, the organization scan, its bucket and key, and (when asked) Security Hub.
    granted = {a for s in statements.values() for a in _actions(s)}
    assert granted == {"organizations:ListAccounts", "sts:AssumeRole", "s3:GetObject", "s3:PutObject",
                       "kms:GenerateDataKey", "kms:Decrypt"}
    hub = parsed["Resources"]["TaskSecurityHubImport"]
    assert hub["Condition"] == "ImportFindings"
    assert hub["Properties"]["PolicyDocument"]["Statement"][0]["Action"] == list(SECURITY_HUB_IMPORT)


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def test_every_parameter_is_documented() -> None:
    doc = (ROOT / "docs" / "deploy.md").read_text("utf-8")
    for path in TEMPLATES:
        missing = [p for p in template(path.name)["Parameters"] if f"`{p}`" not in doc]
        assert missing == [], f"{path.name}: parameters not in docs/deploy.md: {missing}"
