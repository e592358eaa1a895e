"""Amazon GuardDuty: threat detection over the data and compute of AI workloads."""

from __future__ import annotations

from typing import Any

from posture.api import AwsReadError, CheckContext, Family
from posture.checks import _scope
from posture.checks._read import ec2, guardduty, s3

check = Family(
    service="guardduty",
    scope="regional",
    resource_type="AwsGuardDutyDetector",
    boundaries=["data"],
    service_docs="https://docs.aws.amazon.com/guardduty/latest/ug/security.html",
    maps=["DE.CM-09", "MEASURE 2.7", "A.6.2.6"],
)


NOT_OFFERED = "NOT_OFFERED"


def feature_status(detector: dict[str, Any], feature: str) -> str:
    """ENABLED, DISABLED, or NOT_OFFERED: GuardDuty lists every feature a region offers, on or off,
    so one missing from the answer does not exist there (not "disabled", which a user could change)."""
    for item in detector.get("Features", []):
        if item.get("Name") == feature:
            return str(item.get("Status", "DISABLED"))
    return NOT_OFFERED


def _detector_arn(ctx: CheckContext, detector_id: str) -> str:
    return ctx.arn("guardduty", f"detector/{detector_id}")


@check(
    id="guardduty.detector_enabled",
    title="GuardDuty is enabled in the region",
    description="The region has a GuardDuty detector whose status is ENABLED.",
    rationale=(
        "GuardDuty is the detective layer under every boundary: credential misuse of AI roles, "
        "exfiltration from data buckets, crypto-mining on training instances."
    ),
    remediation="Enable GuardDuty in every region (`aws guardduty create-detector --enable`), "
    "ideally organization-wide from a delegated administrator.",
    resource_type="AwsAccount",
    severity="high",
    boundaries=["data", "organizational"],
    maps=["DE.CM-01", "LLM03", "LLM04:2025", "LLM10", "GuardDuty.1", "AML.T0012", "AML.T0025", "AML.T0034",
        "MANAGE 4.1", "MEASURE 3.1"],
    reads=[guardduty.DETECTOR],
)
def detector_enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        found = guardduty.detectors(ctx)
        enabled = [d["DetectorId"] for d in found if d.get("Status") == "ENABLED"]
        if enabled:
            ctx.passed(f"detector {enabled[0]} is enabled", {"detector_id": enabled[0]})
        elif found:
            ctx.failed("the GuardDuty detector is suspended", {"detector_id": found[0]["DetectorId"]})
        else:
            ctx.failed("GuardDuty is not enabled in this region")


@check(
    id="guardduty.s3_protection_enabled",
    title="GuardDuty S3 Protection watches data buckets",
    description="The region's enabled GuardDuty detector has the S3_DATA_EVENTS feature (S3 Protection) enabled.",
    rationale=(
        "Training data and RAG sources live in S3. S3 Protection analyses data-plane events to catch "
        "exfiltration and tampering (data poisoning) that management-plane logging misses."
    ),
    remediation="Enable the S3_DATA_EVENTS feature: `aws guardduty update-detector --detector-id <id> "
    "--features Name=S3_DATA_EVENTS,Status=ENABLED`.",
    severity="high",
    maps=["LLM02:2025", "LLM03", "LLM04:2025", "LLM06", "GuardDuty.10", "AML.T0012", "AML.T0020", "AML.T0025",
        "AML.T0036", "MANAGE 4.1"],
    reads=[guardduty.DETECTOR],
)
def s3_protection_enabled(ctx: CheckContext) -> None:
    judge_feature(ctx, "S3_DATA_EVENTS", "S3 Protection")


