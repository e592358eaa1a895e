"""The one evaluator for IAM-style policy documents: identity, permissions boundary, trust, resource,
key, bucket, VPC endpoint and Lambda permission policies.

No check parses a policy document itself; each asks this module a question:

- `statements(document)`: the normalised statements of any document form (dict, JSON text, URL-encoded
  JSON text as IAM returns it, a list of statements, one statement, None).
- Identity side: `evaluate(documents, action, resource, boundary=..., context=...)` is the decision
  (allow / explicit deny / implicit deny) with the allowing statements and the conditions that still
  apply to them; `grants_admin`, `service_wildcards` and `escalations` answer the AI-role checks;
  `guardrail_requirement(statement)` says which `bedrock:GuardrailIdentifier` an allow requires, and
  `guardrail_access(documents, "bedrock:InvokeModel", model_arn)` whether a call naming no guardrail is
  allowed at all (after Deny statements that insist on one, and the boundary).
- Resource side: `who_can(document, action, account_id=..., org_id=...)` lists who the policy lets in,
  each classified (anyone, an organization, this account, another account, a service principal with or
  without a source restriction), judging conditions by value.

The rules, as IAM applies them:
- Actions match case-insensitively with `*` and `?`; ARNs match case-sensitively with `*` and `?`
  (`arn:aws:iam::*:role/*` is every role in every account). A request pattern (`iam:Pass*`, a resource
  with `*`) "overlaps" a statement when some value matches both, and is "covered" when the statement
  matches every value the pattern can take; both are decided exactly (the two patterns walked as automata),
  so `arn:aws:bedrock:*::foundation-model/*` overlaps and covers `arn:aws:bedrock:us-east-1::foundation-model/*`.
- Policy variables (`${aws:username}`, `${aws:PrincipalAccount}`, `${key, 'default'}`) are substituted from
  `context` in Resource/NotResource and in String/Arn condition values; the value is literal (its `*` is
  no wildcard), `${*}`, `${?}`, `${$}` are the literal characters. A key the request lacks (None in
  `context`) leaves the string matching nothing; a key `context` does not mention leaves the condition
  undecided (remaining), and a Resource that names it may reach anything (a Deny naming it is not relied on).
- Conditions: every operator and key of a statement must hold (AND); the values of one key are ORed.
  Dates compare as instants (ISO 8601 with any zone, fractions, a bare day as UTC midnight, or epoch
  seconds); numbers as numbers; Bool case-insensitively; IpAddress by CIDR. A value that cannot be compared
  matches nothing. A string in `context` is one value; a list is a multi-valued key, judged by
  `ForAnyValue:`/`ForAllValues:` (a bare operator on it does not match, as the oracle and IAM's validator
  read it). A key the request lacks: `...IfExists`, `ForAllValues:` and negated operators hold, others fail.
- An explicit Deny in any policy (the boundary's included) overrides any Allow; without an Allow the answer
  is an implicit deny; with a permissions boundary an action is allowed only when the boundary allows it too.

Proven against an independent evaluator, @cloud-copilot/iam-simulate (tests/checks/test_policy_oracle.py, the
recorded answers in tests/policy_oracle/). Deliberate over-approximations (more access reported, never less):
- A negated condition (StringNotEquals, ArnNotLike, ...) or a NotResource naming a policy variable the request
  has no value for holds in an Allow and is not relied on in a Deny (the oracle reads both as never matching).
- Policy variables are substituted in every segment of an ARN (the oracle only in the resource part).
- A `*` matches across colons anywhere in an ARN (IAM lets only a segment's last `*` do so).
- `who_can` judges by value only the conditions that name the caller, and subtracts only an unconditional
  Deny for everyone; a NotResource that excludes a few named resources (none of every role, every object,
  every key...) counts as every resource for `grants_admin` and `service_wildcards`.
- Conditions are judged by value. Keys that name who may call (`aws:SourceAccount`, `aws:SourceArn`,
  `aws:SourceOwner`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalOrgID`,
  `aws:SourceOrgID`, `kms:CallerAccount`, ...) narrow the principals to what their values name, and a
  foreign account there is foreign access. Only a positive operator without `IfExists` narrows
  (`StringEquals`, `StringLike`, `ArnEquals`, `ArnLike`, `ForAnyValue:` forms): a negated operator, an
  `IfExists` variant or `ForAllValues:` passes a request that lacks the key, so it narrows nothing.
  Keys that do not name a caller (`aws:SecureTransport`, `aws:CurrentTime`, `aws:MultiFactorAuthPresent`,
  `kms:ViaService`, `aws:SourceIp`, ...) restrict no principal.
- In `evaluate`, a condition whose key the caller put in `context` is decided (a key mapped to None is
  absent from the request); any other condition stays on the grant as a remaining condition. A Deny
  whose conditions are not all known to hold is not counted as denying (it is reported apart).

The privilege-escalation methods are cloudsplaining's list, shipped as packaged data
(`posture/data/escalation_methods.json`, read lazily by `escalation_methods()`), with the few single
actions it does not list added here.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, Literal
from urllib.parse import unquote

# -- the statement model ------------------------------------------------------------------------

ACCOUNT_ID = re.compile(r"^\d{12}$")
IAM_ARN = re.compile(r"^arn:(?P<partition>aws[a-z-]*|\*):iam::(?P<account>[^:]*):(?P<rest>.*)$")
AI_SERVICE_PRINCIPALS = ("bedrock.amazonaws.com", "sagemaker.amazonaws.com", "bedrock-agentcore.amazonaws.com")


@dataclass(frozen=True)
class Condition:
    """One key of one condition operator block: `{"StringEquals": {"aws:SourceAccount": ["1", "2"]}}`."""

    operator: str  # as written, e.g. "ForAnyValue:StringLikeIfExists"
    key: str  # lower-case, e.g. "aws:sourceaccount"
    values: tuple[str, ...]

    @property
    def qualifier(self) -> str:
        """"ForAnyValue", "ForAllValues" or ""."""
        return self.operator.split(":", 1)[0] if ":" in self.operator else ""

    @property
    def if_exists(self) -> bool:
        return self.base.endswith("IfExists")

    @property
    def base(self) -> str:
        """The operator without its set qualifier (`StringLikeIfExists`)."""
        return self.operator.split(":", 1)[1] if ":" in self.operator else self.operator

    @property
    def test(self) -> str:
        """The operator without qualifier and IfExists, lower-case: `stringlike`."""
        base = self.base[: -len("IfExists")] if self.if_exists else self.base
        return base.lower()

    @property
    def negated(self) -> bool:
        return "not" in self.test

    @property
    def narrows(self) -> bool:
        """Whether the condition can only hold when the key is present and matches its values."""
        return (not self.negated and not self.if_exists and self.qualifier != "ForAllValues"
                and self.test not in ("null",))


@dataclass(frozen=True)
class Statement:
    """A policy statement with every element normalised to tuples (principals as (type, value) pairs)."""

    index: int
    sid: str | None
    effect: str  # "Allow" or "Deny" (anything else is kept as written and grants nothing)
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...]
    not_resource: bool
    principals: tuple[tuple[str, str], ...] | None  # None: no Principal element (an identity policy)
    not_principal: bool
    conditions: tuple[Condition, ...]
    raw: Mapping[str, Any] = field(compare=False, repr=False)

    @property
    def label(self) -> str:
        return self.sid or f"statement {self.index}"

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    @property
    def denies(self) -> bool:
        return self.effect == "Deny"

    def condition(self, key: str) -> list[Condition]:
        return [c for c in self.conditions if c.key == key.lower()]


def _strings(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else [value]
    return tuple(str(v).lower() if isinstance(v, bool) else str(v) for v in items if v is not None)


def _document(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not text.startswith(("{", "[")):
            text = unquote(text)  # IAM returns documents URL-encoded; botocore usually decodes them
        try:
            return json.loads(text)
        except ValueError:
            return json.loads(unquote(text))
    return value


def _principals(value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if isinstance(value, str | list):
        return tuple(("AWS", p) for p in _strings(value))
    if isinstance(value, Mapping):
        return tuple((str(kind), p) for kind, values in value.items() for p in _strings(values))
    return ()


def _conditions(value: Any) -> tuple[Condition, ...]:
    if not isinstance(value, Mapping):
        return ()
    found: list[Condition] = []
    for operator, block in value.items():
        if isinstance(block, Mapping):
            found.extend(Condition(str(operator), str(key).lower(), _strings(values)) for key, values in block.items())
    return tuple(found)


def _statement(index: int, raw: Mapping[str, Any]) -> Statement:
    principal_key = "NotPrincipal" if "NotPrincipal" in raw else "Principal"
    has_principal = principal_key in raw
    return Statement(
        index=index,
        sid=str(raw["Sid"]) if raw.get("Sid") not in (None, "") else None,
        effect=str(raw.get("Effect", "")).capitalize(),
        actions=_strings(raw.get("NotAction") if "NotAction" in raw else raw.get("Action")),
        not_action="NotAction" in raw,
        resources=_strings(raw.get("NotResource") if "NotResource" in raw else raw.get("Resource", "*")),
        not_resource="NotResource" in raw,
        principals=_principals(raw.get(principal_key)) if has_principal else None,
        not_principal=principal_key == "NotPrincipal",
        conditions=_conditions(raw.get("Condition")),
        raw=raw,
    )


def statements(document: Any) -> list[Statement]:
    """The statements of a policy document in any of the forms AWS APIs return it."""
    if isinstance(document, Statement):
        return [document]
    if isinstance(document, list | tuple) and all(isinstance(s, Statement) for s in document):
        return list(document)
    value = _document(document)
    if isinstance(value, Mapping) and "Statement" in value:
        value = value["Statement"]
    elif isinstance(value, Mapping) and not ({"Effect", "Action", "NotAction"} & set(value)):
        return []
    items = value if isinstance(value, list) else [value]
    return [_statement(i, s) for i, s in enumerate(items) if isinstance(s, Mapping)]


def _all_statements(documents: Any) -> list[Statement]:
    """Statements of one document or of several (a list of documents)."""
    if documents is None:
        return []
    if isinstance(documents, list | tuple) and documents and not all(isinstance(d, Statement) for d in documents) \
            and not any(isinstance(d, Mapping) and ("Effect" in d) for d in documents):
        return [s for d in documents for s in statements(d)]
    return statements(documents)


# -- matching -----------------------------------------------------------------------------------

# A pattern is a tuple of tokens: one literal character each, or one of the two wildcards below (two
# characters long, so no literal is mistaken for them). `${*}`, `${?}` and `${$}` become literal characters;
# a resolved policy variable becomes its value's literal characters (a `*` in the value is not a wildcard).
STAR = "\x00*"
ONE = "\x00?"
Pattern = tuple[str, ...]
_ESCAPES = {"*": "*", "?": "?", "$": "$"}
_VARIABLE_SPEC = re.compile(r"^\s*(?P<name>[^,]+?)\s*(?:,\s*'(?P<default>[^']*)'\s*)?$")

ContextValue = str | Sequence[str] | None
Context = Mapping[str, ContextValue]


class _Unknown(Exception):
    """A policy variable names a key the caller's context does not mention (its value is not known)."""


