"""IAM Access Analyzer: is anyone outside the account able to reach AI resources?"""

from __future__ import annotations

from posture.api import CheckContext, Family, ahead
from posture.checks._read import accessanalyzer
from posture.checks._read.accessanalyzer import active_findings, analyzers

check = Family(
    service="accessanalyzer",
    scope="regional",
    resource_type="AwsAccount",
    boundaries=["organizational"],
    service_docs="https://docs.aws.amazon.com/IAM/latest/UserGuide/what-is-access-analyzer.html",
    maps=["ID.RA-01", "PR.AA-05", "MEASURE 2.7", "A.6.2.6"],
    reads=[accessanalyzer.LIST_ANALYZERS],
)

EXTERNAL_ACCESS_TYPES = frozenset({"ACCOUNT", "ORGANIZATION"})


@check(
    id="accessanalyzer.external_access_analyzer_active",
    title="IAM Access Analyzer watches external access in the region",
    description="An active IAM Access Analyzer of type ACCOUNT or ORGANIZATION exists in the region.",
    rationale=(
        "Buckets of training data, KMS keys and model endpoints shared outside the account are how "
        "data and models leak. The analyzer finds such grants; it only sees the region it runs in."
    ),
    remediation="Create an analyzer in every region: `aws accessanalyzer create-analyzer --analyzer-name "
    "external-access --type ACCOUNT` (ORGANIZATION from the delegated administrator).",
    severity="high",
    maps=["LLM02:2025", "LLM06", "LLM10", "IAM.28", "AML.M0005", "AML.T0035", "AML.T0036", "MANAGE 4.1"],
)
def external_access_analyzer_active(ctx: CheckContext) -> None:
    with ctx.account_resource():
        found = [a for a in analyzers(ctx) if a.get("type") in EXTERNAL_ACCESS_TYPES]
        active = [a["name"] for a in found if a.get("status") == "ACTIVE"]
        if active:
            ctx.passed(f"external access analyzer {active[0]} is active", {"analyzers": active})
        elif found:
            ctx.failed("the external access analyzer is not active",
                       {"analyzers": [a["name"] for a in found], "statuses": [a.get("status", "") for a in found]})
        else:
            ctx.failed("no external access analyzer in this region", {"analyzers": []})


UNUSED_ACCESS_TYPES = frozenset({"ACCOUNT_UNUSED_ACCESS", "ORGANIZATION_UNUSED_ACCESS"})
# The resource types through which data, keys, tools and models of an AI workload are
# shared. Every ACTIVE finding on them counts: posture cannot tell an AI bucket from
# another one without the data-plane discovery of checks/s3.py, and an account that runs
# AI workloads should not share any of these types outside its zone of trust unknowingly.
AI_RESOURCE_TYPES = ("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::IAM::Role", "AWS::Lambda::Function")


@check(
    id="accessanalyzer.unused_access_analyzer_active",
    title="IAM Access Analyzer reports unused access",
    description="An active unused-access analyzer (ACCOUNT_UNUSED_ACCESS or ORGANIZATION_UNUSED_ACCESS) exists in "
    "at least one scanned region; IAM is global, so one analyzer covers the account's roles and users.",
    rationale=(
        "Agents, tools and pipelines run under roles that collect permissions nobody uses. Unused "
        "permissions are the excess agency a hijacked agent or a leaked key turns into damage; the "
        "analyzer lists them so they can be removed."
    ),
    remediation="`aws accessanalyzer create-analyzer --analyzer-name unused-access --type ACCOUNT_UNUSED_ACCESS "
    "--configuration '{\"unusedAccess\":{\"unusedAccessAge\":90}}'` (ORGANIZATION_UNUSED_ACCESS from the "
    "delegated administrator), then act on its findings.",
    scope="global",
    severity="medium",
    maps=["LLM06:2025", "LLM08", "AML.M0026", "AML.T0012", "MANAGE 4.1"],
)
def unused_access_analyzer_active(ctx: CheckContext) -> None:
    with ctx.account_resource():
        found: dict[str, str] = {}
        listed, gaps = ctx.each_region("accessanalyzer", "IAM Access Analyzer analyzers", analyzers)
        for region, answer in sorted(listed.items()):
            for a in answer:
                if a.get("type") in UNUSED_ACCESS_TYPES:
                    found[f"{region}/{a['name']}"] = str(a.get("status", ""))
        active = sorted(name for name, status in found.items() if status == "ACTIVE")
        if active:
            ctx.passed(f"unused access analyzer {active[0]} is active", {"analyzers": active})
        elif gaps:  # the unread region may hold the analyzer
            ctx.error("no unused access analyzer is active in the regions read, and "
                      + "; ".join(g.message for g in gaps), {"analyzers": sorted(found)})
        elif found:
            ctx.failed("the unused access analyzer is not active",
                       {"analyzers": sorted(found), "statuses": [found[n] for n in sorted(found)]})
        else:
            ctx.failed("no unused access analyzer in any scanned region", {"analyzers": []})


@check(
    id="accessanalyzer.no_external_access_to_ai_resources",
    title="No unreviewed external access to buckets, keys, roles or functions",
    description="The region's active external access analyzers have no ACTIVE finding on S3 buckets, KMS keys, "
    "IAM roles or Lambda functions (all resources of these types, not only those of AI workloads; "
    "archive findings for intended sharing).",
    rationale=(
        "These are the types through which training data, RAG sources, model artifacts, their encryption "
        "keys and agent tools reach another account or the public. An ACTIVE finding is a grant nobody "
        "has reviewed: a path for data disclosure or model theft."
    ),
    remediation="Review each ACTIVE finding in the IAM Access Analyzer console: remove the grant from the "
    "resource policy, or archive the finding (or add an archive rule) when the sharing is intended.",
    resource_type="Other",
    severity="high",
    boundaries=["organizational", "data"],
    maps=["DE.CM-09", "LLM02:2025", "LLM06", "LLM10", "AML.M0005", "AML.T0035", "AML.T0036", "AML.T0044", "A.7.2",
        "Art. 15"],
    reads=[accessanalyzer.LIST_FINDINGS],
)
def no_external_access_to_ai_resources(ctx: CheckContext) -> None:
    external = [a for a in analyzers(ctx) if a.get("type") in EXTERNAL_ACCESS_TYPES and a.get("status") == "ACTIVE"]
    if not external:
        with ctx.account_resource():
            ctx.failed("no active external access analyzer in this region, so external access is not analysed")
        return
    types = list(AI_RESOURCE_TYPES)
    ahead(ctx, lambda analyzer: active_findings(ctx, analyzer["arn"], types), external)
    for analyzer in external:
        with ctx.resource(analyzer["name"], arn=analyzer["arn"]):
            findings = active_findings(ctx, analyzer["arn"], types)
            resources = sorted({str(f.get("resource", "")) for f in findings})
            types = sorted({str(f.get("resourceType", "")) for f in findings})
            if findings:
                ctx.failed(f"{len(findings)} active external access finding(s) on {len(resources)} resource(s)",
                           {"resources": resources[:20], "resource_types": types, "findings": len(findings)})
            else:
                ctx.passed("no active external access finding on buckets, keys, roles or functions",
                           {"resource_types": list(AI_RESOURCE_TYPES)})
