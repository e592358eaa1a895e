"""The cases of the differential policy test: seeded random policy/request pairs plus the hand-written hard ones.

A case is a plain record, the same one the node oracle (tools/oracle/oracle.mjs) reads:
`{"id", "identity": [policy...], "boundary": policy|None, "resource_policy": policy|None,
  "request": {"principal", "action", "resource", "account", "context"}}`.
Context keys the request does not carry are left out of `context` (the oracle then treats them as absent).

Identity cases ("compare": "identity"; a KMS key has its default key policy, so the account's IAM policies
decide) are compared decision for decision with `evaluate`; resource cases (a
resource policy, and an identity policy that allows everything when the caller is in another account) are
compared with `who_can`: whenever the oracle allows the caller, `who_can` must name a class of caller that
contains it (see tests/checks/test_policy_oracle.py).

The random cases stay clear of the oracle's known defects (a /0 CIDR, a date compared across epoch and
ISO 8601 forms, `ForAnyValue:...IfExists` without the key, a variable outside an ARN's resource part): each
is probed by a hand-written case instead, listed in tests/checks/test_policy_oracle.py with the AWS rule.

    python -m tests.support.policy_oracle.generate cases > cases.jsonl        # the cases, one JSON a line
    python -m tests.support.policy_oracle.generate record cases.jsonl answers.jsonl   # writes corpus.jsonl.gz
"""

from __future__ import annotations

import gzip
import json
import random
import sys
from pathlib import Path
from typing import Any

from tests.support.policy_oracle.hard import hard_cases

SEED = 17
RANDOM_IDENTITY = 4500
RANDOM_RESOURCE = 1500
CORPUS = Path(__file__).with_name("corpus.jsonl.gz")

ME = "111111111111"
OTHER = "222222222222"
USER = f"arn:aws:iam::{ME}:user/alice"

# (action, resource ARN) pairs the oracle knows (real actions on resources of the right type).
TARGETS: tuple[tuple[str, str], ...] = (
    ("s3:GetObject", "arn:aws:s3:::ai-data/home/alice/train.csv"),
    ("s3:GetObject", "arn:aws:s3:::ai-data/shared/eval.csv"),
    ("s3:PutObject", "arn:aws:s3:::ai-logs/2024/01/log.json"),
    ("s3:ListBucket", "arn:aws:s3:::ai-data"),
    ("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku"),
    ("bedrock:InvokeModel", "arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-text"),
    ("bedrock:InvokeModelWithResponseStream", "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku"),
    ("bedrock:InvokeAgent", f"arn:aws:bedrock:us-east-1:{ME}:agent-alias/AGENT1/ALIAS1"),
    ("lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{ME}:function:tool"),
    ("iam:PassRole", f"arn:aws:iam::{ME}:role/ai/BedrockAgentRole"),
    ("iam:CreateAccessKey", f"arn:aws:iam::{ME}:user/alice"),
    ("kms:Decrypt", f"arn:aws:kms:us-east-1:{ME}:key/1234abcd-12ab"),
    ("dynamodb:GetItem", f"arn:aws:dynamodb:us-west-2:{ME}:table/Sessions"),
    ("sagemaker:InvokeEndpoint", f"arn:aws:sagemaker:us-east-1:{ME}:endpoint/llm"),
    ("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:us-east-1:{ME}:secret:ai/key-AbCdEf"),
)

OTHER_ACTIONS = ("s3:DeleteObject", "bedrock:CreateAgent", "iam:GetRole", "kms:Encrypt", "ec2:RunInstances",
                 "lambda:GetFunction", "sts:AssumeRole")

# Context keys by value type, each with the values a request may carry and a policy may name.
STRING_KEYS: dict[str, tuple[str, ...]] = {
    "aws:username": ("alice", "bob", "Alice"),
    "aws:PrincipalTag/team": ("ml", "data", "ML", "ml-ops"),
    "aws:RequestedRegion": ("us-east-1", "us-west-2", "eu-west-1"),
    "aws:PrincipalAccount": (ME, OTHER),
    "aws:SourceAccount": (ME, OTHER),
    "aws:PrincipalOrgID": ("o-mine12345", "o-other6789"),
    "aws:ResourceOrgID": ("o-mine12345", "o-other6789"),
    "aws:userid": ("AIDAEXAMPLE", "AROAEXAMPLE:alice"),
    "aws:SourceVpce": ("vpce-1a2b", "vpce-9z9z"),
}
ARN_KEYS: dict[str, tuple[str, ...]] = {
    "aws:PrincipalArn": (USER, f"arn:aws:iam::{OTHER}:role/x", f"arn:aws:iam::{ME}:role/ai/BedrockAgentRole"),
    "aws:SourceArn": (f"arn:aws:bedrock:us-east-1:{ME}:agent/AGENT1", "arn:aws:s3:::ai-data",
                      f"arn:aws:bedrock:us-east-1:{OTHER}:agent/AGENT9"),
}
NUMERIC_KEYS: dict[str, tuple[str, ...]] = {"aws:MultiFactorAuthAge": ("30", "3600", "7200", "3600.0")}
BOOL_KEYS: dict[str, tuple[str, ...]] = {"aws:MultiFactorAuthPresent": ("true", "false"),
                                         "aws:SecureTransport": ("true", "false", "True")}
