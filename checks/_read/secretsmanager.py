"""AWS Secrets Manager reads: the metadata of the region's secrets (ListSecrets). Secret values are never read."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

SECRETSMANAGER = Service("secretsmanager")
LIST_SECRETS = SECRETSMANAGER.read("ListSecrets", path="SecretList", paginate=True)
RESOURCE_POLICY = SECRETSMANAGER.read("GetResourcePolicy", param="SecretId")
SECRET = Kind("secret", list=LIST_SECRETS, id="Name", arn="ARN")


def secrets(ctx: CheckContext) -> list[dict[str, Any]]:
    return SECRET.all(ctx)


def resource_policy(ctx: CheckContext, secret_id: str) -> Any | None:
    """The secret's resource policy; None when it has none (AWS then answers with the secret's ARN and name only:
    an answer without them says nothing, and is the read's failure)."""
    answer = RESOURCE_POLICY(ctx, secret_id)
    if "ResourcePolicy" in answer:
        return answer["ResourcePolicy"] or None
    if "ARN" not in answer and "Name" not in answer:
        raise KeyError("ResourcePolicy")
    return None
