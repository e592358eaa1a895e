"""AWS Secrets Manager reads: the metadata of the region's secrets (ListSecrets). Secret values are never read."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

SECRETSMANAGER = Service("secretsmanager")
LIST_SECRETS = SECRETSMANAGER.read("ListSecrets", path="SecretList", paginate=True)
# A secret without a policy answers without ResourcePolicy: None.
RESOURCE_POLICY = SECRETSMANAGER.read("GetResourcePolicy", path="ResourcePolicy", param="SecretId", default=None)
SECRET = Kind("secret", list=LIST_SECRETS, id="Name", arn="ARN")


def secrets(ctx: CheckContext) -> list[dict[str, Any]]:
    return SECRET.all(ctx)
