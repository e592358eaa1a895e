"""Amazon SageMaker: notebooks, training jobs, models and endpoints."""

from __future__ import annotations

from typing import Any

from checks.kms import is_customer_managed
from posture.context import CheckContext
from posture.registry import check


def endpoint_configs(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("sagemaker", "list_endpoint_configs").get("EndpointConfigs", []))


def endpoint_config(ctx: CheckContext, name: str) -> dict[str, Any]:
    return ctx.call("sagemaker", "describe_endpoint_config", EndpointConfigName=name)


def training_jobs(ctx: CheckContext) -> list[dict[str, Any]]:
    summaries = ctx.paginate("sagemaker", "list_training_jobs").get("TrainingJobSummaries", [])
    return [ctx.call("sagemaker", "describe_training_job", TrainingJobName=s["TrainingJobName"]) for s in summaries]


def models(ctx: CheckContext) -> list[dict[str, Any]]:
    summaries = ctx.paginate("sagemaker", "list_models").get("Models", [])
    return [ctx.call("sagemaker", "describe_model", ModelName=s["ModelName"]) for s in summaries]


def notebooks(ctx: CheckContext) -> list[dict[str, Any]]:
    summaries = ctx.paginate("sagemaker", "list_notebook_instances").get("NotebookInstances", [])
    return [ctx.call("sagemaker", "describe_notebook_instance", NotebookInstanceName=s["NotebookInstanceName"])
            for s in summaries]


def domains(ctx: CheckContext) -> list[dict[str, Any]]:
    summaries = ctx.paginate("sagemaker", "list_domains").get("Domains", [])
    return [ctx.call("sagemaker", "describe_domain", DomainId=s["DomainId"]) for s in summaries]


def s3_uris(ctx: CheckContext) -> list[str]:
    """S3 locations SageMaker training jobs and models read or write in this region."""
    uris = []
    for job in training_jobs(ctx):
        for channel in job.get("InputDataConfig", []):
            uris.append(channel.get("DataSource", {}).get("S3DataSource", {}).get("S3Uri", ""))
        uris.append(job.get("OutputDataConfig", {}).get("S3OutputPath", ""))
        uris.append(job.get("CheckpointConfig", {}).get("S3Uri", ""))
    for model in models(ctx):
        for container in [model.get("PrimaryContainer", {}), *model.get("Containers", [])]:
            uris.append(container.get("ModelDataUrl", ""))
    return [u for u in uris if u]


def subnet_ids(ctx: CheckContext) -> list[str]:
    """Subnets SageMaker notebooks, training jobs and models run in, in this region."""
    subnets = [n["SubnetId"] for n in notebooks(ctx) if n.get("SubnetId")]
    for item in [*training_jobs(ctx), *models(ctx)]:
        subnets.extend(item.get("VpcConfig", {}).get("Subnets", []))
    return subnets


def vpc_ids(ctx: CheckContext) -> list[str]:
    """VPCs SageMaker domains are attached to, in this region."""
    return [d["VpcId"] for d in domains(ctx) if d.get("VpcId")]


@check(
    id="sagemaker.endpoint_config_cmk",
    title="SageMaker endpoint configurations encrypt with a customer managed key",
    description="Each SageMaker endpoint configuration names a KMS key, and that key is customer managed.",
    rationale=(
        "The storage volumes of inference instances hold the model artifacts and can hold captured "
        "prompts. A customer managed key puts their decryption under the account's key policy and audit."
    ),
    remediation="Create a new endpoint configuration with KmsKeyId set to a customer managed key and "
    "update the endpoint to use it (endpoint configurations are immutable).",
    service="sagemaker",
    scope="regional",
    resource_type="AwsSageMakerEndpointConfig",
    severity="medium",
    boundaries=["model", "data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM10", "LLM06", "LLM02:2025"],
    permissions=["sagemaker:ListEndpointConfigs", "sagemaker:DescribeEndpointConfig", "kms:DescribeKey"],
)
def endpoint_config_cmk(ctx: CheckContext) -> None:
    for summary in endpoint_configs(ctx):
        with ctx.resource(summary["EndpointConfigName"], arn=summary.get("EndpointConfigArn")):
            key = endpoint_config(ctx, summary["EndpointConfigName"]).get("KmsKeyId")
            if not key:
                ctx.failed("no KMS key: volumes use AWS managed encryption", {"kms_key": None})
            elif is_customer_managed(ctx, key):
                ctx.passed("encrypted with a customer managed key", {"kms_key": key})
            else:
                ctx.failed("the KMS key is not customer managed", {"kms_key": key})
