"""Amazon RDS reads: an Aurora cluster (a knowledge base's vector store) and its instances."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Service

RDS = Service("rds")
DESCRIBE_DB_CLUSTERS = RDS.read("DescribeDBClusters", path="DBClusters", param="DBClusterIdentifier")
DESCRIBE_DB_INSTANCES = RDS.read("DescribeDBInstances", path="DBInstances", param="DBInstanceIdentifier")


def db_cluster(ctx: CheckContext, cluster_arn: str) -> dict[str, Any]:
    return dict(DESCRIBE_DB_CLUSTERS(ctx, cluster_arn)[0])


def db_instances(ctx: CheckContext, cluster: dict[str, Any]) -> list[dict[str, Any]]:
    """The cluster's member instances, read side by side (they carry PubliclyAccessible)."""
    return ctx.fan_out(lambda m: dict(DESCRIBE_DB_INSTANCES(ctx, m["DBInstanceIdentifier"])[0]),
                       cluster.get("DBClusterMembers") or [])
