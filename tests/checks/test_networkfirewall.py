from posture.core.models import Status
from tests.checks.test_ec2 import ai_vpc
from tests.support.findings import expect

ACCOUNT = "123456789012"
POLICY_ARN = f"arn:aws:network-firewall:us-east-1:{ACCOUNT}:firewall-policy/acme-egress"


def firewall(aws, vpc: str, subnet: str, name: str = "acme-egress", log: bool = False) -> str:
    nf = aws.client("network-firewall")
    arn = nf.create_firewall(FirewallName=name, FirewallPolicyArn=POLICY_ARN, VpcId=vpc,
                             SubnetMappings=[{"SubnetId": subnet}])["Firewall"]["FirewallArn"]
    if log:
        nf.update_logging_configuration(FirewallArn=arn, LoggingConfiguration={"LogDestinationConfigs": [
            {"LogType": "ALERT", "LogDestinationType": "CloudWatchLogs", "LogDestination": {"logGroup": "fw"}}]})
    return arn


def policy(aws, stateful_groups: int) -> None:
    groups = [{"ResourceArn": f"arn:aws:network-firewall:us-east-1:{ACCOUNT}:stateful-rulegroup/allow-{i}"}
              for i in range(stateful_groups)]
    aws.simulation.put("network-firewall", "DescribeFirewallPolicy", {
        "UpdateToken": "token",
        "FirewallPolicyResponse": {"FirewallPolicyName": "acme-egress", "FirewallPolicyArn": POLICY_ARN,
                                   "FirewallPolicyId": "00000000-0000-0000-0000-000000000001"},
        "FirewallPolicy": {"StatelessDefaultActions": ["aws:forward_to_sfe"],
                           "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"],
                           "StatefulRuleGroupReferences": groups}}, region="us-east-1")


# -- deployed ------------------------------------------------------------------------------------
DEPLOYED = "networkfirewall.ai_vpc_firewall_deployed"


