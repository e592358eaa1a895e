"""The hand-written hard cases of the differential policy test (ids start with "hard-").

Each names what it probes: intersecting resource patterns, conditions ANDed across operators, policy
variables, dates, Deny limited by a second condition, NotResource, principals of every form, Not*
elements, every operator family with IfExists and the set qualifiers, multi-valued keys, boundaries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

ME = "111111111111"
OTHER = "222222222222"
USER = f"arn:aws:iam::{ME}:user/alice"
MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku"
ALL_MODELS = "arn:aws:bedrock:*::foundation-model/*"
FUNCTION = f"arn:aws:lambda:us-east-1:{ME}:function:tool"
BUCKET_OBJECT = "arn:aws:s3:::ai-data/home/alice/train.csv"
GUARDRAIL = f"arn:aws:bedrock:us-east-1:{ME}:guardrail/gr1"


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(action: Any, resource: Any = "*", condition: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": action, "Resource": resource, **extra}
    if condition:
        statement["Condition"] = condition
    return statement


def _deny(action: Any, resource: Any = "*", condition: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {**_allow(action, resource, condition, **extra), "Effect": "Deny"}


def ident(case_id: str, statements: list[dict[str, Any]], action: str, resource: str,
          context: dict[str, Any] | None = None, boundary: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An identity case: alice of this account calls `action` on `resource`."""
    return {"id": f"hard-{case_id}", "identity": [_doc(*statements)],
            "boundary": _doc(*boundary) if boundary is not None else None, "resource_policy": None,
            "compare": "identity",
            "request": {"principal": USER, "action": action, "resource": resource, "account": ME,
                        "context": {"aws:username": "alice", "aws:PrincipalAccount": ME, "aws:PrincipalArn": USER,
                                    **(context or {})}}}


def res(case_id: str, statements: list[dict[str, Any]], principal: str, context: dict[str, Any],
        action: str = "lambda:InvokeFunction", resource: str = FUNCTION) -> dict[str, Any]:
    """A resource case: `principal` calls `action` on this account's `resource` under its resource policy."""
    account = principal.split(":")[4] if principal.startswith("arn:") else None
    identity = [_doc(_allow("*"))] if account not in (None, ME) else []
    return {"id": f"hard-{case_id}", "identity": identity, "boundary": None, "resource_policy": _doc(*statements),
            "compare": "resource",
            "request": {"principal": principal, "action": action, "resource": resource, "account": ME,
                        "context": context}}


def _principal(principal: Any, condition: dict[str, Any] | None = None, effect: str = "Allow",
               element: str = "Principal", action: Any = "lambda:InvokeFunction") -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": effect, element: principal, "Action": action, "Resource": FUNCTION}
    if condition:
        statement["Condition"] = condition
    return statement


def hard_cases() -> Iterator[dict[str, Any]]:
    """The hand-written cases, each id unique."""
    yield from _resource_patterns()
    yield from _conditions_and()
    yield from _variables()
    yield from _dates()
    yield from _operators()
    yield from _not_elements()
    yield from _boundaries()
    yield from _principals()


def _resource_patterns() -> Iterator[dict[str, Any]]:
    # Class 1: a pattern that names every region intersects a question that names one, and vice versa.
    yield ident("intersect-all-models-one-region", [_allow("bedrock:InvokeModel", ALL_MODELS)],
                "bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/*")
    yield ident("intersect-one-region-all-regions", [_allow("bedrock:InvokeModel",
                "arn:aws:bedrock:us-east-1::foundation-model/*")],
                "bedrock:InvokeModel", "arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku")
    yield ident("intersect-prefix-suffix", [_allow("bedrock:InvokeModel", "arn:aws:bedrock:us-*::foundation-model/*")],
                "bedrock:InvokeModel", "arn:aws:bedrock:*-east-1::foundation-model/anthropic.*")
    yield ident("disjoint-regions", [_allow("bedrock:InvokeModel", "arn:aws:bedrock:eu-*::foundation-model/*")],
                "bedrock:InvokeModel", "arn:aws:bedrock:us-*::foundation-model/*")
    yield ident("exact-model", [_allow("bedrock:InvokeModel", ALL_MODELS)], "bedrock:InvokeModel", MODEL)
    yield ident("question-mark-region", [_allow("bedrock:InvokeModel",
                                                "arn:aws:bedrock:us-east-?::foundation-model/*")],
                "bedrock:InvokeModel", MODEL)
    yield ident("case-of-arn", [_allow("s3:GetObject", "arn:aws:s3:::AI-DATA/*")], "s3:GetObject", BUCKET_OBJECT)
    yield ident("case-of-action", [_allow("S3:getobject", "arn:aws:s3:::ai-data/*")], "s3:GetObject", BUCKET_OBJECT)
    yield ident("action-question-mark", [_allow("s3:?etObject", "*")], "s3:GetObject", BUCKET_OBJECT)
    yield ident("deny-wider-pattern", [_allow("s3:*"), _deny("s3:Get*", "arn:aws:s3:::ai-*/*")],
                "s3:GetObject", BUCKET_OBJECT)


