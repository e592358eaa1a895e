"""Amazon SageMaker reads: notebooks, models, endpoints and their configurations, training, processing and
other jobs, Studio domains, lifecycle configurations, HyperPod clusters, Model Monitor job definitions and
schedules, the model registry, feature groups and inference experiments; and what they reference (S3
locations, subnets, VPCs, container images), for the AI scope and the ECR checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from posture.api import AwsReadError, CheckContext, Kind, Reads, Service

SAGEMAKER = Service("sagemaker")


def _kind(name: str, list_op: str, items: str, id_: str, arn: str, describe_op: str, param: str = "") -> Kind:
    """A kind listed by `list_op` (records at `items`) and described one by one by `describe_op`, which
    takes the record's `id_` as `param` (the same member unless named)."""
    return Kind(name, list=SAGEMAKER.read(list_op, path=items, paginate=True), id=id_, arn=arn,
                details=(SAGEMAKER.read(describe_op, param=param or id_),))


NOTEBOOK = _kind("notebook instance", "ListNotebookInstances", "NotebookInstances", "NotebookInstanceName",
                 "NotebookInstanceArn", "DescribeNotebookInstance")
MODEL = _kind("model", "ListModels", "Models", "ModelName", "ModelArn", "DescribeModel")
TRAINING_JOB = _kind("training job", "ListTrainingJobs", "TrainingJobSummaries", "TrainingJobName", "TrainingJobArn",
                     "DescribeTrainingJob")
PROCESSING_JOB = _kind("processing job", "ListProcessingJobs", "ProcessingJobSummaries", "ProcessingJobName",
                       "ProcessingJobArn", "DescribeProcessingJob")
DOMAIN = _kind("domain", "ListDomains", "Domains", "DomainId", "DomainArn", "DescribeDomain")
ENDPOINT = _kind("endpoint", "ListEndpoints", "Endpoints", "EndpointName", "EndpointArn", "DescribeEndpoint")
ENDPOINT_CONFIG = _kind("endpoint configuration", "ListEndpointConfigs", "EndpointConfigs", "EndpointConfigName",
                        "EndpointConfigArn", "DescribeEndpointConfig")
NOTEBOOK_LCC = _kind("notebook lifecycle configuration", "ListNotebookInstanceLifecycleConfigs",
                     "NotebookInstanceLifecycleConfigs", "NotebookInstanceLifecycleConfigName",
                     "NotebookInstanceLifecycleConfigArn", "DescribeNotebookInstanceLifecycleConfig")
STUDIO_LCC = _kind("Studio lifecycle configuration", "ListStudioLifecycleConfigs", "StudioLifecycleConfigs",
                   "StudioLifecycleConfigName", "StudioLifecycleConfigArn", "DescribeStudioLifecycleConfig")
TRANSFORM_JOB = _kind("transform job", "ListTransformJobs", "TransformJobSummaries", "TransformJobName",
                      "TransformJobArn", "DescribeTransformJob")
TUNING_JOB = _kind("tuning job", "ListHyperParameterTuningJobs", "HyperParameterTuningJobSummaries",
                   "HyperParameterTuningJobName", "HyperParameterTuningJobArn", "DescribeHyperParameterTuningJob")
COMPILATION_JOB = _kind("compilation job", "ListCompilationJobs", "CompilationJobSummaries", "CompilationJobName",
                        "CompilationJobArn", "DescribeCompilationJob")
AUTOML_JOB = _kind("AutoML job", "ListAutoMLJobs", "AutoMLJobSummaries", "AutoMLJobName", "AutoMLJobArn",
                   "DescribeAutoMLJobV2")  # V2 describes jobs created by CreateAutoMLJob too
CLUSTER = _kind("HyperPod cluster", "ListClusters", "ClusterSummaries", "ClusterName", "ClusterArn", "DescribeCluster")
SCHEDULE = _kind("monitoring schedule", "ListMonitoringSchedules", "MonitoringScheduleSummaries",
                 "MonitoringScheduleName", "MonitoringScheduleArn", "DescribeMonitoringSchedule")
