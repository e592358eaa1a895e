"""Findings in the AWS Security Finding Format (ASFF), as BatchImportFindings takes them.

Pure: a finding and a few timestamps in, a dict out. The field rules come from
`posture/data/asff_required_fields.json` (the team's reference, from the Security
Hub user guide and botocore's model); `validate` checks a dict against them so that
what we write with `--asff` and what we push are the same, valid thing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from posture import __version__
from posture.aws.console import console_url
from posture.aws.regions import account_home
from posture.core import reference
from posture.core.models import GLOBAL_REGION, Finding, Status

SCHEMA_VERSION = "2018-10-08"
FINDING_TYPE = "Software and Configuration Checks/AWS Security Best Practices/LLM Application Posture"
COMPLIANCE = {Status.PASS: "PASSED", Status.FAIL: "FAILED", Status.ERROR: "NOT_AVAILABLE"}
NORMALIZED = {"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 40, "HIGH": 70, "CRITICAL": 90}
MAX_REQUIREMENTS = 32
PRODUCT_ARN = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov):securityhub:([a-z0-9-]+):(\d{12}):product/(\d{12})/default$"
)
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


def hub_region(finding: Finding, home: str) -> str:
    """The region whose hub receives this finding."""
    return home if finding.region == GLOBAL_REGION else finding.region


def product_arn(partition: str, region: str, account_id: str) -> str:
    """The default product of a custom integration: only the account itself may import to it."""
    return f"arn:{partition}:securityhub:{region}:{account_id}:product/{account_id}/default"


def timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def severity_label(finding: Finding) -> str:
    # A passing control is informational in the hub; its real severity stays in Severity.Original.
    return "INFORMATIONAL" if finding.status is Status.PASS else finding.severity.value.upper()


# The AI frameworks a finding names, as Security Hub and OCSF consumers read them (name, Finding field).
AI_FRAMEWORKS = (("MITRE ATLAS", "atlas"), ("NIST AI RMF 1.0", "nist_ai_rmf"), ("ISO/IEC 42001", "iso42001"),
                 ("OWASP Agentic Top 10 2026", "owasp_agentic"), ("EU AI Act", "eu_ai_act"))
AI_PRODUCT_FIELDS = {"atlas": "posture/MitreAtlas", "nist_ai_rmf": "posture/NistAiRmf", "iso42001": "posture/Iso42001",
                     "owasp_agentic": "posture/OwaspAgentic", "eu_ai_act": "posture/EuAiAct"}


def related_requirements(finding: Finding) -> list[str]:
    items = [f"NIST CSF 2.0 {c}" for c in finding.csf]
    items += [f"OWASP LLM Top 10 {o}" for o in finding.owasp_llm]
    items += [f"{name} {i}" for name, field in AI_FRAMEWORKS for i in getattr(finding, field)]
    items += [f"Trust boundary {b.value}" for b in finding.boundaries]
    return items[:MAX_REQUIREMENTS]


def product_fields(finding: Finding) -> dict[str, str]:
    fields = {
        "ProviderName": "posture",
        "ProviderVersion": __version__,
        "posture/CheckId": finding.check_id,
        "posture/Status": finding.status.value,
        "posture/Severity": finding.severity.value,
        "posture/TrustBoundaries": ",".join(b.value for b in finding.boundaries),
        "posture/NistCsf": ",".join(finding.csf),
        "posture/OwaspLlm": ",".join(finding.owasp_llm),
        "posture/ResourceId": finding.resource_id,
    }
    for field, name in AI_PRODUCT_FIELDS.items():
        if getattr(finding, field):
            fields[name] = ",".join(getattr(finding, field))
    if finding.securityhub_controls:
        fields["posture/SecurityHubControls"] = ",".join(finding.securityhub_controls)
    if finding.muted:
        fields["posture/Muted"] = "true"
        fields["posture/MuteReason"] = finding.mute_reason or ""
    return {k: _clip(v, 2048) for k, v in fields.items()}


def resource_console_url(finding: Finding) -> str:
    """The AWS console page of the finding's resource (or of its service)."""
    return console_url(partition=finding.partition, region=None if finding.region == GLOBAL_REGION else finding.region,
                       account_id=finding.account_id, resource_type=finding.resource_type,
                       resource_id=finding.resource_id, resource_arn=finding.resource_arn,
                       service=finding.check_id.split(".")[0].replace("_", "-"))


