"""AWS KMS: the keys that encrypt training data, model artifacts and logs."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Family
from posture.checks import _exposure, _scope
from posture.checks._read import kms
from posture.checks._read.kms import customer_keys

check = Family(
    service="kms",
    scope="regional",
    resource_type="AwsKmsKey",
    boundaries=["data"],
    service_docs="https://docs.aws.amazon.com/kms/latest/developerguide/kms-security.html",
    maps=["PR.DS-01", "MEASURE 2.7", "A.6.2.6"],
)


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
    severity="medium",
    maps=["LLM02:2025", "LLM06", "LLM10", "KMS.4", "AML.M0012", "AML.T0035"],
    reads=[kms.LIST_KEYS, kms.DESCRIBE_KEY, kms.ROTATION],
)
def cmk_rotation_enabled(ctx: CheckContext) -> None:
    for key, meta in customer_keys(ctx):
        with ctx.resource(key["KeyId"], arn=key.get("KeyArn")):
            applies = (
                meta.get("KeyState") == "Enabled"
                and meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
                and meta.get("Origin", "AWS_KMS") == "AWS_KMS"
            )
            if not applies:
                ctx.skip()  # disabled, asymmetric or imported: rotation does not apply
            elif kms.ROTATION(ctx, key["KeyId"]):
                ctx.passed("automatic rotation is enabled")
            else:
                ctx.failed("automatic rotation is disabled", {"rotation_enabled": False})


def key_access(policy: Any, account_id: str) -> list[_exposure.Outsider]:
    """Who outside the account the key policy lets use the key (`_exposure`, over the key actions)."""
    return _exposure.exposure(policy, _exposure.KMS_ACTIONS, account_id=account_id)


def public_statements(policy: Any, account_id: str = "") -> list[str]:
    """Sids (or positions) of Allow statements that let anyone use the key: Principal "*" (in any form)
    with no condition that names the caller by value (aws:SecureTransport, kms:ViaService alone do not)."""
    return sorted({label for o in key_access(policy, account_id) if o.public for label in o.statements})


@check(
    id="kms.no_key_pending_deletion",
    title="No customer managed KMS key is scheduled for deletion",
    description="No customer managed KMS key in the region is in the PendingDeletion state.",
    rationale=(
        "Once a key is deleted, everything it encrypted — training data, model artifacts, vector stores, "
        "invocation logs — can never be decrypted again. A scheduled deletion is either a mistake or an "
        "attack on the availability of the AI workload's data."
    ),
    remediation="If the key is still needed: `aws kms cancel-key-deletion --key-id <key-id>` then "
    "`aws kms enable-key --key-id <key-id>`.",
    severity="high",
    maps=["PR.DS-11", "RC.RP-03", "LLM04", "LLM10:2025", "KMS.3", "AML.T0029", "AML.T0101", "MANAGE 2.3"],
    reads=[kms.LIST_KEYS, kms.DESCRIBE_KEY],
)
def no_key_pending_deletion(ctx: CheckContext) -> None:
    for key, meta in customer_keys(ctx):
        with ctx.resource(key["KeyId"], arn=key.get("KeyArn")):
            state = str(meta.get("KeyState"))
            if state in ("PendingDeletion", "PendingReplicaDeletion"):
                deletion = meta.get("DeletionDate")
                ctx.failed("the key is scheduled for deletion",
                           {"key_state": state, "deletion_date": str(deletion) if deletion else None})
            else:
                ctx.passed(f"the key is not scheduled for deletion ({state})", {"key_state": state})


@check(
    id="kms.key_policy_not_public",
    title="KMS key policies do not grant access to everyone",
    description="No customer managed KMS key has a key policy statement that allows the principal \"*\" "
    "without a condition that names the caller by value (kms:CallerAccount, aws:PrincipalAccount, "
    "aws:PrincipalOrgID, aws:PrincipalArn, ...); aws:SecureTransport or kms:ViaService alone restrict nobody.",
    rationale=(
        "A key policy open to every AWS principal lets anyone who can reach the ciphertext — a copied "
        "training set, a snapshot of a vector store, exported model weights — decrypt it."
    ),
    remediation="Edit the key policy (`aws kms put-key-policy`) to name specific principals, or restrict "
    "the \"*\" statement with conditions such as aws:PrincipalOrgID or kms:CallerAccount.",
    severity="critical",
    maps=["PR.AA-05", "LLM02:2025", "LLM06", "LLM10", "KMS.5", "AML.M0005", "AML.M0012", "AML.T0035", "AML.T0036"],
    reads=[kms.LIST_KEYS, kms.DESCRIBE_KEY, kms.KEY_POLICY],
)
def key_policy_not_public(ctx: CheckContext) -> None:
    for key, _meta in customer_keys(ctx):
        with ctx.resource(key["KeyId"], arn=key.get("KeyArn")):
            access = key_access(kms.KEY_POLICY(ctx, key["KeyId"]), ctx.account_id)
            public = sorted({label for o in access if o.public for label in o.statements})
            outside = sorted({o.principal for o in access if not o.public})
            if public:
                ctx.failed("the key policy allows every principal: no condition names the caller",
                           {"public_statements": public, "outside_account": outside})
            else:
                ctx.passed("no key policy statement allows every principal", {"outside_account": outside})


@check(
    id="kms.ai_key_outside_access",
    title="No one outside the account or its organization can use a key that protects AI data",
    description="The key policy and the grants (ListGrants) of every customer managed key an AI resource uses "
    "(a guardrail, an agent, a SageMaker notebook or training job, an AI bucket's default encryption) let no one "
    "outside this account and its organization use or manage the key. Judged by the one exposure question "
    "(checks/_exposure.py): a grant is read as the statement it amounts to.",
    rationale=(
        "Whoever may decrypt with the key reads every copy of the data it protects: a copied training set, a "
        "snapshot of a vector store, the agent's session state. A grant to another account is as open as a key "
        "policy statement, and no console page shows it beside the policy."
    ),
    remediation="Remove the outside principals from the key policy (`aws kms put-key-policy`) and retire the "
    "grants to them (`aws kms retire-grant` / `aws kms revoke-grant`); scope what remains with kms:CallerAccount "
    "or aws:PrincipalOrgID.",
    severity="high",
    maps=["PR.AA-05", "LLM02:2025", "LLM06", "KMS.5", "AML.T0035"],
    reads=[kms.LIST_KEYS, kms.DESCRIBE_KEY, _scope.AI_KEY_READS, _exposure.AI_KEY.reads],
)
def ai_key_outside_access(ctx: CheckContext) -> None:
    used = _scope.judged(ctx, _scope.ai_keys(ctx))
    _exposure.judge(ctx, _exposure.AI_KEY, [_exposure.Target(k["KeyId"], k.get("KeyArn"), why, k)
                                           for k, _meta in customer_keys(ctx) if (why := _scope.uses_key(used, k))])