DATE_KEYS: dict[str, tuple[str, ...]] = {
    "aws:CurrentTime": ("2024-06-01T12:00:00Z", "2024-06-01T14:00:00+02:00", "2024-06-01T12:00:00.500Z",
                        "2023-12-31T23:59:59Z", "2025-01-01"),
    "aws:EpochTime": ("1717243200", "1704067199", "1735689600"),
}
IP_KEYS: dict[str, tuple[str, ...]] = {"aws:SourceIp": ("10.0.0.5", "192.168.1.10", "203.0.113.7", "2001:db8::1")}
MULTI_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "aws:TagKeys": (("env",), ("env", "team"), ("owner",), ()),
    "aws:CalledVia": (("bedrock.amazonaws.com",), ("cloudformation.amazonaws.com", "bedrock.amazonaws.com")),
    "aws:PrincipalServiceNamesList": (("ec2.amazonaws.com",), ("lambda.amazonaws.com", "ec2.amazonaws.com")),
}

POLICY_STRINGS = {  # values a policy names, beyond those a request carries
    "aws:username": ("${aws:username}", "a*", "?lice", "bob"),
    "aws:PrincipalTag/team": ("m*", "${aws:username}", "data"),
    "aws:SourceArn": ("arn:aws:bedrock:*:111111111111:agent/*", "arn:aws:s3:::ai-*", "arn:aws:*:*:222222222222:*"),
    "aws:PrincipalArn": ("arn:aws:iam::111111111111:*", "arn:aws:iam::*:role/ai/*",
                         "arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}"),
    "aws:ResourceOrgID": ("${aws:PrincipalOrgID}",),
    "aws:PrincipalAccount": ("${aws:SourceAccount}", "1111*"),
}
NUMERIC_POLICY = ("60", "3600", "0", "7200.5")
DATE_POLICY = ("2024-06-01T12:00:00Z", "2024-06-01T10:00:00Z", "2024-06-01T12:00:00+00:00", "2024-01-01",
               "2024-06-01T12:00:00.25Z", "2024-06-01T11:00:00-01:00")
DATE_POLICY_EPOCH = ("1717243200", "1717243199", "1704067200")
IP_POLICY = ("10.0.0.0/8", "192.168.1.10/32", "203.0.113.0/24", "2001:db8::/32", "192.0.0.0/2")
MULTI_POLICY = {"aws:TagKeys": ("env", "team", "own*"),
                "aws:CalledVia": ("bedrock.amazonaws.com", "cloudformation.amazonaws.com"),
                "aws:PrincipalServiceNamesList": ("ec2.amazonaws.com", "lambda.amazonaws.com")}

STRING_OPS = ("StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
              "StringLike", "StringNotLike")
ARN_OPS = ("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike")
NUMERIC_OPS = ("NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
               "NumericGreaterThan", "NumericGreaterThanEquals")
DATE_OPS = ("DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
            "DateGreaterThanEquals")


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _one_or_list(rng: random.Random, values: list[str]) -> Any:
    return values[0] if len(values) == 1 and rng.random() < 0.6 else values


def _pick(rng: random.Random, pool: tuple[str, ...], most: int = 2) -> list[str]:
    return rng.sample(pool, rng.randint(1, min(most, len(pool))))


def action_patterns(action: str) -> tuple[str, ...]:
    """Patterns that match the action, and some that do not."""
    service, name = action.split(":", 1)
    return (action, action.upper(), f"{service}:*", f"{service}:{name[:3]}*", f"{service}:?{name[1:]}", "*",
            f"{service}:{name}?", f"{service}:*{name[-4:]}", f"{service}:Get*")


