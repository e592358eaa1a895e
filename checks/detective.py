"""Amazon Detective: investigation of what a finding on an AI workload actually involved."""

from __future__ import annotations

from posture.api import CheckContext, Family
from posture.checks._read import detective
from posture.checks._read.detective import graphs

check = Family(
    service="detective",
    scope="regional",
    resource_type="AwsAccount",
    boundaries=["organizational"],
    service_docs="https://docs.aws.amazon.com/detective/latest/userguide/security.html",
    maps=["DE.AE-02", "RS.AN-03", "LLM02:2025", "LLM06", "LLM10", "LLM10:2025", "AML.T0012", "MANAGE 4.3",
        "MEASURE 3.1", "A.6.2.6"],
    reads=[detective.LIST_GRAPHS],
)


@check(
    id="detective.behavior_graph_enabled",
    title="Detective keeps a behavior graph for investigations",
    description="The region has an Amazon Detective behavior graph (this account is its administrator).",
    rationale=(
        "When GuardDuty reports stolen credentials invoking models (LLM-jacking) or reading training data, "
        "Detective's graph of CloudTrail, VPC flow and EKS activity shows which roles, IPs and resources were "
        "involved and since when: the scope of the incident."
    ),
    remediation="`aws detective create-graph` in the region (it needs GuardDuty enabled for 48 hours), "
    "or enable it organization-wide from the delegated administrator.",
    severity="low",
)
def behavior_graph_enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        found = graphs(ctx)
        if found:
            ctx.passed(f"behavior graph {found[0]['Arn'].rsplit('graph:', 1)[-1]} exists",
                       {"graphs": [g["Arn"] for g in found]})
        else:
            ctx.failed("no Detective behavior graph in this region", {"graphs": []})