FEATURE_GROUP = _kind("feature group", "ListFeatureGroups", "FeatureGroupSummaries", "FeatureGroupName",
                      "FeatureGroupArn", "DescribeFeatureGroup")
EXPERIMENT = _kind("inference experiment", "ListInferenceExperiments", "InferenceExperiments", "Name", "Arn",
                   "DescribeInferenceExperiment")
# The four Model Monitor job definition kinds (by MonitoringType) share one list shape.
JOB_DEFINITIONS: dict[str, Kind] = {
    monitoring_type: _kind(f"{snake}_job_definition", f"List{monitoring_type}JobDefinitions", "JobDefinitionSummaries",
                           "MonitoringJobDefinitionName", "MonitoringJobDefinitionArn",
                           f"Describe{monitoring_type}JobDefinition", param="JobDefinitionName")
    for monitoring_type, snake in (("DataQuality", "data_quality"), ("ModelQuality", "model_quality"),
                                   ("ModelBias", "model_bias"), ("ModelExplainability", "model_explainability"))
}
PACKAGE_GROUP_POLICY = SAGEMAKER.read("GetModelPackageGroupPolicy", param="ModelPackageGroupName")
PACKAGE_GROUP = Kind("model package group", list=SAGEMAKER.read("ListModelPackageGroups",
                                                                path="ModelPackageGroupSummaryList", paginate=True),
                     id="ModelPackageGroupName", arn="ModelPackageGroupArn", policy=PACKAGE_GROUP_POLICY)

LIST_ENDPOINTS = ENDPOINT.list
DESCRIBE_ENDPOINT = ENDPOINT.details[0]
DESCRIBE_ENDPOINT_CONFIG = ENDPOINT_CONFIG.details[0]
DESCRIBE_MODEL = MODEL.details[0]
DESCRIBE_MODEL_PACKAGE = SAGEMAKER.read("DescribeModelPackage", param="ModelPackageName")
LIST_MONITORING_SCHEDULES = SCHEDULE.list
IMAGE_READS = Reads(MODEL, TRAINING_JOB, PROCESSING_JOB)  # what image_uris reads
SCHEDULE_NETWORK_READS = Reads(SCHEDULE, *(k.details[0] for k in JOB_DEFINITIONS.values()))  # schedule_network
MAX_JOBS = 100  # per kind and region: the newest first
# SageMaker's not-found code is ResourceNotFound (botocore's model; never ResourceNotFoundException).
NO_POLICY_CODES = frozenset({"ResourceNotFound"})


def summaries(ctx: CheckContext, kind: Kind) -> list[dict[str, Any]]:
    """The list entries of every resource of `kind` in the region."""
    return kind.all(ctx)


def describe(ctx: CheckContext, kind: Kind, summary: dict[str, Any]) -> dict[str, Any]:
    """The description of one listed resource of `kind`."""
    return dict(kind.details[0](ctx, summary[kind.id]))


def described(ctx: CheckContext, kind: Kind) -> list[dict[str, Any]]:
    """The description of every resource of `kind` in the region, described side by side (the first
    failure raises)."""
    return ctx.fan_out(lambda summary: describe(ctx, kind, summary), summaries(ctx, kind))


def training_jobs(ctx: CheckContext) -> list[dict[str, Any]]:
    return described(ctx, TRAINING_JOB)


def models(ctx: CheckContext) -> list[dict[str, Any]]:
    return described(ctx, MODEL)


def notebooks(ctx: CheckContext) -> list[dict[str, Any]]:
    return described(ctx, NOTEBOOK)


def domains(ctx: CheckContext) -> list[dict[str, Any]]:
    return described(ctx, DOMAIN)


def processing_jobs(ctx: CheckContext) -> list[dict[str, Any]]:
    return described(ctx, PROCESSING_JOB)


def endpoints(ctx: CheckContext) -> list[dict[str, Any]]:
    return summaries(ctx, ENDPOINT)


def endpoint_configs(ctx: CheckContext) -> list[dict[str, Any]]:
    return summaries(ctx, ENDPOINT_CONFIG)


def endpoint_config(ctx: CheckContext, name: str) -> dict[str, Any]:
    return dict(DESCRIBE_ENDPOINT_CONFIG(ctx, name))