def test_ai_vpc_with_firewall_passes(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    firewall(aws, vpc, subnet)
    expect(run_check(DEPLOYED), vpc, Status.PASS)


def test_ai_vpc_without_firewall_fails(aws, run_check):
    vpc, _ = ai_vpc(aws)
    other = aws.client("ec2").create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    other_subnet = aws.client("ec2").create_subnet(VpcId=other, CidrBlock="10.3.1.0/24")["Subnet"]["SubnetId"]
    firewall(aws, other, other_subnet)  # a firewall in another VPC does not protect this one
    expect(run_check(DEPLOYED), vpc, Status.FAIL)


def test_firewall_listing_access_denied_is_error(aws, run_check):
    vpc, _ = ai_vpc(aws)
    aws.simulation.fail("network-firewall", "ListFirewalls", "AccessDeniedException", status=403)
    finding = expect(run_check(DEPLOYED), vpc, Status.ERROR)
    assert "network-firewall:ListFirewalls" in finding.message


# -- logging -------------------------------------------------------------------------------------
LOGGING = "networkfirewall.ai_firewall_logging_enabled"


def test_firewall_with_logging_passes(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    firewall(aws, vpc, subnet, log=True)
    finding = expect(run_check(LOGGING), "acme-egress", Status.PASS)
    assert finding.evidence["log_types"] == ["ALERT"]


def test_firewall_without_logging_fails(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    firewall(aws, vpc, subnet)
    expect(run_check(LOGGING), "acme-egress", Status.FAIL)


def test_firewall_outside_ai_vpcs_is_out_of_scope(aws, run_check):
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    firewall(aws, vpc, ec2.create_subnet(VpcId=vpc, CidrBlock="10.4.1.0/24")["Subnet"]["SubnetId"])
    assert run_check(LOGGING) == []


def test_logging_access_denied_is_error(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    firewall(aws, vpc, subnet, log=True)
    aws.simulation.fail("network-firewall", "DescribeLoggingConfiguration", "AccessDeniedException", status=403)
    finding = expect(run_check(LOGGING), "acme-egress", Status.ERROR)
    assert "network-firewall:DescribeLoggingConfiguration" in finding.message


# -- policy rule groups --------------------------------------------------------------------------
RULES = "networkfirewall.ai_firewall_policy_has_rule_groups"


def test_policy_with_rule_groups_passes(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    firewall(aws, vpc, subnet)
    policy(aws, stateful_groups=2)
    finding = expect(run_check(RULES), "acme-egress", Status.PASS)
    assert finding.evidence["stateful_rule_groups"] == 2


def test_policy_without_rule_groups_fails(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    firewall(aws, vpc, subnet)
    policy(aws, stateful_groups=0)
    expect(run_check(RULES), "acme-egress", Status.FAIL)


def test_policy_access_denied_is_error(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    firewall(aws, vpc, subnet)
    policy(aws, stateful_groups=2)
    aws.simulation.fail("network-firewall", "DescribeFirewallPolicy", "AccessDeniedException", status=403)
    finding = expect(run_check(RULES), "acme-egress", Status.ERROR)
    assert "network-firewall:DescribeFirewallPolicy" in finding.message


# -- TLS inspection ------------------------------------------------------------------------------
TLS = "networkfirewall.tls_inspection_ai_egress"
TLS_CONFIG = f"arn:aws:network-firewall:us-east-1:{ACCOUNT}:tls-configuration/egress-inspection"


def tls_policy(aws, config: str | None) -> None:
    body = {"StatelessDefaultActions": ["aws:forward_to_sfe"],
            "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"]}
    if config:
        body["TLSInspectionConfigurationArn"] = config
    aws.simulation.put("network-firewall", "DescribeFirewallPolicy", {
        "UpdateToken": "token", "FirewallPolicy": body,
        "FirewallPolicyResponse": {"FirewallPolicyName": "acme-egress", "FirewallPolicyArn": POLICY_ARN,
                                   "FirewallPolicyId": "00000000-0000-0000-0000-000000000001"}}, region="us-east-1")


def test_policy_with_tls_inspection_passes(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    firewall(aws, vpc, subnet)
    tls_policy(aws, TLS_CONFIG)
    finding = expect(run_check(TLS), "acme-egress", Status.PASS)
    assert "egress-inspection" in finding.message


def test_policy_without_tls_inspection_fails(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    firewall(aws, vpc, subnet)
    tls_policy(aws, None)
    finding = expect(run_check(TLS), "acme-egress", Status.FAIL)
    assert finding.evidence["vpc_id"] == vpc


def test_tls_policy_access_denied_is_error(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    firewall(aws, vpc, subnet)
    aws.simulation.fail("network-firewall", "DescribeFirewallPolicy", "AccessDeniedException", status=403)
    finding = expect(run_check(TLS), "acme-egress", Status.ERROR)
    assert "network-firewall:DescribeFirewallPolicy" in finding.message


def test_tls_judging_reads_the_attached_configuration():
    from posture.checks.networkfirewall import judge_tls_inspection

    assert judge_tls_inspection({"TLSInspectionConfigurationArn": TLS_CONFIG})[0] is True
    assert judge_tls_inspection({"TLSInspectionConfigurationArn": ""})[0] is False
    assert judge_tls_inspection({})[0] is False


# -- reads ----------------------------------------------------------------------------------------
class Recorder:
    """A context that answers from a table and records every request (a read helper's plain test)."""

    region = "us-east-1"

    def __init__(self, answers):
        self.answers, self.requests = answers, []

    def call(self, service, operation, **params):
        self.requests.append((operation, params))
        return self.answers[operation](params)

    paginate = call

    def fan_out(self, read, items):
        return [read(item) for item in items]


def test_firewalls_are_listed_once_per_region_not_once_per_vpc():
    from posture.checks._read.networkfirewall import firewalls_by_vpc

    summaries = [{"FirewallName": n, "FirewallArn": f"arn:fw/{n}"} for n in ("a", "b", "c")]
    vpcs = {"arn:fw/a": "vpc-1", "arn:fw/b": "vpc-2", "arn:fw/c": "vpc-1"}
    ctx = Recorder({"list_firewalls": lambda _: {"Firewalls": summaries},
                    "describe_firewall": lambda p: {"Firewall": {"VpcId": vpcs[p["FirewallArn"]]}}})
    assert firewalls_by_vpc(ctx) == {"vpc-1": [summaries[0], summaries[2]], "vpc-2": [summaries[1]]}
    assert [r for r in ctx.requests if r[0] == "list_firewalls"] == [("list_firewalls", {})]