def _variable(spec: str, context: Context | None) -> str | None:
    """The value of `${spec}` in the request: None when the request cannot supply one (the key is absent or
    multi-valued, and no default is given); _Unknown when the context does not say."""
    found = _VARIABLE_SPEC.match(spec)
    name, default = (found.group("name"), found.group("default")) if found else (spec.strip(), None)
    known, values, multi = _context_lookup(context or {}, name.lower())
    if not known:
        raise _Unknown(name)
    if values and not multi and values[0]:
        return values[0]
    return default if default else None


def pattern(text: str, *, wildcards: bool = True, ignore_case: bool = False, context: Context | None = None,
            variables: bool = True) -> Pattern | None:
    """The tokens of a policy string; None when a policy variable has no value in the request (the string
    matches nothing). Raises _Unknown when a variable's key is not in `context`."""
    tokens: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        end = text.find("}", i + 2) if variables and text.startswith("${", i) else -1
        if end != -1:
            spec = text[i + 2:end]
            i = end + 1
            if spec in _ESCAPES:
                tokens.append(_ESCAPES[spec])
                continue
            value = _variable(spec, context)
            if value is None:
                return None
            tokens.extend(value.lower() if ignore_case else value)
            continue
        if wildcards and char == "*":
            tokens.append(STAR)
        elif wildcards and char == "?":
            tokens.append(ONE)
        else:
            tokens.append(char.lower() if ignore_case else char)
        i += 1
    return tuple(tokens)


@cache
def _literal_pattern(value: str, ignore_case: bool) -> Pattern:
    """A request value as a pattern (no wildcards, no variables)."""
    return tuple(value.lower() if ignore_case else value)


@cache
def _glob_pattern(value: str, ignore_case: bool) -> Pattern:
    """A request value that may hold `*`/`?` (a question about many resources or actions), as a pattern."""
    return pattern(value, ignore_case=ignore_case, variables=False) or ()


def _steps(tokens: Pattern, states: frozenset[int], char: str | None) -> frozenset[int]:
    """The positions reached from `states` by reading one character (None: a character no literal names)."""
    reached: set[int] = set()
    for i in states:
        if i < len(tokens):
            token = tokens[i]
            if token == STAR:
                reached.add(i)
            elif token in (ONE, char):
                reached.add(i + 1)
    return _closure(tokens, frozenset(reached))