def judge_feature(ctx: CheckContext, feature: str, label: str) -> None:
    """PASS per enabled detector with `feature` on; no detector at all is one account-level FAIL."""
    found = guardduty.detectors(ctx)
    if not found:
        with ctx.account_resource():
            ctx.failed(f"GuardDuty is not enabled in this region, so {label} is off")
        return
    for detector in found:
        with ctx.resource(detector["DetectorId"], arn=_detector_arn(ctx, detector["DetectorId"])):
            status = feature_status(detector, feature)
            if status == NOT_OFFERED:
                ctx.error(f"not assessed: {label} ({feature}) is not offered in this region (GuardDuty's answer "
                          "lists no such feature)",
                          {feature.lower(): status, "detector_status": detector.get("Status")})
            elif detector.get("Status") == "ENABLED" and status == "ENABLED":
                ctx.passed(f"{label} is enabled")
            else:
                ctx.failed(f"{label} is {status.lower()} (detector {detector.get('Status', '?').lower()})",
                           {feature.lower(): status, "detector_status": detector.get("Status")})


@check(
    id="guardduty.malware_protection_enabled",
    title="GuardDuty Malware Protection scans EC2 volumes",
    description="The region's enabled GuardDuty detector has the EBS_MALWARE_PROTECTION feature (Malware "
    "Protection for EC2) enabled.",
    rationale=(
        "Training and inference instances hold model weights and training data. Malware Protection scans "
        "their EBS volumes when GuardDuty sees suspicious behaviour, finding the tool that steals a model "
        "or tampers with a dataset."
    ),
    remediation="`aws guardduty update-detector --detector-id <id> --features "
    "Name=EBS_MALWARE_PROTECTION,Status=ENABLED`.",
    severity="medium",
    boundaries=["data", "model"],
    maps=["LLM03:2025", "LLM04:2025", "LLM05", "LLM10", "GuardDuty.8", "AML.T0011.000", "AML.T0011.001",
        "AML.T0018.002", "MANAGE 4.1"],
    reads=[guardduty.DETECTOR],
)
def malware_protection_enabled(ctx: CheckContext) -> None:
    judge_feature(ctx, "EBS_MALWARE_PROTECTION", "Malware Protection for EC2")


@check(
    id="guardduty.rds_protection_enabled",
    title="GuardDuty RDS Protection watches database logins",
    description="The region's enabled GuardDuty detector has the RDS_LOGIN_EVENTS feature (RDS Protection) "
    "enabled.",
    rationale=(
        "Aurora PostgreSQL with pgvector is a common vector store for RAG. RDS Protection flags anomalous "
        "logins to it: the first step to reading or poisoning the embeddings an assistant retrieves."
    ),
    remediation="`aws guardduty update-detector --detector-id <id> --features Name=RDS_LOGIN_EVENTS,Status=ENABLED`.",
    severity="medium",
    maps=["LLM03", "LLM04:2025", "LLM06", "LLM08:2025", "GuardDuty.9", "AML.T0012", "AML.T0036", "AML.T0085.000",
        "MANAGE 4.1"],
    reads=[guardduty.DETECTOR],
)
def rds_protection_enabled(ctx: CheckContext) -> None:
    judge_feature(ctx, "RDS_LOGIN_EVENTS", "RDS Protection")


@check(
    id="guardduty.eks_protection_enabled",
    title="GuardDuty EKS Protection reads Kubernetes audit logs",
    description="The region's enabled GuardDuty detector has the EKS_AUDIT_LOGS feature (EKS Audit Log "
    "Monitoring) enabled.",
    rationale=(
        "Self-hosted models and vector databases often run on EKS. Audit-log monitoring catches the "
        "credential misuse and privilege escalation that lead to stolen models and tampered data."
    ),
    remediation="`aws guardduty update-detector --detector-id <id> --features Name=EKS_AUDIT_LOGS,Status=ENABLED`.",
    severity="medium",
    boundaries=["data", "model"],
    maps=["LLM03:2025", "LLM04:2025", "LLM05", "LLM10", "GuardDuty.5", "AML.T0012", "AML.T0105", "MANAGE 4.1"],
    reads=[guardduty.DETECTOR],
)
def eks_protection_enabled(ctx: CheckContext) -> None:
    judge_feature(ctx, "EKS_AUDIT_LOGS", "EKS Audit Log Monitoring")


