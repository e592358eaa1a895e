"""Amazon Security Lake: the retained, normalised security logs of the AI workload."""

from __future__ import annotations

from posture.api import CheckContext, Family
from posture.checks._read import securitylake
from posture.checks._read.securitylake import data_lakes

check = Family(
    service="securitylake",
    scope="regional",
    resource_type="AwsAccount",
    boundaries=["organizational", "data"],
    service_docs="https://docs.aws.amazon.com/security-lake/latest/userguide/security.html",
    maps=["DE.AE-03", "PR.PS-04", "RS.AN-03", "LLM03", "LLM04:2025", "LLM10", "LLM10:2025", "AML.M0024", "AML.T0012",
        "MANAGE 4.3", "MEASURE 3.1", "A.6.2.8"],
    reads=[securitylake.LIST_DATA_LAKES],
)


@check(
    id="securitylake.data_lake_enabled",
    title="Security Lake collects the region's security logs",
    description="A Security Lake data lake exists in the region and its creation completed.",
    rationale=(
        "CloudTrail data events on training buckets, Bedrock agent calls and VPC flows are evidence only "
        "while they are kept: Security Lake retains them in one normalised (OCSF) store that investigations "
        "of poisoning or theft can query months later."
    ),
    remediation="`aws securitylake create-data-lake --configurations region=<region> --meta-store-manager-role-arn "
                "<role>` from the delegated administrator, then add the log sources.",
    severity="low",
)
def data_lake_enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        lakes = [lake for lake in data_lakes(ctx) if lake.get("region", ctx.region) == ctx.region]
        done = [lake for lake in lakes if lake.get("createStatus") == "COMPLETED"]
        if done:
            ctx.passed("a Security Lake data lake is active", {"data_lake": done[0].get("dataLakeArn")})
        elif lakes:
            ctx.failed(f"the data lake is {str(lakes[0].get('createStatus')).lower()}",
                       {"data_lake": lakes[0].get("dataLakeArn")})
        else:
            ctx.failed("no Security Lake data lake in this region", {"data_lake": None})
