"""AWS WAF (v2): the filter in front of the LLM application's front doors.

Web ACLs of REGIONAL scope are read in each region; CLOUDFRONT-scope web ACLs live in
us-east-1 and are read there only. "Front doors" are the REST API stages, internet-facing
ALBs and CloudFront distributions of the account: a web ACL attached to one of them fronts
the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from posture.api import CheckContext, Family, each
from posture.checks._front_door import AI_PATH_HINTS
from posture.checks._read import wafv2
from posture.checks._read.wafv2 import AclRef, acl_rules, fronting_acls, web_acl, web_acls

check = Family(
    service="wafv2",
    scope="regional",
    resource_type="AwsWafv2WebAcl",
    boundaries=["user_interface"],
    service_docs="https://docs.aws.amazon.com/waf/latest/developerguide/security.html",
)

ENFORCING = ("Block", "Captcha", "Challenge")  # a Count action observes but bounds nothing
ANTI_DDOS_GROUP = "AWSManagedRulesAntiDDoSRuleSet"


def _enforces(action: dict[str, Any] | None) -> bool:
    return any(k in (action or {}) for k in ENFORCING)


# A rate limit above this many requests per client in five minutes bounds no model spend worth
# bounding (every request can cost thousands of tokens). Change it here for an app that needs more.
RATE_LIMIT_CEILING = 2000


def _path_match(statement: dict[str, Any]) -> bool | None:
    """For a match on the URI path: whether it matches requests to an AI path; None for other statements."""
    match = statement.get("ByteMatchStatement") or statement.get("RegexMatchStatement")
    if not match or "UriPath" not in (match.get("FieldToMatch") or {}):
        return None
    raw = match.get("SearchString") or match.get("RegexString") or ""
    text = (raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)).lower()
    if text in ("/", "") and match.get("PositionalConstraint", "STARTS_WITH") in ("STARTS_WITH", "CONTAINS"):
        return True
    return any(hint in text for hint in AI_PATH_HINTS)


def scope_down_covers_ai(statement: dict[str, Any] | None) -> bool:
    """Whether a rate rule's scope-down statement keeps the requests to the AI paths in scope.
    Only URI-path matches are understood; a scope-down on anything else (headers, countries,
    IP sets) is taken to keep them."""
    if not statement:
        return True
    path = _path_match(statement)
    if path is not None:
        return path
    if "NotStatement" in statement:
        inner = statement["NotStatement"].get("Statement") or {}
        inner_path = _path_match(inner)
        return not inner_path if inner_path is not None else True
    if "AndStatement" in statement:
        return all(scope_down_covers_ai(s) for s in statement["AndStatement"].get("Statements", []))
    if "OrStatement" in statement:
        return any(scope_down_covers_ai(s) for s in statement["OrStatement"].get("Statements", []))
    return True


def judge_rate_rule(name: str, rate: dict[str, Any], action: dict[str, Any] | None,
                    ceiling: int = RATE_LIMIT_CEILING) -> str | None:
    """Why this rate-based rule does not bound a client of the AI app; None when it does."""
    if not _enforces(action):
        return f"{name}: action {next(iter(action or {'none': 0}))} does not block"
    window = int(rate.get("EvaluationWindowSec") or 300)
    limit = int(rate.get("Limit") or 0)
    per_five_minutes = limit * 300 // max(window, 1)
    if per_five_minutes > ceiling:
        return f"{name}: limit {limit} per {window}s is above {ceiling} per 5 minutes"
    if not scope_down_covers_ai(rate.get("ScopeDownStatement")):
        return f"{name}: its scope-down statement leaves the AI paths out"
    return None


def rate_limiting_rules(acl: dict[str, Any], groups: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(rules that rate-limit, rate rules that do not, with why): enforcing rate-based rules with a
    limit under the ceiling whose scope keeps the AI paths (also in the web ACL's rule groups, given
    by ARN in `groups`, and the Firewall Manager rule groups), and the AWS anti-DDoS managed rule group."""
    found: list[str] = []
    weak: list[str] = []

    def consider(name: str, statement: dict[str, Any], action: dict[str, Any] | None) -> None:
        why = judge_rate_rule(name, statement["RateBasedStatement"], action)
        (weak.append(why) if why else found.append(name))

    for rule in acl_rules(acl):
        statement = rule.get("Statement") or {}
        overridden_to_count = "Count" in (rule.get("OverrideAction") or {})
        if "RateBasedStatement" in statement:
            consider(rule["Name"], statement, rule.get("Action"))
        elif (statement.get("ManagedRuleGroupStatement") or {}).get("Name") == ANTI_DDOS_GROUP:
            if overridden_to_count:
                weak.append(f"{rule['Name']}: overridden to Count")
            else:
                found.append(rule["Name"])
        elif "RuleGroupReferenceStatement" in statement:
            reference = statement["RuleGroupReferenceStatement"]
            overrides = {o["Name"]: o.get("ActionToUse") for o in reference.get("RuleActionOverrides") or []}
            for inner in groups[reference["ARN"]].get("Rules", []):
                if "RateBasedStatement" not in (inner.get("Statement") or {}):
                    continue
                action = {"Count": {}} if overridden_to_count else overrides.get(inner["Name"], inner.get("Action"))
                consider(f"{rule['Name']}/{inner['Name']}", inner["Statement"], action)
    return found, weak