def _conditions_and() -> Iterator[dict[str, Any]]:
    # Class 2: conditions in one statement are ANDed, across operators and keys.
    both = {"StringEquals": {"aws:SourceAccount": OTHER}, "ArnLike": {"aws:SourceArn": "arn:aws:s3:::ai-data"}}
    yield res("and-source-account-and-bucket", [_principal({"Service": "bedrock.amazonaws.com"}, both)],
              "bedrock.amazonaws.com", {"aws:SourceAccount": OTHER, "aws:SourceArn": "arn:aws:s3:::ai-data"})
    yield res("and-source-account-and-bucket-anyone", [_principal("*", both)],
              f"arn:aws:iam::{OTHER}:role/x", {"aws:SourceAccount": OTHER, "aws:SourceArn": "arn:aws:s3:::ai-data",
                                               "aws:PrincipalAccount": OTHER})
    mine = {"StringEquals": {"aws:SourceAccount": ME},
            "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:us-east-1:{OTHER}:agent/*"}}
    yield res("and-contradiction", [_principal({"Service": "bedrock.amazonaws.com"}, mine)],
              "bedrock.amazonaws.com", {"aws:SourceAccount": ME,
                                        "aws:SourceArn": f"arn:aws:bedrock:us-east-1:{OTHER}:agent/A"})
    yield ident("and-two-operators-one-fails", [_allow("s3:GetObject", "*", {
        "StringEquals": {"aws:PrincipalTag/team": "ml"}, "Bool": {"aws:SecureTransport": "true"}})],
        "s3:GetObject", BUCKET_OBJECT, {"aws:PrincipalTag/team": "ml", "aws:SecureTransport": "false"})
    yield ident("and-two-operators-both-hold", [_allow("s3:GetObject", "*", {
        "StringEquals": {"aws:PrincipalTag/team": "ml"}, "Bool": {"aws:SecureTransport": "true"}})],
        "s3:GetObject", BUCKET_OBJECT, {"aws:PrincipalTag/team": "ml", "aws:SecureTransport": "true"})
    yield ident("and-two-keys-one-operator", [_allow("s3:GetObject", "*", {
        "StringEquals": {"aws:PrincipalTag/team": "ml", "aws:RequestedRegion": "us-east-1"}})],
        "s3:GetObject", BUCKET_OBJECT, {"aws:PrincipalTag/team": "ml", "aws:RequestedRegion": "eu-west-1"})