def resource_patterns(resource: str) -> tuple[str, ...]:
    """Patterns around an ARN: wildcards in every segment, variables, near misses, other accounts."""
    parts = resource.split(":", 5)
    region, account, rest = parts[3], parts[4], parts[5]
    head = ":".join(parts[:3])
    found = [resource, "*", f"{head}:*:{account}:{rest}", f"{head}:{region}:*:{rest}", f"{head}:*:*:*",
             f"{head}:{region}:{account}:*", f"{head}:us-*:{account}:{rest}", f"{head}:us-east-?:{account}:{rest}",
             f"{head}:{region}:{OTHER}:{rest}", f"{head}:eu-west-1:{account}:{rest}", "arn:aws:*:*:*:*",
             f"{head}:{region}:{account}:{rest[: max(1, len(rest) // 2)]}*", f"{head}:*:{account}:{rest.upper()}",
             "arn:aws:s3:::*/${aws:username}/*"]
    if "alice" in rest:
        found += [resource.replace("alice", "${aws:username}"), resource.replace("alice", "${aws:userid}")]
    if "/" in rest:
        found.append(resource.rsplit("/", 1)[0] + "/*")
    return tuple(found)


def _condition(rng: random.Random) -> tuple[str, str, Any]:
    """One (operator, key, value(s)) of any family."""
    family = rng.choice(("string", "string", "arn", "numeric", "bool", "date", "date", "ip", "multi", "null",
                         "binary"))
    if family == "null":
        key = rng.choice([*STRING_KEYS, *DATE_KEYS, *MULTI_KEYS])
        return "Null", key, rng.choice(("true", "false", ["true", "false"]))
    if family == "multi":
        key = rng.choice(list(MULTI_KEYS))
        op = rng.choice(("StringEquals", "StringLike", "StringNotEquals", "StringNotLike"))
        qualifier = rng.choice(("ForAnyValue:", "ForAllValues:", "ForAnyValue:", "ForAllValues:", ""))
        suffix = "" if qualifier == "ForAnyValue:" else _if_exists(rng)
        return qualifier + op + suffix, key, _one_or_list(rng, _pick(rng, MULTI_POLICY[key]))
    if family == "binary":
        return "BinaryEquals" + _if_exists(rng), "aws:PrincipalTag/team", rng.choice(("bWw=", "ZGF0YQ=="))
    qualifier = "ForAnyValue:" if rng.random() < 0.08 else "ForAllValues:" if rng.random() < 0.08 else ""
    if family == "string":
        key = rng.choice(list(STRING_KEYS))
        pool = STRING_KEYS[key] + POLICY_STRINGS.get(key, ())
        op = rng.choice(STRING_OPS)
    elif family == "arn":
        key = rng.choice(list(ARN_KEYS))
        pool = ARN_KEYS[key] + POLICY_STRINGS.get(key, ())
        op = rng.choice(ARN_OPS)
    elif family == "numeric":
        key, pool, op = "aws:MultiFactorAuthAge", NUMERIC_POLICY, rng.choice(NUMERIC_OPS)
    elif family == "bool":
        key = rng.choice(list(BOOL_KEYS))
        pool, op = ("true", "false"), "Bool"
    elif family == "date":
        key = rng.choice(list(DATE_KEYS))
        pool = DATE_POLICY_EPOCH if key == "aws:EpochTime" else DATE_POLICY
        op = rng.choice(DATE_OPS)
    else:
        key, pool, op = "aws:SourceIp", IP_POLICY, rng.choice(("IpAddress", "NotIpAddress"))
    suffix = "" if qualifier == "ForAnyValue:" else _if_exists(rng)
    return qualifier + op + suffix, key, _one_or_list(rng, _pick(rng, pool))


def _if_exists(rng: random.Random) -> str:
    return "IfExists" if rng.random() < 0.2 else ""


def _conditions(rng: random.Random) -> dict[str, Any] | None:
    count = rng.choice((0, 0, 1, 1, 1, 2, 2, 3))
    if not count:
        return None
    block: dict[str, dict[str, Any]] = {}
    for _ in range(count):
        op, key, values = _condition(rng)
        block.setdefault(op, {})[key] = values
    return block


def _statement(rng: random.Random, action: str, resource: str, effect: str) -> dict[str, Any]:
    actions = list(rng.sample(action_patterns(action), rng.randint(1, 2)))
    if rng.random() < 0.3:
        actions.append(rng.choice(OTHER_ACTIONS))
    resources = list(rng.sample(resource_patterns(resource), rng.randint(1, 2)))
    statement: dict[str, Any] = {"Effect": effect}
    statement["NotAction" if rng.random() < 0.12 else "Action"] = _one_or_list(rng, actions)
    statement["NotResource" if rng.random() < 0.12 else "Resource"] = _one_or_list(rng, resources)
    condition = _conditions(rng)
    if condition:
        statement["Condition"] = condition
    return statement


