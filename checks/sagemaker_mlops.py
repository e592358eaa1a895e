"""Amazon SageMaker MLOps resources: model monitoring job definitions and schedules, model
container registries, feature groups, inference experiments and notebook platforms.

Covers the Security Hub SageMaker controls that checks/sagemaker.py does not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checks.kms import judge_cmk
from checks.sagemaker import MODEL, MODEL_PERMISSIONS, NOTEBOOK, NOTEBOOK_PERMISSIONS, Kind, describe, scope, summaries
from posture.core.context import CheckContext
from posture.core.registry import check

# -- monitoring job definitions --------------------------------------------------------------
# The four Model Monitor job definition kinds share one list shape; each has its own describe call.
JOB_DEFINITION_KINDS: dict[str, Kind] = {
    monitoring_type: Kind(f"list_{snake}_job_definitions", "JobDefinitionSummaries",
                          "MonitoringJobDefinitionName", "MonitoringJobDefinitionArn",
                          f"describe_{snake}_job_definition")
    for monitoring_type, snake in (("DataQuality", "data_quality"), ("ModelQuality", "model_quality"),
                                   ("ModelBias", "model_bias"), ("ModelExplainability", "model_explainability"))
}


def _iam(snake_op: str) -> str:
    return "sagemaker:" + "".join(w.title() for w in snake_op.split("_"))


def job_definition_permissions(monitoring_type: str) -> list[str]:
    kind = JOB_DEFINITION_KINDS[monitoring_type]
    return [_iam(kind.list_op), _iam(kind.describe_op)]


def job_definition(ctx: CheckContext, monitoring_type: str, name: str) -> dict[str, Any]:
    kind = JOB_DEFINITION_KINDS[monitoring_type]
    return ctx.call("sagemaker", kind.describe_op, JobDefinitionName=name)


INTER_CONTAINER = "EnableInterContainerTrafficEncryption"
ISOLATION = "EnableNetworkIsolation"
VERDICTS = {  # network setting -> (evidence key, passed message, failed message)
    INTER_CONTAINER: ("inter_container_encryption", "inter-container traffic is encrypted",
                      "inter-container traffic is not encrypted"),
    ISOLATION: ("network_isolation", "network isolation is enabled", "the monitoring container can reach the network"),
}


def judge_network(ctx: CheckContext, network: dict[str, Any] | None, setting: str, facts: dict[str, Any]) -> None:
    key, good, bad = VERDICTS[setting]
    enabled = bool((network or {}).get(setting))
    if enabled:
        ctx.passed(good, {**facts, key: True})
    else:
        ctx.failed(bad, {**facts, key: False})


def judge_job_definitions(ctx: CheckContext, monitoring_type: str, setting: str) -> None:
    kind = JOB_DEFINITION_KINDS[monitoring_type]
    for summary in summaries(ctx, kind):
        with scope(ctx, kind, summary):
            definition = job_definition(ctx, monitoring_type, summary[kind.name])
            judge_network(ctx, definition.get("NetworkConfig"), setting, {})


MONITOR_META: dict[str, Any] = dict(service="sagemaker", scope="regional", resource_type="Other", boundaries=["model"])
ENCRYPTION_TEXT = dict(
    rationale=(
        "A distributed monitoring job passes captured prompts, model outputs and ground-truth labels between "
        "its instances; unencrypted, they can be read or altered on the network."
    ),
    csf=["PR.DS-02"],
    owasp_llm=["LLM06", "LLM10", "LLM02:2025"],
)
ISOLATION_TEXT = dict(
    rationale=(
        "The monitoring container reads captured inference traffic; without network isolation a tampered "
        "container image can send those prompts and outputs anywhere or pull unvetted code."
    ),
    csf=["PR.IR-01"],
    owasp_llm=["LLM05", "LLM06", "LLM03:2025", "LLM02:2025"],
)


def _job_definition_check(monitoring_type: str, label: str, setting: str, control: str, severity: str
                          ) -> Callable[[Callable[[CheckContext], None]], Any]:
    snake = JOB_DEFINITION_KINDS[monitoring_type].describe_op.removeprefix("describe_").removesuffix("_definition")
    cli = snake.replace("_", "-")
    if setting == INTER_CONTAINER:
        return check(
            id=f"sagemaker.{snake}_definition_inter_container_encryption",
            title=f"SageMaker {label} job definitions encrypt traffic between containers",
            description=f"Each SageMaker {label} job definition has "
            "NetworkConfig.EnableInterContainerTrafficEncryption set.",
            remediation=f"Recreate the job definition with `aws sagemaker create-{cli}-definition ... "
            "--network-config EnableInterContainerTrafficEncryption=true` and point its monitoring schedule at it "
            "(job definitions are immutable).",
            severity=severity, securityhub_controls=[control], permissions=job_definition_permissions(monitoring_type),
            atlas=["AML.T0025", "AML.T0063", "AML.M0012"],
            nist_ai_rmf=["MEASURE 2.7"],
            iso42001=["A.6.2.6"],
            eu_ai_act=["Art. 15"],
            **ENCRYPTION_TEXT, **MONITOR_META,
        )
    return check(
        id=f"sagemaker.{snake}_definition_network_isolation",
        title=f"SageMaker {label} job definitions run with network isolation",
        description=f"Each SageMaker {label} job definition has NetworkConfig.EnableNetworkIsolation set.",
        remediation=f"Recreate the job definition with `aws sagemaker create-{cli}-definition ... "
        "--network-config EnableNetworkIsolation=true` and point its monitoring schedule at it "
        "(job definitions are immutable).",
        severity=severity, securityhub_controls=[control], permissions=job_definition_permissions(monitoring_type),
        atlas=["AML.T0025", "AML.T0010.001", "AML.T0010.004"],
        nist_ai_rmf=["MEASURE 2.7"],
        iso42001=["A.6.2.6"],
        eu_ai_act=["Art. 15"],
        **ISOLATION_TEXT, **MONITOR_META,
    )


@_job_definition_check("DataQuality", "data quality", INTER_CONTAINER, "SageMaker.9", "medium")
def data_quality_job_definition_inter_container_encryption(ctx: CheckContext) -> None:
    judge_job_definitions(ctx, "DataQuality", INTER_CONTAINER)


@_job_definition_check("DataQuality", "data quality", ISOLATION, "SageMaker.11", "medium")
def data_quality_job_definition_network_isolation(ctx: CheckContext) -> None:
    judge_job_definitions(ctx, "DataQuality", ISOLATION)


@_job_definition_check("ModelExplainability", "model explainability", INTER_CONTAINER, "SageMaker.10", "medium")
def model_explainability_job_definition_inter_container_encryption(ctx: CheckContext) -> None:
    judge_job_definitions(ctx, "ModelExplainability", INTER_CONTAINER)


@_job_definition_check("ModelExplainability", "model explainability", ISOLATION, "SageMaker.20", "high")
def model_explainability_job_definition_network_isolation(ctx: CheckContext) -> None:
    judge_job_definitions(ctx, "ModelExplainability", ISOLATION)


@_job_definition_check("ModelQuality", "model quality", INTER_CONTAINER, "SageMaker.13", "medium")
def model_quality_job_definition_inter_container_encryption(ctx: CheckContext) -> None:
    judge_job_definitions(ctx, "ModelQuality", INTER_CONTAINER)


@_job_definition_check("ModelQuality", "model quality", ISOLATION, "SageMaker.25", "high")
def model_quality_job_definition_network_isolation(ctx: CheckContext) -> None:
    judge_job_definitions(ctx, "ModelQuality", ISOLATION)


@_job_definition_check("ModelBias", "model bias", INTER_CONTAINER, "SageMaker.15", "medium")
def model_bias_job_definition_inter_container_encryption(ctx: CheckContext) -> None:
    judge_job_definitions(ctx, "ModelBias", INTER_CONTAINER)


@_job_definition_check("ModelBias", "model bias", ISOLATION, "SageMaker.12", "medium")
def model_bias_job_definition_network_isolation(ctx: CheckContext) -> None:
    judge_job_definitions(ctx, "ModelBias", ISOLATION)


# -- monitoring schedules --------------------------------------------------------------------
SCHEDULE = Kind("list_monitoring_schedules", "MonitoringScheduleSummaries", "MonitoringScheduleName",
                "MonitoringScheduleArn", "describe_monitoring_schedule")
SCHEDULE_PERMISSIONS = ["sagemaker:ListMonitoringSchedules", "sagemaker:DescribeMonitoringSchedule",
                        *(_iam(k.describe_op) for k in JOB_DEFINITION_KINDS.values())]


def schedule_network(ctx: CheckContext, schedule: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The NetworkConfig a schedule's jobs run with: inline, or that of the job definition it names."""
    config = schedule.get("MonitoringScheduleConfig") or {}
    name = config.get("MonitoringJobDefinitionName")
    monitoring_type = config.get("MonitoringType") or schedule.get("MonitoringType") or "DataQuality"
    if name and monitoring_type in JOB_DEFINITION_KINDS:
        definition = job_definition(ctx, monitoring_type, name)
        return definition.get("NetworkConfig"), {"job_definition": name, "monitoring_type": monitoring_type}
    return (config.get("MonitoringJobDefinition") or {}).get("NetworkConfig"), {"job_definition": None}