@check(
    id="wafv2.web_acl_logging_enabled",
    title="WAF web ACLs have logging enabled",
    description="Every AWS WAF web ACL has a logging configuration (CloudWatch Logs, S3 or Firehose).",
    rationale=(
        "WAF logs are the record of what was blocked and allowed at the front door: the evidence to tune "
        "rules against prompt-injection payloads and to investigate floods against the model."
    ),
    remediation="`aws wafv2 put-logging-configuration --logging-configuration "
                "ResourceArn=<web-acl-arn>,LogDestinationConfigs=<aws-waf-logs-log-group-arn>`.",
    severity="medium",
    maps=["DE.CM-01", "PR.PS-04", "LLM01", "LLM01:2025", "LLM04", "LLM10:2025", "WAF.11", "AML.M0024", "AML.T0040",
        "AML.T0049", "MANAGE 4.1", "MEASURE 2.4", "A.6.2.8"],
    reads=[wafv2.LIST_WEB_ACLS, wafv2.GET_LOGGING_CONFIGURATION],
)
def web_acl_logging_enabled(ctx: CheckContext) -> None:
    acls = web_acls(ctx)
    for acl, got in zip(acls, each(ctx, lambda acl: wafv2.logging_configuration(ctx, acl), acls), strict=True):
        with ctx.resource(acl.resource_id, arn=acl.arn):
            config = got.get()
            destinations = (config or {}).get("LogDestinationConfigs") or []
            if destinations:
                ctx.passed("logging is enabled", {"destination": destinations[0].split(":")[-1]})
            else:
                ctx.failed("logging is not configured", {"scope": acl.scope})


@check(
    id="wafv2.web_acl_has_rules",
    title="WAF web ACLs contain at least one rule",
    description="Every AWS WAF web ACL has at least one rule or rule group (including Firewall Manager ones).",
    rationale=(
        "A web ACL without rules applies only its default action: attached to the chatbot's API it looks "
        "like protection and filters nothing."
    ),
    remediation="Add rules, e.g. the AWS managed AWSManagedRulesCommonRuleSet and KnownBadInputsRuleSet and a "
                "rate-based rule: `aws wafv2 update-web-acl --name <acl> --scope REGIONAL --id <id> --rules "
                "file://rules.json --default-action <default-action> --visibility-config <visibility-config> "
                "--lock-token <lock-token>`.",
    severity="medium",
    maps=["PR.IR-01", "LLM01", "LLM01:2025", "WAF.10", "AML.T0029", "AML.T0046", "AML.T0049", "MEASURE 2.7", "A.6.2.6"],
    reads=[wafv2.LIST_WEB_ACLS, wafv2.GET_WEB_ACL],
)
def web_acl_has_rules(ctx: CheckContext) -> None:
    acls = web_acls(ctx)
    for acl, got in zip(acls, each(ctx, lambda acl: web_acl(ctx, acl), acls), strict=True):
        with ctx.resource(acl.resource_id, arn=acl.arn):
            detail = got.get()
            count = sum(len(detail.get(key) or []) for key in
                        ("Rules", "PreProcessFirewallManagerRuleGroups", "PostProcessFirewallManagerRuleGroups"))
            if count:
                ctx.passed(f"{count} rule(s) or rule group(s)", {"rules": count})
            else:
                default = next(iter(detail.get("DefaultAction") or {"?": {}}))
                ctx.failed(f"no rules: every request gets the default action ({default})", {"default_action": default})


