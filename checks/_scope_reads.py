"""What the AI scope (`_scope`) reads, named once for the checks it scopes, and the AI buckets read side by side.

A check judged over AI buckets, VPCs, EKS clusters or log groups makes the scope's reads too, so it names
them: the reads of the services of the read layer (`Reads`), and the IAM actions of the scope's other
sources (SageMaker, Bedrock, Lambda) until their read modules declare those reads.

A check of AI buckets walks them one by one: their tags (to find the tagged ones), then each one's region
and the detail it judges. Made one after another, those reads set the wall time of a scan of an account
with many buckets (issue 16); `ai_buckets` makes them over the scan's read pool first (`ai_eks_clusters` the
same for the descriptions of EKS clusters). The AI scope and the check's loop then find every answer (or
failure) already read, so what is judged and reported is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from posture.api import CheckContext, Reads
from posture.checks import _agents, _scope
from posture.checks._read import ec2, eks, logs, read_ahead, s3

# `_scope.ai_buckets`: the S3 list and tags, and each bucket's location (every check of an AI bucket reads it)
AI_BUCKETS = Reads(s3.LIST_BUCKETS, s3.TAGGING, s3.LOCATION)
AI_BUCKET_SOURCE_ACTIONS = (
    "sagemaker:ListTrainingJobs", "sagemaker:DescribeTrainingJob", "sagemaker:ListModels", "sagemaker:DescribeModel",
    "bedrock:GetModelInvocationLoggingConfiguration", "bedrock:ListCustomModels", "bedrock:GetCustomModel",
    "bedrock:ListKnowledgeBases", "bedrock:ListDataSources", "bedrock:GetDataSource",
)
# `_scope.ai_vpcs`
AI_VPCS = Reads(ec2.VPC, ec2.SUBNET)
AI_VPC_SOURCE_ACTIONS = (
    "sagemaker:ListNotebookInstances", "sagemaker:DescribeNotebookInstance", "sagemaker:ListTrainingJobs",
    "sagemaker:DescribeTrainingJob", "sagemaker:ListModels", "sagemaker:DescribeModel",
    "sagemaker:ListDomains", "sagemaker:DescribeDomain",
    "lambda:ListFunctions", *_agents.AGENT_TOOL_PERMISSIONS,
)
# `_scope.ai_eks_clusters` (its VPC source: AI_VPC_SOURCE_ACTIONS too)
AI_EKS_CLUSTERS = Reads(eks.CLUSTER, eks.HYPERPOD, AI_VPCS)
# `_scope.ai_log_groups`
AI_LOG_GROUPS = Reads(logs.DESCRIBE_LOG_GROUPS)
AI_LOG_GROUP_SOURCE_ACTIONS = ("bedrock:GetModelInvocationLoggingConfiguration", *_agents.AGENT_TOOL_PERMISSIONS)


def ai_buckets(ctx: CheckContext, *details: Callable[[CheckContext, str], object]) -> list[_scope.AiBucket]:
    """The account's AI buckets to judge (scope gaps reported as ERRORs), once the tags of the buckets no AI
    resource references, and each AI bucket's region and `details` (read functions of `_read.s3` taking a
    bucket name), are read side by side."""
    referenced = _scope.referenced_buckets(ctx).found  # its reads are kept: the scope makes them again for free
    read_ahead(ctx, [b["Name"] for b in s3.buckets(ctx) if b["Name"] not in referenced], s3.bucket_tags)
    chosen = _scope.judged(ctx, _scope.ai_buckets(ctx))
    read_ahead(ctx, [b.name for b in chosen], s3.bucket_region, *details)
    return chosen


def ai_eks_clusters(ctx: CheckContext) -> _scope.Scoped[list[tuple[dict[str, Any], str]]]:
    """`_scope.ai_eks_clusters`, once the region's clusters are described side by side."""
    if ctx.offers("eks", ctx.region):
        with suppress(Exception):  # kept by the context: the scope raises it where it reads the list
            read_ahead(ctx, eks.cluster_names(ctx), eks.cluster)
    return _scope.ai_eks_clusters(ctx)
