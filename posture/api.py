"""All a check author imports: built-in checks and third-party ones (entry-point group `posture.checks`).

    from posture.api import CheckContext, Family, Service

    KMS = Service("kms")
    LIST_KEYS = KMS.read("ListKeys", path="Keys", paginate=True)
    check = Family(service="kms", scope="regional", resource_type="AwsKmsKey", boundaries=["data"])

    @check(id="kms.example", title=..., severity="medium", maps=["PR.DS-01", "LLM06", ...],
           reads=[LIST_KEYS])
    def example(ctx: CheckContext) -> None:
        for key in LIST_KEYS(ctx):
            with ctx.resource(key["KeyId"], arn=key["KeyArn"]):
                ctx.passed("...")

A read that fails raises `AwsReadError` (its `code` is AWS's error code); the runner turns what a check
does not catch into an ERROR finding for the resource being judged.
"""

from posture.aws.errors import AwsReadError
from posture.core.context import CheckContext, RegionGap, Resource, SettingError, error_reason
from posture.core.errors import SECRET_SHAPES
from posture.core.models import Asset, EvidenceValue
from posture.core.reads import (
    Detailed,
    Kind,
    Outcome,
    Read,
    Reads,
    ReadSpec,
    Service,
    actions_of,
    ahead,
    detailed,
    each,
    fan_out,
)
from posture.core.registry import Family, check, inventory

__all__ = [
    "SECRET_SHAPES",
    "Asset",
    "AwsReadError",
    "CheckContext",
    "Detailed",
    "EvidenceValue",
    "Family",
    "Kind",
    "Outcome",
    "Read",
    "ReadSpec",
    "Reads",
    "RegionGap",
    "Resource",
    "Service",
    "SettingError",
    "actions_of",
    "ahead",
    "check",
    "detailed",
    "each",
    "error_reason",
    "fan_out",
    "inventory",
]