@check(
    id="wafv2.front_door_rate_based_rule",
    title="WAF web ACLs in front of the app rate-limit requests",
    description=(
        "Every web ACL attached to a REST API stage, internet-facing ALB or CloudFront distribution has an "
        "enforcing (not Count) rate-based rule with a limit under a ceiling whose scope-down keeps the AI "
        "paths, directly, in its rule groups or in Firewall Manager rule groups, or the AWS anti-DDoS rule group."
    ),
    rationale=(
        "Each request can cost thousands of model tokens. A rate-based rule caps what one client can send, "
        "bounding model denial of service, runaway spend and extraction of the model through volume."
    ),
    remediation="Add a rate-based rule with a Block action: `aws wafv2 update-web-acl --name <name> --scope <scope> "
                "--id <id> --default-action <default-action> --visibility-config <visibility-config> --lock-token "
                "<lock-token> --rules "
                "'[{\"Name\":\"rate\",\"Priority\":0,\"Action\":{\"Block\":{}},\"Statement\":{\"RateBasedStatement\":{\"Limit\":1000,\"AggregateKeyType\":\"IP\"}},\"VisibilityConfig\":{\"SampledRequestsEnabled\":true,\"CloudWatchMetricsEnabled\":true,\"MetricName\":\"rate\"}},<existing-rules>]'`.",
    severity="high",
    maps=["PR.IR-01", "PR.IR-04", "LLM04", "LLM10", "LLM10:2025", "AML.M0004", "AML.T0029", "AML.T0034",
        "AML.T0034.000", "AML.T0046", "MEASURE 2.7", "A.4.5", "A.6.2.6"],
    reads=[wafv2.FRONT_DOORS, wafv2.GET_WEB_ACL, wafv2.GET_RULE_GROUP],
)
def front_door_rate_based_rule(ctx: CheckContext) -> None:
    fronting = sorted(fronting_acls(ctx).items())

    def read(arn: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        detail = web_acl(ctx, AclRef.from_arn(arn))
        return detail, wafv2.referenced_rule_groups(ctx, detail)

    for (arn, doors), got in zip(fronting, each(ctx, read, [arn for arn, _doors in fronting]), strict=True):
        acl = AclRef.from_arn(arn)
        with ctx.resource(acl.resource_id, arn=arn):
            rules, weak = rate_limiting_rules(*got.get())
            evidence = {"front_doors": sorted(doors)[:20], "rate_rules_that_do_not_protect": weak[:20]}
            if rules:
                ctx.passed(f"rate-limited by {', '.join(rules[:3])}", {**evidence, "rate_rules": rules[:20]})
            elif weak:
                ctx.failed(f"no rate-based rule bounds a client ({'; '.join(weak[:3])})", evidence)
            else:
                ctx.failed("no enforcing rate-based rule", evidence)


# -- AWS managed rule groups in force ----------------------------------------------------------------
# The groups every AI front door needs (a `[checks.wafv2] required_groups` list replaces them): bots
# scraping the model or stuffing the chat, known exploit payloads, SQL injection into the app around it.
REQUIRED_GROUPS = ("AWSManagedRulesBotControlRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                   "AWSManagedRulesSQLiRuleSet")
# Where the app has a login (`[checks.wafv2] login_paths`), account takeover or fake-account prevention.
LOGIN_GROUPS = ("AWSManagedRulesATPRuleSet", "AWSManagedRulesACFPRuleSet")
# Rules without which a group no longer does its job: overriding these to Count (or Allow, or
# excluding them) leaves the group counted. Other rules may be tuned away without failing.
CRITICAL_RULES: dict[str, tuple[str, ...]] = {
    "AWSManagedRulesKnownBadInputsRuleSet": (
        "Log4JRCE_HEADER", "Log4JRCE_QUERYSTRING", "Log4JRCE_BODY", "Log4JRCE_URIPATH",
        "JavaDeserializationRCE_HEADER", "JavaDeserializationRCE_QUERYSTRING", "JavaDeserializationRCE_BODY",
        "JavaDeserializationRCE_URIPATH"),
    "AWSManagedRulesSQLiRuleSet": ("SQLi_QUERYARGUMENTS", "SQLi_BODY", "SQLi_COOKIE", "SQLi_URIPATH"),
}
NOT_ENFORCING = ("Count", "Allow")


@dataclass(frozen=True)
class ManagedGroupUse:
    """One AWS managed rule group in a web ACL (its own rules or a Firewall Manager group)."""

    name: str
    rule: str  # the web ACL rule (or firewall-manager:<name>) that uses it
    counted: str | None  # why it does not enforce; None when it does


def atp_login_path(managed: dict[str, Any]) -> str | None:
    """The login path an ATP group inspects (its config, or the older top-level LoginPath form)."""
    for config in managed.get("ManagedRuleGroupConfigs") or []:
        path = (config.get("AWSManagedRulesATPRuleSet") or {}).get("LoginPath") or config.get("LoginPath")
        if path:
            return str(path)
    return None


def managed_group_uses(acl: dict[str, Any], login_paths: tuple[str, ...] = ()) -> list[ManagedGroupUse]:
    """The AWS managed rule groups of a web ACL and its Firewall Manager rule groups, each with why it
    does not enforce: overridden to Count, critical rules overridden to Count/Allow or excluded, a
    scope-down statement that leaves the AI paths out, or (given the app's login paths) an ATP group
    that inspects another path."""
    found = []
    for rule in acl_rules(acl):
        managed = (rule.get("Statement") or {}).get("ManagedRuleGroupStatement")
        if not managed or managed.get("VendorName", "AWS") != "AWS":
            continue
        name = str(managed.get("Name"))
        counted: str | None = None
        weakened = {o.get("Name") for o in managed.get("RuleActionOverrides") or []
                    if any(k in (o.get("ActionToUse") or {}) for k in NOT_ENFORCING)}
        weakened |= {e.get("Name") for e in managed.get("ExcludedRules") or []}
        critical = sorted(weakened & set(CRITICAL_RULES.get(name, ())))
        if "Count" in (rule.get("OverrideAction") or {}):
            counted = "overridden to Count"
        elif critical:
            counted = f"critical rules overridden to Count/Allow: {', '.join(critical[:4])}"
        elif not scope_down_covers_ai(managed.get("ScopeDownStatement")):
            counted = "its scope-down statement leaves the AI paths out"
        elif name == "AWSManagedRulesATPRuleSet" and login_paths and atp_login_path(managed) not in login_paths:
            counted = f"it inspects login path {atp_login_path(managed)}, not {', '.join(login_paths[:3])}"
        found.append(ManagedGroupUse(name, str(rule.get("Name")), counted))
    return found


def judge_managed_groups(uses: list[ManagedGroupUse], required: tuple[str, ...], login: bool
                         ) -> tuple[list[str], list[str], list[str]]:
    """(groups in force, required groups missing, required groups present but counted with why). With a
    login, one of the login groups (ATP or ACFP) is required too."""
    in_force = sorted({u.name for u in uses if u.counted is None})
    counted = {u.name: f"{u.name} ({u.rule}): {u.counted}" for u in uses if u.counted is not None}
    missing: list[str] = []
    weak: list[str] = []
    for group in required:
        if group in in_force:
            continue
        (weak.append(counted[group]) if group in counted else missing.append(group))
    if login and not set(LOGIN_GROUPS) & set(in_force):
        present = [counted[g] for g in LOGIN_GROUPS if g in counted]
        (weak.extend(present) if present else missing.append(" or ".join(LOGIN_GROUPS)))
    return in_force, missing, weak


@check(
    id="wafv2.managed_rule_groups_in_force",
    title="WAF web ACLs in front of the app enforce the AWS managed rule groups it needs",
    description=(
        "Every web ACL attached to a REST API stage, internet-facing ALB or CloudFront distribution enforces "
        "AWSManagedRulesBotControlRuleSet, AWSManagedRulesKnownBadInputsRuleSet and AWSManagedRulesSQLiRuleSet "
        "(`[checks.wafv2] required_groups` replaces the list) and, where the app has a login "
        "(`[checks.wafv2] login_paths`), AWSManagedRulesATPRuleSet on one of those paths or "
        "AWSManagedRulesACFPRuleSet, directly or "
        "in Firewall Manager rule groups. A group overridden to Count, with its critical rules set to Count or "
        "Allow, or scoped down away from the AI paths does not count."
    ),
    rationale=(
        "Bots scrape the model, stuff credentials into the chat login and farm free accounts for model "
        "quota; known exploit payloads and SQL injection go for the app and data stores around the model. "
        "A managed group in Count mode is monitoring, not protection."
    ),
    remediation="Add the missing groups with OverrideAction None, e.g. `aws wafv2 update-web-acl --name <name> "
                "--scope <scope> --id <id> --default-action <default-action> --visibility-config <visibility-config> "
                "--lock-token <lock-token> --rules "
                "'[<existing-rules>,{\"Name\":\"bad-inputs\",\"Priority\":10,\"OverrideAction\":{\"None\":{}},\"State"
                'ment":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesKnownBadInputsRuleSe'
                't"}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName'
                "\":\"bad-inputs\"}}]'`, "
                "and change Count overrides back to None once tuned.",
    severity="high",
    maps=["PR.IR-01", "PR.PS-01", "LLM01", "LLM01:2025", "LLM10", "LLM10:2025", "AML.M0015", "AML.T0012",
        "AML.T0024.002", "AML.T0034", "AML.T0049", "MANAGE 2.4", "MEASURE 2.7", "A.6.2.5", "A.6.2.6", "Art. 15"],
    reads=[wafv2.FRONT_DOORS, wafv2.GET_WEB_ACL],
    docs_url="https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html",
)
def managed_rule_groups_in_force(ctx: CheckContext) -> None:
    required = tuple(str(g) for g in ctx.setting("required_groups", list(REQUIRED_GROUPS)))
    login_paths = tuple(str(p) for p in ctx.setting("login_paths", list[str]()))
    fronting = sorted(fronting_acls(ctx).items())
    details = each(ctx, lambda arn: web_acl(ctx, AclRef.from_arn(arn)), [arn for arn, _doors in fronting])
    for (arn, doors), got in zip(fronting, details, strict=True):
        acl = AclRef.from_arn(arn)
        with ctx.resource(acl.resource_id, arn=arn):
            in_force, missing, weak = judge_managed_groups(managed_group_uses(got.get(), login_paths),
                                                           required, bool(login_paths))
            evidence: dict[str, Any] = {"front_doors": sorted(doors)[:20], "groups_in_force": in_force[:20],
                                        "missing_groups": missing, "counted_groups": weak[:20],
                                        "login_protection_required": bool(login_paths)}
            if missing or weak:
                parts = ([f"missing {', '.join(missing)}"] if missing else []) + \
                        ([f"not enforcing {'; '.join(weak[:3])}"] if weak else [])
                ctx.failed("; ".join(parts), evidence)
            else:
                ctx.passed(f"{len(in_force)} AWS managed rule group(s) in force", evidence)