@check(
    id="guardduty.lambda_protection_enabled",
    title="GuardDuty Lambda Protection watches function traffic",
    description="The region's enabled GuardDuty detector has the LAMBDA_NETWORK_LOGS feature (Lambda "
    "Protection) enabled.",
    rationale=(
        "Agent tools and RAG ingestion run as Lambda functions with access to data stores. Lambda Protection "
        "flags a function talking to mining pools or exfiltration hosts, for example after a prompt "
        "injection made an agent misuse its tool."
    ),
    remediation="`aws guardduty update-detector --detector-id <id> --features "
    "Name=LAMBDA_NETWORK_LOGS,Status=ENABLED`.",
    severity="medium",
    boundaries=["data", "application"],
    maps=["LLM02:2025", "LLM06:2025", "LLM07", "LLM08", "GuardDuty.6", "AML.T0025", "AML.T0072", "AML.T0086",
        "MANAGE 4.1"],
    reads=[guardduty.DETECTOR],
)
def lambda_protection_enabled(ctx: CheckContext) -> None:
    judge_feature(ctx, "LAMBDA_NETWORK_LOGS", "Lambda Protection")


# -- Runtime Monitoring where AI workloads run -------------------------------------------------------
EKS_AGENT = "EKS_ADDON_MANAGEMENT"
EC2_AGENT = "EC2_AGENT_MANAGEMENT"


