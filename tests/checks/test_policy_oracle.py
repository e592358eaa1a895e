"""The policy evaluator (checks/_policy.py) against an independent IAM evaluator, @cloud-copilot/iam-simulate.

The oracle's decisions are recorded in tests/support/policy_oracle/corpus.jsonl.gz (`make oracle` regenerates the
cases and asks the oracle again), so this test needs neither node nor the network.

How the answers compare:
- Identity cases ("compare": "identity"; a KMS key among them has its default key policy, which leaves
  the decision to IAM policies): `evaluate(identity, action, resource, boundary=..., context=...)` with
  the request's full context (every key a policy names is given; a key the request lacks is given as None,
  absent), so no condition remains undecided. Its effect (allow / explicit_deny / implicit_deny) must be the
  oracle's.
- Resource cases ("compare": "resource"): `who_can(policy, action, ...)` classifies callers rather than deciding
  one request, by the conditions that name the caller only. Whenever the oracle lets the caller in,
  `who_can` must name a class that contains it (never hide access); that it names a class the oracle then
  refuses on other conditions is the question's design, not a disagreement.

Every disagreement is listed below with its reason: an over-approximation of ours (more access, never
less), or the oracle's defect (with the AWS rule that decides it). The test fails on any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from posture.checks import _policy
from tests.support.policy_oracle.generate import CORPUS, load

ME = "111111111111"
ORG = "o-mine12345"

# Why a disagreement is ours on purpose (documented in checks/_policy.py's docstring).
UNRESOLVED_VARIABLE = (
    "a policy variable whose key the request lacks, in a negated condition or a NotResource: we read it the way "
    "that grants more (an Allow applies, a Deny does not); the oracle reads it as never matching")
VARIABLE_IN_ACCOUNT_SEGMENT = (
    "a policy variable in an ARN's account segment: we substitute it in every segment (an Allow of "
    "arn:aws:iam::${aws:PrincipalAccount}:role/ai/* reaches this account's roles); the oracle substitutes "
    "variables only in the resource part, so it allows less")

# Why the oracle is wrong, with the AWS rule that decides it.
EPOCH_SECONDS = (
    "IAM date conditions take ISO 8601 or epoch *seconds* (reference_policies_elements_condition_operators, "
    "Date condition operators); the oracle reads an epoch value as seconds and an ISO date as milliseconds, so "
    "it compares 1800000000 (2027) as earlier than 2024-06-01")
IFEXISTS_WITH_FORANYVALUE = (
    "...IfExists: 'If the key is not present, evaluate the condition element as true' (IAM condition "
    "operators, ...IfExists); the oracle ignores IfExists under ForAnyValue when the key is absent")
IP_ZERO_PREFIX = (
    "a CIDR block with prefix length 0 (0.0.0.0/0, ::/0) contains every address (RFC 4632; IpAddress takes "
    "RFC 4632 notation); the oracle's mask for /0 matches only 0.0.0.0")
DOLLAR_ESCAPE = (
    "${$} stands for a literal $ wherever policy variables are allowed, string conditions included "
    "(reference_policies_variables, special characters); the oracle leaves ${$} as written in StringEquals")

# Disagreements that are ours on purpose: we report more access than AWS grants, never less.
OVER_APPROXIMATIONS: dict[str, str] = {
    "hard-var-account-in-arn": VARIABLE_IN_ACCOUNT_SEGMENT,
    "random-identity-00072": UNRESOLVED_VARIABLE,
    "random-identity-00152": UNRESOLVED_VARIABLE,
    "random-identity-00155": UNRESOLVED_VARIABLE,
    "random-identity-00483": UNRESOLVED_VARIABLE,
    "random-identity-01002": UNRESOLVED_VARIABLE,
    "random-identity-01525": UNRESOLVED_VARIABLE,
    "random-identity-02720": UNRESOLVED_VARIABLE,  # a Deny not relied on: implicit, not explicit, deny
    "random-identity-04155": UNRESOLVED_VARIABLE,
}

# Disagreements where the oracle is wrong, with the AWS rule that decides them.
ORACLE_DEFECTS: dict[str, str] = {
    "hard-date-epoch-policy-iso-request": EPOCH_SECONDS,
    "hard-date-iso-policy-epoch-request": EPOCH_SECONDS,
    "hard-op-foranyvalue-ifexists-missing": IFEXISTS_WITH_FORANYVALUE,
    "hard-op-ip-everything": IP_ZERO_PREFIX,
    "hard-op-not-ip-everything": IP_ZERO_PREFIX,
    "hard-var-literal-dollar": DOLLAR_ESCAPE,
}

VARIABLE = re.compile(r"\$\{([^}]*)\}")


@cache
def corpus() -> list[dict[str, Any]]:
    return load(CORPUS)


def _keys(value: Any) -> Iterator[str]:
    """Every condition key and policy variable a policy document names."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name == "Condition" and isinstance(item, dict):
                for block in item.values():
                    if isinstance(block, dict):
                        yield from block
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)
    elif isinstance(value, str):
        for variable in VARIABLE.findall(value):
            name = variable.split(",", 1)[0].strip()
            if name not in ("*", "?", "$"):
                yield name


