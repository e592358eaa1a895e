"""Findings as OCSF 1.x Compliance Finding events (class_uid 2003), a JSON array.

The class facts (category, class and type uids, severity, status and compliance
enums) are the team's reference in `posture/data/asff_required_fields.json`;
`json_schema()` is built from the same facts and the tests validate every event
against it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from posture import __version__
from posture.core import reference
from posture.core.models import GLOBAL_REGION, Finding, Severity, Status
from posture.report.model import Report

OCSF_VERSION = "1.5.0"  # pinned: the tests validate against py-ocsf-models' 1.5.0 classes
PROFILES = ("cloud",)
CATEGORY_UID, CLASS_UID = 2, 2003
ACTIVITY_CREATE, ACTIVITY_UPDATE = 1, 2
SEVERITY_ID = {Severity.INFORMATIONAL: 1, Severity.LOW: 2, Severity.MEDIUM: 3, Severity.HIGH: 4,
               Severity.CRITICAL: 5}
COMPLIANCE_STATUS_ID = {Status.PASS: 1, Status.ERROR: 2, Status.FAIL: 3}  # Pass, Warning, Fail
STANDARDS = ["NIST CSF 2.0", "OWASP Top 10 for LLM Applications", "MITRE ATLAS", "NIST AI RMF 1.0", "ISO/IEC 42001",
             "OWASP Top 10 for Agentic Applications 2026", "EU AI Act"]


def _facts() -> dict[str, Any]:
    facts: dict[str, Any] = reference.load("asff_required_fields")["ocsf"]
    return facts


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def finding_status_id(finding: Finding) -> int:
    if finding.muted:
        return 3  # Suppressed
    return 4 if finding.status is Status.PASS else 1  # Resolved / New


def event(finding: Finding, scan_time: datetime) -> dict[str, Any]:
    facts = _facts()
    # Update when history has seen this finding in an earlier scan; else it is created now.
    known = finding.first_seen is not None and finding.first_seen < scan_time
    activity = ACTIVITY_UPDATE if known else ACTIVITY_CREATE
    activity_name = facts["finding_activity_id"][str(activity)]
    severity_id = SEVERITY_ID[finding.severity]
    status_id = finding_status_id(finding)
    compliance_id = COMPLIANCE_STATUS_ID[finding.status]
    info: dict[str, Any] = {
        "uid": finding.id,
        "title": finding.title,
        "desc": finding.message,
        "types": [finding.check_id],
        "created_time": _ms(finding.first_seen or scan_time),
        "first_seen_time": _ms(finding.first_seen or scan_time),
        "last_seen_time": _ms(finding.last_seen or scan_time),
    }
    account = {"uid": finding.account_id, "name": finding.account_id, "type": "AWS Account", "type_id": 10}
    resource: dict[str, Any] = {
        "uid": finding.resource_arn or finding.resource_id,
        "name": finding.resource_id,
        "type": finding.resource_type,
        "cloud_partition": finding.partition,
        # The account owns the resource: its root principal, the one user every account has.
        "owner": {"uid": f"arn:{finding.partition}:iam::{finding.account_id}:root", "name": finding.account_id,
                  "type": "AWS account root", "type_id": 99, "account": account},
    }
    cloud: dict[str, Any] = {"provider": "AWS", "account": account}
    if finding.region != GLOBAL_REGION:
        resource["region"] = cloud["region"] = finding.region
    remediation: dict[str, Any] = {"desc": finding.remediation}
    if finding.remediation_url:
        remediation["references"] = [finding.remediation_url]
    return {
        "activity_id": activity,
        "activity_name": activity_name,
        "category_uid": CATEGORY_UID,
        "category_name": facts["category"]["name"],
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "type_uid": CLASS_UID * 100 + activity,
        "type_name": f"Compliance Finding: {activity_name}",
        "time": _ms(scan_time),
        "severity_id": severity_id,
        "severity": facts["severity_id"][str(severity_id)],
        "status_id": status_id,
        "status": facts["finding_status_id"][str(status_id)],
        "message": finding.message,
        "metadata": {
            "version": OCSF_VERSION,
            # `cloud`, and resources' cloud_partition and region, are the cloud profile's.
            "profiles": list(PROFILES),
            "product": {"name": "posture", "vendor_name": "posture", "version": __version__},
        },
        "finding_info": info,
        "compliance": {
            "control": finding.check_id,
            "standards": STANDARDS,
            "requirements": [*finding.csf, *finding.owasp_llm, *finding.atlas, *finding.nist_ai_rmf,
                             *finding.iso42001, *finding.owasp_agentic, *finding.eu_ai_act],
            "status_id": compliance_id,
            "status": facts["compliance_object"]["status_id"][str(compliance_id)],
            "status_details": [finding.message],
        },
        "resources": [resource],
        "cloud": cloud,
        "remediation": remediation,
        "unmapped": {
            "trust_boundaries": [b.value for b in finding.boundaries],
            "securityhub_controls": list(finding.securityhub_controls),
            "muted": finding.muted,
            "mute_reason": finding.mute_reason,
            "evidence": finding.evidence,
        },
    }


def events(report: Report) -> list[dict[str, Any]]:
    return [event(f, report.scan.finished_at) for f in report.findings]


def render(report: Report) -> str:
    return json.dumps(events(report), indent=2, default=str) + "\n"


def _ints(table: dict[str, Any]) -> list[int]:
    return sorted(int(k) for k in table)


def json_schema() -> dict[str, Any]:
    """A JSON Schema of the events we emit, from the reference's OCSF facts."""
    facts = _facts()
    required = [r.split(" ")[0] for r in facts["finding_base_required"]]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://posture.dev/schema/ocsf-compliance-finding-{OCSF_VERSION}.json",
        "type": "object",
        "required": [*required, "compliance"],
        "properties": {
            "activity_id": {"enum": _ints(facts["finding_activity_id"])},
            "category_uid": {"const": facts["category"]["uid"]},
            "class_uid": {"const": CLASS_UID},
            "type_uid": {"type": "integer"},
            "time": {"type": "integer", "minimum": 0},
            "severity_id": {"enum": _ints(facts["severity_id"])},
            "severity": {"enum": list(facts["severity_id"].values())},
            "status_id": {"enum": _ints(facts["finding_status_id"])},
            "metadata": {"type": "object", "required": ["product", "version"],
                         "properties": {"version": {"type": "string", "pattern": r"^1\.\d+\.\d+"},
                                        "product": {"type": "object", "required": ["name"]}}},
            "finding_info": {"type": "object", "required": ["uid", "title"],
                             "properties": {"uid": {"type": "string", "minLength": 1}}},
            "compliance": {"type": "object", "required": facts["compliance_object"]["recommended"],
                           "properties": {"status_id": {"enum": _ints(facts["compliance_object"]["status_id"])},
                                          "standards": {"type": "array", "items": {"type": "string"}}}},
            "resources": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["uid"]}},
        },
    }