def _closure(tokens: Pattern, states: frozenset[int]) -> frozenset[int]:
    """`states` with every position a `*` may be skipped to."""
    found = set(states)
    todo = list(states)
    while todo:
        i = todo.pop()
        if i < len(tokens) and tokens[i] == STAR and i + 1 not in found:
            found.add(i + 1)
            todo.append(i + 1)
    return frozenset(found)


@cache
def _relation(policy: Pattern, requested: Pattern) -> tuple[bool, bool]:
    """(overlaps, covers) of two patterns: whether some string matches both, and whether `policy` matches every
    string `requested` matches. Exact: both are walked as automata over the characters they name plus one
    character neither names."""
    alphabet: list[str | None] = [*sorted({t for t in (*policy, *requested) if t not in (STAR, ONE)}), None]
    start = (_closure(policy, frozenset({0})), _closure(requested, frozenset({0})))
    seen = {start}
    todo = [start]
    overlaps, covers = False, True
    while todo:
        p_states, r_states = todo.pop()
        if len(requested) in r_states:
            if len(policy) in p_states:
                overlaps = True
            else:
                covers = False
            if overlaps and not covers:
                break
        for char in alphabet:
            r_next = _steps(requested, r_states, char)
            if not r_next:
                continue
            state = (_steps(policy, p_states, char), r_next)
            if state not in seen:
                seen.add(state)
                todo.append(state)
    return overlaps, covers


def _matches(pattern_text: str, value: str, ignore_case: bool) -> bool:
    return _relation(_glob_pattern(pattern_text, ignore_case), _literal_pattern(value, ignore_case))[0]


def _covers(pattern_text: str, requested: str, ignore_case: bool) -> bool:
    """Whether `pattern_text` matches every value the (possibly wildcarded) `requested` can take."""
    return _relation(_glob_pattern(pattern_text, ignore_case), _glob_pattern(requested, ignore_case))[1]


def _overlaps(pattern_text: str, requested: str, ignore_case: bool) -> bool:
    """Whether `pattern_text` matches at least one value `requested` can take (both may hold wildcards)."""
    return _relation(_glob_pattern(pattern_text, ignore_case), _glob_pattern(requested, ignore_case))[0]


def action_matches(pattern: str, action: str) -> bool:
    """IAM action matching: case-insensitive, `*` and `?` wildcards (`s3:Get*` matches `S3:GetObject`)."""
    return _matches(pattern, action, ignore_case=True)


def resource_matches(pattern: str, resource: str) -> bool:
    """IAM resource matching: case-sensitive ARN globbing (`arn:aws:iam::*:role/*` matches every role)."""
    return _matches(pattern, resource, ignore_case=False)


Mode = Literal["overlap", "cover"]


def _action_applies(statement: Statement, action: str, mode: Mode) -> bool:
    test = _overlaps if mode == "overlap" else _covers
    if statement.not_action:
        # NotAction excludes what its patterns match: the statement covers the request unless an excluded
        # pattern overlaps it, and overlaps it unless an excluded pattern covers it.
        excluded = _covers if mode == "overlap" else _overlaps
        return not any(excluded(p, action, True) for p in statement.actions)
    return any(test(p, action, True) for p in statement.actions)


def _resource_pattern(text: str, context: Context | None, mode: Mode) -> Pattern | None:
    """A Resource/NotResource pattern with its policy variables substituted from `context`. A variable whose
    key the context does not mention stands for any value when the question is whether the statement may
    reach the resource ("overlap"), and for no value when it is whether it surely does ("cover")."""
    try:
        return pattern(text, context=context)
    except _Unknown:
        if mode == "cover":
            return None
        resolved = pattern(_VARIABLE.sub("*", text), context={}, variables=False)
        return resolved


_VARIABLE = re.compile(r"\$\{(?![*?$]\})[^}]*\}")


def _unresolved(text: str, context: Context) -> bool:
    """Whether a resource pattern names a policy variable the request has no value for."""
    try:
        return pattern(text, context=context) is None
    except _Unknown:
        return False


def _pattern_relation(text: str, requested: str, context: Context | None, mode: Mode) -> bool:
    """Whether the resource pattern `text` overlaps (mode "overlap") or covers ("cover") the requested ARN."""
    found = _resource_pattern(text, context, mode)
    if found is None:
        return False
    overlaps, covers = _relation(found, _glob_pattern(requested, False))
    return overlaps if mode == "overlap" else covers


def _resource_applies(statement: Statement, resource: str, mode: Mode, context: Context | None = None) -> bool:
    if statement.not_resource:
        other: Mode = "cover" if mode == "overlap" else "overlap"
        if context is not None and statement.denies and any(_unresolved(p, context) for p in statement.resources):
            return False  # a Deny whose NotResource names a variable the request lacks: not relied on
        return not any(_pattern_relation(p, resource, context, other) for p in statement.resources)
    return any(_pattern_relation(p, resource, context, mode) for p in statement.resources)


# -- conditions by value ------------------------------------------------------------------------

_DATE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[Tt ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
                   r"(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?)?$")


def parse_date(value: str) -> float | None:
    """Seconds since the epoch of a policy or request date: ISO 8601 (a day, a time with or without seconds,
    fractions and a zone; no zone is UTC) or epoch seconds. None when it is neither."""
    text = value.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text)
    found = _DATE.match(text)
    if not found:
        return None
    zone = found.group("zone") or "+00:00"
    zone = "+00:00" if zone in ("Z", "z") else zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    moment = f"{found.group('date')}T{found.group('time') or '00:00:00'}{zone}"
    try:
        return datetime.fromisoformat(moment).timestamp()
    except ValueError:
        return None


def _number(value: str) -> float | None:
    try:
        return float(value.strip())
    except ValueError:
        return None


_ORDER = {"equals": lambda a, b: a == b, "notequals": lambda a, b: a == b, "lessthan": lambda a, b: a < b,
          "lessthanequals": lambda a, b: a <= b, "greaterthan": lambda a, b: a > b,
          "greaterthanequals": lambda a, b: a >= b}