def _variables() -> Iterator[dict[str, Any]]:
    # Class 3: ${...} is substituted in resources and condition values; ${*}, ${?}, ${$} are literal characters.
    home = "arn:aws:s3:::ai-data/home/${aws:username}/*"
    yield ident("var-username-resource", [_allow("s3:GetObject", home)], "s3:GetObject", BUCKET_OBJECT)
    yield ident("var-username-other-user", [_allow("s3:GetObject", home)], "s3:GetObject",
                "arn:aws:s3:::ai-data/home/bob/train.csv")
    yield ident("var-missing-key", [_allow("s3:GetObject", "arn:aws:s3:::ai-data/home/${aws:PrincipalTag/home}/*")],
                "s3:GetObject", BUCKET_OBJECT)
    yield ident("var-default-value", [_allow("s3:GetObject",
                "arn:aws:s3:::ai-data/home/${aws:PrincipalTag/home, 'alice'}/*")], "s3:GetObject", BUCKET_OBJECT)
    yield ident("var-principal-account-condition", [_allow("s3:GetObject", "*", {
        "StringEquals": {"aws:ResourceOrgID": "${aws:PrincipalOrgID}"}})], "s3:GetObject", BUCKET_OBJECT,
        {"aws:ResourceOrgID": "o-mine12345", "aws:PrincipalOrgID": "o-mine12345"})
    yield ident("var-org-mismatch", [_allow("s3:GetObject", "*", {
        "StringEquals": {"aws:ResourceOrgID": "${aws:PrincipalOrgID}"}})], "s3:GetObject", BUCKET_OBJECT,
        {"aws:ResourceOrgID": "o-mine12345", "aws:PrincipalOrgID": "o-other6789"})
    yield ident("var-deny-other-org", [_allow("s3:*"), _deny("s3:*", "*", {
        "StringNotEquals": {"aws:ResourceOrgID": "${aws:PrincipalOrgID}"}})], "s3:GetObject", BUCKET_OBJECT,
        {"aws:ResourceOrgID": "o-other6789", "aws:PrincipalOrgID": "o-mine12345"})
    yield ident("var-account-in-arn", [_allow("iam:PassRole", "arn:aws:iam::${aws:PrincipalAccount}:role/ai/*")],
                "iam:PassRole", f"arn:aws:iam::{ME}:role/ai/BedrockAgentRole")
    yield ident("var-literal-star", [_allow("s3:GetObject", "arn:aws:s3:::ai-data/${*}")], "s3:GetObject",
                "arn:aws:s3:::ai-data/*")
    yield ident("var-literal-star-not-wildcard", [_allow("s3:GetObject", "arn:aws:s3:::ai-data/${*}")],
                "s3:GetObject", "arn:aws:s3:::ai-data/x")
    yield ident("var-literal-question", [_allow("s3:GetObject", "arn:aws:s3:::ai-data/a${?}")], "s3:GetObject",
                "arn:aws:s3:::ai-data/ab")
    yield ident("var-literal-dollar", [_allow("s3:GetObject", "*",
                                              {"StringEquals": {"aws:PrincipalTag/team": "${$}ml"}})],
                "s3:GetObject", BUCKET_OBJECT, {"aws:PrincipalTag/team": "$ml"})
    yield ident("var-in-stringlike", [_allow("s3:ListBucket", "arn:aws:s3:::ai-data", {
        "StringLike": {"aws:PrincipalTag/team": "${aws:username}*"}})], "s3:ListBucket", "arn:aws:s3:::ai-data",
        {"aws:PrincipalTag/team": "alice-ml"})
    yield ident("var-multivalued-in-resource", [_allow("s3:GetObject", "arn:aws:s3:::ai-data/${aws:TagKeys}/*")],
                "s3:GetObject", "arn:aws:s3:::ai-data/env/x", {"aws:TagKeys": ["env"]})


def _dates() -> Iterator[dict[str, Any]]:
    # Class 4: dates compare as instants, whatever their zone, precision or form.
    def at(case_id: str, op: str, policy: str, request: str, key: str = "aws:CurrentTime") -> dict[str, Any]:
        return ident(case_id, [_allow("s3:GetObject", "*", {op: {key: policy}})], "s3:GetObject", BUCKET_OBJECT,
                     {key: request})
    yield at("date-zone-equal", "DateEquals", "2024-06-01T12:00:00Z", "2024-06-01T14:00:00+02:00")
    yield at("date-zone-before", "DateLessThan", "2024-06-01T13:00:00Z", "2024-06-01T14:00:00+02:00")
    yield at("date-zone-string-order", "DateGreaterThan", "2024-06-01T12:30:00Z", "2024-06-01T14:00:00+02:00")
    yield at("date-fraction", "DateGreaterThan", "2024-06-01T12:00:00Z", "2024-06-01T12:00:00.500Z")
    yield at("date-fraction-equal", "DateEquals", "2024-06-01T12:00:00.000Z", "2024-06-01T12:00:00Z")
    yield at("date-day-only", "DateLessThan", "2024-06-02", "2024-06-01T23:59:59Z")
    yield at("date-epoch-both", "DateLessThan", "1717243200", "1717243199", "aws:EpochTime")
    yield at("date-epoch-policy-iso-request", "DateLessThan", "1800000000", "2024-06-01T12:00:00Z")
    yield at("date-iso-policy-epoch-request", "DateGreaterThan", "2024-06-01T00:00:00Z", "1717243200",
             "aws:EpochTime")
    yield at("date-not-equals", "DateNotEquals", "2024-06-01T12:00:00Z", "2024-06-01T12:00:00+00:00")
    yield at("date-garbage", "DateLessThan", "tomorrow", "2024-06-01T12:00:00Z")
    yield ident("date-missing-ifexists", [_allow("s3:GetObject", "*", {
        "DateLessThanIfExists": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}})], "s3:GetObject", BUCKET_OBJECT)


