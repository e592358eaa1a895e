"""Amazon S3 Vectors reads: vector buckets (a knowledge base's vector store), their policy, and indexes."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Service

S3VECTORS = Service("s3vectors")
GET_VECTOR_BUCKET = S3VECTORS.read("GetVectorBucket", path="vectorBucket", param="vectorBucketArn")
GET_VECTOR_BUCKET_POLICY = S3VECTORS.read("GetVectorBucketPolicy", path="policy", param="vectorBucketArn",
                                          absent={"NotFoundException"}, default=None)
GET_INDEX = S3VECTORS.read("GetIndex", path="index")


def vector_bucket(ctx: CheckContext, bucket_arn: str) -> dict[str, Any]:
    return dict(GET_VECTOR_BUCKET(ctx, bucket_arn))


def vector_bucket_policy(ctx: CheckContext, bucket_arn: str) -> Any:
    """The vector bucket's policy document (JSON text), or None when it has none."""
    vector_bucket(ctx, bucket_arn)  # the bucket exists: a NotFound below means no policy
    return GET_VECTOR_BUCKET_POLICY(ctx, bucket_arn)


def vector_index(ctx: CheckContext, storage: dict[str, Any]) -> dict[str, Any] | None:
    """The index a knowledge base's storage configuration names (by ARN, or by bucket and name), if any."""
    config = storage.get("s3VectorsConfiguration") or {}
    if config.get("indexArn"):
        return dict(GET_INDEX(ctx, indexArn=config["indexArn"]))
    if config.get("indexName") and config.get("vectorBucketArn"):
        bucket = str(config["vectorBucketArn"]).rsplit("/", 1)[-1]
        return dict(GET_INDEX(ctx, vectorBucketName=bucket, indexName=config["indexName"]))
    return None