def _context(rng: random.Random) -> dict[str, Any]:
    context: dict[str, Any] = {"aws:username": "alice", "aws:PrincipalAccount": ME, "aws:PrincipalArn": USER}
    for keys in (STRING_KEYS, ARN_KEYS, NUMERIC_KEYS, BOOL_KEYS, DATE_KEYS, IP_KEYS):
        for key, values in keys.items():
            if rng.random() < 0.7:
                context[key] = rng.choice(values)
            else:
                context.pop(key, None)
    for key, sets in MULTI_KEYS.items():
        if rng.random() < 0.6:
            context[key] = list(rng.choice(sets))
    return context


def _target(rng: random.Random) -> tuple[str, str]:
    action, resource = rng.choice(TARGETS)
    return action, resource


def key_policy(resource: str) -> dict[str, Any] | None:
    """For a KMS key, the default key policy (the account's IAM policies decide); None for other resources."""
    if ":kms:" not in resource:
        return None
    return doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ME}:root"}, "Action": "kms:*",
                "Resource": "*"})


def identity_case(rng: random.Random, number: int) -> dict[str, Any]:
    action, resource = _target(rng)
    documents = []
    for _ in range(rng.choice((1, 1, 2))):
        statements = [_statement(rng, action, resource, "Allow" if rng.random() < 0.72 else "Deny")
                      for _ in range(rng.randint(1, 3))]
        documents.append(doc(*statements))
    boundary = None
    if rng.random() < 0.25:
        boundary = doc(*(_statement(rng, action, resource, "Allow" if rng.random() < 0.8 else "Deny")
                         for _ in range(rng.randint(1, 2))))
    return {"id": f"random-identity-{number:05d}", "identity": documents, "boundary": boundary,
            "resource_policy": key_policy(resource), "compare": "identity",
            "request": {"principal": USER, "action": action, "resource": resource, "account": ME,
                        "context": _context(rng)}}


RESOURCE_TARGETS = (
    ("lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{ME}:function:tool"),
    ("s3:GetObject", "arn:aws:s3:::ai-data/shared/eval.csv"),
    ("kms:Decrypt", f"arn:aws:kms:us-east-1:{ME}:key/1234abcd-12ab"),
    ("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:us-east-1:{ME}:secret:ai/key-AbCdEf"),
)
CALLERS = (  # (principal, its account, context it carries)
    (USER, ME), (f"arn:aws:iam::{ME}:role/ai/BedrockAgentRole", ME),
    (f"arn:aws:sts::{ME}:assumed-role/BedrockAgentRole/s1", ME),
    (f"arn:aws:iam::{OTHER}:user/mallory", OTHER), (f"arn:aws:iam::{OTHER}:role/x", OTHER),
    (f"arn:aws:sts::{OTHER}:assumed-role/x/s2", OTHER),
    ("bedrock.amazonaws.com", None), ("lambda.amazonaws.com", None),
)
PRINCIPALS: tuple[Any, ...] = (
    "*", {"AWS": "*"}, {"AWS": ME}, {"AWS": OTHER}, {"AWS": f"arn:aws:iam::{ME}:root"},
    {"AWS": f"arn:aws:iam::{OTHER}:root"}, {"AWS": f"arn:aws:iam::{ME}:user/alice"},
    {"AWS": f"arn:aws:iam::{OTHER}:role/x"}, {"AWS": [ME, OTHER]}, {"Service": "bedrock.amazonaws.com"},
    {"Service": ["lambda.amazonaws.com",
                 "bedrock.amazonaws.com"]}, {"AWS": f"arn:aws:iam::{ME}:role/ai/BedrockAgentRole"},
    {"Federated": "cognito-identity.amazonaws.com"}, {"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"},
)
CALLER_CONDITIONS: tuple[tuple[str, str, Any], ...] = (
    ("StringEquals", "aws:SourceAccount", ME), ("StringEquals", "aws:SourceAccount", OTHER),
    ("ArnLike", "aws:SourceArn", f"arn:aws:bedrock:us-east-1:{ME}:agent/*"),
    ("ArnLike", "aws:SourceArn", "arn:aws:s3:::ai-data"), ("ArnEquals", "aws:SourceArn",
                                                           f"arn:aws:bedrock:us-east-1:{OTHER}:agent/AGENT9"),
    ("StringEquals", "aws:PrincipalOrgID", "o-mine12345"), ("StringEquals", "aws:PrincipalAccount", OTHER),
    ("StringEquals", "aws:PrincipalAccount", ME), ("StringNotEquals", "aws:PrincipalAccount", ME),
    ("ArnLike", "aws:PrincipalArn", f"arn:aws:iam::{OTHER}:*"), ("StringEqualsIfExists", "aws:SourceAccount", ME),
    ("Bool", "aws:SecureTransport", "true"), ("StringEquals", "aws:SourceVpce", "vpce-1a2b"),
    ("ForAnyValue:StringEquals", "aws:PrincipalAccount", OTHER),
)