def feature(detector: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((f for f in detector.get("Features", []) if f.get("Name") == name), None)


def judge_runtime_monitoring(detector: dict[str, Any], needs: dict[str, list[str]]
                             ) -> tuple[str, str, dict[str, Any]]:
    """(PASS | FAIL | ERROR, why, evidence) for a detector, given the agent-management configurations the
    region's AI workloads need (EKS_ADDON_MANAGEMENT for EKS clusters, EC2_AGENT_MANAGEMENT for instances)
    and the workloads that need each."""
    evidence: dict[str, Any] = {"detector_status": detector.get("Status"),
                                "needed_agents": sorted(needs), "workloads": sorted(w for ws in needs.values()
                                                                                     for w in ws)[:20]}
    runtime = feature(detector, "RUNTIME_MONITORING")
    legacy = feature(detector, "EKS_RUNTIME_MONITORING")
    if runtime is None and legacy is None:
        return "ERROR", "not assessed: GuardDuty lists no RUNTIME_MONITORING feature in this region", evidence
    if detector.get("Status") != "ENABLED":
        return "FAIL", "the GuardDuty detector is suspended", evidence
    on: set[str] = set()
    for item in (runtime, legacy):
        if item and item.get("Status") == "ENABLED":
            configs = {c.get("Name"): c.get("Status") for c in item.get("AdditionalConfiguration") or []}
            allowed = (EKS_AGENT,) if item is legacy else tuple(configs)  # the legacy feature covers EKS only
            on |= {name for name in allowed if configs.get(name) == "ENABLED"}
    evidence["agents_managed"] = sorted(on)
    if not any(item and item.get("Status") == "ENABLED" for item in (runtime, legacy)):
        return "FAIL", f"Runtime Monitoring is off where {evidence['workloads'][0]} runs", evidence
    missing = sorted(set(needs) - on)
    if missing:
        return "FAIL", (f"Runtime Monitoring is on, but GuardDuty does not manage its agent for "
                        f"{', '.join(missing)} (needed by {needs[missing[0]][0]}); an agent deployed by hand "
                        "is not visible here: mute the finding with that reason if so"), evidence
    return "PASS", "Runtime Monitoring covers the AI workloads with a managed agent", evidence


def ai_runtime_needs(ctx: CheckContext) -> dict[str, list[str]]:
    """Agent-management configuration -> the AI workloads of the region that need it: EKS clusters that
    run AI workloads, and EC2 instances in AI VPCs. AgentCore runtimes and SageMaker's own instances are
    AWS-managed and out of Runtime Monitoring's reach; ECS is not judged. Scope gaps are reported."""
    gaps: list[_scope.Gap] = []
    needs: dict[str, list[str]] = {}

    def gap(key: str, what: str, service: str, exc: AwsReadError) -> None:
        gaps.append(_scope.Gap(key, f"AI workloads from {what}", (service,), ctx.region, exc.reason))

    try:
        clusters = _scope.ai_eks_clusters(ctx)
        gaps += clusters.gaps
        for detail, _why in clusters.found:
            needs.setdefault(EKS_AGENT, []).append(f"eks:{detail.get('name')}")
    except AwsReadError as exc:
        gap("eks-clusters", "EKS clusters", "eks", exc)
    try:
        vpcs = _scope.ai_vpcs(ctx)
        gaps += vpcs.gaps
        for instance in ec2.instances_in(ctx, list(vpcs.found)):
            needs.setdefault(EC2_AGENT, []).append(f"ec2:{instance['InstanceId']}")
    except AwsReadError as exc:
        gap("ec2-instances", "EC2 instances in AI VPCs", "ec2", exc)
    _scope.report_gaps(ctx, list(dict.fromkeys(gaps)))
    return needs


@check(
    id="guardduty.runtime_monitoring_ai_workloads",
    title="GuardDuty Runtime Monitoring covers the region's AI workloads",
    description=(
        "Where AI workloads run on EKS (clusters tagged posture:ai-workload, orchestrating SageMaker HyperPod "
        "or in an AI VPC) or on EC2 instances in an AI VPC, the region's GuardDuty detector has Runtime "
        "Monitoring enabled with the GuardDuty-managed agent for EKS (EKS_ADDON_MANAGEMENT) and EC2 "
        "(EC2_AGENT_MANAGEMENT) as needed. A region without such workloads gives no finding."
    ),
    rationale=(
        "Self-hosted model servers and training jobs hold model weights, datasets and cloud credentials on "
        "the node. Runtime Monitoring sees what audit logs cannot: a reverse shell in a model pod, a "
        "crypto-miner on a GPU node, a process reading credentials or weights to exfiltrate them."
    ),
    remediation="`aws guardduty update-detector --detector-id <id> --features "
    "'[{\"Name\":\"RUNTIME_MONITORING\",\"Status\":\"ENABLED\",\"AdditionalConfiguration\":"
    "[{\"Name\":\"EKS_ADDON_MANAGEMENT\",\"Status\":\"ENABLED\"},"
    "{\"Name\":\"EC2_AGENT_MANAGEMENT\",\"Status\":\"ENABLED\"}]}]'`.",
    severity="high",
    boundaries=["model", "application"],
    maps=["DE.CM-01", "LLM03:2025", "LLM05", "LLM10", "LLM10:2025", "GuardDuty.11", "GuardDuty.13", "GuardDuty.7",
        "AML.M0024", "AML.T0025", "AML.T0048.004", "AML.T0072", "AML.T0105", "MANAGE 4.1", "Art. 15"],
    reads=[guardduty.DETECTOR, _scope.AI_EKS_CLUSTER_READS, ec2.DESCRIBE_INSTANCES],
    docs_url="https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring.html",
)
def runtime_monitoring_ai_workloads(ctx: CheckContext) -> None:
    needs = ai_runtime_needs(ctx)
    if not needs:
        return  # no AI workload GuardDuty's agent could watch runs here
    found = guardduty.detectors(ctx)
    if not found:
        with ctx.account_resource():
            ctx.failed("GuardDuty is not enabled in this region, where AI workloads run",
                       {"needed_agents": sorted(needs)})
        return
    for detector in found:
        with ctx.resource(detector["DetectorId"], arn=_detector_arn(ctx, detector["DetectorId"])):
            status, why, evidence = judge_runtime_monitoring(detector, needs)
            {"PASS": ctx.passed, "FAIL": ctx.failed, "ERROR": ctx.error}[status](why, evidence)


# -- Malware Protection for S3 on AI buckets --------------------------------------------------------
def judge_bucket_plans(bucket: str, plans: list[dict[str, Any]]) -> tuple[bool, str, dict[str, Any]]:
    """(protected, why, evidence): an ACTIVE plan that scans the whole bucket protects it."""
    mine = [p for p in plans if ((p.get("ProtectedResource") or {}).get("S3Bucket") or {}).get("BucketName") == bucket]
    if not mine:
        return False, "no Malware Protection for S3 plan covers the bucket", {}
    whole = [p for p in mine if not p["ProtectedResource"]["S3Bucket"].get("ObjectPrefixes")]
    active = [p for p in whole if p.get("Status") == "ACTIVE"]
    evidence: dict[str, Any] = {"plans": [p["MalwareProtectionPlanId"] for p in mine][:20],
                                "plan_status": sorted({str(p.get("Status")) for p in mine})}
    if active:
        return True, f"plan {active[0]['MalwareProtectionPlanId']} scans every new object", evidence
    if whole:
        reasons = sorted({str(r.get("Code")) for p in whole for r in p.get("StatusReasons") or []})
        return False, f"the bucket's plan is {whole[0].get('Status')}, not ACTIVE", {**evidence, "reasons": reasons}
    prefixes = sorted({x for p in mine for x in p["ProtectedResource"]["S3Bucket"]["ObjectPrefixes"]})
    return (False, "the plan scans only objects under some prefixes; objects written elsewhere are not scanned",
            {**evidence, "object_prefixes": prefixes[:20]})


@check(
    id="guardduty.malware_protection_s3_ai_buckets",
    title="GuardDuty Malware Protection for S3 scans AI data buckets",
    description=(
        "Every bucket that holds training data, RAG sources, model artifacts or invocation logs is protected "
        "by an ACTIVE GuardDuty Malware Protection for S3 plan that scans the whole bucket (no object-prefix "
        "limit)."
    ),
    rationale=(
        "Documents uploaded for RAG ingestion and artifacts dropped for training or deployment are the way "
        "in for poisoned or malicious files (pickled models that run code when loaded, documents carrying "
        "payloads). Scanning every new object catches known malware before a pipeline consumes it."
    ),
    remediation="`aws guardduty create-malware-protection-plan --role <arn> --protected-resource "
    "'{\"S3Bucket\":{\"BucketName\":\"<bucket>\"}}' --actions '{\"Tagging\":{\"Status\":\"ENABLED\"}}'` "
    "in the bucket's region (the role needs the S3 and EventBridge permissions the guide lists).",
    scope="global",
    resource_type="AwsS3Bucket",
    severity="medium",
    maps=["PR.DS-01", "LLM03", "LLM03:2025", "LLM04:2025", "LLM05", "AML.M0016", "AML.T0010.003", "AML.T0011.000",
        "AML.T0018.002", "AML.T0020", "MANAGE 2.4", "A.7.4", "Art. 10", "Art. 15"],
    reads=[_scope.AI_BUCKET_READS, guardduty.MALWARE_PLAN],
    docs_url="https://docs.aws.amazon.com/guardduty/latest/ug/gdu-malware-protection-s3.html",
)
def malware_protection_s3_ai_buckets(ctx: CheckContext) -> None:
    for bucket in _scope.judged(ctx, _scope.ai_buckets(ctx)):
        region = s3.bucket_region(ctx, bucket.name)
        with ctx.resource(bucket.name, arn=bucket.arn, region=region):
            evidence: dict[str, Any] = {"ai_data_because": bucket.why}
            if region not in ctx.regions:
                ctx.error(f"the bucket is in {region}, which this scan does not cover", evidence)
                continue
            if not ctx.offers("guardduty", region):
                ctx.error(f"GuardDuty is not offered in {region}", evidence)
                continue
            plans = guardduty.malware_protection_plans(ctx.in_region(region))
            protected, why, found = judge_bucket_plans(bucket.name, plans)
            if protected:
                ctx.passed(why, {**evidence, **found})
            else:
                ctx.failed(why, {**evidence, **found})
