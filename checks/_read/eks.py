"""Amazon EKS reads: the region's clusters in full (the EKS clusters SageMaker HyperPod clusters are orchestrated
by are read in `_read/sagemaker.py`)."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

EKS = Service("eks")
LIST_CLUSTERS = EKS.read("ListClusters", path="clusters", paginate=True)
DESCRIBE_CLUSTER = EKS.read("DescribeCluster", path="cluster", param="name")
CLUSTER = Kind("cluster", list=LIST_CLUSTERS, id="name", details=(DESCRIBE_CLUSTER,))


def cluster_names(ctx: CheckContext) -> list[str]:
    return [str(name) for name in CLUSTER.all(ctx)]


def cluster(ctx: CheckContext, name: str) -> dict[str, Any]:
    return dict(DESCRIBE_CLUSTER(ctx, name))