def full_context(case: dict[str, Any]) -> dict[str, Any]:
    """The request's context with every key the policies name: absent ones as None."""
    given: dict[str, Any] = dict(case["request"]["context"])
    known = {k.lower() for k in given}
    for key in _keys([case["identity"], case["boundary"], case["resource_policy"]]):
        if key.lower() not in known:
            given[key] = None
            known.add(key.lower())
    return given


def ours_identity(case: dict[str, Any]) -> str:
    request = case["request"]
    decision = _policy.evaluate(case["identity"], request["action"], request["resource"], boundary=case["boundary"],
                                context=full_context(case))
    if decision.allowed and not any(g.unconditional for g in decision.allowing):
        return "undecided"
    return decision.effect


def _caller_accounts(case: dict[str, Any]) -> set[str]:
    """The accounts a caller acts in: its own (an IAM principal), or for a service the accounts its
    aws:SourceAccount and aws:SourceArn name."""
    principal = case["request"]["principal"]
    if principal.startswith("arn:"):
        return {principal.split(":")[4]}
    context = {k.lower(): v for k, v in case["request"]["context"].items()}
    found = {context["aws:sourceaccount"]} if context.get("aws:sourceaccount") else set()
    arn = context.get("aws:sourcearn") or ""
    if arn.count(":") >= 5 and arn.split(":")[4]:
        found.add(arn.split(":")[4])
    return found


def admitted(case: dict[str, Any]) -> bool:
    """Whether `who_can` names a class of caller that contains the case's caller (never "this account" for
    a caller that acts in another account only)."""
    request = case["request"]
    context = {k.lower(): v for k, v in request["context"].items()}
    principal, accounts = request["principal"], _caller_accounts(case)
    foreign_only = bool(accounts) and ME not in accounts
    accesses = _policy.who_can(case["resource_policy"], request["action"], account_id=ME, org_id=ORG,
                               resource=request["resource"])
    for access in accesses:
        if access.this_account and foreign_only:
            continue
        if access.kind in ("anyone", "network"):
            return True
        if access.kind == "service":
            if access.principal == principal:
                return True
        elif access.kind == "account":
            if access.account in (None, "*") or access.account in accounts:
                return True
        elif access.kind == "organization":
            if access.account in ("*", context.get("aws:principalorgid")):
                return True
        elif access.principal == principal:
            return True
    return False


def disagreement(case: dict[str, Any]) -> str | None:
    """How our answer differs from the oracle's on one case (None: it does not)."""
    oracle = case["oracle"]
    if case["compare"] == "identity":
        ours = ours_identity(case)
        return None if ours == oracle else f"oracle {oracle}, ours {ours}"
    if oracle == "allow" and not admitted(case):
        return "oracle allows the caller, who_can names no class that contains it"
    return None


def disagreements() -> dict[str, str]:
    return {case["id"]: found for case in corpus() if (found := disagreement(case)) is not None}


def test_corpus_is_large_and_was_answered():
    cases = corpus()
    assert len(cases) >= 5000 + 100
    assert len({c["id"] for c in cases}) == len(cases)
    assert sum(c["id"].startswith("hard-") for c in cases) >= 100
    assert not [c["id"] for c in cases if c["oracle"] not in ("allow", "explicit_deny", "implicit_deny")]
    assert not [c["id"] for c in cases if c.get("ignored")], "the oracle ignored context keys of a case"
    assert {c["oracle"] for c in cases if c["compare"] == "identity"} == {"allow", "explicit_deny",
                                                                            "implicit_deny"}


def test_evaluator_agrees_with_the_oracle():
    found = disagreements()
    listed = set(OVER_APPROXIMATIONS) | set(ORACLE_DEFECTS)
    unlisted = {k: v for k, v in found.items() if k not in listed}
    assert not unlisted, f"{len(unlisted)} unlisted disagreements: " + "; ".join(
        f"{k}: {v}" for k, v in sorted(unlisted.items())[:25])
    stale = sorted(listed - set(found))
    assert not stale, f"listed disagreements that no longer occur: {stale}"


@pytest.mark.parametrize("case_id", sorted(OVER_APPROXIMATIONS))
def test_over_approximations_report_more_access(case_id):
    """A documented over-approximation never hides access: ours allows where the oracle denies."""
    [case] = [c for c in corpus() if c["id"] == case_id]
    assert case["compare"] == "identity" and case["oracle"] != "allow"
    more = ("allow", "undecided", "implicit_deny") if case["oracle"] == "explicit_deny" else ("allow", "undecided")
    assert ours_identity(case) in more
