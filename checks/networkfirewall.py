"""AWS Network Firewall: egress filtering and its logs in the VPCs that run AI workloads.

A firewall counts for a VPC when Network Firewall lists it for that VPC id. A VPC whose
traffic is inspected in a central inspection VPC (through a transit gateway) shows as
unprotected here; the finding says so and can be muted with that reason.
"""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Family
from posture.checks import _scope
from posture.checks._read import networkfirewall

check = Family(
    service="network-firewall",
    scope="regional",
    resource_type="AwsNetworkFirewallFirewall",
    boundaries=["application"],
    service_docs="https://docs.aws.amazon.com/network-firewall/latest/developerguide/security.html",
    maps=["LLM02:2025", "LLM06", "AML.T0025", "AML.T0072"],
    reads=[_scope.AI_VPC_READS, networkfirewall.FIREWALLS_BY_VPC],  # every check judges the AI VPCs' firewalls
)


def ai_firewalls(ctx: CheckContext) -> list[tuple[dict[str, Any], str]]:
    """(firewall summary, VPC id) for each firewall deployed in a VPC that runs AI workloads."""
    found: dict[str, tuple[dict[str, Any], str]] = {}
    chosen = _scope.judged(ctx, _scope.ai_vpcs(ctx))
    deployed = networkfirewall.firewalls_by_vpc(ctx) if chosen else {}
    for vpc_id in sorted(chosen):
        for summary in deployed.get(vpc_id, []):
            found.setdefault(summary["FirewallArn"], (summary, vpc_id))
    return list(found.values())


@check(
    id="networkfirewall.ai_vpc_firewall_deployed",
    title="VPCs running AI workloads are protected by Network Firewall",
    description="Every VPC that runs AI workloads has an AWS Network Firewall deployed in it.",
    rationale=(
        "Egress filtering stops a compromised notebook, training job or agent tool from sending data or "
        "credentials to arbitrary hosts, and blocks downloads of unvetted models and packages."
    ),
    remediation="Create a firewall policy with stateful domain allow lists and `aws network-firewall create-firewall "
                "--firewall-name <firewall-name> --firewall-policy-arn <firewall-policy-arn> --vpc-id <vpc> "
                "--subnet-mappings <subnet-mappings>`, then route the VPC's egress through its endpoints (or route "
                "it "
                "through a central inspection VPC and mute this finding with that reason).",
    resource_type="AwsEc2Vpc",
    severity="medium",
    maps=["DE.CM-01", "PR.IR-01", "LLM03:2025", "LLM05", "AML.T0010.001", "MEASURE 2.7", "A.6.2.6", "Art. 15"],
)
def ai_vpc_firewall_deployed(ctx: CheckContext) -> None:
    for vpc_id, why in sorted(_scope.judged(ctx, _scope.ai_vpcs(ctx)).items()):
        with ctx.resource(vpc_id, arn=ctx.arn("ec2", f"vpc/{vpc_id}")):
            names = [f["FirewallName"] for f in networkfirewall.firewalls_by_vpc(ctx).get(vpc_id, [])]
            evidence: dict[str, Any] = {"ai_workload_because": why}
            if names:
                ctx.passed(f"Network Firewall {names[0]} is deployed in the VPC", {**evidence, "firewalls": names})
            else:
                ctx.failed("no Network Firewall is deployed in the VPC", evidence)


@check(
    id="networkfirewall.ai_firewall_logging_enabled",
    title="Network Firewalls in AI VPCs log their traffic",
    description="Every Network Firewall in a VPC that runs AI workloads sends alert or flow logs to a destination.",
    rationale=(
        "Firewall logs show which destinations AI workloads tried to reach and what was blocked: the "
        "evidence of exfiltration attempts or of an agent tool being steered to an attacker's host."
    ),
    remediation="`aws network-firewall update-logging-configuration --firewall-arn <arn> --logging-configuration "
    "'LogDestinationConfigs=[{LogType=ALERT,LogDestinationType=CloudWatchLogs,LogDestination={logGroup=<group>}}]'`"
    " (and FLOW).",
    severity="medium",
    maps=["DE.CM-01", "PR.PS-04", "NetworkFirewall.2", "MANAGE 4.1", "MEASURE 2.4", "A.6.2.8"],
    reads=[networkfirewall.LOGGING_CONFIGURATION],
)
def ai_firewall_logging_enabled(ctx: CheckContext) -> None:
    for summary, vpc_id in ai_firewalls(ctx):
        with ctx.resource(summary["FirewallName"], arn=summary["FirewallArn"]):
            destinations = networkfirewall.logging_destinations(ctx, summary["FirewallArn"])
            types = sorted({str(d.get("LogType")) for d in destinations})
            evidence: dict[str, Any] = {"vpc_id": vpc_id, "log_types": types}
            if types:
                ctx.passed(f"the firewall logs {', '.join(types)}", evidence)
            else:
                ctx.failed("the firewall has no logging configuration", evidence)