def recommendation(finding: Finding) -> dict[str, str]:
    """What to do, and the AWS documentation of the control (or of its service) to read."""
    text = {"Text": _clip(finding.remediation, 512)}
    return {**text, "Url": finding.remediation_url} if finding.remediation_url else text


def to_asff(
    finding: Finding,
    *,
    home: str,
    now: datetime,
    first_seen: datetime | None = None,
    last_seen: datetime | None = None,
) -> dict[str, Any]:
    """One finding as ASFF. `first_seen` comes from history or from the hub (never reset to now)."""
    region = hub_region(finding, home)
    first = first_seen or finding.first_seen or now
    last = last_seen or finding.last_seen or now
    label = severity_label(finding)
    resource: dict[str, Any] = {
        "Type": finding.resource_type,
        "Id": finding.resource_arn or finding.resource_id,
        "Partition": finding.partition,
        "Region": region,
    }
    if finding.resource_type == "Other":
        resource["Details"] = {"Other": {"ResourceId": _clip(finding.resource_id, 1024)}}
    asff: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding.id,
        "ProductArn": product_arn(finding.partition, region, finding.account_id),
        "ProductName": "posture",
        "CompanyName": "posture",
        "GeneratorId": finding.check_id,
        "AwsAccountId": finding.account_id,
        "Region": region,
        "Types": [FINDING_TYPE],
        "CreatedAt": timestamp(first),
        "UpdatedAt": timestamp(now),
        "FirstObservedAt": timestamp(first),
        "LastObservedAt": timestamp(last),
        "Severity": {"Label": label, "Normalized": NORMALIZED[label], "Original": finding.severity.value},
        "FindingProviderFields": {"Severity": {"Label": label, "Original": finding.severity.value},
                                  "Types": [FINDING_TYPE]},
        "Title": _clip(finding.title, 256),
        "Description": _clip(finding.message or finding.title, 1024),
        "Remediation": {"Recommendation": recommendation(finding)},
        "SourceUrl": resource_console_url(finding),
        "ProductFields": product_fields(finding),
        "Resources": [resource],
        "Compliance": {"Status": COMPLIANCE[finding.status],
                       "RelatedRequirements": related_requirements(finding)},
        "RecordState": "ACTIVE",
    }
    if finding.muted:
        # Taken when Security Hub creates the finding; afterwards Workflow belongs to the customer.
        asff["Workflow"] = {"Status": "SUPPRESSED"}
    return asff


