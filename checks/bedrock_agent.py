"""Amazon Bedrock Agents and Knowledge Bases (the bedrock-agent API)."""

from __future__ import annotations

from typing import Any

from posture.context import CheckContext


def knowledge_bases(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("bedrock-agent", "list_knowledge_bases").get("knowledgeBaseSummaries", []))


def data_sources(ctx: CheckContext, knowledge_base_id: str) -> list[dict[str, Any]]:
    summaries = ctx.paginate("bedrock-agent", "list_data_sources", knowledgeBaseId=knowledge_base_id)
    return [
        ctx.call("bedrock-agent", "get_data_source", knowledgeBaseId=knowledge_base_id,
                 dataSourceId=s["dataSourceId"])["dataSource"]
        for s in summaries.get("dataSourceSummaries", [])
    ]


def s3_uris(ctx: CheckContext) -> list[str]:
    """S3 buckets (as ARNs) that knowledge bases ingest in this region."""
    uris = []
    for kb in knowledge_bases(ctx):
        for source in data_sources(ctx, kb["knowledgeBaseId"]):
            arn = source.get("dataSourceConfiguration", {}).get("s3Configuration", {}).get("bucketArn")
            if arn:
                uris.append(arn)
    return uris