def _value_test(test: str, policy_value: str, value: str, context: Context | None) -> bool | None:
    """Whether one request value satisfies the positive form of `test` for one policy value (StringNotEquals
    is judged as StringEquals and negated by the caller); None when the policy value cannot be compared
    (an unparseable number or date, a policy variable without a value). Raises _Unknown as `pattern` does."""
    if test in ("stringequals", "stringnotequals", "stringequalsignorecase", "stringnotequalsignorecase"):
        ignore_case = "ignorecase" in test
        wanted = pattern(policy_value, wildcards=False, ignore_case=ignore_case, context=context)
        return None if wanted is None else wanted == _literal_pattern(value, ignore_case)
    if test in ("stringlike", "stringnotlike", "arnequals", "arnlike", "arnnotequals", "arnnotlike"):
        wanted = pattern(policy_value, context=context)
        return None if wanted is None else _relation(wanted, _literal_pattern(value, False))[0]
    if test.startswith("numeric") or test.startswith("date"):
        parse = _number if test.startswith("numeric") else parse_date
        a, b = parse(value), parse(policy_value)
        if a is None or b is None:
            return None
        order = test.removeprefix("numeric").removeprefix("date")
        return bool(_ORDER[order](a, b)) if order in _ORDER else None
    if test == "bool":
        return policy_value.lower() == value.lower()
    if test == "binaryequals":
        return policy_value == value
    if test in ("ipaddress", "notipaddress"):
        try:
            return ipaddress.ip_address(value.strip()) in ipaddress.ip_network(policy_value.strip(), strict=False)
        except ValueError:
            return None
    return None


def _negated(test: str) -> bool:
    return test in ("stringnotequals", "stringnotequalsignorecase", "stringnotlike", "numericnotequals",
                    "datenotequals", "notipaddress", "arnnotequals", "arnnotlike")


def _one_value_holds(condition: Condition, value: str, context: Context | None, unresolved: bool) -> bool:
    """A single-valued test: any policy value matches; negated, no policy value matches. A policy value that
    cannot be compared (unparseable, or a policy variable the request has no value for) matches nothing; a
    negated test with one is judged `unresolved` (the caller's choice: the reading that grants more)."""
    results = [_value_test(condition.test, v, value, context) for v in condition.values]
    if _negated(condition.test):
        if any(r is None for r in results):
            return unresolved and not any(results)
        return not any(results)
    return any(r is True for r in results)


def condition_holds(condition: Condition, present: Sequence[str] | str | None, context: Context | None = None,
                    *, unresolved: bool = False) -> bool:
    """Whether one condition holds for a request whose context has `present` for its key (None: the key is
    absent; a string: one value; a list: a multi-valued key). `context` supplies policy variables; a
    variable whose key it does not mention raises _Unknown."""
    test = condition.test
    if test == "null":
        absent = present is None
        return any((v.lower() == "true") == absent for v in condition.values)
    if present is None:
        if condition.qualifier == "ForAllValues" or condition.if_exists:
            return True
        return _negated(test) and condition.qualifier != "ForAnyValue"
    if condition.qualifier in ("ForAllValues", "ForAnyValue"):
        values = [present] if isinstance(present, str) else list(present)
        results = (_one_value_holds(condition, v, context, unresolved) for v in values)
        return all(results) if condition.qualifier == "ForAllValues" else any(results)
    if not isinstance(present, str):
        # A single-valued operator on a multi-valued key: no match (AWS asks for ForAnyValue/ForAllValues;
        # the oracle and IAM's policy validator read it as failing).
        return False
    return _one_value_holds(condition, present, context, unresolved)


def _context_lookup(context: Context, key: str) -> tuple[bool, list[str], bool]:
    """(known, values, multi-valued) of a key in a caller's context (keys compared case-insensitively)."""
    for name, value in context.items():
        if name.lower() == key:
            if value is None:
                return True, [], False
            if isinstance(value, str):
                return True, [value], False
            return True, [str(v) for v in value], True
    return False, [], False


def _context_values(context: Context, key: str) -> tuple[bool, Sequence[str] | str | None]:
    """(known, value) of a key in a caller's context: None when absent, a string for one value, a list for a
    multi-valued key."""
    known, values, multi = _context_lookup(context, key)
    if not known or (not values and not multi):
        return known, None
    return True, values if multi else values[0]


# -- identity side: decisions -------------------------------------------------------------------

@dataclass(frozen=True)
class Grant:
    """An Allow statement that applies to the request, with the conditions not yet decided."""

    statement: Statement
    remaining: tuple[Condition, ...]

    @property
    def unconditional(self) -> bool:
        return not self.remaining


@dataclass(frozen=True)
class Decision:
    effect: Literal["allow", "explicit_deny", "implicit_deny"]
    allowing: tuple[Grant, ...] = ()
    denying: tuple[Statement, ...] = ()  # Deny statements that apply and whose conditions hold
    conditional_denies: tuple[Grant, ...] = ()  # Deny statements that apply under conditions not decided
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.effect == "allow"


def _decide(conditions: Iterable[Condition], context: Context, allows: bool = True
            ) -> tuple[bool, tuple[Condition, ...]]:
    """(possible, remaining): False when a known condition fails; otherwise the undecided ones (those whose
    key, or the key of a policy variable in their values, the context does not mention). All conditions of
    a statement must hold (AND across operators and keys). A negated test against a policy variable the
    request has no value for holds in an Allow and fails in a Deny (`allows`): more access, never less."""
    remaining = []
    for condition in conditions:
        known, present = _context_values(context, condition.key)
        if not known:
            remaining.append(condition)
            continue
        try:
            holds = condition_holds(condition, present, context, unresolved=allows)
        except _Unknown:
            remaining.append(condition)
            continue
        if not holds:
            return False, ()
    return True, tuple(remaining)


def _evaluate_one(found: list[Statement], action: str, resource: str, context: Context) -> Decision:
    allowing: list[Grant] = []
    denying: list[Statement] = []
    maybe_denying: list[Grant] = []
    for statement in found:
        if statement.allows and _action_applies(statement, action, "overlap") \
                and _resource_applies(statement, resource, "overlap", context):
            possible, remaining = _decide(statement.conditions, context)
            if possible:
                allowing.append(Grant(statement, remaining))
        elif statement.denies and _action_applies(statement, action, "overlap") \
                and _resource_applies(statement, resource, "overlap", context):
            possible, remaining = _decide(statement.conditions, context, allows=False)
            covers = _action_applies(statement, action, "cover") \
                and _resource_applies(statement, resource, "cover", context)
            if possible and not remaining and covers:
                denying.append(statement)
            elif possible:
                maybe_denying.append(Grant(statement, remaining))
    if denying:
        return Decision("explicit_deny", tuple(allowing), tuple(denying), tuple(maybe_denying),
                        "denied by " + ", ".join(s.label for s in denying))
    if allowing:
        return Decision("allow", tuple(allowing), (), tuple(maybe_denying),
                        "allowed by " + ", ".join(g.statement.label for g in allowing))
    return Decision("implicit_deny", (), (), tuple(maybe_denying), "no statement allows it")