def _caller_context(rng: random.Random, principal: str, account: str | None) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if account is not None:
        context["aws:PrincipalAccount"] = account
        context["aws:PrincipalArn"] = principal
        if rng.random() < 0.6:
            context["aws:PrincipalOrgID"] = "o-mine12345" if account == ME or rng.random() < 0.3 else "o-other6789"
    else:
        if rng.random() < 0.8:
            context["aws:SourceAccount"] = rng.choice((ME, OTHER))
        if rng.random() < 0.7:
            context["aws:SourceArn"] = rng.choice(ARN_KEYS["aws:SourceArn"])
    if rng.random() < 0.7:
        context["aws:SecureTransport"] = rng.choice(("true", "false"))
    if rng.random() < 0.3:
        context["aws:SourceVpce"] = rng.choice(("vpce-1a2b", "vpce-9z9z"))
    return context


def resource_case(rng: random.Random, number: int) -> dict[str, Any]:
    action, resource = rng.choice(RESOURCE_TARGETS)
    principal, account = rng.choice(CALLERS)
    statements = []
    for _ in range(rng.randint(1, 3)):
        effect = "Allow" if rng.random() < 0.8 else "Deny"
        statement: dict[str, Any] = {"Effect": effect}
        if rng.random() < 0.1:
            statement["NotPrincipal"] = rng.choice(PRINCIPALS[2:9])
        else:
            statement["Principal"] = rng.choice(PRINCIPALS)
        statement["Action"] = rng.choice((action, action.split(":")[0] + ":*", "*", rng.choice(OTHER_ACTIONS)))
        statement["Resource"] = rng.choice((resource, "*", resource_patterns(resource)[3]))
        block: dict[str, dict[str, Any]] = {}
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            op, key, value = rng.choice(CALLER_CONDITIONS)
            block.setdefault(op, {})[key] = value
        if block:
            statement["Condition"] = block
        statements.append(statement)
    identity = [] if account == ME or account is None else [doc({"Effect": "Allow", "Action": "*", "Resource": "*"})]
    return {"id": f"random-resource-{number:05d}", "identity": identity, "boundary": None,
            "resource_policy": doc(*statements), "compare": "resource",
            "request": {"principal": principal, "action": action, "resource": resource, "account": ME,
                        "context": _caller_context(rng, principal, account)}}


def cases() -> list[dict[str, Any]]:
    """Every case, in a fixed order: the hand-written ones, then the seeded random ones."""
    rng = random.Random(SEED)
    found = list(hard_cases())
    found += [identity_case(rng, n) for n in range(RANDOM_IDENTITY)]
    found += [resource_case(rng, n) for n in range(RANDOM_RESOURCE)]
    return found


def record(cases_path: Path, answers_path: Path, corpus: Path = CORPUS) -> int:
    """Join the cases with the oracle's answers into the recorded corpus; returns the number of cases."""
    answers = {}
    with answers_path.open() as lines:
        for line in lines:
            answer = json.loads(line)
            answers[answer.pop("id")] = answer
    written = 0
    text = []
    with cases_path.open() as lines:
        for line in lines:
            case = json.loads(line)
            case.update(answers[case["id"]])
            text.append(json.dumps(case, sort_keys=True, separators=(",", ":")) + "\n")
            written += 1
    # No time stamp in the gzip header: the same answers make the same bytes.
    corpus.write_bytes(gzip.compress("".join(text).encode("utf-8"), compresslevel=9, mtime=0))
    return written


def load(corpus: Path = CORPUS) -> list[dict[str, Any]]:
    """The recorded cases, each with the oracle's decision in "oracle"."""
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def main(argv: list[str]) -> int:
    if argv[:1] == ["cases"]:
        for case in cases():
            sys.stdout.write(json.dumps(case, sort_keys=True) + "\n")
        return 0
    if argv[:1] == ["record"] and len(argv) == 3:
        print(f"recorded {record(Path(argv[1]), Path(argv[2]))} cases in {CORPUS}", file=sys.stderr)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
