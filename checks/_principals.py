"""Shared judging of IAM principals: the policies in force for a role or user, and what they allow.

The documents come from the read layer (checks/_read/iam.py: the account authorization details and managed
policy documents); every question about them (administrator access, service-wide wildcards, privilege
escalation, "may this principal do this action on this resource") is answered by the one policy evaluator,
checks/_policy.py. Used by the IAM checks, Cognito's guest roles and Bedrock's model-access checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from posture.api import CheckContext, Reads
from posture.checks import _policy
from posture.checks._read import iam
from posture.checks._read.iam import Principal

# What role_policies and principal_policies read (the details, and managed policies they leave out).
POLICY_READS = Reads(iam.AUTHORIZATION_DETAILS, iam.GET_POLICY, iam.GET_POLICY_VERSION)
PRINCIPAL_TYPES = {"role": "AwsIamRole", "user": "AwsIamUser"}


@dataclass
class RolePolicies:
    """The documents that grant a role its permissions, by a label naming each policy."""

    documents: dict[str, list[_policy.Statement]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)  # policy ARNs (attached or boundary) that could not be read
    boundary: list[_policy.Statement] | None = None  # the permissions boundary; None: the role has none
    boundary_name: str | None = None

    def everything(self) -> list[_policy.Statement]:
        return [s for statements in self.documents.values() for s in statements]

    def denies(self) -> list[_policy.Statement]:
        return [s for s in self.everything() if s.denies]


# -- the policies in force -----------------------------------------------------------------------
def _managed_statements(ctx: CheckContext, arn: str) -> list[_policy.Statement] | None:
    """A managed policy's statements; None when it could not be read."""
    document = iam.managed_policy_document(ctx, arn)
    return None if document is None else _policy.statements(document)


def _add_policies(ctx: CheckContext, found: RolePolicies, entry: dict[str, Any], inline_key: str,
                  prefix: str = "") -> None:
    for inline in entry.get(inline_key, []):
        found.documents[f"{prefix}inline:{inline['PolicyName']}"] = _policy.statements(inline.get("PolicyDocument"))
    for attached in entry.get("AttachedManagedPolicies", []):
        arn = attached["PolicyArn"]
        statements = _managed_statements(ctx, arn)
        if statements is None:
            found.unresolved.append(arn)
        else:
            found.documents[prefix + arn.rsplit("/", 1)[-1]] = statements