def evaluate(documents: Any, action: str, resource: str = "*", *, boundary: Any = None,
             context: Context | None = None) -> Decision:
    """Whether identity policies (one document or a list) allow `action` on `resource`.

    `resource="*"` asks about any resource: the allowing statements say which (`grant.statement.resources`).
    `boundary` is the permissions boundary document (None: no boundary). `context` decides conditions:
    `{"bedrock:GuardrailIdentifier": None}` asks about a request made without a guardrail.
    """
    context = context or {}
    decision = _evaluate_one(_all_statements(documents), action, resource, context)
    if boundary is None or decision.effect == "explicit_deny":
        return decision
    bounded = _evaluate_one(statements(boundary), action, resource, context)
    if bounded.effect != "explicit_deny" and decision.effect != "allow":
        return decision
    if bounded.effect == "explicit_deny":  # a Deny in any policy that applies denies, allowed or not
        return Decision("explicit_deny", decision.allowing, bounded.denying, decision.conditional_denies,
                        "the permissions boundary denies it")
    if bounded.effect == "implicit_deny":
        return Decision("implicit_deny", (), (), decision.conditional_denies,
                        "allowed by the policies but outside the permissions boundary")
    return Decision("allow", decision.allowing, (), decision.conditional_denies + bounded.conditional_denies,
                    decision.reason)


def _denied_everywhere(found: list[Statement], action: str, resource: str = "*") -> bool:
    return _evaluate_one(found, action, resource, {}).effect == "explicit_deny"


def _within_boundary(boundary: Any, action: str, resource: str = "*", mode: Literal["overlap", "cover"] = "cover"
                     ) -> bool:
    if boundary is None:
        return True
    found = statements(boundary)
    if _denied_everywhere(found, action, resource):
        return False
    return any(s.allows and _action_applies(s, action, mode) and _resource_applies(s, resource, mode)
               for s in found)


# Resources that stand for "everything" when a pattern matches all of them (ACCOUNT is replaced).
_EVERYTHING = ("arn:aws:s3:::bucket/key", "arn:aws:iam::ACCOUNT:role/x", "arn:aws:bedrock:us-east-1:ACCOUNT:agent/A",
               "arn:aws:ec2:us-east-1:ACCOUNT:instance/i-1", "arn:aws:kms:eu-west-1:ACCOUNT:key/k")


def _every_resource(statement: Statement, account_id: str | None = None, service: str | None = None) -> bool:
    """Whether a statement reaches every resource (of `service`, when given): `*`, a NotResource that
    excludes a few, or ARN patterns such as `arn:aws:*:*:*:*`, `arn:aws:s3:::*`, `arn:aws:bedrock:*:<account>:*`."""
    account = account_id or "123456789012"
    if statement.not_resource:
        # Every resource but the few it names: everything only when it names none of the probes below (a
        # NotResource of `*`, of every role or of every S3 object reaches far less than everything).
        probes = [r.replace("ACCOUNT", account) for r in _EVERYTHING] if service is None else \
            [f"arn:aws:{service}:us-east-1:{account}:thing/x", f"arn:aws:{service}:::thing/x"]
        return not any(resource_matches(p, probe) for p in statement.resources for probe in probes)
    if service is None:
        probes = [r.replace("ACCOUNT", account) for r in _EVERYTHING]
    else:
        probes = [f"arn:aws:{service}:us-east-1:{account}:thing/x", f"arn:aws:{service}:eu-west-1:{account}:y"]
        if not any(resource_matches(p, probe) for p in statement.resources for probe in probes[:1]):
            probes = [f"arn:aws:{service}:::thing/x", f"arn:aws:{service}:::y"]
    return all(any(resource_matches(p, probe) for p in statement.resources) for probe in probes)


def grants_admin(documents: Any, *, boundary: Any = None, account_id: str | None = None) -> list[Statement]:
    """Allow statements that grant every action on every resource (not denied for everything, and within
    the permissions boundary)."""
    found = _all_statements(documents)
    if _denied_everywhere(found, "*") or not _within_boundary(boundary, "*"):
        return []
    return [s for s in found if s.allows and _action_applies(s, "*", "cover") and _every_resource(s, account_id)]


def service_wildcards(documents: Any, *, boundary: Any = None, account_id: str | None = None) -> list[str]:
    """Grants of a whole service (`s3:*`, `*`) or of every action but a few (NotAction) on every resource
    (of that service), minus what an explicit Deny or the permissions boundary takes away."""
    found = _all_statements(documents)
    results: list[str] = []
    for statement in found:
        if not statement.allows:
            continue
        if statement.not_action:
            if (_every_resource(statement, account_id) and not _denied_everywhere(found, "*")
                    and _within_boundary(boundary, "*", mode="overlap")):
                results.append("NotAction " + ",".join(statement.actions))
            continue
        for pattern in statement.actions:
            if pattern != "*" and not pattern.endswith(":*"):
                continue
            service = None if pattern == "*" else pattern.split(":", 1)[0].lower()
            if not _every_resource(statement, account_id, service):
                continue
            if _denied_everywhere(found, pattern) or not _within_boundary(boundary, pattern):
                continue
            results.append(pattern)
    return results


def allowed_actions_matching(documents: Any, candidates: Iterable[str], resource: str = "*", *,
                             boundary: Any = None, context: Context | None = None) -> list[str]:
    """The candidate actions (exact names) that the policies allow on `resource`."""
    return [a for a in candidates
            if evaluate(documents, a, resource, boundary=boundary, context=context).allowed]


# -- privilege escalation -----------------------------------------------------------------------

# Single actions that escalate and that cloudsplaining's method list does not name on their own.
EXTRA_ESCALATION_ACTIONS = ("iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary",
                            "iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary")
# Actions that escalate only when they reach every role: what they act on is a role to use.
ROLE_ACTIONS = ("iam:passrole", "sts:assumerole")


@cache
def escalation_methods() -> dict[str, tuple[str, ...]]:
    """Method name -> the actions that together escalate privileges (cloudsplaining's list, lower-case).

    The list is packaged data, `posture/data/escalation_methods.json`, with its provenance (cloudsplaining's
    version, file and licence): a test compares it with the cloudsplaining the tests install.
    """
    from importlib.resources import files  # lazy: checks import fast

    data = json.loads(files("posture.data").joinpath("escalation_methods.json").read_text("utf-8"))
    methods = {str(name): tuple(str(a) for a in actions) for name, actions in data["methods"].items()}
    for action in EXTRA_ESCALATION_ACTIONS:
        methods.setdefault(action.split(":", 1)[1], (action.lower(),))
    return methods


@dataclass(frozen=True)
class Escalation:
    method: str
    actions: tuple[str, ...]
    detail: str  # how it reads in evidence