def _operators() -> Iterator[dict[str, Any]]:
    def one(case_id: str, op: str, key: str, policy: Any, context: dict[str, Any]) -> dict[str, Any]:
        return ident(case_id, [_allow("s3:GetObject", "*", {op: {key: policy}})], "s3:GetObject", BUCKET_OBJECT,
                     context)
    yield one("op-numeric-float", "NumericLessThan", "aws:MultiFactorAuthAge", "3600",
              {"aws:MultiFactorAuthAge": "3599.5"})
    yield one("op-numeric-not-equal-missing", "NumericNotEquals", "aws:MultiFactorAuthAge", "1", {})
    yield one("op-bool-case", "Bool", "aws:SecureTransport", "TRUE", {"aws:SecureTransport": "true"})
    yield one("op-bool-missing-ifexists", "BoolIfExists", "aws:MultiFactorAuthPresent", "true", {})
    yield one("op-binary", "BinaryEquals", "aws:PrincipalTag/team", "bWw=", {"aws:PrincipalTag/team": "bWw="})
    yield one("op-ip-v6", "IpAddress", "aws:SourceIp", "2001:db8::/32", {"aws:SourceIp": "2001:db8::1"})
    yield one("op-not-ip-missing", "NotIpAddress", "aws:SourceIp", "10.0.0.0/8", {})
    yield one("op-ip-everything", "IpAddress", "aws:SourceIp", "0.0.0.0/0", {"aws:SourceIp": "10.0.0.5"})
    yield one("op-not-ip-everything", "NotIpAddress", "aws:SourceIp", ["0.0.0.0/0", "::/0"],
              {"aws:SourceIp": "10.0.0.5"})
    yield one("op-ip-host", "IpAddress", "aws:SourceIp", "203.0.113.7", {"aws:SourceIp": "203.0.113.7"})
    yield one("op-arn-like-wild-account", "ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:user/*", {})
    yield one("op-arn-equals-case", "ArnEquals", "aws:SourceArn", "arn:aws:s3:::AI-data",
              {"aws:SourceArn": "arn:aws:s3:::ai-data"})
    yield one("op-string-ignore-case", "StringEqualsIgnoreCase", "aws:PrincipalTag/team", "ML",
              {"aws:PrincipalTag/team": "ml"})
    yield one("op-string-like-question", "StringLike", "aws:PrincipalTag/team", "m?", {"aws:PrincipalTag/team": "ml"})
    yield one("op-string-equals-no-wildcard", "StringEquals", "aws:PrincipalTag/team", "m*",
              {"aws:PrincipalTag/team": "ml"})
    yield one("op-null-true-missing", "Null", "aws:PrincipalTag/team", "true", {})
    yield one("op-null-false-present", "Null", "aws:PrincipalTag/team", "false", {"aws:PrincipalTag/team": "ml"})
    yield one("op-null-multivalued-empty", "Null", "aws:TagKeys", "true", {"aws:TagKeys": []})
    yield one("op-foranyvalue-missing", "ForAnyValue:StringEquals", "aws:TagKeys", "env", {})
    yield one("op-forallvalues-missing", "ForAllValues:StringEquals", "aws:TagKeys", "env", {})
    yield one("op-forallvalues-empty", "ForAllValues:StringEquals", "aws:TagKeys", "env", {"aws:TagKeys": []})
    yield one("op-forallvalues-subset", "ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"],
              {"aws:TagKeys": ["env"]})
    yield one("op-forallvalues-extra", "ForAllValues:StringEquals", "aws:TagKeys", ["env"],
              {"aws:TagKeys": ["env", "team"]})
    yield one("op-foranyvalue-not-equals", "ForAnyValue:StringNotEquals", "aws:TagKeys", ["env"],
              {"aws:TagKeys": ["env", "team"]})
    yield one("op-forallvalues-not-like", "ForAllValues:StringNotLike", "aws:TagKeys", ["e*"],
              {"aws:TagKeys": ["env", "team"]})
    yield one("op-single-operator-on-multivalued", "StringEquals", "aws:TagKeys", "env", {"aws:TagKeys": ["env"]})
    yield one("op-negated-single-operator-multivalued", "StringNotEquals", "aws:TagKeys", "x", {"aws:TagKeys": ["env"]})
    yield one("op-foranyvalue-ifexists-missing", "ForAnyValue:StringEqualsIfExists", "aws:TagKeys", "env", {})
    yield one("op-string-not-like-missing", "StringNotLike", "aws:PrincipalTag/team", "m*", {})
    yield one("op-string-equals-ifexists-present", "StringEqualsIfExists", "aws:PrincipalTag/team", "ml",
              {"aws:PrincipalTag/team": "data"})
    # Class 5: a Deny limited by a second condition denies only where both hold.
    guard = {"StringNotEquals": {"bedrock:GuardrailIdentifier": GUARDRAIL},
             "StringEquals": {"aws:RequestedRegion": "us-east-1"}}
    yield ident("deny-guardrail-second-condition-other-region", [_allow("bedrock:*"), _deny("bedrock:InvokeModel",
                                                                                            "*", guard)],
                "bedrock:InvokeModel", MODEL, {"aws:RequestedRegion": "us-west-2"})
    yield ident("deny-guardrail-second-condition-same-region", [_allow("bedrock:*"),
                _deny("bedrock:InvokeModel", "*", guard)], "bedrock:InvokeModel", MODEL,
                {"aws:RequestedRegion": "us-east-1"})


