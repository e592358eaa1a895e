"""Amazon ECR reads: the repositories of the region and the registry's scanning configuration."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

ECR = Service("ecr")
REPOSITORY = Kind("repository", list=ECR.read("DescribeRepositories", path="repositories", paginate=True),
                  id="repositoryName", arn="repositoryArn")
# A repository with no policy: RepositoryPolicyNotFoundException, answered as None.
REPOSITORY_POLICY = ECR.read("GetRepositoryPolicy", path="policyText", param="repositoryName",
                            absent={"RepositoryPolicyNotFoundException"}, default=None)
REGISTRY_SCANNING = ECR.read("GetRegistryScanningConfiguration")


def repositories(ctx: CheckContext) -> list[dict[str, Any]]:
    return REPOSITORY.all(ctx)


def registry_scanning(ctx: CheckContext) -> dict[str, Any]:
    """The registry's scanning configuration (its rules; empty when the answer holds none)."""
    return dict(REGISTRY_SCANNING(ctx).get("scanningConfiguration") or {})