def archived(previous: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """A finding this product imported earlier whose resource is gone: re-import it ARCHIVED."""
    keep = ("SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types", "CreatedAt",
            "FirstObservedAt", "Title", "Description", "Resources", "Severity", "Region", "ProductFields",
            "Remediation", "Compliance", "ProductName", "CompanyName", "SourceUrl")
    asff = {k: previous[k] for k in keep if k in previous}
    asff["UpdatedAt"] = timestamp(now)
    asff["RecordState"] = "ARCHIVED"
    return asff


def render_findings(findings: Iterable[Finding], *, home: str, now: datetime) -> list[dict[str, Any]]:
    return [to_asff(f, home=home, now=now) for f in findings]


def render(report: Any) -> str:
    """The `--asff` file: a JSON list, the same dicts `--securityhub` sends."""
    home = account_home(report.scan.partition, report.scan.regions)
    items = render_findings(report.findings, home=home, now=report.scan.finished_at)
    return json.dumps(items, indent=2) + "\n"


# -- validation --------------------------------------------------------------------------

def _facts() -> dict[str, Any]:
    facts: dict[str, Any] = reference.load("asff_required_fields")
    return facts


def _length(problems: list[str], name: str, value: Any, low: int, high: int) -> None:
    if not isinstance(value, str) or not low <= len(value) <= high:
        problems.append(f"{name} must be a string of {low}..{high} characters")


def validate(asff: Mapping[str, Any]) -> list[str]:
    """Problems that would make Security Hub reject `asff` (empty: valid)."""
    facts = _facts()
    problems: list[str] = []
    required = set(facts["required_top_level_fields"]["per_user_guide"])
    required |= set(facts["required_top_level_fields"]["per_sdk_model_required_list"])
    problems += [f"missing {name}" for name in sorted(required) if name not in asff]
    if problems:
        return problems
    if asff["SchemaVersion"] != facts["schema_version_value"]:
        problems.append("SchemaVersion must be " + facts["schema_version_value"])
    if not re.fullmatch(r"\d{12}", str(asff["AwsAccountId"])):
        problems.append("AwsAccountId must be 12 digits")
    for name, low, high in (("Id", 1, 512), ("GeneratorId", 1, 512), ("ProductArn", 12, 2048),
                            ("Title", 1, 256), ("Description", 1, 1024)):
        _length(problems, name, asff[name], low, high)
    for name, low, high in (("ProductName", 1, 128), ("CompanyName", 1, 128), ("Region", 1, 16)):
        if name in asff:
            _length(problems, name, asff[name], low, high)
    arn = PRODUCT_ARN.match(str(asff["ProductArn"]))
    if arn is None or arn.group(3) != asff["AwsAccountId"] or arn.group(4) != asff["AwsAccountId"]:
        problems.append("ProductArn must be this account's default product ARN")
    labels = facts["severity"]["Label_values"]
    if asff["Severity"].get("Label") not in labels:
        problems.append(f"Severity.Label must be one of {labels}")
    types = asff["Types"]
    namespaces = ("Software and Configuration Checks", "TTPs", "Effects", "Unusual Behaviors",
                  "Sensitive Data Identifications")
    bad_types = [t for t in types if len(t.split("/")) > 3 or t.split("/")[0] not in namespaces]
    if not 1 <= len(types) <= 50 or bad_types:
        problems.append("Types must be 1..50 of namespace/category/classifier")
    resources = asff["Resources"]
    if not 1 <= len(resources) <= 32:
        problems.append("Resources must hold 1..32 items")
    for i, resource in enumerate(resources):
        if not resource.get("Id"):
            problems.append(f"Resources[{i}].Id is required")
        _length(problems, f"Resources[{i}].Type", resource.get("Type"), 1, 256)
        if resource.get("Partition", "aws") not in ("aws", "aws-cn", "aws-us-gov"):
            problems.append(f"Resources[{i}].Partition is not a partition")
    for name in ("CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt"):
        if name in asff and not TIMESTAMP.match(str(asff[name])):
            problems.append(f"{name} is not an RFC 3339 timestamp")
    compliance = asff.get("Compliance")
    if compliance is not None:
        if compliance.get("Status") not in facts["compliance"]["Status_values"]:
            problems.append(f"Compliance.Status {compliance.get('Status')!r} is invalid")
        if len(compliance.get("RelatedRequirements", [])) > MAX_REQUIREMENTS:
            problems.append("Compliance.RelatedRequirements holds more than 32")
    if asff.get("RecordState", "ACTIVE") not in facts["record_state"]["values"]:
        problems.append("RecordState must be ACTIVE or ARCHIVED")
    workflow = asff.get("Workflow")
    if workflow is not None and workflow.get("Status") not in facts["workflow"]["Workflow.Status_values"]:
        problems.append("Workflow.Status is not valid")
    text = asff.get("Remediation", {}).get("Recommendation", {}).get("Text")
    if text is not None:
        _length(problems, "Remediation.Recommendation.Text", text, 1, 512)
    return problems


