"""AWS Organizations reads: the organization, its roots, its policies and where they are attached, and the
policies in force for the scanned account (effective policies)."""

from __future__ import annotations

import json
from typing import Any

from posture.api import CheckContext, Kind, Service

ORGANIZATIONS = Service("organizations")
# An account in no organization: AWSOrganizationsNotInUseException, answered as None.
DESCRIBE_ORGANIZATION = ORGANIZATIONS.read("DescribeOrganization", path="Organization",
                                           absent=["AWSOrganizationsNotInUseException"])
LIST_ROOTS = ORGANIZATIONS.read("ListRoots", path="Roots", paginate=True)
LIST_POLICIES = ORGANIZATIONS.read("ListPolicies", path="Policies", param="Filter", paginate=True)
LIST_TARGETS = ORGANIZATIONS.read("ListTargetsForPolicy", path="Targets", param="PolicyId", paginate=True)
DESCRIBE_POLICY = ORGANIZATIONS.read("DescribePolicy", path="Policy", param="PolicyId")
# No policy of the type applies to the account (EffectivePolicyNotFoundException), or the account is in no
# organization (AWSOrganizationsNotInUseException), the codes botocore models for the operation: the whole
# answer is None. (ResourceNotFoundException is not among them: Organizations never answers it.)
DESCRIBE_EFFECTIVE_POLICY = ORGANIZATIONS.read(
    "DescribeEffectivePolicy", param="PolicyType",
    absent=["AWSOrganizationsNotInUseException", "EffectivePolicyNotFoundException", "TargetNotFoundException"])
BEDROCK_POLICY = "BEDROCK_POLICY"  # the policy type of the guardrails an organization enforces on model calls
ROOT = Kind("root", list=LIST_ROOTS, id="Id", arn="Arn", scope="global")
# Listed per policy type (ListPolicies' Filter); details: the targets it is attached to, its content.
POLICY = Kind("policy", list=LIST_POLICIES, id="Id", arn="Arn", details=(LIST_TARGETS, DESCRIBE_POLICY),
              scope="global")


def organization(ctx: CheckContext) -> dict[str, Any] | None:
    """The organization this account is in, or None."""
    found = DESCRIBE_ORGANIZATION(ctx)
    return None if found is None else dict(found)


def roots(ctx: CheckContext) -> list[dict[str, Any]]:
    return ROOT.all(ctx)


def policies(ctx: CheckContext, policy_type: str) -> list[dict[str, Any]]:
    return list(LIST_POLICIES(ctx, policy_type))


def targets(ctx: CheckContext, policy_id: str) -> list[dict[str, Any]]:
    return list(LIST_TARGETS(ctx, policy_id))


def policy_content(ctx: CheckContext, policy_id: str) -> dict[str, Any]:
    return dict(json.loads(DESCRIBE_POLICY(ctx, policy_id).get("Content") or "{}"))


def effective_policy(ctx: CheckContext, policy_type: str) -> dict[str, Any] | None:
    """The content of the effective policy of `policy_type` for this account, or None when none applies (or
    the account is in no organization).

    Read without TargetId: the caller's own account, the form every account of the organization may call
    (TargetId is for the management account naming another account); the guardrail coverage reads the same."""
    answer = DESCRIBE_EFFECTIVE_POLICY(ctx, policy_type)
    if answer is None:
        return None
    content = (answer.get("EffectivePolicy") or {}).get("PolicyContent") or "{}"
    return dict(json.loads(content))


def org_bedrock_policy(ctx: CheckContext) -> dict[str, Any]:
    """The content of the organization's effective Bedrock policy for this account ({} when none applies)."""
    return effective_policy(ctx, BEDROCK_POLICY) or {}
