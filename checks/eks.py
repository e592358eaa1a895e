"""Amazon EKS: the Kubernetes clusters that run self-hosted models, training and agent workloads.

Which clusters run AI workloads is decided in `checks._scope.ai_eks_clusters`: tagged
`posture:ai-workload`, the orchestrator of a SageMaker HyperPod cluster, or running in an AI VPC.
"""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Family
from posture.checks import _scope

check = Family(
    service="eks",
    scope="regional",
    resource_type="AwsEksCluster",
    boundaries=["application", "model"],
    maps=["DE.CM-01", "PR.PS-04", "LLM03:2025", "LLM05", "LLM10", "LLM10:2025", "AML.M0024", "AML.T0018", "AML.T0044",
        "AML.T0048.004", "MANAGE 4.1", "MEASURE 2.7", "A.6.2.6", "A.6.2.8", "Art. 12", "Art. 15"],
)

# Control-plane log types an investigation of a cluster needs: who called the API server, and as whom.
REQUIRED_LOG_TYPES = ("audit", "authenticator")


def enabled_log_types(detail: dict[str, Any]) -> list[str]:
    """The control-plane log types the cluster sends to CloudWatch Logs."""
    found: set[str] = set()
    for setup in (detail.get("logging") or {}).get("clusterLogging") or []:
        if setup.get("enabled"):
            found.update(str(t) for t in setup.get("types") or [])
    return sorted(found)


def missing_log_types(detail: dict[str, Any], required: tuple[str, ...] = REQUIRED_LOG_TYPES) -> list[str]:
    enabled = set(enabled_log_types(detail))
    return [t for t in required if t not in enabled]


@check(
    id="eks.control_plane_audit_logs",
    title="EKS clusters running AI workloads log audit and authenticator events",
    description=(
        "Every EKS cluster that runs AI workloads (tagged posture:ai-workload, orchestrating a SageMaker "
        "HyperPod cluster, or in a VPC that runs AI workloads) sends the `audit` and `authenticator` "
        "control-plane logs to CloudWatch Logs."
    ),
    rationale=(
        "Self-hosted models, fine-tuning jobs and agent runtimes on EKS hold model weights, training data and "
        "service-account credentials. The audit log is the only record of who read a secret, exec'd into a "
        "model pod or changed a deployment; the authenticator log ties that to an IAM principal."
    ),
    remediation="`aws eks update-cluster-config --name <cluster> --logging "
    "'{\"clusterLogging\":[{\"types\":[\"audit\",\"authenticator\"],\"enabled\":true}]}'`.",
    severity="medium",
    reads=[_scope.AI_EKS_CLUSTER_READS],
    docs_url="https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html",
)
def control_plane_audit_logs(ctx: CheckContext) -> None:
    for detail, why in _scope.judged(ctx, _scope.ai_eks_clusters(ctx)):
        name = str(detail.get("name"))
        with ctx.resource(name, arn=detail.get("arn") or ctx.arn("eks", f"cluster/{name}")):
            missing = missing_log_types(detail)
            evidence: dict[str, Any] = {"enabled_log_types": enabled_log_types(detail), "ai_workload_because": why}
            if missing:
                ctx.failed(f"control-plane log types not enabled: {', '.join(missing)}",
                           {**evidence, "missing_log_types": missing})
            else:
                ctx.passed("audit and authenticator control-plane logs are enabled", evidence)