def _not_elements() -> Iterator[dict[str, Any]]:
    # Class 6 and NotAction: NotResource reaches everything but what it names.
    yield ident("not-resource-admin-excluded", [{"Effect": "Allow", "Action": "*",
                                                 "NotResource": "arn:aws:s3:::ai-data/*"}],
                "s3:GetObject", BUCKET_OBJECT)
    yield ident("not-resource-admin-other", [{"Effect": "Allow", "Action": "*",
                                              "NotResource": "arn:aws:s3:::ai-data/*"}],
                "iam:CreateAccessKey", USER)
    yield ident("not-action-allows-others", [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}],
                "s3:GetObject", BUCKET_OBJECT)
    yield ident("not-action-excludes", [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}],
                "iam:PassRole", f"arn:aws:iam::{ME}:role/ai/BedrockAgentRole")
    yield ident("deny-not-action", [_allow("*"), {"Effect": "Deny", "NotAction": ["s3:Get*"], "Resource": "*"}],
                "s3:GetObject", BUCKET_OBJECT)
    yield ident("deny-not-resource", [_allow("*"), {"Effect": "Deny", "Action": "*",
                                                    "NotResource": "arn:aws:s3:::ai-*"}],
                "s3:GetObject", BUCKET_OBJECT)
    yield ident("deny-not-resource-pattern", [_allow("*"), {"Effect": "Deny", "Action": "*",
                                                            "NotResource": "arn:aws:s3:::ai-data/*"}],
                "s3:GetObject", BUCKET_OBJECT)


