"""AWS KMS reads: keys, their metadata, rotation and key policy."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

KMS = Service("kms")
LIST_KEYS = KMS.read("ListKeys", path="Keys", paginate=True)
DESCRIBE_KEY = KMS.read("DescribeKey", path="KeyMetadata", param="KeyId")
ROTATION = KMS.read("GetKeyRotationStatus", path="KeyRotationEnabled", param="KeyId")
KEY_POLICY = KMS.read("GetKeyPolicy", path="Policy", param="KeyId", params={"PolicyName": "default"})
# The key's grants (each a grantee principal and the operations it may do).
LIST_GRANTS = KMS.read("ListGrants", path="Grants", param="KeyId", paginate=True)
KEY = Kind("key", list=LIST_KEYS, id="KeyId", arn="KeyArn", details=(DESCRIBE_KEY, ROTATION), policy=KEY_POLICY)


def key_metadata(ctx: CheckContext, key_id: str) -> dict[str, Any]:
    """DescribeKey of a key id, ARN or alias; a key ARN is read in its own region (KMS answers only
    for keys of the region asked), when that region is scanned."""
    parts = key_id.split(":")
    if key_id.startswith("arn:") and len(parts) > 3 and parts[3] != ctx.region and parts[3] in ctx.regions:
        ctx = ctx.in_region(parts[3])
    return dict(DESCRIBE_KEY(ctx, key_id))


def is_customer_managed(ctx: CheckContext, key_id: str) -> bool:
    """Whether a key id, ARN or alias names a customer managed key."""
    return bool(key_metadata(ctx, key_id).get("KeyManager") == "CUSTOMER")


def customer_keys(ctx: CheckContext) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(list entry, metadata) of each customer managed key in the region; the keys are described side
    by side."""
    keys = KEY.all(ctx)
    metadata = ctx.fan_out(lambda key: key_metadata(ctx, key["KeyId"]), keys)
    return [(key, meta) for key, meta in zip(keys, metadata, strict=True) if meta.get("KeyManager") == "CUSTOMER"]