def endpoint(ctx: CheckContext, name: str) -> dict[str, Any]:
    return dict(DESCRIBE_ENDPOINT(ctx, name))


def monitoring_schedules(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(LIST_MONITORING_SCHEDULES(ctx))


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


def hyperpod_eks_cluster_arns(ctx: CheckContext) -> list[str]:
    """The EKS clusters that this region's SageMaker HyperPod clusters are orchestrated by (the HyperPod
    clusters described side by side)."""
    arns = (((d.get("Orchestrator") or {}).get("Eks") or {}).get("ClusterArn") for d in described(ctx, CLUSTER))
    return [str(arn) for arn in arns if arn]


def image_uris(ctx: CheckContext) -> list[str]:
    """Container images SageMaker models, training jobs and processing jobs run in this region."""
    uris: list[str] = []
    for model in models(ctx):
        uris.extend(c.get("Image", "") for c in [model.get("PrimaryContainer") or {}, *model.get("Containers", [])])
    uris.extend(j.get("AlgorithmSpecification", {}).get("TrainingImage", "") for j in training_jobs(ctx))
    uris.extend(j.get("AppSpecification", {}).get("ImageUri", "") for j in processing_jobs(ctx))
    return [u for u in uris if u]


def recent_jobs(ctx: CheckContext, kind: Kind, days: int) -> list[dict[str, Any]]:
    """Jobs of `kind` created in the last `days` days, newest first, at most MAX_JOBS."""
    since = (datetime.now(UTC) - timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    listed = kind.list(ctx, CreationTimeAfter=since, SortBy="CreationTime", SortOrder="Descending",
                       PaginationConfig={"MaxItems": MAX_JOBS})
    return list(listed)[:MAX_JOBS]


def endpoint_with_config(ctx: CheckContext, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """An endpoint's description and that of the endpoint configuration it runs."""
    detail = endpoint(ctx, name)
    return detail, endpoint_config(ctx, detail["EndpointConfigName"])


def served_models(ctx: CheckContext, endpoint_name: str) -> list[str | None]:
    """The model of each production and shadow variant of the endpoint's configuration (None: a variant
    with no model, as inference-component endpoints have)."""
    config = endpoint_config(ctx, endpoint(ctx, endpoint_name)["EndpointConfigName"])
    variants = [*(config.get("ProductionVariants") or []), *(config.get("ShadowProductionVariants") or [])]
    return [v.get("ModelName") for v in variants]


def job_definition(ctx: CheckContext, monitoring_type: str, name: str) -> dict[str, Any]:
    return dict(JOB_DEFINITIONS[monitoring_type].details[0](ctx, name))


def schedule_network(ctx: CheckContext, summary: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The NetworkConfig a listed schedule's jobs run with (inline, or that of the job definition it
    names), and which job definition that is."""
    schedule = describe(ctx, SCHEDULE, summary)
    config = schedule.get("MonitoringScheduleConfig") or {}
    name = config.get("MonitoringJobDefinitionName")
    monitoring_type = config.get("MonitoringType") or schedule.get("MonitoringType") or "DataQuality"
    if name and monitoring_type in JOB_DEFINITIONS:
        definition = job_definition(ctx, monitoring_type, name)
        return definition.get("NetworkConfig"), {"job_definition": name, "monitoring_type": monitoring_type}
    return (config.get("MonitoringJobDefinition") or {}).get("NetworkConfig"), {"job_definition": None}


def package_group_policy(ctx: CheckContext, name: str) -> Any | None:
    """The model package group's resource policy (None: the group has none)."""
    try:
        answer = PACKAGE_GROUP_POLICY(ctx, name)
    except AwsReadError as exc:
        if exc.code in NO_POLICY_CODES or (exc.code == "ValidationException" and "policy" in exc.message.lower()
                                           and "not" in exc.message.lower()):
            return None
        raise
    if not answer.get("ResourcePolicy"):  # AWS always sends it with a 200: an answer without it says nothing
        raise AwsReadError("sagemaker:GetModelPackageGroupPolicy", "the answer had no ResourcePolicy")
    return answer["ResourcePolicy"]