@check(
    id="networkfirewall.ai_firewall_policy_has_rule_groups",
    title="Network Firewalls in AI VPCs enforce rule groups",
    description="The firewall policy of every Network Firewall in a VPC that runs AI workloads references at "
    "least one stateless or stateful rule group.",
    rationale=(
        "A firewall whose policy has no rule groups only applies its default actions: it filters nothing "
        "by domain or protocol, so an AI workload's egress is as open as without it."
    ),
    remediation="Add rule groups (e.g. a stateful domain allow list for the model and package endpoints) with "
    "`aws network-firewall update-firewall-policy`.",
    severity="medium",
    maps=["PR.IR-01", "LLM03:2025", "LLM05", "NetworkFirewall.3", "AML.T0010.001", "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[networkfirewall.FIREWALL_POLICY],
)
def ai_firewall_policy_has_rule_groups(ctx: CheckContext) -> None:
    for summary, vpc_id in ai_firewalls(ctx):
        with ctx.resource(summary["FirewallName"], arn=summary["FirewallArn"]):
            policy_arn = networkfirewall.firewall(ctx, summary["FirewallArn"]).get("FirewallPolicyArn", "")
            policy = networkfirewall.firewall_policy(ctx, policy_arn)
            stateless = len(policy.get("StatelessRuleGroupReferences", []))
            stateful = len(policy.get("StatefulRuleGroupReferences", []))
            evidence: dict[str, Any] = {"vpc_id": vpc_id, "firewall_policy": policy_arn,
                                        "stateless_rule_groups": stateless, "stateful_rule_groups": stateful}
            if stateless + stateful:
                ctx.passed(f"the firewall policy references {stateless + stateful} rule group(s)", evidence)
            else:
                ctx.failed("the firewall policy references no rule group", evidence)


def judge_tls_inspection(policy: dict[str, Any]) -> tuple[bool, str]:
    """(whether the policy decrypts TLS for inspection, why)."""
    config = policy.get("TLSInspectionConfigurationArn")
    if config:
        return True, f"TLS inspection configuration {str(config).rsplit('/', 1)[-1]} is attached"
    return False, ("no TLS inspection configuration is attached: stateful rules see only the SNI and "
                   "certificate of encrypted egress, not what is sent")


@check(
    id="networkfirewall.tls_inspection_ai_egress",
    title="Network Firewalls in AI VPCs inspect TLS egress",
    description="The firewall policy of every Network Firewall in a VPC that runs AI workloads has a TLS "
    "inspection configuration attached (TLSInspectionConfigurationArn).",
    rationale=(
        "Nearly all egress of an AI workload is HTTPS. Without TLS inspection the firewall filters by domain "
        "name only: a compromised notebook or an agent tool steered by a prompt injection can send training "
        "data, prompts or credentials to any allowed-looking host, or fetch an unvetted model, unseen."
    ),
    remediation="Create a TLS inspection configuration (`aws network-firewall create-tls-inspection-configuration "
                "--tls-inspection-configuration-name <name> --tls-inspection-configuration file://tls.json`, with an "
                "ACM certificate) and attach it: `aws network-firewall update-firewall-policy --update-token "
                "<update-token> --firewall-policy-name <policy-name> --firewall-policy "
                "file://<policy-with-TLSInspectionConfigurationArn>.json`.",
    severity="medium",
    maps=["DE.CM-01", "PR.IR-01", "LLM03:2025", "LLM05", "AML.T0010.003", "AML.T0086", "MANAGE 2.4", "MEASURE 2.7",
        "A.4.5", "A.6.2.6", "Art. 15"],
    reads=[networkfirewall.FIREWALL_POLICY],
    docs_url="https://docs.aws.amazon.com/network-firewall/latest/developerguide/tls-inspection.html",
)
def tls_inspection_ai_egress(ctx: CheckContext) -> None:
    for summary, vpc_id in ai_firewalls(ctx):
        with ctx.resource(summary["FirewallName"], arn=summary["FirewallArn"]):
            policy_arn = networkfirewall.firewall(ctx, summary["FirewallArn"]).get("FirewallPolicyArn", "")
            inspects, why = judge_tls_inspection(networkfirewall.firewall_policy(ctx, policy_arn))
            evidence: dict[str, Any] = {"vpc_id": vpc_id, "firewall_policy": policy_arn}
            if inspects:
                ctx.passed(why, evidence)
            else:
                ctx.failed(why, evidence)