def judge_schedules(ctx: CheckContext, setting: str) -> None:
    for summary in summaries(ctx, SCHEDULE):
        with scope(ctx, SCHEDULE, summary):
            network, facts = schedule_network(ctx, describe(ctx, SCHEDULE, summary))
            judge_network(ctx, network, setting, facts)


@check(
    id="sagemaker.monitoring_schedule_network_isolation",
    title="SageMaker monitoring schedules run their jobs with network isolation",
    description="Each SageMaker monitoring schedule's job (inline or the job definition it names) has "
    "NetworkConfig.EnableNetworkIsolation set.",
    remediation="Point the schedule at a job definition created with `--network-config EnableNetworkIsolation=true` "
    "(`aws sagemaker update-monitoring-schedule`).",
    severity="medium",
    securityhub_controls=["SageMaker.14"],
    permissions=SCHEDULE_PERMISSIONS,
    atlas=["AML.T0025", "AML.T0010.001", "AML.T0010.004"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
    **ISOLATION_TEXT, **MONITOR_META,
)
def monitoring_schedule_network_isolation(ctx: CheckContext) -> None:
    judge_schedules(ctx, ISOLATION)


@check(
    id="sagemaker.monitoring_schedule_inter_container_encryption",
    title="SageMaker monitoring schedules encrypt traffic between containers",
    description="Each SageMaker monitoring schedule's job (inline or the job definition it names) has "
    "NetworkConfig.EnableInterContainerTrafficEncryption set.",
    remediation="Point the schedule at a job definition created with `--network-config "
    "EnableInterContainerTrafficEncryption=true` (`aws sagemaker update-monitoring-schedule`).",
    severity="medium",
    securityhub_controls=["SageMaker.22"],
    permissions=SCHEDULE_PERMISSIONS,
    atlas=["AML.T0025", "AML.T0063", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
    **ENCRYPTION_TEXT, **MONITOR_META,
)
def monitoring_schedule_inter_container_encryption(ctx: CheckContext) -> None:
    judge_schedules(ctx, INTER_CONTAINER)


# -- model image registries ------------------------------------------------------------------
def judge_registry(ctx: CheckContext, containers: list[dict[str, Any]]) -> None:
    modes = [(c.get("ImageConfig") or {}).get("RepositoryAccessMode", "Platform") for c in containers]
    facts = {"repository_access_modes": modes}
    if all(m == "Vpc" for m in modes):
        ctx.passed(f"{len(modes)} container image(s) are pulled from a private registry in the VPC", facts)
    else:
        ctx.failed(f"{modes.count('Platform')} of {len(modes)} container image(s) are not pulled through the VPC",
                   facts)


REGISTRY_META: dict[str, Any] = dict(
    service="sagemaker", scope="regional", resource_type="Other", severity="medium", boundaries=["model"],
    rationale=(
        "Pulling serving images from a private registry through the model's VPC keeps the image supply chain "
        "behind the account's network controls and endpoint policies, so an inference container cannot be "
        "swapped for one from an uncontrolled registry."
    ),
    csf=["PR.IR-01", "PR.PS-01"],
    owasp_llm=["LLM05", "LLM03:2025"],
    permissions=list(MODEL_PERMISSIONS),
)


@check(
    id="sagemaker.model_primary_container_private_registry",
    title="SageMaker models pull their primary container from a private registry in a VPC",
    description="Each SageMaker model with a primary container has ImageConfig.RepositoryAccessMode Vpc.",
    remediation="Create a new model with `--primary-container Image=<uri>,ImageConfig={RepositoryAccessMode=Vpc}` "
    "and `--vpc-config`, then update the endpoint configuration to use it.",
    securityhub_controls=["SageMaker.16"],
    atlas=["AML.T0010.004", "AML.T0010.001"],
    nist_ai_rmf=["MEASURE 2.7", "MANAGE 3.1"],
    iso42001=["A.6.2.5"],
    eu_ai_act=["Art. 15"],
    **REGISTRY_META,
)
def model_primary_container_private_registry(ctx: CheckContext) -> None:
    for summary in summaries(ctx, MODEL):
        with scope(ctx, MODEL, summary):
            primary = describe(ctx, MODEL, summary).get("PrimaryContainer")
            if not primary:
                ctx.skip()  # the model is an inference pipeline without a primary container
            else:
                judge_registry(ctx, [primary])


@check(
    id="sagemaker.model_pipeline_containers_private_registry",
    title="SageMaker inference pipelines pull every container from a private registry in a VPC",
    description="Each multi-container SageMaker model has ImageConfig.RepositoryAccessMode Vpc on every container.",
    remediation="Create a new model whose `--containers` each set ImageConfig={RepositoryAccessMode=Vpc}, with "
    "`--vpc-config`, then update the endpoint configuration to use it.",
    securityhub_controls=["SageMaker.19"],
    atlas=["AML.T0010.004", "AML.T0010.001"],
    nist_ai_rmf=["MEASURE 2.7", "MANAGE 3.1"],
    iso42001=["A.6.2.5"],
    eu_ai_act=["Art. 15"],
    **REGISTRY_META,
)
def model_pipeline_containers_private_registry(ctx: CheckContext) -> None:
    for summary in summaries(ctx, MODEL):
        with scope(ctx, MODEL, summary):
            containers = describe(ctx, MODEL, summary).get("Containers") or []
            if not containers:
                ctx.skip()  # the model has a single primary container, not an inference pipeline
            else:
                judge_registry(ctx, containers)


# -- feature groups --------------------------------------------------------------------------
FEATURE_GROUP = Kind("list_feature_groups", "FeatureGroupSummaries", "FeatureGroupName", "FeatureGroupArn",
                     "describe_feature_group")
FEATURE_META: dict[str, Any] = dict(
    service="sagemaker", scope="regional", resource_type="Other", severity="medium", boundaries=["data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM06", "LLM03", "LLM02:2025", "LLM04:2025"],
    permissions=["sagemaker:ListFeatureGroups", "sagemaker:DescribeFeatureGroup", "kms:DescribeKey"],
)


@check(
    id="sagemaker.feature_group_offline_store_cmk",
    title="SageMaker feature group offline stores are encrypted with a customer managed key",
    description="Each SageMaker feature group with an offline store names a customer managed KMS key for it "
    "(OfflineStoreConfig.S3StorageConfig.KmsKeyId).",
    rationale=(
        "The offline store keeps the full history of the features models are trained on, often customer "
        "data; a customer managed key puts reading it under the key policy and CloudTrail."
    ),
    remediation="Create a new feature group with `--offline-store-config S3StorageConfig={S3Uri=...,"
    "KmsKeyId=<cmk>}` and backfill it (the offline store key cannot be changed).",
    securityhub_controls=["SageMaker.17"],
    atlas=["AML.T0035", "AML.T0036", "AML.M0012", "AML.M0005"],
    nist_ai_rmf=["MEASURE 2.7", "MEASURE 2.10"],
    iso42001=["A.7.2"],
    eu_ai_act=["Art. 15"],
    **FEATURE_META,
)
def feature_group_offline_store_cmk(ctx: CheckContext) -> None:
    for summary in summaries(ctx, FEATURE_GROUP):
        with scope(ctx, FEATURE_GROUP, summary):
            offline = describe(ctx, FEATURE_GROUP, summary).get("OfflineStoreConfig")
            if not offline:
                ctx.skip()  # the feature group has no offline store
            else:
                judge_cmk(ctx, (offline.get("S3StorageConfig") or {}).get("KmsKeyId"), "the offline store")


@check(
    id="sagemaker.feature_group_online_store_cmk",
    title="SageMaker feature group online stores are encrypted with a customer managed key",
    description="Each SageMaker feature group with a Standard online store names a customer managed KMS key "
    "for it (OnlineStoreConfig.SecurityConfig.KmsKeyId).",
    rationale=(
        "The online store serves features to live inference at low latency and holds the latest value of "
        "every record; a customer managed key puts reading it under the key policy and CloudTrail."
    ),
    remediation="Create a new feature group with `--online-store-config EnableOnlineStore=true,"
    "SecurityConfig={KmsKeyId=<cmk>}` and re-ingest its records (the online store key cannot be changed).",
    securityhub_controls=["SageMaker.18"],
    atlas=["AML.T0035", "AML.T0036", "AML.M0012", "AML.M0005"],
    nist_ai_rmf=["MEASURE 2.7", "MEASURE 2.10"],
    iso42001=["A.7.2"],
    eu_ai_act=["Art. 15"],
    **FEATURE_META,
)
def feature_group_online_store_cmk(ctx: CheckContext) -> None:
    for summary in summaries(ctx, FEATURE_GROUP):
        with scope(ctx, FEATURE_GROUP, summary):
            online = describe(ctx, FEATURE_GROUP, summary).get("OnlineStoreConfig") or {}
            storage = online.get("StorageType") or "Standard"  # AWS's default storage type
            if not online.get("EnableOnlineStore"):
                ctx.skip()  # the feature group has no online store
            elif storage != "Standard":
                ctx.skip()  # an InMemory online store: the control covers Standard storage only
            else:
                judge_cmk(ctx, (online.get("SecurityConfig") or {}).get("KmsKeyId"), "the online store",
                          {"storage_type": storage})


# -- inference experiments -------------------------------------------------------------------
EXPERIMENT = Kind("list_inference_experiments", "InferenceExperiments", "Name", "Arn", "describe_inference_experiment")
EXPERIMENT_META: dict[str, Any] = dict(
    service="sagemaker", scope="regional", resource_type="Other", severity="medium", boundaries=["model", "data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM06", "LLM10", "LLM02:2025"],
    permissions=["sagemaker:ListInferenceExperiments", "sagemaker:DescribeInferenceExperiment", "kms:DescribeKey"],
)


@check(
    id="sagemaker.inference_experiment_volume_cmk",
    title="SageMaker inference experiments encrypt instance storage with a customer managed key",
    description="Each SageMaker inference experiment names a customer managed KMS key (KmsKey) for the "
    "storage volumes of its shadow variants' instances.",
    rationale=(
        "Shadow tests run a candidate model on a copy of live traffic: its instance volumes hold the model "
        "and can hold real user prompts. A customer managed key puts their decryption under the key policy."
    ),
    remediation="Create a new inference experiment with `--kms-key <cmk>` (an experiment's key cannot be changed).",
    securityhub_controls=["SageMaker.23"],
    atlas=["AML.T0035", "AML.T0048.004", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.7", "MEASURE 2.10"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
    **EXPERIMENT_META,
)
def inference_experiment_volume_cmk(ctx: CheckContext) -> None:
    for summary in summaries(ctx, EXPERIMENT):
        with scope(ctx, EXPERIMENT, summary):
            judge_cmk(ctx, describe(ctx, EXPERIMENT, summary).get("KmsKey"), "the instance storage")


@check(
    id="sagemaker.inference_experiment_data_storage_cmk",
    title="SageMaker inference experiments encrypt captured data with a customer managed key",
    description="Each SageMaker inference experiment that captures data names a customer managed KMS key for "
    "it (DataStorageConfig.KmsKey).",
    rationale=(
        "An experiment's data capture writes real user prompts and both models' answers to S3; a customer "
        "managed key puts reading them under the key policy and CloudTrail."
    ),
    remediation="Create a new inference experiment with `--data-storage-config Destination=<s3>,KmsKey=<cmk>`.",
    securityhub_controls=["SageMaker.24"],
    atlas=["AML.T0035", "AML.T0036", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.7", "MEASURE 2.10"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
    **EXPERIMENT_META,
)
def inference_experiment_data_storage_cmk(ctx: CheckContext) -> None:
    for summary in summaries(ctx, EXPERIMENT):
        with scope(ctx, EXPERIMENT, summary):
            storage = describe(ctx, EXPERIMENT, summary).get("DataStorageConfig")
            if not storage:
                ctx.skip()  # the experiment captures no data
            else:
                judge_cmk(ctx, storage.get("KmsKey"), "the captured data", {"destination": storage.get("Destination")})


# -- notebook platforms ----------------------------------------------------------------------
# Platforms AWS no longer supports (Amazon Linux 1; Amazon Linux 2 with JupyterLab 1 or 3).
UNSUPPORTED_PLATFORMS = frozenset({"notebook-al1-v1", "notebook-al2-v1", "notebook-al2-v2"})


@check(
    id="sagemaker.notebook_supported_platform",
    title="SageMaker notebook instances run on a supported platform",
    description="Each SageMaker notebook instance's PlatformIdentifier is one AWS still supports "
    "(not notebook-al1-v1, notebook-al2-v1 or notebook-al2-v2).",
    rationale=(
        "A notebook on an unsupported platform no longer gets security patches to its OS, Jupyter or "
        "kernels, while it holds training data, model weights and the execution role's credentials."
    ),
    remediation="Create a new notebook instance with `--platform-identifier notebook-al2023-v1` and move the "
    "work to it (the platform of an instance cannot be changed).",
    service="sagemaker",
    scope="regional",
    resource_type="AwsSageMakerNotebookInstance",
    severity="medium",
    boundaries=["model"],
    csf=["ID.AM-08", "PR.PS-02"],
    owasp_llm=["LLM05", "LLM03:2025"],
    securityhub_controls=["SageMaker.8"],
    permissions=list(NOTEBOOK_PERMISSIONS),
    atlas=["AML.T0010.001"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
)
def notebook_supported_platform(ctx: CheckContext) -> None:
    for summary in summaries(ctx, NOTEBOOK):
        with scope(ctx, NOTEBOOK, summary):
            platform = describe(ctx, NOTEBOOK, summary).get("PlatformIdentifier")
            if not platform:
                ctx.failed("the notebook reports no platform identifier", {"platform": None})
            elif platform in UNSUPPORTED_PLATFORMS:
                ctx.failed(f"{platform} is no longer supported", {"platform": platform})
            else:
                ctx.passed(f"the notebook runs on {platform}", {"platform": platform})