def every_role(account_id: str | None = None) -> str:
    """The resource pattern for every role of an account (of every account when None)."""
    return f"arn:aws:iam::{account_id or '*'}:role/*"


def _passed_to_only(grants: Iterable[Grant], services: Sequence[str]) -> bool:
    """Whether every grant of PassRole is limited by iam:PassedToService to some of the given services."""
    wanted = {s.lower() for s in services}
    for grant in grants:
        limits = [c for c in grant.statement.conditions if c.key == "iam:passedtoservice" and c.narrows]
        # Several limits all apply: one that names only wanted services is enough.
        if not any(c.values and all(v.lower() in wanted for v in c.values) for c in limits):
            return False
    return True


def escalations(documents: Any, *, account_id: str | None = None, boundary: Any = None,
                passed_to: Sequence[str] = AI_SERVICE_PRINCIPALS) -> list[Escalation]:
    """The privilege-escalation methods the policies grant.

    A method counts when each of its actions is allowed (minus explicit Deny, within the boundary).
    `iam:PassRole` and `sts:AssumeRole` count only on every role of the account (`*`,
    `arn:aws:iam::*:role/*`, `arn:aws:iam::<account>:role/*`); a PassRole limited by
    `iam:PassedToService` to the `passed_to` services (the AI services) does not count, one limited
    to any other service does.
    """
    found = _all_statements(documents)
    roles = every_role(account_id)
    granted: dict[str, bool] = {}

    def allowed(action: str) -> bool:
        if action not in granted:
            if action in ROLE_ACTIONS:
                decision = evaluate(found, action, roles, boundary=boundary)
                covering = tuple(g for g in decision.allowing if _resource_applies(g.statement, roles, "cover"))
                ok = decision.allowed and bool(covering) and _within_boundary(boundary, action, roles)
                if ok and action == "iam:passrole" and _passed_to_only(covering, passed_to):
                    ok = False
                granted[action] = ok
            else:
                granted[action] = evaluate(found, action, boundary=boundary).allowed
        return granted[action]

    results = []
    for name, actions in escalation_methods().items():
        if all(allowed(a) for a in actions):
            if len(actions) == 1:
                results.append(Escalation(name, actions, _display(actions[0])))
            else:
                results.append(Escalation(name, actions, f"{name} ({', '.join(_display(a) for a in actions)})"))
    for action in ROLE_ACTIONS:
        if allowed(action):
            results.append(Escalation(_display(action), (action,), f"{_display(action)} on every role"))
    return results


@cache
def _display(action: str) -> str:
    """`iam:passrole` -> `iam:PassRole` for the names we know; others as given."""
    known = {a.lower(): a for a in (
        "iam:PassRole", "sts:AssumeRole", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
        "iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy", "iam:PutRolePolicy",
        "iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:CreateAccessKey", "iam:CreateLoginProfile",
        "iam:UpdateLoginProfile", "iam:UpdateAssumeRolePolicy", "iam:AddUserToGroup", *EXTRA_ESCALATION_ACTIONS,
        "lambda:UpdateFunctionCode", "lambda:CreateFunction", "lambda:InvokeFunction", "glue:UpdateDevEndpoint",
        "sagemaker:CreatePresignedNotebookInstanceUrl", "ec2:RunInstances")}
    return known.get(action.lower(), action)


# -- bedrock guardrails -------------------------------------------------------------------------

GUARDRAIL_KEY = "bedrock:guardrailidentifier"


def guardrail_requirement(statement: Statement) -> set[str] | None:
    """The guardrail identifiers (ARN or id, optionally `:version`, may hold wildcards) an Allow statement
    requires in `bedrock:GuardrailIdentifier`; `{"*"}` when it only requires some guardrail (Null false);
    None when a request without a guardrail satisfies it."""
    required: set[str] | None = None
    for condition in statement.condition(GUARDRAIL_KEY):
        if condition_holds(condition, None):
            continue  # a request without the key passes this one
        # Null false, or a negated test that fails without the key: some guardrail must be named.
        values = {"*"} if condition.test == "null" or condition.negated else set(condition.values)
        required = values if required is None else (required & values or required)
    return required


def guardrail_denied_without(statement: Statement) -> set[str] | None:
    """For a Deny statement: the guardrails outside which it denies (so calls must name one of them);
    `{"*"}` when it denies calls with no guardrail at all; None when it does not deny an unguarded call."""
    if not statement.denies:
        return None
    conditions = statement.condition(GUARDRAIL_KEY)
    if not conditions or len(statement.conditions) != len(conditions):
        return None
    if not all(condition_holds(c, None) for c in conditions):
        return None
    # A call naming guardrail g escapes the Deny when one of its conditions fails for g. A negated test
    # (StringNotEquals/StringNotLike g1) fails exactly for the guardrails it names; any other test that holds
    # without the key (StringEqualsIfExists g2, ForAllValues:...) fails for guardrails it does not name, so the
    # Deny limited by it lets almost any guardrail through: it insists only on some guardrail ({"*"}).
    if any(not (c.negated and c.test.startswith("string")) or c.qualifier for c in conditions):
        return {"*"}
    return {v for c in conditions for v in c.values} or {"*"}


@dataclass(frozen=True)
class ModelGrant:
    """One Allow statement that lets an identity call a model action, and the guardrail it requires."""

    statement: Statement
    resources: tuple[str, ...]  # the model/profile ARN patterns it allows (NotResource: all but these)
    not_resource: bool
    guardrails: frozenset[str] | None  # required bedrock:GuardrailIdentifier values; None: none required


@dataclass(frozen=True)
class GuardrailAccess:
    """What an identity's policies say about calling models with or without a guardrail."""

    allowed: bool  # some call of the action is allowed
    unguarded: bool  # a call naming no guardrail is allowed (after Deny and the boundary)
    grants: tuple[ModelGrant, ...]
    enforced_by_deny: frozenset[str] | None  # guardrails a Deny insists on ({"*"}: any); None: no such Deny


def guardrail_access(documents: Any, action: str = "bedrock:InvokeModel", resource: str = "*", *,
                     boundary: Any = None) -> GuardrailAccess:
    """Whether identity policies let `action` (InvokeModel covers Converse; InvokeModelWithResponseStream
    covers ConverseStream) reach `resource` (any model by default) without a guardrail, and which guardrail
    each allowing statement requires."""
    found = _all_statements(documents)
    decision = evaluate(found, action, resource, boundary=boundary)
    unguarded = evaluate(found, action, resource, boundary=boundary, context={GUARDRAIL_KEY: None}).allowed
    grants = tuple(
        ModelGrant(g.statement, g.statement.resources, g.statement.not_resource,
                   None if (req := guardrail_requirement(g.statement)) is None else frozenset(req))
        for g in decision.allowing)
    enforced: set[str] | None = None
    for statement in found:
        if statement.denies and _action_applies(statement, action, "overlap") \
                and _resource_applies(statement, resource, "cover"):
            named = guardrail_denied_without(statement)
            if named is not None:
                enforced = set(named) if enforced is None else enforced & named or enforced
    return GuardrailAccess(decision.allowed, unguarded, grants,
                           None if enforced is None else frozenset(enforced))


