"""Amazon OpenSearch Serverless reads: collections (a knowledge base's vector store) and the security policies
(network, encryption) that match collections by name pattern."""

from __future__ import annotations

import json
from typing import Any

from posture.api import CheckContext, Reads, Service
from posture.checks._read import every_page

AOSS = Service("opensearchserverless", iam="aoss")
BATCH_GET_COLLECTION = AOSS.read("BatchGetCollection")
# botocore has no paginator for it: its pages are followed by nextToken (`every_page`)
LIST_SECURITY_POLICIES = AOSS.read("ListSecurityPolicies", path="securityPolicySummaries")
GET_SECURITY_POLICY = AOSS.read("GetSecurityPolicy", path="securityPolicyDetail", param="name")
SECURITY_POLICY_READS = Reads(LIST_SECURITY_POLICIES, GET_SECURITY_POLICY)  # security_policies
LIST_ACCESS_POLICIES = AOSS.read("ListAccessPolicies", path="accessPolicySummaries", params={"type": "data"})
GET_ACCESS_POLICY = AOSS.read("GetAccessPolicy", path="accessPolicyDetail", param="name", params={"type": "data"})
ACCESS_POLICY_READS = Reads(LIST_ACCESS_POLICIES, GET_ACCESS_POLICY)  # access_policies


def collection(ctx: CheckContext, collection_arn: str) -> tuple[dict[str, Any] | None, str]:
    """(the collection a knowledge base names by ARN, or None with the reason it could not be read)."""
    collection_id = collection_arn.rsplit("/", 1)[-1]
    answer = BATCH_GET_COLLECTION(ctx, ids=[collection_id])
    for found in answer.get("collectionDetails") or []:
        if found.get("id") == collection_id:
            return dict(found), ""
    errors = [e.get("errorCode") or e.get("errorMessage") for e in answer.get("collectionErrorDetails") or []
              if e.get("id") == collection_id]
    return None, (f"OpenSearch Serverless collection {collection_id} could not be read"
                  + (f" ({errors[0]})" if errors and errors[0] else " (not found)"))


def security_policies(ctx: CheckContext, policy_type: str) -> list[tuple[str, Any]]:
    """(name, document) of each security policy of `policy_type` in the region; the policies are read side by
    side."""
    names = [summary["name"] for summary in every_page(ctx, LIST_SECURITY_POLICIES, "nextToken", type=policy_type)]

    def document(name: str) -> Any:
        found = GET_SECURITY_POLICY(ctx, name, type=policy_type).get("policy")
        return json.loads(found) if isinstance(found, str) else found

    return list(zip(names, ctx.fan_out(document, names), strict=True))


def access_policies(ctx: CheckContext) -> list[tuple[str, Any]]:
    """(name, document) of each data access policy in the region (who may use which collections and indexes);
    the policies are read side by side."""
    names = [summary["name"] for summary in every_page(ctx, LIST_ACCESS_POLICIES, "nextToken")]

    def document(name: str) -> Any:
        found = GET_ACCESS_POLICY(ctx, name)["policy"]
        return json.loads(found) if isinstance(found, str) else found

    return list(zip(names, ctx.fan_out(document, names), strict=True))
