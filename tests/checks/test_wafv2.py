import pytest

from posture.checks.wafv2 import judge_rate_rule, scope_down_covers_ai
from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"


@pytest.fixture
def override(aws):
    """Answer operations moto implements from the simulation layer, for one test only."""
    done = []

    def answer(operation, value):
        aws.simulation.simulate("wafv2", operation, value)
        done.append(operation)
    yield answer
    for operation in done:
        aws.simulation.forget("wafv2", operation)
WAF_LOGS = "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-chat"
VC = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


def rate_rule(action="Block", name="rate"):
    return {"Name": name, "Priority": 1, "Action": {action: {}}, "VisibilityConfig": VC,
            "Statement": {"RateBasedStatement": {"Limit": 500, "AggregateKeyType": "IP"}}}


COMMON = {"Name": "common", "Priority": 2, "OverrideAction": {"None": {}}, "VisibilityConfig": VC,
          "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}}}


def web_acl(aws, name="chat-acl", rules=(), scope="REGIONAL", region="us-east-1"):
    return aws.client("wafv2", region).create_web_acl(
        Name=name, Scope=scope, DefaultAction={"Allow": {}}, VisibilityConfig=VC, Rules=list(rules))["Summary"]["ARN"]


def fronted_stage(aws, acl_arn):
    """A REST API stage with `acl_arn` associated."""
    apigw = aws.client("apigateway")
    api = apigw.create_rest_api(name="chat")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    apigw.create_stage(restApiId=api, stageName="prod", deploymentId=apigw.create_deployment(restApiId=api)["id"])
    aws.client("wafv2").associate_web_acl(
        WebACLArn=acl_arn, ResourceArn=f"arn:aws:apigateway:us-east-1::/restapis/{api}/stages/prod")
    return api


def denied(aws, operation):
    aws.simulation.fail("wafv2", operation, "AccessDeniedException")


# -- logging ---------------------------------------------------------------------------------------

def test_web_acl_with_logging_passes(aws, run_check):
    arn = web_acl(aws)
    aws.client("wafv2").put_logging_configuration(LoggingConfiguration={
        "ResourceArn": arn, "LogDestinationConfigs": [WAF_LOGS]})
    finding = expect(run_check("wafv2.web_acl_logging_enabled"), "regional/chat-acl", Status.PASS)
    assert finding.evidence["destination"] == "aws-waf-logs-chat"


def test_web_acl_without_logging_fails(aws, run_check):
    arn = web_acl(aws)
    finding = expect(run_check("wafv2.web_acl_logging_enabled"), "regional/chat-acl", Status.FAIL)
    assert finding.resource_arn == arn


def test_cloudfront_web_acls_are_read_in_us_east_1_only(aws, run_check):
    web_acl(aws, name="edge-acl", scope="CLOUDFRONT")
    findings = run_check("wafv2.web_acl_logging_enabled", regions=("us-east-1", "us-west-2"))
    assert [(f.resource_id, f.region, f.status) for f in findings] == [("global/edge-acl", "us-east-1", Status.FAIL)]


def test_logging_access_denied_is_error(aws, run_check):
    web_acl(aws)
    denied(aws, "GetLoggingConfiguration")
    finding = expect(run_check("wafv2.web_acl_logging_enabled"), "regional/chat-acl", Status.ERROR)
    assert "wafv2:GetLoggingConfiguration" in finding.message


def test_logging_read_failing_for_one_web_acl_is_error_on_that_acl_only(aws, run_check):
    # The web ACLs' logging is read side by side: the failed read is an ERROR on its own web ACL.
    web_acl(aws, name="chat-acl")
    web_acl(aws, name="admin-acl")
    aws.simulation.fail("wafv2", "GetLoggingConfiguration", "AccessDeniedException", times=1)
    findings = run_check("wafv2.web_acl_logging_enabled")
    assert sorted(f.resource_id for f in findings) == ["regional/admin-acl", "regional/chat-acl"]
    assert sorted(f.status.value for f in findings) == ["ERROR", "FAIL"]


# -- rules -----------------------------------------------------------------------------------------

def test_web_acl_with_rules_passes(aws, run_check):
    web_acl(aws, rules=[rate_rule(), COMMON])
    finding = expect(run_check("wafv2.web_acl_has_rules"), "regional/chat-acl", Status.PASS)
    assert finding.evidence["rules"] == 2


def test_empty_web_acl_fails(aws, run_check):
    web_acl(aws)
    finding = expect(run_check("wafv2.web_acl_has_rules"), "regional/chat-acl", Status.FAIL)
    assert finding.evidence["default_action"] == "Allow"


def test_rules_access_denied_is_error(aws, run_check):
    web_acl(aws)
    denied(aws, "GetWebACL")
    expect(run_check("wafv2.web_acl_has_rules"), "regional/chat-acl", Status.ERROR)


# -- rate limiting on front doors -------------------------------------------------------------------

def test_fronting_acl_with_rate_rule_passes(aws, run_check):
    api = fronted_stage(aws, web_acl(aws, rules=[rate_rule(), COMMON]))
    finding = expect(run_check("wafv2.front_door_rate_based_rule"), "regional/chat-acl", Status.PASS)
    assert finding.evidence["front_doors"] == [f"apigateway:{api}/prod"]


def test_rate_rule_inside_a_rule_group_counts(aws, run_check):
    group = aws.client("wafv2").create_rule_group(Name="limits", Scope="REGIONAL", Capacity=10,
                                                  VisibilityConfig=VC, Rules=[rate_rule()])["Summary"]["ARN"]
    reference = {"Name": "limits", "Priority": 1, "OverrideAction": {"None": {}}, "VisibilityConfig": VC,
                 "Statement": {"RuleGroupReferenceStatement": {"ARN": group}}}
    fronted_stage(aws, web_acl(aws, rules=[reference]))
    finding = expect(run_check("wafv2.front_door_rate_based_rule"), "regional/chat-acl", Status.PASS)
    assert finding.evidence["rate_rules"] == ["limits/rate"]


def test_fronting_acl_without_rate_rule_fails(aws, run_check):
    fronted_stage(aws, web_acl(aws, rules=[COMMON]))
    expect(run_check("wafv2.front_door_rate_based_rule"), "regional/chat-acl", Status.FAIL)


def test_rate_rule_in_count_mode_fails(aws, run_check):
    fronted_stage(aws, web_acl(aws, rules=[rate_rule(action="Count")]))
    expect(run_check("wafv2.front_door_rate_based_rule"), "regional/chat-acl", Status.FAIL)


def rate_statement(limit=500, scope_down=None):
    rate = {"Limit": limit, "AggregateKeyType": "IP"}
    if scope_down:
        rate["ScopeDownStatement"] = scope_down
    return {"RateBasedStatement": rate}


def path_match(path, constraint="STARTS_WITH"):
    return {"ByteMatchStatement": {"SearchString": path, "FieldToMatch": {"UriPath": {}},
                                   "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                                   "PositionalConstraint": constraint}}


def test_rate_rule_far_above_the_ceiling_fails(aws, run_check):
    """Regression (issue 9): the limit was ignored; 2,000,000 requests per 5 minutes bound nothing."""
    rule = {**rate_rule(), "Statement": rate_statement(limit=2_000_000)}
    fronted_stage(aws, web_acl(aws, rules=[rule]))
    finding = expect(run_check("wafv2.front_door_rate_based_rule"), "regional/chat-acl", Status.FAIL)
    assert "above 2000" in finding.message


def test_rate_rule_whose_scope_down_excludes_the_ai_path_fails(aws, run_check):
    """Regression (issue 9): a rate rule scoped down to everything but /chat does not protect the model."""
    rule = {**rate_rule(), "Statement": rate_statement(scope_down={"NotStatement": {"Statement": path_match("/chat")}})}
    fronted_stage(aws, web_acl(aws, rules=[rule]))
    finding = expect(run_check("wafv2.front_door_rate_based_rule"), "regional/chat-acl", Status.FAIL)
    assert "scope-down" in finding.message


def test_rate_rule_scoped_down_to_the_ai_path_passes(aws, run_check):
    rule = {**rate_rule(), "Statement": rate_statement(scope_down=path_match("/api/chat", "CONTAINS"))}
    fronted_stage(aws, web_acl(aws, rules=[rule]))
    expect(run_check("wafv2.front_door_rate_based_rule"), "regional/chat-acl", Status.PASS)


def test_firewall_manager_rule_group_rate_rule_counts(aws, run_check, override):
    """Regression (issue 9): the rate rule of a Firewall Manager rule group was ignored."""
    wafv2 = aws.client("wafv2")
    group = wafv2.create_rule_group(Name="fms-limits", Scope="REGIONAL", Capacity=10, VisibilityConfig=VC,
                                    Rules=[rate_rule()])["Summary"]["ARN"]
    arn = web_acl(aws, rules=[COMMON])
    fronted_stage(aws, arn)
    acl = wafv2.get_web_acl(Name="chat-acl", Scope="REGIONAL", Id=arn.rsplit("/", 1)[1])["WebACL"]
    acl["PreProcessFirewallManagerRuleGroups"] = [{
        "Name": "fms-limits", "Priority": 0, "OverrideAction": {"None": {}}, "VisibilityConfig": VC,
        "FirewallManagerStatement": {"RuleGroupReferenceStatement": {"ARN": group}}}]
    override("GetWebACL", {"WebACL": acl, "LockToken": "t"})
    finding = expect(run_check("wafv2.front_door_rate_based_rule"), "regional/chat-acl", Status.PASS)
    assert finding.evidence["rate_rules"] == ["firewall-manager:fms-limits/rate"]


@pytest.mark.parametrize(("statement", "covers"), [
    (None, True),
    (path_match("/chat"), True),
    (path_match("/static"), False),
    (path_match("/"), True),
    ({"NotStatement": {"Statement": path_match("/v1/chat", "CONTAINS")}}, False),
    ({"NotStatement": {"Statement": path_match("/static")}}, True),
    ({"AndStatement": {"Statements": [path_match("/chat"), {"GeoMatchStatement": {"CountryCodes": ["US"]}}]}}, True),
    ({"OrStatement": {"Statements": [path_match("/static"), path_match("/img")]}}, False),
])
def test_scope_down_covers_ai(statement, covers):
    assert scope_down_covers_ai(statement) is covers


def test_judge_rate_rule_window_and_action():
    assert judge_rate_rule("r", {"Limit": 500, "EvaluationWindowSec": 60}, {"Block": {}}) is not None  # 2500/5 min
    assert judge_rate_rule("r", {"Limit": 300, "EvaluationWindowSec": 60}, {"Block": {}}) is None
    assert "does not block" in (judge_rate_rule("r", {"Limit": 100}, {"Count": {}}) or "")


def test_acl_fronting_nothing_is_out_of_scope(aws, run_check):
    web_acl(aws, rules=[COMMON])
    assert run_check("wafv2.front_door_rate_based_rule") == []


def test_acl_fronting_an_alb_is_judged(aws, run_check):
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{z}")
               ["Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
    lb = aws.client("elbv2").create_load_balancer(Name="chat-alb", Subnets=subnets, Scheme="internet-facing",
                                                  Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    aws.client("wafv2").associate_web_acl(WebACLArn=web_acl(aws, rules=[COMMON]), ResourceArn=lb)
    finding = expect(run_check("wafv2.front_door_rate_based_rule"), "regional/chat-acl", Status.FAIL)
    assert finding.evidence["front_doors"] == ["alb:chat-alb"]


def test_acl_fronting_a_distribution_is_judged_in_us_east_1(aws, run_check):
    acl = web_acl(aws, name="edge-acl", scope="CLOUDFRONT", rules=[rate_rule()])
    aws.client("cloudfront").create_distribution(DistributionConfig={
        "CallerReference": "edge", "Comment": "chat", "Enabled": True, "WebACLId": acl,
        "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "chat.acme.example",
                                              "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                                                     "OriginProtocolPolicy": "https-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "https-only", "MinTTL": 0}})
    findings = run_check("wafv2.front_door_rate_based_rule", regions=("us-east-1", "us-west-2"))
    finding = expect(findings, "global/edge-acl", Status.PASS)
    assert finding.region == "us-east-1"
    assert finding.evidence["front_doors"][0].startswith("cloudfront:")


def test_rate_rule_access_denied_is_error(aws, run_check):
    fronted_stage(aws, web_acl(aws, rules=[rate_rule()]))
    denied(aws, "GetWebACL")
    expect(run_check("wafv2.front_door_rate_based_rule"), "regional/chat-acl", Status.ERROR)


# -- AWS managed rule groups in force --------------------------------------------------------------
MANAGED = "wafv2.managed_rule_groups_in_force"


def managed(group, priority, override="None", **statement):
    return {"Name": group.removeprefix("AWSManagedRules"), "Priority": priority, "OverrideAction": {override: {}},
            "VisibilityConfig": VC,
            "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group, **statement}}}


BASELINE = [managed("AWSManagedRulesBotControlRuleSet", 10), managed("AWSManagedRulesKnownBadInputsRuleSet", 11),
            managed("AWSManagedRulesSQLiRuleSet", 12)]


def test_front_door_with_managed_groups_in_force_passes(aws, run_check):
    api = fronted_stage(aws, web_acl(aws, rules=BASELINE))
    finding = expect(run_check(MANAGED), "regional/chat-acl", Status.PASS)
    assert finding.evidence["front_doors"] == [f"apigateway:{api}/prod"]
    assert finding.evidence["login_protection_required"] is False


def test_counted_and_missing_groups_fail(aws, run_check):
    rules = [managed("AWSManagedRulesBotControlRuleSet", 10),
             managed("AWSManagedRulesKnownBadInputsRuleSet", 11, override="Count")]
    fronted_stage(aws, web_acl(aws, rules=rules))
    finding = expect(run_check(MANAGED), "regional/chat-acl", Status.FAIL)
    assert finding.evidence["missing_groups"] == ["AWSManagedRulesSQLiRuleSet"]
    assert finding.evidence["counted_groups"] == [
        "AWSManagedRulesKnownBadInputsRuleSet (KnownBadInputsRuleSet): overridden to Count"]


def test_login_paths_require_account_takeover_protection(aws, run_check):
    fronted_stage(aws, web_acl(aws, rules=BASELINE))
    finding = expect(run_check(MANAGED, check_settings={"wafv2": {"login_paths": ["/login"]}}), "regional/chat-acl",
                     Status.FAIL)
    assert finding.evidence["missing_groups"] == ["AWSManagedRulesATPRuleSet or AWSManagedRulesACFPRuleSet"]


def test_managed_groups_read_denied_is_error(aws, run_check):
    fronted_stage(aws, web_acl(aws, rules=BASELINE))
    denied(aws, "GetWebACL")
    finding = expect(run_check(MANAGED), "regional/chat-acl", Status.ERROR)
    assert "wafv2:GetWebACL" in finding.message


def test_managed_group_judging():
    from posture.checks.wafv2 import REQUIRED_GROUPS, judge_managed_groups, managed_group_uses

    def judge(acl, login=False):
        return judge_managed_groups(managed_group_uses(acl), REQUIRED_GROUPS, login)

    # Firewall Manager groups count like the web ACL's own rules
    fms = {"PreProcessFirewallManagerRuleGroups": [
        {"Name": "org-baseline", "Priority": 0, "OverrideAction": {"None": {}},
         "FirewallManagerStatement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": g}}}
        for g in REQUIRED_GROUPS]}
    assert judge(fms) == (sorted(REQUIRED_GROUPS), [], [])
    fms["PostProcessFirewallManagerRuleGroups"] = [
        {"Name": "org-atp", "Priority": 9, "OverrideAction": {"Count": {}},
         "FirewallManagerStatement": {"ManagedRuleGroupStatement": {"VendorName": "AWS",
                                                                    "Name": "AWSManagedRulesATPRuleSet"}}}]
    _, missing, weak = judge(fms, login=True)
    assert missing == [] and weak == ["AWSManagedRulesATPRuleSet (firewall-manager:org-atp): overridden to Count"]
    # critical rules set to Count (or excluded) leave the group counted; other rules may be tuned
    tuned = {"Rules": [
        managed("AWSManagedRulesBotControlRuleSet", 1),
        managed("AWSManagedRulesSQLiRuleSet", 2, RuleActionOverrides=[
            {"Name": "SQLi_BODY", "ActionToUse": {"Count": {}}}]),
        managed("AWSManagedRulesKnownBadInputsRuleSet", 3, RuleActionOverrides=[
            {"Name": "Host_localhost_HEADER", "ActionToUse": {"Count": {}}}])]}
    in_force, missing, weak = judge(tuned)
    assert "AWSManagedRulesKnownBadInputsRuleSet" in in_force
    assert weak == ["AWSManagedRulesSQLiRuleSet (SQLiRuleSet): critical rules overridden to Count/Allow: SQLi_BODY"]
    excluded = {"Rules": [managed("AWSManagedRulesSQLiRuleSet", 2, ExcludedRules=[{"Name": "SQLi_QUERYARGUMENTS"}])]}
    assert judge(excluded)[2][0].endswith("SQLi_QUERYARGUMENTS")
    # a scope-down that leaves the AI paths out does not protect them
    scoped = {"Rules": [managed("AWSManagedRulesBotControlRuleSet", 1, ScopeDownStatement=path_match("/static"))]}
    assert "scope-down" in judge(scoped)[2][0]
    # ACFP satisfies the login requirement too; a vendor's group of the same name is not AWS's
    acfp = {"Rules": [*BASELINE, managed("AWSManagedRulesACFPRuleSet", 20)]}
    assert judge(acfp, login=True)[1:] == ([], [])
    other = {"Rules": [{**BASELINE[0], "Statement": {"ManagedRuleGroupStatement": {
        "VendorName": "Acme", "Name": "AWSManagedRulesBotControlRuleSet"}}}]}
    assert "AWSManagedRulesBotControlRuleSet" in judge(other)[1]


def test_atp_counts_only_on_the_apps_login_path():
    from posture.checks.wafv2 import REQUIRED_GROUPS, judge_managed_groups, managed_group_uses

    def atp(config):
        return managed("AWSManagedRulesATPRuleSet", 20, ManagedRuleGroupConfigs=[config])

    right = {"Rules": [*BASELINE, atp({"AWSManagedRulesATPRuleSet": {"LoginPath": "/login"}})]}
    legacy = {"Rules": [*BASELINE, atp({"LoginPath": "/login"})]}
    wrong = {"Rules": [*BASELINE, atp({"AWSManagedRulesATPRuleSet": {"LoginPath": "/admin/login"}})]}
    for acl, ok in ((right, True), (legacy, True), (wrong, False)):
        _, missing, weak = judge_managed_groups(managed_group_uses(acl, ("/login",)), REQUIRED_GROUPS, True)
        assert (not missing and not weak) is ok, weak
    assert "inspects login path /admin/login" in judge_managed_groups(
        managed_group_uses(wrong, ("/login",)), REQUIRED_GROUPS, True)[2][0]