# -- resource side: who the policy lets in ------------------------------------------------------

AccessKind = Literal["anyone", "network", "organization", "account", "service", "federated", "canonical_user"]

# Condition keys that name the caller: account-valued and ARN-valued.
ACCOUNT_KEYS = ("aws:sourceaccount", "aws:sourceowner", "aws:principalaccount", "kms:calleraccount",
                "aws:resourceaccount")
ARN_KEYS = ("aws:sourcearn", "aws:principalarn")
ORG_KEYS = ("aws:principalorgid", "aws:sourceorgid")
ORG_PATH_KEYS = ("aws:principalorgpaths", "aws:sourceorgpaths")
NETWORK_KEYS = ("aws:sourcevpc", "aws:sourcevpce")
# The keys that make a service principal act only for a named source.
SOURCE_KEYS = ("aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths")


@dataclass(frozen=True)
class Access:
    """One kind of caller a resource policy statement lets in."""

    kind: AccessKind
    principal: str  # as written ("*", an account id, an ARN, a service, a provider)
    account: str | None  # the account it belongs to: an id, "*" for any, None when unknown
    this_account: bool  # only principals of the scanned account
    outside_account: bool  # someone outside the scanned account is let in
    source: str | None  # for service principals: the account/ARN/org a Source* condition names
    restricted_by: tuple[str, ...]  # condition keys that narrowed it (by value)
    statement: Statement
    note: str = ""

    @property
    def public(self) -> bool:
        return self.kind == "anyone"

    def describe(self) -> str:
        if self.kind == "anyone":
            return f"anyone ({self.note or 'Principal *'})"
        if self.kind == "network":
            return f"anyone through {self.note}" + (" (this account's network)" if self.this_account else "")
        if self.kind == "organization":
            return f"any principal in organization {self.account or self.principal}"
        if self.kind == "account":
            if self.account is None:
                return f"{self.principal} ({self.note})"
            who = "this account" if self.this_account else f"account {self.account}"
            return who if self.principal in (self.account, f"arn:aws:iam::{self.account}:root") \
                else f"{self.principal} ({who})"
        if self.kind == "service":
            if self.source is None:
                return f"{self.principal} without a SourceArn/SourceAccount condition"
            return f"{self.principal} for {self.source}" + ("" if self.this_account else " (another account)")
        return f"{self.kind.replace('_', ' ')} {self.principal}"


def account_of(arn_or_id: str) -> str | None:
    """The account a principal or ARN names: its id, "*" for any account, None when it names none."""
    if ACCOUNT_ID.match(arn_or_id):
        return arn_or_id
    if arn_or_id == "*":
        return "*"
    parts = arn_or_id.split(":")
    if len(parts) >= 6 and parts[0] == "arn":
        account = parts[4]
        if not account:
            return None
        return account if ACCOUNT_ID.match(account) else "*"
    if "*" in arn_or_id or "?" in arn_or_id:
        return "*"
    return None


def _narrowing(statement: Statement, keys: Sequence[str]) -> list[Condition]:
    return [c for c in statement.conditions if c.key in keys and c.narrows]


def _accounts_named(statement: Statement) -> tuple[list[str] | None, list[str]]:
    """The accounts the statement's caller conditions allow (None: not narrowed) and the keys used.
    Several narrowing conditions all apply (AND): the accounts are those every one allows."""
    allowed: set[str] | None = None
    used: list[str] = []
    for condition in _narrowing(statement, (*ACCOUNT_KEYS, *ARN_KEYS)):
        if condition.key == "aws:resourceaccount":
            continue  # names the resource's account, not the caller's
        named = {account_of(v) if condition.key in ARN_KEYS else (v if ACCOUNT_ID.match(v) else "*")
                 for v in condition.values}
        used.append(condition.key)
        if None in named:
            # An ARN without an account field (an S3 bucket) says nothing of the account: it narrows no
            # account, and the other conditions (ANDed with it) still do.
            continue
        named_accounts = {a for a in named if a is not None}
        if allowed is None:
            allowed = named_accounts
        elif "*" in allowed:
            allowed = named_accounts if "*" not in named_accounts else allowed
        elif "*" not in named_accounts:
            allowed = allowed & named_accounts
    if allowed is None and used:
        allowed = {"?"}  # only source ARNs that name no account: whose they are is not said
    return (sorted(allowed) if allowed is not None else None), used


def _orgs_named(statement: Statement) -> tuple[list[str] | None, list[str]]:
    found: set[str] | None = None
    used: list[str] = []
    for condition in _narrowing(statement, (*ORG_KEYS, *ORG_PATH_KEYS)):
        values = {v.split("/", 1)[0] if condition.key in ORG_PATH_KEYS else v for v in condition.values}
        values = {"*" if ("*" in v and condition.key in ORG_KEYS) else v for v in values}
        used.append(condition.key)
        found = values if found is None else (found & values or found)
    return (sorted(found) if found is not None else None), used


def _network_named(statement: Statement) -> list[str] | None:
    """The VPC / VPC endpoint ids a statement's aws:SourceVpc / aws:SourceVpce conditions allow (fixed values
    only; several conditions all apply); None when none narrows the network."""
    found: set[str] | None = None
    for condition in _narrowing(statement, NETWORK_KEYS):
        if any("*" in v or "?" in v for v in condition.values):
            continue
        found = set(condition.values) if found is None else found & set(condition.values)
    return None if found is None else sorted(found)


def who_can(document: Any, action: str, *, account_id: str, org_id: str | None = None,
            resource: str = "*", networks: Collection[str] = ()) -> list[Access]:
    """Who a resource policy lets call `action` (on `resource`, any by default), classified by value.

    `networks` are the VPC and VPC endpoint ids known to be this account's: a Principal `*` limited by
    aws:SourceVpc/aws:SourceVpce to them lets in only this account's network (kind "network").

    Statements an explicit unconditional Deny overrides for everyone are dropped; other Deny statements
    are not subtracted (they rarely name principals the same way), so the answer errs towards access.
    """
    found = statements(document)
    for statement in found:
        if (statement.denies and not statement.not_principal and statement.principals
                and ("AWS", "*") in statement.principals and not statement.conditions
                and _action_applies(statement, action, "cover") and _resource_applies(statement, resource, "cover")):
            return []  # denied to everyone, whatever else the policy says
    results: list[Access] = []
    for statement in found:
        if not (statement.allows and _action_applies(statement, action, "overlap")
                and _resource_applies(statement, resource, "overlap")):
            continue
        principals = statement.principals or ()
        if statement.not_principal:
            principals = (("AWS", "*"),)  # everyone but a few
        results.extend(_classify(statement, principals, account_id, org_id, networks))
    return results


