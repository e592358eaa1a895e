"""Amazon SageMaker MLOps resources: model monitoring job definitions and schedules, model
container registries, feature groups, inference experiments and notebook platforms.

Covers the Security Hub SageMaker controls that checks/sagemaker.py does not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from posture.api import CheckContext, EvidenceValue, Family, detailed, each
from posture.checks import _exposure
from posture.checks._keys import CMK_READS, judge_cmk
from posture.checks._read import sagemaker as sm

check = Family(
    service="sagemaker",
    scope="regional",
    resource_type="Other",
    boundaries=["model"],
    service_docs="https://docs.aws.amazon.com/sagemaker/latest/dg/security.html",
    maps=["Art. 15"],
)

# -- monitoring job definitions --------------------------------------------------------------
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
    for item in detailed(ctx, sm.JOB_DEFINITIONS[monitoring_type]):
        with ctx.resource(item.id, arn=item.arn):
            judge_network(ctx, item.detail().get("NetworkConfig"), setting, {})


ENCRYPTION_RATIONALE = (
    "A distributed monitoring job passes captured prompts, model outputs and ground-truth labels between "
    "its instances; unencrypted, they can be read or altered on the network."
)
ISOLATION_RATIONALE = (
    "The monitoring container reads captured inference traffic; without network isolation a tampered "
    "container image can send those prompts and outputs anywhere or pull unvetted code."
)


def _job_definition_check(monitoring_type: str, label: str, setting: str, control: str, severity: str
                          ) -> Callable[[Callable[[CheckContext], None]], Any]:
    kind = sm.JOB_DEFINITIONS[monitoring_type]
    snake = kind.name.removesuffix("_definition")
    cli = snake.replace("_", "-")
    if setting == INTER_CONTAINER:
        return check(
            id=f"sagemaker.{snake}_definition_inter_container_encryption",
            title=f"SageMaker {label} job definitions encrypt traffic between containers",
            description=f"Each SageMaker {label} job definition has "
            "NetworkConfig.EnableInterContainerTrafficEncryption set.",
            rationale=ENCRYPTION_RATIONALE,
            remediation=f"Recreate the job definition with `aws sagemaker create-{cli}-definition "
            f"--job-definition-name <job-definition-name> --{cli[:-4]}-app-specification <app-specification> "
            f"--{cli[:-4]}-job-input <job-input> --{cli[:-4]}-job-output-config <job-output-config> "
            "--job-resources <job-resources> --role-arn <role-arn> "
            "--network-config EnableInterContainerTrafficEncryption=true` and point its monitoring schedule at it "
            "(job definitions are immutable).",
            severity=severity,
            maps=["PR.DS-02", "LLM02:2025", "LLM06", "LLM10", control, "AML.M0012", "AML.T0025", "AML.T0063",
                  "MEASURE 2.7", "A.6.2.6"],
            reads=[kind],
        )
    return check(
        id=f"sagemaker.{snake}_definition_network_isolation",
        title=f"SageMaker {label} job definitions run with network isolation",
        description=f"Each SageMaker {label} job definition has NetworkConfig.EnableNetworkIsolation set.",
        rationale=ISOLATION_RATIONALE,
        remediation=f"Recreate the job definition with `aws sagemaker create-{cli}-definition "
        f"--job-definition-name <job-definition-name> --{cli[:-4]}-app-specification <app-specification> "
        f"--{cli[:-4]}-job-input <job-input> --{cli[:-4]}-job-output-config <job-output-config> "
        "--job-resources <job-resources> --role-arn <role-arn> "
        "--network-config EnableNetworkIsolation=true` and point its monitoring schedule at it "
        "(job definitions are immutable).",
        severity=severity,
        maps=["PR.IR-01", "LLM02:2025", "LLM03:2025", "LLM05", "LLM06", control, "AML.T0010.001", "AML.T0010.004",
              "AML.T0025", "MEASURE 2.7", "A.6.2.6"],
        reads=[kind],
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
def judge_schedules(ctx: CheckContext, setting: str) -> None:
    listed = sm.summaries(ctx, sm.SCHEDULE)
    networks = each(ctx, lambda summary: sm.schedule_network(ctx, summary), listed)
    for summary, outcome in zip(listed, networks, strict=True):
        with ctx.resource(summary[sm.SCHEDULE.id], arn=summary.get(sm.SCHEDULE.arn)):
            network, facts = outcome.get()
            judge_network(ctx, network, setting, facts)


@check(
    id="sagemaker.monitoring_schedule_network_isolation",
    title="SageMaker monitoring schedules run their jobs with network isolation",
    description="Each SageMaker monitoring schedule's job (inline or the job definition it names) has "
    "NetworkConfig.EnableNetworkIsolation set.",
    rationale=ISOLATION_RATIONALE,
    remediation="Point the schedule at a job definition created with `--network-config EnableNetworkIsolation=true` "
    "(`aws sagemaker update-monitoring-schedule`).",
    severity="medium",
    maps=["PR.IR-01", "LLM02:2025", "LLM03:2025", "LLM05", "LLM06", "SageMaker.14", "AML.T0010.001", "AML.T0010.004",
        "AML.T0025", "MEASURE 2.7", "A.6.2.6"],
    reads=[sm.SCHEDULE_NETWORK_READS],
)
def monitoring_schedule_network_isolation(ctx: CheckContext) -> None:
    judge_schedules(ctx, ISOLATION)


@check(
    id="sagemaker.monitoring_schedule_inter_container_encryption",
    title="SageMaker monitoring schedules encrypt traffic between containers",
    description="Each SageMaker monitoring schedule's job (inline or the job definition it names) has "
    "NetworkConfig.EnableInterContainerTrafficEncryption set.",
    rationale=ENCRYPTION_RATIONALE,
    remediation="Point the schedule at a job definition created with `--network-config "
    "EnableInterContainerTrafficEncryption=true` (`aws sagemaker update-monitoring-schedule`).",
    severity="medium",
    maps=["PR.DS-02", "LLM02:2025", "LLM06", "LLM10", "SageMaker.22", "AML.M0012", "AML.T0025", "AML.T0063",
        "MEASURE 2.7", "A.6.2.6"],
    reads=[sm.SCHEDULE_NETWORK_READS],
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
    severity="medium",
    rationale=(
        "Pulling serving images from a private registry through the model's VPC keeps the image supply chain "
        "behind the account's network controls and endpoint policies, so an inference container cannot be "
        "swapped for one from an uncontrolled registry."
    ),
    reads=[sm.MODEL],
)


@check(
    id="sagemaker.model_primary_container_private_registry",
    title="SageMaker models pull their primary container from a private registry in a VPC",
    description="Each SageMaker model with a primary container has ImageConfig.RepositoryAccessMode Vpc.",
    remediation="Create a new model with `--primary-container Image=<uri>,ImageConfig={RepositoryAccessMode=Vpc}` "
    "and `--vpc-config`, then update the endpoint configuration to use it.",
    maps=["PR.IR-01", "PR.PS-01", "LLM03:2025", "LLM05", "SageMaker.16", "AML.T0010.001", "AML.T0010.004", "MANAGE 3.1",
        "MEASURE 2.7", "A.6.2.5"],
    **REGISTRY_META,
)
def model_primary_container_private_registry(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.MODEL):
        with ctx.resource(item.id, arn=item.arn):
            primary = item.detail().get("PrimaryContainer")
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
    maps=["PR.IR-01", "PR.PS-01", "LLM03:2025", "LLM05", "SageMaker.19", "AML.T0010.001", "AML.T0010.004", "MANAGE 3.1",
        "MEASURE 2.7", "A.6.2.5"],
    **REGISTRY_META,
)
def model_pipeline_containers_private_registry(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.MODEL):
        with ctx.resource(item.id, arn=item.arn):
            containers = item.detail().get("Containers") or []
            if not containers:
                ctx.skip()  # the model has a single primary container, not an inference pipeline
            else:
                judge_registry(ctx, containers)


# -- feature groups --------------------------------------------------------------------------
FEATURE_META: dict[str, Any] = dict(severity="medium", boundaries=["data"], reads=[sm.FEATURE_GROUP, CMK_READS])


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
    maps=["PR.DS-01", "LLM02:2025", "LLM03", "LLM04:2025", "LLM06", "SageMaker.17", "AML.M0005", "AML.M0012",
        "AML.T0035", "AML.T0036", "MEASURE 2.10", "MEASURE 2.7", "A.7.2"],
    **FEATURE_META,
)
def feature_group_offline_store_cmk(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.FEATURE_GROUP):
        with ctx.resource(item.id, arn=item.arn):
            offline = item.detail().get("OfflineStoreConfig")
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
    maps=["PR.DS-01", "LLM02:2025", "LLM03", "LLM04:2025", "LLM06", "SageMaker.18", "AML.M0005", "AML.M0012",
        "AML.T0035", "AML.T0036", "MEASURE 2.10", "MEASURE 2.7", "A.7.2"],
    **FEATURE_META,
)
def feature_group_online_store_cmk(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.FEATURE_GROUP):
        with ctx.resource(item.id, arn=item.arn):
            online = item.detail().get("OnlineStoreConfig") or {}
            storage = online.get("StorageType") or "Standard"  # AWS's default storage type
            if not online.get("EnableOnlineStore"):
                ctx.skip()  # the feature group has no online store
            elif storage != "Standard":
                ctx.skip()  # an InMemory online store: the control covers Standard storage only
            else:
                judge_cmk(ctx, (online.get("SecurityConfig") or {}).get("KmsKeyId"), "the online store",
                          {"storage_type": storage})


# -- inference experiments -------------------------------------------------------------------
EXPERIMENT_META: dict[str, Any] = dict(severity="medium", boundaries=["model", "data"],
                                       reads=[sm.EXPERIMENT, CMK_READS])


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
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "LLM10", "SageMaker.23", "AML.M0012", "AML.T0035", "AML.T0048.004",
        "MEASURE 2.10", "MEASURE 2.7", "A.6.2.6"],
    **EXPERIMENT_META,
)
def inference_experiment_volume_cmk(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.EXPERIMENT):
        with ctx.resource(item.id, arn=item.arn):
            judge_cmk(ctx, item.detail().get("KmsKey"), "the instance storage")


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
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "LLM10", "SageMaker.24", "AML.M0012", "AML.T0035", "AML.T0036",
        "MEASURE 2.10", "MEASURE 2.7", "A.6.2.6"],
    **EXPERIMENT_META,
)
def inference_experiment_data_storage_cmk(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.EXPERIMENT):
        with ctx.resource(item.id, arn=item.arn):
            storage = item.detail().get("DataStorageConfig")
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
    resource_type="AwsSageMakerNotebookInstance",
    severity="medium",
    maps=["ID.AM-08", "PR.PS-02", "LLM03:2025", "LLM05", "SageMaker.8", "AML.T0010.001", "MEASURE 2.7", "A.6.2.6"],
    reads=[sm.NOTEBOOK],
)
def notebook_supported_platform(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.NOTEBOOK):
        with ctx.resource(item.id, arn=item.arn):
            platform = item.detail().get("PlatformIdentifier")
            if not platform:
                ctx.failed("the notebook reports no platform identifier", {"platform": None})
            elif platform in UNSUPPORTED_PLATFORMS:
                ctx.failed(f"{platform} is no longer supported", {"platform": platform})
            else:
                ctx.passed(f"the notebook runs on {platform}", {"platform": platform})


# -- what in-service endpoints serve ---------------------------------------------------------
def in_service_endpoints(ctx: CheckContext) -> list[dict[str, Any]]:
    return [e for e in sm.endpoints(ctx) if e.get("EndpointStatus") == "InService"]


def model_packages(model: dict[str, Any]) -> list[str | None]:
    """The model package each container of a model comes from (None: an image and artifact named directly)."""
    containers = [c for c in [model.get("PrimaryContainer"), *(model.get("Containers") or [])] if c]
    return [c.get("ModelPackageName") for c in containers] or [None]


def judge_deployment(models: dict[str, list[str | None]], approval: dict[str, str | None]
                     ) -> tuple[bool, str, dict[str, EvidenceValue]]:
    """(good, message, evidence) of one endpoint: model -> its containers' packages, package -> its
    ModelApprovalStatus (None: an unversioned package, outside the registry's approval workflow)."""
    unregistered = sorted(m for m, packages in models.items() if any(p is None for p in packages))
    unapproved = sorted({p for packages in models.values() for p in packages
                         if p is not None and approval.get(p) != "Approved"})
    evidence: dict[str, EvidenceValue] = {
        "models": sorted(models), "unregistered_models": unregistered, "unapproved_packages": unapproved,
        "package_status": sorted(f"{p}={s}" for p, s in approval.items()),
    }
    problems = []
    if unregistered:
        problems.append(f"model(s) {', '.join(unregistered)} do not come from a model package")
    if unapproved:
        problems.append(f"package(s) {', '.join(unapproved)} are not Approved")
    if problems:
        return False, "; ".join(problems), evidence
    return True, f"{len(models)} model(s) come from Approved model package versions", evidence


@check(
    id="sagemaker_mlops.deployed_models_approved",
    title="SageMaker endpoints serve only approved model registry versions",
    description="Each in-service SageMaker endpoint serves models (every production and shadow variant, every "
    "container) created from a model package version whose ModelApprovalStatus is Approved.",
    rationale=(
        "The model registry's approval is the gate where a model is reviewed, evaluated and signed off. A "
        "model deployed from an image and artifact named directly, or from a version still pending or "
        "rejected, skipped that gate: a poisoned or untested model can reach users."
    ),
    remediation="Register the model (`aws sagemaker create-model-package --model-package-group-name <g>`), approve "
                "it "
                "after review (`aws sagemaker update-model-package --model-package-arn <model-package-arn> "
                "--model-approval-status Approved`), create the model from the package (`create-model "
                "--primary-container ModelPackageName=<arn>`) and update the endpoint to a configuration that uses "
                "it.",
    resource_type="AwsSageMakerEndpoint",
    severity="high",
    maps=["ID.RA-09", "PR.PS-01", "LLM03", "LLM03:2025", "LLM04:2025", "LLM05", "AML.M0014", "AML.T0010.003",
        "AML.T0018", "AML.T0058", "MANAGE 1.1", "MEASURE 2.5", "A.6.2.4", "A.6.2.5", "Art. 17"],
    docs_url="https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-approve.html",
    reads=[sm.ENDPOINT, sm.DESCRIBE_ENDPOINT_CONFIG, sm.DESCRIBE_MODEL, sm.DESCRIBE_MODEL_PACKAGE],
)
def deployed_models_approved(ctx: CheckContext) -> None:
    listed = in_service_endpoints(ctx)
    served = each(ctx, lambda summary: sm.served_models(ctx, summary["EndpointName"]), listed)
    for summary, outcome in zip(listed, served, strict=True):
        with ctx.resource(summary["EndpointName"], arn=summary.get("EndpointArn")):
            names = outcome.get()
            if not names or any(n is None for n in names):
                ctx.error("a variant names no model (inference components): not judged", {"models": []})
                continue
            unique = [n for n in dict.fromkeys(names) if n]
            described = ctx.fan_out(lambda n: sm.DESCRIBE_MODEL(ctx, n), unique)
            models = {n: model_packages(model) for n, model in zip(unique, described, strict=True)}
            packages = [p for p in dict.fromkeys(p for found in models.values() for p in found) if p]
            statuses = ctx.fan_out(lambda p: sm.DESCRIBE_MODEL_PACKAGE(ctx, p).get("ModelApprovalStatus"), packages)
            approval = dict(zip(packages, statuses, strict=True))
            good, message, evidence = judge_deployment(models, approval)
            if good:
                ctx.passed(message, evidence)
            else:
                ctx.failed(message, evidence)


# -- monitoring of in-service endpoints -------------------------------------------------------
QUALITY_MONITORS = ("DataQuality", "ModelQuality")
CLARIFY_MONITORS = ("ModelBias", "ModelExplainability")


def judge_monitoring(schedules: list[dict[str, Any]], capture: dict[str, Any]
                     ) -> tuple[bool, str, dict[str, EvidenceValue]]:
    """(good, message, evidence) of one endpoint: its Model Monitor / Clarify schedules and its data capture.

    A schedule counts while Scheduled (not Pending, Failed or Stopped); a monitor reads what the endpoint
    captures, so with capture off or stopped it has nothing to analyse."""
    active = [s for s in schedules if s.get("MonitoringScheduleStatus") == "Scheduled"]
    types = sorted({s.get("MonitoringType") or "DataQuality" for s in active})
    capturing = bool(capture.get("EnableCapture")) and capture.get("CaptureStatus", "Started") == "Started"
    evidence: dict[str, EvidenceValue] = {
        "schedules": sorted(s.get("MonitoringScheduleName", "?") for s in active),
        "monitoring_types": types,
        "inactive_schedules": sorted(f"{s.get('MonitoringScheduleName', '?')}={s.get('MonitoringScheduleStatus')}"
                                     for s in schedules if s not in active),
        "data_capture": capturing,
    }
    if not active:
        return False, "no active Model Monitor or Clarify schedule", evidence
    if not capturing:
        return False, f"{', '.join(types)} monitoring is scheduled but the endpoint captures no data", evidence
    kinds = [label for label, group in (("Model Monitor", QUALITY_MONITORS), ("Clarify", CLARIFY_MONITORS))
             if any(t in group for t in types)]
    return True, f"{' and '.join(kinds)} monitoring ({', '.join(types)}) on captured data", evidence


@check(
    id="sagemaker_mlops.endpoint_monitoring",
    title="In-service SageMaker endpoints are monitored for quality, bias or explainability drift",
    description="Each in-service SageMaker endpoint has an active (Scheduled) Model Monitor (data or model "
    "quality) or Clarify (bias or explainability) monitoring schedule, and captures the data it analyses; "
    "the finding names which kinds watch it.",
    rationale=(
        "A deployed model drifts, is probed and can be steered by poisoned feedback; quality and Clarify "
        "monitors compare live traffic with a baseline and raise violations that no infrastructure alarm "
        "sees. A schedule on an endpoint that captures nothing watches nothing."
    ),
    remediation="Enable data capture on the endpoint (endpoint configuration DataCaptureConfig), create a "
    "baseline and `aws sagemaker create-monitoring-schedule` with a data-quality, model-quality, model-bias "
    "or model-explainability job definition for the endpoint.",
    resource_type="AwsSageMakerEndpoint",
    severity="medium",
    maps=["DE.AE-02", "DE.CM-09", "LLM03", "LLM04:2025", "LLM09", "LLM09:2025", "AML.M0008", "AML.T0020", "AML.T0031",
        "MANAGE 4.1", "MEASURE 2.11", "MEASURE 2.4", "A.6.2.6", "Art. 72"],
    docs_url="https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor.html",
    reads=[sm.ENDPOINT, sm.LIST_MONITORING_SCHEDULES],
)
def endpoint_monitoring(ctx: CheckContext) -> None:
    listed = in_service_endpoints(ctx)
    details = each(ctx, lambda summary: sm.endpoint(ctx, summary["EndpointName"]), listed)
    for summary, detail in zip(listed, details, strict=True):
        name = summary["EndpointName"]
        with ctx.resource(name, arn=summary.get("EndpointArn")):
            schedules = [s for s in sm.monitoring_schedules(ctx) if s.get("EndpointName") == name]
            capture = detail.get().get("DataCaptureConfig") or {}
            good, message, evidence = judge_monitoring(schedules, capture)
            if good:
                ctx.passed(message, evidence)
            else:
                ctx.failed(message, evidence)


# -- model package group policies -------------------------------------------------------------
def open_grants(policy: Any, account_id: str) -> list[str]:
    """Who outside the account the policy lets read or use the group's models without a condition that
    names the caller by value (anyone, another account, a service with no source condition)."""
    found = _exposure.exposure(policy, _exposure.PACKAGE_GROUP_ACTIONS, account_id=account_id)
    return sorted({o.principal for o in found if o.public or not o.narrowed})


@check(
    id="sagemaker_mlops.model_package_group_policy_not_public",
    title="SageMaker model registry groups are not shared with everyone or unrestricted accounts",
    description="No SageMaker model package group's resource policy lets anyone, another account or a service "
    "in without a condition that names the caller by value (aws:PrincipalOrgID, aws:SourceAccount, ...).",
    rationale=(
        "A model package group holds every version of a model: its artifacts, inference images and metrics. "
        "A policy that lets anyone or an unrestricted outside account describe or use them gives the model "
        "away (weights are intellectual property and can leak training data) or lets it be registered over."
    ),
    remediation="`aws sagemaker put-model-package-group-policy --model-package-group-name <g> "
    "--resource-policy file://policy.json` naming only the accounts that need it, with an aws:PrincipalOrgID "
    "condition; or `aws sagemaker delete-model-package-group-policy`.",
    severity="high",
    maps=["PR.AA-05", "PR.DS-01", "LLM02:2025", "LLM03:2025", "LLM05", "LLM10", "AML.M0005", "AML.T0035",
        "AML.T0048.004", "MEASURE 2.7", "A.6.2.5"],
    docs_url="https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-ram.html",
    reads=[sm.PACKAGE_GROUP],
)
def model_package_group_policy_not_public(ctx: CheckContext) -> None:
    listed = sm.summaries(ctx, sm.PACKAGE_GROUP)
    policies = each(ctx, lambda summary: sm.package_group_policy(ctx, summary["ModelPackageGroupName"]), listed)
    for summary, outcome in zip(listed, policies, strict=True):
        with ctx.resource(summary["ModelPackageGroupName"], arn=summary.get("ModelPackageGroupArn")):
            policy = outcome.get()
            if policy is None:
                ctx.passed("the group has no resource policy: only this account's principals reach it",
                           {"open_to": [], "policy": False})
                continue
            found = open_grants(policy, ctx.account_id)
            if found:
                ctx.failed(f"the policy lets in {'; '.join(found)}", {"open_to": found, "policy": True})
            else:
                ctx.passed("the policy lets in no one outside the account without a condition by value",
                           {"open_to": [], "policy": True})


@check(
    id="sagemaker_mlops.model_package_group_outside_access",
    title="No one outside the account or its organization can use or change a model registry group",
    description="The resource policy of every SageMaker model package group lets no one outside this account and "
    "its organization describe, deploy or register its models, under any condition. Judged by the one exposure "
    "question (checks/_exposure.py) over the model registry actions.",
    rationale=(
        "A model package group holds every version of a model. Shared with an account outside the organization, "
        "even under a condition, the model leaves the organization's control."
    ),
    remediation="`aws sagemaker put-model-package-group-policy --model-package-group-name <g> --resource-policy "
    "file://policy.json` naming only the organization's accounts; or `aws sagemaker "
    "delete-model-package-group-policy`.",
    severity="medium",
    maps=["PR.AA-05", "LLM03:2025", "LLM05", "AML.T0035", "MEASURE 2.7", "A.6.2.5"],
    reads=[_exposure.PACKAGE_GROUP.reads],
)
def model_package_group_outside_access(ctx: CheckContext) -> None:
    _exposure.judge(ctx, _exposure.PACKAGE_GROUP,
                    [_exposure.Target(g["ModelPackageGroupName"], g.get("ModelPackageGroupArn"), "model registry", g)
                     for g in sm.summaries(ctx, sm.PACKAGE_GROUP)])