def _add_boundary(ctx: CheckContext, found: RolePolicies, entry: dict[str, Any]) -> None:
    boundary_arn = (entry.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if boundary_arn:
        boundary = _managed_statements(ctx, boundary_arn)
        if boundary is None:
            found.unresolved.append(boundary_arn)
        else:
            found.boundary, found.boundary_name = boundary, boundary_arn.rsplit("/", 1)[-1]


def role_policies(ctx: CheckContext, role: dict[str, Any]) -> RolePolicies:
    """The policies in force for a role (its entry of the authorization details)."""
    found = RolePolicies()
    _add_policies(ctx, found, role, "RolePolicyList")
    _add_boundary(ctx, found, role)
    return found


def principal_policies(ctx: CheckContext, principal: Principal) -> RolePolicies:
    """The policies in force for a role or user (a user's groups' policies labelled `group:<name>/...`)."""
    if principal.kind == "role":
        return role_policies(ctx, principal.detail)
    found = RolePolicies()
    _add_policies(ctx, found, principal.detail, "UserPolicyList")
    groups = iam.groups(ctx)
    for name in principal.detail.get("GroupList", []):
        if name in groups:
            _add_policies(ctx, found, groups[name], "GroupPolicyList", f"group:{name}/")
    _add_boundary(ctx, found, principal.detail)
    return found


# -- judging (plain logic over the statements, by checks._policy) ----------------------------------
def admin_grants(policies: RolePolicies, account_id: str | None = None) -> list[str]:
    """`label: grant` for each policy that allows every action on every resource, after Deny and boundary."""
    return [f'{label}: Action "*" on Resource "*"' for label, statements in policies.documents.items()
            if _policy.grants_admin(statements + policies.denies(), boundary=policies.boundary,
                                    account_id=account_id)]


def is_admin(policies: RolePolicies, account_id: str) -> bool:
    return bool(admin_grants(policies, account_id))


def wildcard_grants(policies: RolePolicies, account_id: str | None = None) -> list[str]:
    """`label: pattern` for each whole-service (or NotAction) grant on every resource, after Deny and boundary."""
    return [f"{label}: {grant}" for label, statements in policies.documents.items()
            for grant in _policy.service_wildcards(statements + policies.denies(), boundary=policies.boundary,
                                                   account_id=account_id)]


def escalation_grants(policies: RolePolicies, account_id: str | None = None) -> list[str]:
    """`policies: method` for each privilege-escalation method the role's policies grant together."""
    everything = policies.everything()
    labels = {id(s): label for label, statements in policies.documents.items() for s in statements}
    found = []
    for escalation in _policy.escalations(everything, account_id=account_id, boundary=policies.boundary):
        granting = sorted({labels[id(g.statement)] for action in escalation.actions
                           for g in _policy.evaluate(everything, action).allowing if id(g.statement) in labels})
        found.append(f"{','.join(granting)}: {escalation.detail}")
    return found


def _labels(policies: RolePolicies, decision: _policy.Decision) -> list[str]:
    """`policy: conditions still applying` for each policy whose statements allow the request."""
    labels = {id(s): label for label, statements in policies.documents.items() for s in statements}
    found: dict[str, set[str]] = {}
    for grant in decision.allowing:
        label = labels.get(id(grant.statement))
        if label is not None:
            found.setdefault(label, set()).update(c.key for c in grant.remaining)
    return [label + (f" (if {', '.join(sorted(keys))})" if keys else "") for label, keys in sorted(found.items())]


def grants_of(policies: RolePolicies, action: str, resource: str = "*",
              context: _policy.Context | None = None) -> list[str]:
    """The policies that allow `action` on `resource` after Deny and the boundary (empty: not allowed)."""
    decision = _policy.evaluate(policies.everything(), action, resource, boundary=policies.boundary,
                                context=context)
    return _labels(policies, decision) if decision.allowed else []


def judge_principals(ctx: CheckContext, candidates: list[Principal],
                     problems_of: Callable[[Principal, RolePolicies], list[str] | None],
                     passed: str, failed: str, summary_id: str | None = None) -> None:
    """FAIL each principal with problems, ERROR each whose policies could not all be read (and that shows
    no problem in those that could), and one PASS on the account (resource `summary_id`, the account id by
    default) when every principal in scope was judged clean. `problems_of` returns None for a principal out
    of the check's scope (an administrator, ...)."""
    clean, skipped, before = 0, 0, len(ctx.findings)
    for principal in candidates:
        with ctx.resource(principal.name, arn=principal.arn, type=PRINCIPAL_TYPES[principal.kind]):
            policies = principal_policies(ctx, principal)
            problems = problems_of(principal, policies)
            evidence: dict[str, Any] = {"principal_type": principal.kind, "policies": sorted(policies.documents),
                                        "permissions_boundary": policies.boundary_name}
            if problems is None or (not problems and not policies.unresolved):
                clean += problems is not None
                skipped += problems is None
                ctx.skip()  # judged clean (or out of scope): said once, on the account, below
                continue
            if problems:
                ctx.failed(f"{principal.label}: {failed}", {**evidence, "grants": sorted(set(problems))[:20]})
            else:
                ctx.error("attached managed policies could not be read, so the principal cannot be judged",
                          {**evidence, "unresolved_policies": policies.unresolved})
    if len(ctx.findings) == before:  # no FAIL and no ERROR (a failed read inside a scope is one)
        with ctx.resource(summary_id or ctx.account_id, arn=f"arn:{ctx.partition}:iam::{ctx.account_id}:root",
                          type="AwsAccount"):
            ctx.passed(passed, {"principals_judged": clean, "principals_out_of_scope": skipped})