def _boundaries() -> Iterator[dict[str, Any]]:
    yield ident("boundary-narrower", [_allow("*")], "s3:GetObject", BUCKET_OBJECT, boundary=[_allow("bedrock:*")])
    yield ident("boundary-allows", [_allow("s3:GetObject", "arn:aws:s3:::ai-data/*")], "s3:GetObject", BUCKET_OBJECT,
                boundary=[_allow("s3:*")])
    yield ident("boundary-deny", [_allow("*")], "s3:GetObject", BUCKET_OBJECT,
                boundary=[_allow("*"), _deny("s3:GetObject")])
    yield ident("boundary-condition-fails", [_allow("*")], "s3:GetObject", BUCKET_OBJECT,
                boundary=[_allow("*", "*", {"Bool": {"aws:MultiFactorAuthPresent": "true"}})],
                context={"aws:MultiFactorAuthPresent": "false"})
    yield ident("boundary-variable", [_allow("s3:*")], "s3:GetObject", BUCKET_OBJECT,
                boundary=[_allow("s3:*", "arn:aws:s3:::ai-data/home/${aws:username}/*")])
    yield ident("boundary-not-resource", [_allow("*")], "s3:GetObject", BUCKET_OBJECT,
                boundary=[{"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::ai-data/*"}])


def _principals() -> Iterator[dict[str, Any]]:
    other_user = f"arn:aws:iam::{OTHER}:user/mallory"
    other_ctx = {"aws:PrincipalAccount": OTHER, "aws:PrincipalArn": other_user}
    yield res("principal-star-string", [_principal("*")], other_user, other_ctx)
    yield res("principal-aws-star", [_principal({"AWS": "*"})], other_user, other_ctx)
    yield res("principal-account-id", [_principal({"AWS": OTHER})], other_user, other_ctx)
    yield res("principal-account-root", [_principal({"AWS": f"arn:aws:iam::{OTHER}:root"})], other_user, other_ctx)
    yield res("principal-user-arn", [_principal({"AWS": other_user})], other_user, other_ctx)
    yield res("principal-other-user-arn", [_principal({"AWS": f"arn:aws:iam::{OTHER}:user/eve"})], other_user,
              other_ctx)
    yield res("principal-role-session", [_principal({"AWS": f"arn:aws:iam::{OTHER}:role/x"})],
              f"arn:aws:sts::{OTHER}:assumed-role/x/s1", {"aws:PrincipalAccount": OTHER})
    yield res("principal-service", [_principal({"Service": "bedrock.amazonaws.com"})], "bedrock.amazonaws.com", {})
    yield res("principal-service-other", [_principal({"Service": "lambda.amazonaws.com"})], "bedrock.amazonaws.com", {})
    yield res("principal-service-source-account-other", [_principal({"Service": "bedrock.amazonaws.com"},
              {"StringEquals": {"aws:SourceAccount": OTHER}})], "bedrock.amazonaws.com", {"aws:SourceAccount": OTHER})
    yield res("principal-org", [_principal("*", {"StringEquals": {"aws:PrincipalOrgID": "o-mine12345"}})],
              other_user, {**other_ctx, "aws:PrincipalOrgID": "o-mine12345"})
    yield res("principal-org-other", [_principal("*", {"StringEquals": {"aws:PrincipalOrgID": "o-mine12345"}})],
              other_user, {**other_ctx, "aws:PrincipalOrgID": "o-other6789"})
    yield res("not-principal-excludes", [_principal({"AWS": f"arn:aws:iam::{OTHER}:root"}, element="NotPrincipal")],
              other_user, other_ctx)
    yield res("not-principal-others", [_principal({"AWS": f"arn:aws:iam::{ME}:root"}, element="NotPrincipal")],
              other_user, other_ctx)
    yield res("deny-principal-star-condition", [_principal("*"), _principal("*", {
        "StringNotEquals": {"aws:PrincipalAccount": ME}}, effect="Deny")], other_user, other_ctx)
    yield res("principal-account-condition-foreign", [_principal("*",
                                                                 {"StringEquals": {"aws:PrincipalAccount": OTHER}})],
              other_user, other_ctx)
    yield res("principal-source-vpce", [_principal("*", {"StringEquals": {"aws:SourceVpce": "vpce-1a2b"}})],
              other_user, {**other_ctx, "aws:SourceVpce": "vpce-1a2b"})
    yield res("principal-federated", [_principal({"Federated": "cognito-identity.amazonaws.com"})],
              other_user, other_ctx)
