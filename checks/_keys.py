"""Shared judging of encryption keys: is what protects an AI resource a customer managed key?"""

from __future__ import annotations

from collections.abc import Mapping

from posture.api import CheckContext, EvidenceValue, Reads
from posture.checks._read import kms

CMK_READS = Reads(kms.DESCRIBE_KEY)  # what judge_cmk reads


def judge_cmk(ctx: CheckContext, key: str | None, what: str,
              evidence: Mapping[str, EvidenceValue] | None = None) -> None:
    """PASS when `key` names a customer managed KMS key, else FAIL (absent: an AWS owned key)."""
    facts = {**(evidence or {}), "kms_key": key}
    if not key:
        ctx.failed(f"{what} uses an AWS owned key, not a customer managed key", facts)
    elif kms.is_customer_managed(ctx, key):
        ctx.passed(f"{what} is encrypted with a customer managed key", facts)
    else:
        ctx.failed(f"the key of {what} is AWS managed, not customer managed", facts)
