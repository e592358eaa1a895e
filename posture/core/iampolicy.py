"""The least-privilege IAM policy for the scanner, generated from the checks' declared permissions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from posture.core.registry import Check, Collector

# Reads the engine itself makes, whatever checks run: the account's enabled regions, and
# resource tags when a suppression rule matches on tags. (sts:GetCallerIdentity needs no permission.)
ENGINE_READS = ("ec2:DescribeRegions", "tag:GetResources")
# Only for `--org` / `--account` scans that assume a role in each account.
ORGANIZATION_READS = ("organizations:ListAccounts", "sts:AssumeRole")
# The one write the scanner makes, and only when asked to push findings.
SECURITY_HUB_IMPORT = ("securityhub:BatchImportFindings", "securityhub:GetFindings", "securityhub:DescribeHub")
MAX_POLICY_BYTES = 6144  # managed policy size limit (without white space)


def scanner_policy(
    checks: Iterable[Check | Collector], *, securityhub: bool = True, organization: bool = False
) -> dict[str, Any]:
    reads = set(ENGINE_READS)
    for c in checks:
        reads.update(c.meta.permissions)
    if organization:
        reads.update(ORGANIZATION_READS)
    statements: list[dict[str, Any]] = [
        {"Sid": "PostureReadOnly", "Effect": "Allow", "Action": sorted(reads), "Resource": "*"}
    ]
    if securityhub:
        statements.append({"Sid": "PostureSecurityHubImport", "Effect": "Allow",
                           "Action": list(SECURITY_HUB_IMPORT), "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}