def _classify(statement: Statement, principals: Iterable[tuple[str, str]], account_id: str,
              org_id: str | None, networks: Collection[str] = ()) -> list[Access]:
    accounts, account_keys = _accounts_named(statement)
    orgs, org_keys = _orgs_named(statement)
    network = _network_named(statement)
    results = []
    for kind, principal in principals:
        kind_l = kind.lower()
        if kind_l == "service":
            results.append(_service_access(statement, principal, accounts, account_keys, orgs, org_keys,
                                           account_id, org_id))
            continue
        if kind_l == "federated":
            owner = account_of(principal)
            mine = owner == account_id
            results.append(Access("federated", principal, owner, mine, not mine, None, (), statement,
                                  "identity provider"))
            continue
        if kind_l == "canonicaluser":
            results.append(Access("canonical_user", principal, None, False, True, None, (), statement))
            continue
        owner = account_of(principal) or "*"
        results.extend(_narrow(statement, principal, owner, accounts, account_keys, orgs, org_keys, network,
                               account_id, org_id, networks))
    return results


def _narrow(statement: Statement, principal: str, owner: str, accounts: list[str] | None,
            account_keys: list[str], orgs: list[str] | None, org_keys: list[str], network: list[str] | None,
            account_id: str, org_id: str | None, networks: Collection[str] = ()) -> list[Access]:
    """An AWS principal (`*`, an account, an ARN) narrowed by the caller conditions."""
    keys = tuple(account_keys + org_keys)
    if owner != "*":
        candidates = [owner]
        if accounts is not None and "*" not in accounts:
            candidates = [a for a in candidates if a in accounts]  # a contradiction lets nobody in
        return [_account_access(statement, principal, a, keys, account_id) for a in candidates]
    if accounts is not None and "*" not in accounts:
        return [_account_access(statement, principal, a, keys, account_id) for a in accounts]
    if orgs is not None and "*" not in orgs:
        return [Access("organization", principal, org, False, True, None, keys, statement,
                       "this organization" if org == org_id else
                       ("another organization" if org_id else "organization not verified"))
                for org in orgs]
    if network is not None:
        mine = bool(network) and all(n in networks for n in network)
        return [Access("network", principal, None, mine, not mine, None, ("aws:sourcevpc/aws:sourcevpce",),
                       statement, ", ".join(network) or "no network (contradictory conditions)")]
    note = "Principal *" if principal == "*" else f"Principal {principal}"
    conditions = [c.key for c in statement.conditions]
    if conditions:
        note += " with conditions that name no caller: " + ", ".join(sorted(set(conditions)))
    return [Access("anyone", principal, "*", False, True, None, (), statement, note)]


def _account_access(statement: Statement, principal: str, account: str, keys: tuple[str, ...],
                    account_id: str) -> Access:
    if account == "?":  # a source ARN without an account field (an S3 bucket): whose it is, is not said
        return Access("account", principal, None, False, True, None, keys, statement,
                      "a source ARN that names no account")
    mine = account == account_id
    shown = principal if principal != "*" else account
    return Access("account", shown, account, mine, not mine, None, keys, statement,
                  "" if mine else "another account")


def _service_access(statement: Statement, principal: str, accounts: list[str] | None, account_keys: list[str],
                    orgs: list[str] | None, org_keys: list[str], account_id: str, org_id: str | None) -> Access:
    source_keys = [k for k in (*account_keys, *org_keys) if k in SOURCE_KEYS or k in ACCOUNT_KEYS]
    arns = [v for c in _narrowing(statement, ("aws:sourcearn",)) for v in c.values]
    if accounts is not None and "*" not in accounts:
        mine = all(a == account_id for a in accounts)
        source = ", ".join(arns) if arns and mine else ", ".join(accounts)
        return Access("service", principal, ",".join(accounts), mine, not mine, source, tuple(source_keys),
                      statement, "" if mine else "a source in another account")
    if arns and accounts is not None:
        # SourceArn without an account field (an S3 bucket ARN): restricted to that resource.
        return Access("service", principal, None, False, True, ", ".join(arns), tuple(source_keys), statement,
                      "source ARN names no account")
    if orgs is not None and "*" not in orgs:
        mine = org_id is not None and all(o == org_id for o in orgs)
        return Access("service", principal, None, False, True, ", ".join(orgs), tuple(source_keys), statement,
                      "this organization" if mine else "an organization")
    return Access("service", principal, None, False, True, None, (), statement, "no source condition")


def outside_account(accesses: Iterable[Access]) -> list[Access]:
    """The accesses that let in someone outside the scanned account."""
    return [a for a in accesses if a.outside_account]


# -- trust policies -----------------------------------------------------------------------------

def trusted_services(trust_policy: Any) -> list[str]:
    """Service principals an assume-role (trust) policy allows to assume the role."""
    found: list[str] = []
    for statement in statements(trust_policy):
        if statement.allows and not statement.not_principal and statement.principals and \
                _action_applies(statement, "sts:AssumeRole", "overlap"):
            found.extend(p for kind, p in statement.principals if kind.lower() == "service")
    return found


def denies_insecure_transport(document: Any, *, resource: str) -> bool:
    """Whether a resource policy denies every principal every request over plain HTTP on `resource`
    (a Deny of `*`/`s3:*` for Principal `*` with `aws:SecureTransport` false)."""
    for statement in statements(document):
        if not statement.denies or statement.not_principal:
            continue
        if not statement.principals or ("AWS", "*") not in statement.principals:
            continue
        if not _action_applies(statement, "s3:*", "cover") or not _resource_applies(statement, resource, "cover"):
            continue
        transport = statement.condition("aws:securetransport")
        if transport and all(condition_holds(c, "false") and not condition_holds(c, "true")
                             for c in transport) and len(transport) == len(statement.conditions):
            return True
    return False


def allows_everyone_everything(document: Any) -> list[Statement]:
    """Allow statements that let anyone (no caller condition by value) do every action on every resource:
    the default policy of a VPC endpoint, or one as open."""
    # In an endpoint policy aws:SourceVpc/aws:SourceVpce name the endpoint's own network: they restrict nothing.
    open_statements = {a.statement.index: a.statement for a in who_can(document, "*", account_id="")
                       if a.kind in ("anyone", "network")
                       and _action_applies(a.statement, "*", "cover") and _every_resource(a.statement)}
    return list(open_statements.values())
