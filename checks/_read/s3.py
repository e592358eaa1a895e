"""Amazon S3 reads: the account's buckets, where each lives, how it is tagged, protected, encrypted and logged,
and the account-wide Block Public Access settings (S3 Control)."""

from __future__ import annotations

from typing import Any

from posture.api import AwsReadError, CheckContext, Kind, Service
from posture.checks._read.tags import tag_map

S3 = Service("s3")
S3CONTROL = Service("s3control", iam="s3")
LIST_BUCKETS = S3.read("ListBuckets", path="Buckets", paginate=True, action="s3:ListAllMyBuckets")
TAGGING = S3.read("GetBucketTagging", path="TagSet", param="Bucket", absent={"NoSuchTagSet"}, default=[])
LOCATION = S3.read("GetBucketLocation", param="Bucket")
VERSIONING = S3.read("GetBucketVersioning", param="Bucket")
OBJECT_LOCK = S3.read("GetObjectLockConfiguration", path="ObjectLockConfiguration", param="Bucket",
                      action="s3:GetBucketObjectLockConfiguration", absent={"ObjectLockConfigurationNotFoundError"},
                      default={})
ENCRYPTION = S3.read("GetBucketEncryption", path="ServerSideEncryptionConfiguration.Rules", param="Bucket",
                     action="s3:GetEncryptionConfiguration", absent={"ServerSideEncryptionConfigurationNotFoundError"},
                     default=[])
PUBLIC_ACCESS_BLOCK = S3.read("GetPublicAccessBlock", path="PublicAccessBlockConfiguration", param="Bucket",
                              action="s3:GetBucketPublicAccessBlock",
                              absent={"NoSuchPublicAccessBlockConfiguration"}, default={})
ACCOUNT_PUBLIC_ACCESS_BLOCK = S3CONTROL.read("GetPublicAccessBlock", path="PublicAccessBlockConfiguration",
                                             param="AccountId", action="s3:GetAccountPublicAccessBlock",
                                             absent={"NoSuchPublicAccessBlockConfiguration"}, default={})
BUCKET_POLICY = S3.read("GetBucketPolicy", path="Policy", param="Bucket", absent={"NoSuchBucketPolicy"}, default=None)
POLICY_STATUS = S3.read("GetBucketPolicyStatus", param="Bucket", absent={"NoSuchBucketPolicy"}, default=None)
ACL = S3.read("GetBucketAcl", path="Grants", param="Bucket", default=[])
# The whole answer: the grants and the owner (whose own grants let no one else in).
BUCKET_ACL = S3.read("GetBucketAcl", param="Bucket")
LOGGING = S3.read("GetBucketLogging", param="Bucket")
BUCKET = Kind("bucket", list=LIST_BUCKETS, id="Name", scope="global", policy=BUCKET_POLICY,
              details=(TAGGING, LOCATION, VERSIONING, OBJECT_LOCK, ENCRYPTION, PUBLIC_ACCESS_BLOCK, POLICY_STATUS, ACL,
                       LOGGING))

# S3's answers to GetBucketLocation with ExpectedBucketOwner (see `bucket_owner_answer`).
NO_BUCKET_CODES = frozenset({"NoSuchBucket", "404", "NotFound"})
NOT_OURS_CODES = frozenset({"AccessDenied", "403", "Forbidden"})
GONE_CODES = frozenset({"NoSuchBucket", "404"})  # GetBucketLocation of a bucket that is gone (`bucket_exists`)


def buckets(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every bucket of the account (ListBuckets answers the same in every region)."""
    return BUCKET.all(ctx)


def bucket_tags(ctx: CheckContext, name: str) -> dict[str, str]:
    """The bucket's tags ({} when it has none)."""
    return tag_map(TAGGING(ctx, name))


def bucket_region(ctx: CheckContext, name: str) -> str:
    """The region the bucket lives in (S3's legacy answers for us-east-1 and eu-west-1 translated)."""
    location = LOCATION(ctx, name).get("LocationConstraint")
    return str({None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location))


def bucket_exists(ctx: CheckContext, name: str) -> bool:
    """Whether a bucket of that name exists (GetBucketLocation answers NoSuchBucket or 404 when it is gone)."""
    try:
        LOCATION(ctx, name)
    except AwsReadError as exc:
        if exc.code in GONE_CODES:
            return False
        raise
    return True


def bucket_owner_answer(ctx: CheckContext, name: str) -> str:
    """"ours", "other" (exists, another account owns it) or "none" (no bucket has the name), from
    GetBucketLocation with ExpectedBucketOwner = this account: S3 answers 404 for a name no bucket has
    and 403 for a bucket another account owns, whatever that bucket's policy says."""
    try:
        LOCATION(ctx, name, ExpectedBucketOwner=ctx.account_id)
    except AwsReadError as exc:
        if exc.code in NO_BUCKET_CODES:
            return "none"
        if exc.code in NOT_OURS_CODES:
            return "other"
        raise
    return "ours"


def versioning(ctx: CheckContext, name: str) -> dict[str, Any]:
    return dict(VERSIONING(ctx, name))


def object_lock(ctx: CheckContext, name: str) -> dict[str, Any]:
    """The bucket's Object Lock configuration ({} when it has none)."""
    return dict(OBJECT_LOCK(ctx, name))


def encryption_rules(ctx: CheckContext, name: str) -> list[dict[str, Any]]:
    """The bucket's default-encryption rules ([] when none is configured)."""
    return list(ENCRYPTION(ctx, name))


def public_access_block(ctx: CheckContext, name: str) -> dict[str, bool]:
    """The bucket's own Block Public Access settings ({} when never set)."""
    return dict(PUBLIC_ACCESS_BLOCK(ctx, name))


def account_public_access_block(ctx: CheckContext) -> dict[str, bool]:
    """The account-wide S3 Block Public Access settings ({} when never set)."""
    return dict(ACCOUNT_PUBLIC_ACCESS_BLOCK(ctx, ctx.account_id))


def bucket_policy(ctx: CheckContext, name: str) -> Any | None:
    """The bucket policy as S3 returns it (JSON text; `checks._policy` reads it), or None when there is none."""
    return BUCKET_POLICY(ctx, name) or None


def policy_is_public(ctx: CheckContext, name: str) -> bool:
    """S3's own verdict on the bucket policy (GetBucketPolicyStatus); False when the bucket has no policy."""
    answer = POLICY_STATUS(ctx, name)
    return False if answer is None else bool(answer["PolicyStatus"].get("IsPublic"))


def acl_grants(ctx: CheckContext, name: str) -> list[dict[str, Any]]:
    return list(ACL(ctx, name))


def bucket_logging(ctx: CheckContext, name: str) -> dict[str, Any]:
    """Server access logging target ({} when logging is off)."""
    return dict(LOGGING(ctx, name).get("LoggingEnabled") or {})
