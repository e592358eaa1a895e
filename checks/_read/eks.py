"""Amazon EKS reads: the region's clusters in full, and the EKS clusters SageMaker HyperPod clusters run on."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Reads, Service

EKS = Service("eks")
LIST_CLUSTERS = EKS.read("ListClusters", path="clusters", paginate=True)
DESCRIBE_CLUSTER = EKS.read("DescribeCluster", path="cluster", param="name")
CLUSTER = Kind("cluster", list=LIST_CLUSTERS, id="name", details=(DESCRIBE_CLUSTER,))
# SageMaker HyperPod clusters name the EKS cluster that orchestrates them. Declared here until the
# SageMaker read module declares its clusters (then these become its reads).
SAGEMAKER = Service("sagemaker")
LIST_HYPERPOD_CLUSTERS = SAGEMAKER.read("ListClusters", path="ClusterSummaries", paginate=True)
DESCRIBE_HYPERPOD_CLUSTER = SAGEMAKER.read("DescribeCluster", param="ClusterName")
HYPERPOD = Reads(LIST_HYPERPOD_CLUSTERS, DESCRIBE_HYPERPOD_CLUSTER)


def cluster_names(ctx: CheckContext) -> list[str]:
    return [str(name) for name in CLUSTER.all(ctx)]


def cluster(ctx: CheckContext, name: str) -> dict[str, Any]:
    return dict(DESCRIBE_CLUSTER(ctx, name))


def hyperpod_eks_cluster_arns(ctx: CheckContext) -> list[str]:
    """The EKS clusters that this region's SageMaker HyperPod clusters are orchestrated by (the HyperPod
    clusters described side by side)."""
    names = [s["ClusterName"] for s in LIST_HYPERPOD_CLUSTERS(ctx)]
    details = ctx.fan_out(lambda name: DESCRIBE_HYPERPOD_CLUSTER(ctx, name), names)
    arns = (((d.get("Orchestrator") or {}).get("Eks") or {}).get("ClusterArn") for d in details)
    return [str(arn) for arn in arns if arn]
