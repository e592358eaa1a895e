"""AWS KMS: the keys that encrypt training data, model artifacts and logs."""

from __future__ import annotations

from typing import Any

from posture.context import CheckContext
from posture.registry import check


def keys(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("kms", "list_keys").get("Keys", []))


def key_metadata(ctx: CheckContext, key_id: str) -> dict[str, Any]:
    return dict(ctx.call("kms", "describe_key", KeyId=key_id)["KeyMetadata"])


def is_customer_managed(ctx: CheckContext, key_id: str) -> bool:
    """Whether a key id, ARN or alias names a customer managed key (read through describe_key).

    A key ARN is read in its own region: KMS answers only for keys of the region asked."""
    parts = key_id.split(":")
    if key_id.startswith("arn:") and len(parts) > 3 and parts[3] != ctx.region and parts[3] in ctx.regions:
        ctx = ctx.in_region(parts[3])
    return bool(key_metadata(ctx, key_id).get("KeyManager") == "CUSTOMER")


def rotation_enabled(ctx: CheckContext, key_id: str) -> bool:
    return bool(ctx.call("kms", "get_key_rotation_status", KeyId=key_id)["KeyRotationEnabled"])


@check(
    id="kms.cmk_rotation_enabled",
    title="Customer managed KMS keys rotate automatically",
    description="Every enabled symmetric customer managed KMS key has automatic key rotation turned on.",
    rationale=(
        "Customer managed keys encrypt training data, RAG sources, model artifacts and invocation logs. "
        "Rotation limits how much of that data one compromised key version exposes."
    ),
    remediation="Enable rotation: `aws kms enable-key-rotation --key-id <key-id>` (optionally with "
    "--rotation-period-in-days).",
    service="kms",
    scope="regional",
    resource_type="AwsKmsKey",
    severity="medium",
    boundaries=["data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM06", "LLM10", "LLM02:2025"],
    securityhub_controls=["KMS.4"],
    permissions=["kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus"],
)
def cmk_rotation_enabled(ctx: CheckContext) -> None:
    for key in keys(ctx):
        with ctx.resource(key["KeyId"], arn=key.get("KeyArn")):
            meta = key_metadata(ctx, key["KeyId"])
            applies = (
                meta.get("KeyManager") == "CUSTOMER"
                and meta.get("KeyState") == "Enabled"
                and meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
                and meta.get("Origin", "AWS_KMS") == "AWS_KMS"
            )
            if not applies:
                ctx.skip()  # AWS managed, disabled, asymmetric or imported: rotation does not apply
            elif rotation_enabled(ctx, key["KeyId"]):
                ctx.passed("automatic rotation is enabled")
            else:
                ctx.failed("automatic rotation is disabled", {"rotation_enabled": False})
