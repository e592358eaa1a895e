"""Amazon SageMaker: notebooks, training and processing jobs, models, endpoints and Studio domains."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checks.kms import is_customer_managed, judge_cmk
from posture.core.context import CheckContext
from posture.core.registry import check


def endpoint_configs(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("sagemaker", "list_endpoint_configs").get("EndpointConfigs", []))


def endpoint_config(ctx: CheckContext, name: str) -> dict[str, Any]:
    return ctx.call("sagemaker", "describe_endpoint_config", EndpointConfigName=name)


@dataclass(frozen=True)
class Kind:
    """How one kind of SageMaker resource is listed and described."""

    list_op: str
    items: str
    name: str
    arn: str
    describe_op: str


NOTEBOOK = Kind("list_notebook_instances", "NotebookInstances", "NotebookInstanceName", "NotebookInstanceArn",
                "describe_notebook_instance")
MODEL = Kind("list_models", "Models", "ModelName", "ModelArn", "describe_model")
TRAINING_JOB = Kind("list_training_jobs", "TrainingJobSummaries", "TrainingJobName", "TrainingJobArn",
                    "describe_training_job")
PROCESSING_JOB = Kind("list_processing_jobs", "ProcessingJobSummaries", "ProcessingJobName", "ProcessingJobArn",
                      "describe_processing_job")
DOMAIN = Kind("list_domains", "Domains", "DomainId", "DomainArn", "describe_domain")


def summaries(ctx: CheckContext, kind: Kind) -> list[dict[str, Any]]:
    return list(ctx.paginate("sagemaker", kind.list_op).get(kind.items, []))


def describe(ctx: CheckContext, kind: Kind, summary: dict[str, Any]) -> dict[str, Any]:
    return ctx.call("sagemaker", kind.describe_op, **{kind.name: summary[kind.name]})


def scope(ctx: CheckContext, kind: Kind, summary: dict[str, Any]) -> Any:
    """The finding scope of one listed resource (describe it inside: a failed read is its ERROR)."""
    return ctx.resource(summary[kind.name], arn=summary.get(kind.arn))


def _all(ctx: CheckContext, kind: Kind) -> list[dict[str, Any]]:
    return [describe(ctx, kind, s) for s in summaries(ctx, kind)]


def training_jobs(ctx: CheckContext) -> list[dict[str, Any]]:
    return _all(ctx, TRAINING_JOB)


def models(ctx: CheckContext) -> list[dict[str, Any]]:
    return _all(ctx, MODEL)


def notebooks(ctx: CheckContext) -> list[dict[str, Any]]:
    return _all(ctx, NOTEBOOK)


def domains(ctx: CheckContext) -> list[dict[str, Any]]:
    return _all(ctx, DOMAIN)


def processing_jobs(ctx: CheckContext) -> list[dict[str, Any]]:
    return _all(ctx, PROCESSING_JOB)


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


def endpoints(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("sagemaker", "list_endpoints").get("Endpoints", []))


def monitoring_schedules(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("sagemaker", "list_monitoring_schedules").get("MonitoringScheduleSummaries", []))


def subnet_ids(ctx: CheckContext) -> list[str]:
    """Subnets SageMaker notebooks, training jobs and models run in, in this region."""
    subnets = [n["SubnetId"] for n in notebooks(ctx) if n.get("SubnetId")]
    for item in [*training_jobs(ctx), *models(ctx)]:
        subnets.extend(item.get("VpcConfig", {}).get("Subnets", []))
    return subnets


def vpc_ids(ctx: CheckContext) -> list[str]:
    """VPCs SageMaker domains are attached to, in this region."""
    return [d["VpcId"] for d in domains(ctx) if d.get("VpcId")]


def judge_in_vpc(ctx: CheckContext, record: dict[str, Any], what: str) -> None:
    """PASS when a model's or job's VpcConfig names subnets, else FAIL."""
    subnets = (record.get("VpcConfig") or {}).get("Subnets", [])
    if subnets:
        ctx.passed(f"{what} runs in {len(subnets)} subnet(s)", {"subnets": subnets})
    else:
        ctx.failed(f"{what} has no VPC configuration", {"subnets": []})


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
    atlas=["AML.T0035", "AML.T0048.004", "AML.T0044", "AML.M0012", "AML.M0005"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
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


NOTEBOOK_PERMISSIONS = ("sagemaker:ListNotebookInstances", "sagemaker:DescribeNotebookInstance")
MODEL_PERMISSIONS = ("sagemaker:ListModels", "sagemaker:DescribeModel")
TRAINING_PERMISSIONS = ("sagemaker:ListTrainingJobs", "sagemaker:DescribeTrainingJob")
PROCESSING_PERMISSIONS = ("sagemaker:ListProcessingJobs", "sagemaker:DescribeProcessingJob")
DOMAIN_PERMISSIONS = ("sagemaker:ListDomains", "sagemaker:DescribeDomain")
ENDPOINT_PERMISSIONS = ("sagemaker:ListEndpoints", "sagemaker:DescribeEndpoint", "sagemaker:DescribeEndpointConfig")


# -- notebooks -------------------------------------------------------------------------------
@check(
    id="sagemaker.notebook_no_direct_internet",
    title="SageMaker notebook instances have no direct internet access",
    description="Each SageMaker notebook instance has DirectInternetAccess disabled.",
    rationale=(
        "Notebooks hold training data, model weights and credentials of the execution role. Direct internet "
        "access lets code run there send them anywhere and pull untrusted packages, past the VPC's controls."
    ),
    remediation="Recreate the notebook with `--direct-internet-access Disabled` in a VPC subnet with the "
    "VPC endpoints or NAT it needs.",
    service="sagemaker",
    scope="regional",
    resource_type="AwsSageMakerNotebookInstance",
    severity="high",
    boundaries=["model"],
    csf=["PR.IR-01"],
    owasp_llm=["LLM10", "LLM06", "LLM02:2025", "LLM03:2025"],
    securityhub_controls=["SageMaker.1"],
    permissions=list(NOTEBOOK_PERMISSIONS),
    atlas=["AML.T0025", "AML.T0072", "AML.T0011.001"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
)
def notebook_no_direct_internet(ctx: CheckContext) -> None:
    for summary in summaries(ctx, NOTEBOOK):
        with scope(ctx, NOTEBOOK, summary):
            notebook = describe(ctx, NOTEBOOK, summary)
            access = notebook.get("DirectInternetAccess", "Enabled")  # AWS's default is Enabled
            if access == "Disabled":
                ctx.passed("direct internet access is disabled", {"direct_internet_access": access})
            else:
                ctx.failed("the notebook has direct internet access", {"direct_internet_access": access})


@check(
    id="sagemaker.notebook_in_vpc",
    title="SageMaker notebook instances run in a customer VPC",
    description="Each SageMaker notebook instance is launched into a subnet of the account's own VPC.",
    rationale=(
        "Outside a customer VPC a notebook's traffic escapes security groups, VPC endpoint policies and flow "
        "logs: nothing limits or records where its data goes."
    ),
    remediation="Recreate the notebook with `--subnet-id <subnet> --security-group-ids <sg>`.",
    service="sagemaker",
    scope="regional",
    resource_type="AwsSageMakerNotebookInstance",
    severity="high",
    boundaries=["model"],
    csf=["PR.IR-01"],
    owasp_llm=["LLM10", "LLM06", "LLM02:2025"],
    securityhub_controls=["SageMaker.2"],
    permissions=list(NOTEBOOK_PERMISSIONS),
    atlas=["AML.T0025", "AML.T0072", "AML.T0011.001"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
)
def notebook_in_vpc(ctx: CheckContext) -> None:
    for summary in summaries(ctx, NOTEBOOK):
        with scope(ctx, NOTEBOOK, summary):
            notebook = describe(ctx, NOTEBOOK, summary)
            subnet = notebook.get("SubnetId")
            if subnet:
                ctx.passed(f"the notebook runs in subnet {subnet}", {"subnet": subnet})
            else:
                ctx.failed("the notebook is not in a customer VPC", {"subnet": None})


@check(
    id="sagemaker.notebook_root_access_disabled",
    title="SageMaker notebook instances deny users root access",
    description="Each SageMaker notebook instance has RootAccess disabled (AWS enables it when unset).",
    rationale=(
        "Root on a notebook lets a user change its software, lifecycle scripts and logging: install a "
        "tampered package into the training pipeline or hide what was done with the data."
    ),
    remediation="`aws sagemaker stop-notebook-instance` then `aws sagemaker update-notebook-instance "
    "--notebook-instance-name <n> --root-access Disabled`.",
    service="sagemaker",
    scope="regional",
    resource_type="AwsSageMakerNotebookInstance",
    severity="high",
    boundaries=["model"],
    csf=["PR.AA-05", "PR.PS-01"],
    owasp_llm=["LLM05", "LLM10", "LLM03:2025", "LLM04:2025"],
    securityhub_controls=["SageMaker.3"],
    permissions=list(NOTEBOOK_PERMISSIONS),
    atlas=["AML.T0011.001", "AML.T0037"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
)
def notebook_root_access_disabled(ctx: CheckContext) -> None:
    for summary in summaries(ctx, NOTEBOOK):
        with scope(ctx, NOTEBOOK, summary):
            notebook = describe(ctx, NOTEBOOK, summary)
            root = notebook.get("RootAccess") or "Enabled"  # absent means AWS's default: Enabled
            if root == "Disabled":
                ctx.passed("root access is disabled", {"root_access": root})
            else:
                ctx.failed("users have root access", {"root_access": root})


@check(
    id="sagemaker.notebook_cmk",
    title="SageMaker notebook instances are encrypted with a customer managed key",
    description="Each SageMaker notebook instance encrypts its storage volume with a customer managed KMS key.",
    rationale=(
        "A notebook's volume keeps copies of datasets, checkpoints and experiments. A customer managed key "
        "puts reading them under the account's key policy and audit."
    ),
    remediation="Recreate the notebook with `--kms-key-id <customer-managed-key>` and move its data.",
    service="sagemaker",
    scope="regional",
    resource_type="AwsSageMakerNotebookInstance",
    severity="medium",
    boundaries=["model", "data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM06", "LLM10", "LLM02:2025"],
    securityhub_controls=["SageMaker.21"],
    permissions=[*NOTEBOOK_PERMISSIONS, "kms:DescribeKey"],
    atlas=["AML.T0035", "AML.T0037", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
)
def notebook_cmk(ctx: CheckContext) -> None:
    for summary in summaries(ctx, NOTEBOOK):
        with scope(ctx, NOTEBOOK, summary):
            notebook = describe(ctx, NOTEBOOK, summary)
            judge_cmk(ctx, notebook.get("KmsKeyId"), "the notebook volume")


# -- models and endpoints --------------------------------------------------------------------
@check(
    id="sagemaker.model_network_isolation",
    title="SageMaker models run with network isolation",
    description="Each SageMaker model has EnableNetworkIsolation set, so its containers make no outbound "
    "network calls.",
    rationale=(
        "Inference containers see every prompt and the model's weights. With network isolation a compromised "
        "or malicious container image cannot send them out or fetch a payload."
    ),
    remediation="Recreate the model with `aws sagemaker create-model ... --enable-network-isolation` and "
    "update the endpoint configuration to use it.",
    service="sagemaker",
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["model"],
    csf=["PR.IR-01"],
    owasp_llm=["LLM05", "LLM10", "LLM03:2025", "LLM02:2025"],
    securityhub_controls=["SageMaker.5"],
    permissions=list(MODEL_PERMISSIONS),
    atlas=["AML.T0025", "AML.T0011.000", "AML.T0072"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
)
def model_network_isolation(ctx: CheckContext) -> None:
    for summary in summaries(ctx, MODEL):
        with scope(ctx, MODEL, summary):
            model = describe(ctx, MODEL, summary)
            if model.get("EnableNetworkIsolation"):
                ctx.passed("network isolation is enabled", {"network_isolation": True})
            else:
                ctx.failed("the model's containers can reach the network", {"network_isolation": False})


@check(
    id="sagemaker.model_in_vpc",
    title="SageMaker models run in a customer VPC",
    description="Each SageMaker model has a VpcConfig with subnets, so its endpoints' containers run in the "
    "account's VPC.",
    rationale=(
        "In the account's VPC, inference traffic to S3, KMS and other services passes security groups and "
        "VPC endpoint policies and shows in flow logs."
    ),
    remediation="Recreate the model with `--vpc-config SecurityGroupIds=<sg>,Subnets=<subnets>`.",
    service="sagemaker",
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["model"],
    csf=["PR.IR-01"],
    owasp_llm=["LLM10", "LLM06", "LLM02:2025"],
    permissions=list(MODEL_PERMISSIONS),
    atlas=["AML.T0025", "AML.T0072"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
)
def model_in_vpc(ctx: CheckContext) -> None:
    for summary in summaries(ctx, MODEL):
        with scope(ctx, MODEL, summary):
            judge_in_vpc(ctx, describe(ctx, MODEL, summary), "the model")


@check(
    id="sagemaker.endpoint_config_data_capture",
    title="SageMaker endpoint configurations capture inference data",
    description="Each SageMaker endpoint configuration has data capture enabled (DataCaptureConfig.EnableCapture).",
    rationale=(
        "Captured requests and responses are the record of what the model was asked and answered: the input "
        "for Model Monitor and for investigating prompt attacks, drift and harmful output."
    ),
    remediation="Create a new endpoint configuration with `--data-capture-config EnableCapture=true,"
    "InitialSamplingPercentage=100,DestinationS3Uri=<s3-uri>,KmsKeyId=<key>,CaptureOptions=[...]` and update "
    "the endpoint.",
    service="sagemaker",
    scope="regional",
    resource_type="AwsSageMakerEndpointConfig",
    severity="low",
    boundaries=["model"],
    csf=["DE.CM-09", "PR.PS-04"],
    owasp_llm=["LLM01", "LLM09", "LLM01:2025", "LLM09:2025"],
    permissions=["sagemaker:ListEndpointConfigs", "sagemaker:DescribeEndpointConfig"],
    atlas=["AML.T0051", "AML.T0024", "AML.T0043", "AML.M0024"],
    nist_ai_rmf=["MEASURE 2.4", "MANAGE 4.1"],
    iso42001=["A.6.2.8"],
    eu_ai_act=["Art. 12"],
)
def endpoint_config_data_capture(ctx: CheckContext) -> None:
    for summary in endpoint_configs(ctx):
        with ctx.resource(summary["EndpointConfigName"], arn=summary.get("EndpointConfigArn")):
            capture = endpoint_config(ctx, summary["EndpointConfigName"]).get("DataCaptureConfig") or {}
            if capture.get("EnableCapture"):
                ctx.passed("data capture is enabled",
                           {"sampling_percentage": capture.get("InitialSamplingPercentage")})
            else:
                ctx.failed("data capture is off", {"data_capture": False})


@check(
    id="sagemaker.endpoint_multi_instance",
    title="SageMaker endpoints run more than one instance",
    description="Each instance-based production variant of each SageMaker endpoint starts with more than one "
    "instance (serverless variants are scaled by AWS).",
    rationale=(
        "With one instance, a single instance or Availability Zone failure, or a burst of expensive prompts, "
        "takes the model offline for the application that depends on it."
    ),
    remediation="Create an endpoint configuration with InitialInstanceCount of 2 or more for each variant "
    "and `aws sagemaker update-endpoint` to it.",
    service="sagemaker",
    scope="regional",
    resource_type="AwsSageMakerEndpoint",
    severity="medium",
    boundaries=["model"],
    csf=["PR.IR-03"],
    owasp_llm=["LLM04", "LLM10:2025"],
    securityhub_controls=["SageMaker.4"],
    permissions=list(ENDPOINT_PERMISSIONS),
    atlas=["AML.T0029"],
    nist_ai_rmf=["MEASURE 2.7", "MANAGE 2.2"],
    iso42001=["A.6.2.6", "A.4.5"],
    eu_ai_act=["Art. 15"],
)
def endpoint_multi_instance(ctx: CheckContext) -> None:
    for summary in endpoints(ctx):
        with ctx.resource(summary["EndpointName"], arn=summary.get("EndpointArn")):
            detail = ctx.call("sagemaker", "describe_endpoint", EndpointName=summary["EndpointName"])
            config = endpoint_config(ctx, detail["EndpointConfigName"])
            single = [v.get("VariantName", "?") for v in config.get("ProductionVariants", [])
                      if "ServerlessConfig" not in v and v.get("InitialInstanceCount", 1) < 2]
            evidence = {"endpoint_config": detail["EndpointConfigName"], "single_instance_variants": single}
            if single:
                ctx.failed(f"variant(s) {', '.join(single)} start with one instance", evidence)
            else:
                ctx.passed("every variant starts with more than one instance", evidence)


@check(
    id="sagemaker.endpoint_model_monitor",
    title="SageMaker endpoints are watched by Model Monitor",
    description="Each SageMaker endpoint has at least one scheduled, not stopped, Model Monitor schedule.",
    rationale=(
        "Model Monitor compares live traffic with a baseline: it catches data drift, poisoned behaviour "
        "and degraded answers that no infrastructure alarm sees."
    ),
    remediation="Enable data capture on the endpoint, create a baseline and `aws sagemaker "
    "create-monitoring-schedule` for the endpoint.",
    service="sagemaker",
    scope="regional",
    resource_type="AwsSageMakerEndpoint",
    severity="medium",
    boundaries=["model"],
    csf=["DE.CM-09"],
    owasp_llm=["LLM03", "LLM09", "LLM04:2025", "LLM09:2025"],
    permissions=["sagemaker:ListEndpoints", "sagemaker:ListMonitoringSchedules"],
    atlas=["AML.T0031", "AML.T0043"],
    nist_ai_rmf=["MEASURE 2.4", "MEASURE 4.3", "MANAGE 3.2"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15", "Art. 72"],
)
def endpoint_model_monitor(ctx: CheckContext) -> None:
    schedules = monitoring_schedules(ctx)
    for summary in endpoints(ctx):
        with ctx.resource(summary["EndpointName"], arn=summary.get("EndpointArn")):
            active = [s["MonitoringScheduleName"] for s in schedules
                      if s.get("EndpointName") == summary["EndpointName"]
                      and s.get("MonitoringScheduleStatus") in ("Scheduled", "Pending")]
            if active:
                ctx.passed(f"monitored by {', '.join(active)}", {"schedules": active})
            else:
                ctx.failed("no active Model Monitor schedule", {"schedules": []})


# -- training and processing jobs -------------------------------------------------------------
TRAINING_META: dict[str, Any] = dict(
    service="sagemaker", scope="regional", resource_type="Other", boundaries=["model"],
)


@check(
    id="sagemaker.training_job_inter_container_encryption",
    title="SageMaker training jobs encrypt traffic between containers",
    description="Each SageMaker training job has EnableInterContainerTrafficEncryption set.",
    rationale=(
        "Distributed training exchanges gradients and data between instances; unencrypted, they can be read "
        "or altered on the network, leaking training data or poisoning the model."
    ),
    remediation="Run training jobs with `--enable-inter-container-traffic-encryption` (SageMaker Python SDK: "
    "encrypt_inter_container_traffic=True).",
    severity="medium",
    csf=["PR.DS-02"],
    owasp_llm=["LLM03", "LLM10", "LLM04:2025", "LLM02:2025"],
    permissions=list(TRAINING_PERMISSIONS),
    atlas=["AML.T0025", "AML.T0018", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.7.2"],
    eu_ai_act=["Art. 15"],
    **TRAINING_META,
)
def training_job_inter_container_encryption(ctx: CheckContext) -> None:
    for summary in summaries(ctx, TRAINING_JOB):
        with scope(ctx, TRAINING_JOB, summary):
            job = describe(ctx, TRAINING_JOB, summary)
            if job.get("EnableInterContainerTrafficEncryption"):
                ctx.passed("inter-container traffic is encrypted", {"inter_container_encryption": True})
            else:
                ctx.failed("inter-container traffic is not encrypted", {"inter_container_encryption": False})


@check(
    id="sagemaker.training_job_network_isolation",
    title="SageMaker training jobs run with network isolation",
    description="Each SageMaker training job has EnableNetworkIsolation set.",
    rationale=(
        "With network isolation the training container cannot send training data out or download code or "
        "data that was not declared as an input: a malicious image or dependency cannot poison or steal it."
    ),
    remediation="Run training jobs with `--enable-network-isolation` (SDK: enable_network_isolation=True).",
    severity="high",
    csf=["PR.IR-01"],
    owasp_llm=["LLM03", "LLM05", "LLM10", "LLM04:2025", "LLM03:2025"],
    permissions=list(TRAINING_PERMISSIONS),
    atlas=["AML.T0025", "AML.T0020", "AML.T0010.001", "AML.T0072"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.7.2"],
    eu_ai_act=["Art. 15"],
    **TRAINING_META,
)
def training_job_network_isolation(ctx: CheckContext) -> None:
    for summary in summaries(ctx, TRAINING_JOB):
        with scope(ctx, TRAINING_JOB, summary):
            job = describe(ctx, TRAINING_JOB, summary)
            if job.get("EnableNetworkIsolation"):
                ctx.passed("network isolation is enabled", {"network_isolation": True})
            else:
                ctx.failed("the training container can reach the network", {"network_isolation": False})


@check(
    id="sagemaker.training_job_in_vpc",
    title="SageMaker training jobs run in a customer VPC",
    description="Each SageMaker training job has a VpcConfig with subnets.",
    rationale=(
        "In the account's VPC, training traffic passes security groups and VPC endpoint policies that limit "
        "which buckets and services it reaches, and shows in flow logs."
    ),
    remediation="Run training jobs with `--vpc-config SecurityGroupIds=<sg>,Subnets=<subnets>`.",
    severity="medium",
    csf=["PR.IR-01"],
    owasp_llm=["LLM03", "LLM10", "LLM04:2025", "LLM02:2025"],
    permissions=list(TRAINING_PERMISSIONS),
    atlas=["AML.T0025", "AML.T0020"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.7.2"],
    eu_ai_act=["Art. 15"],
    **TRAINING_META,
)
def training_job_in_vpc(ctx: CheckContext) -> None:
    for summary in summaries(ctx, TRAINING_JOB):
        with scope(ctx, TRAINING_JOB, summary):
            judge_in_vpc(ctx, describe(ctx, TRAINING_JOB, summary), "the job")


@check(
    id="sagemaker.training_job_volume_cmk",
    title="SageMaker training job volumes are encrypted with a customer managed key",
    description="Each SageMaker training job encrypts its instances' storage volumes with a customer managed "
    "KMS key (ResourceConfig.VolumeKmsKeyId).",
    rationale=(
        "Training volumes hold the training data and checkpoints while the job runs; a customer managed key "
        "keeps their decryption under the account's key policy and audit."
    ),
    remediation="Run training jobs with ResourceConfig VolumeKmsKeyId=<customer-managed-key> (SDK: volume_kms_key).",
    severity="medium",
    csf=["PR.DS-01"],
    owasp_llm=["LLM03", "LLM10", "LLM04:2025", "LLM02:2025"],
    permissions=[*TRAINING_PERMISSIONS, "kms:DescribeKey"],
    atlas=["AML.T0035", "AML.T0037", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.7", "MEASURE 2.10"],
    iso42001=["A.7.2"],
    eu_ai_act=["Art. 15"],
    **TRAINING_META,
)
def training_job_volume_cmk(ctx: CheckContext) -> None:
    for summary in summaries(ctx, TRAINING_JOB):
        with scope(ctx, TRAINING_JOB, summary):
            job = describe(ctx, TRAINING_JOB, summary)
            judge_cmk(ctx, (job.get("ResourceConfig") or {}).get("VolumeKmsKeyId"), "the training volume")


@check(
    id="sagemaker.training_job_output_cmk",
    title="SageMaker training job outputs are encrypted with a customer managed key",
    description="Each SageMaker training job encrypts its model artifacts with a customer managed KMS key "
    "(OutputDataConfig.KmsKeyId).",
    rationale=(
        "The output is the trained model: its weights are intellectual property and can leak training data. "
        "A customer managed key controls who can decrypt the artifacts."
    ),
    remediation="Run training jobs with OutputDataConfig KmsKeyId=<customer-managed-key> (SDK: output_kms_key).",
    severity="medium",
    csf=["PR.DS-01"],
    owasp_llm=["LLM10", "LLM06", "LLM02:2025"],
    permissions=[*TRAINING_PERMISSIONS, "kms:DescribeKey"],
    atlas=["AML.T0035", "AML.T0048.004", "AML.T0044", "AML.M0012", "AML.M0005"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
    **TRAINING_META,
)
def training_job_output_cmk(ctx: CheckContext) -> None:
    for summary in summaries(ctx, TRAINING_JOB):
        with scope(ctx, TRAINING_JOB, summary):
            job = describe(ctx, TRAINING_JOB, summary)
            judge_cmk(ctx, (job.get("OutputDataConfig") or {}).get("KmsKeyId"), "the model output")


@check(
    id="sagemaker.processing_job_network_isolation",
    title="SageMaker processing jobs run isolated in a VPC",
    description="Each SageMaker processing job has network isolation enabled, or runs in a customer VPC with "
    "inter-container traffic encryption.",
    rationale=(
        "Processing jobs prepare training data and evaluate models. Unisolated, a tampered container can "
        "poison the data it writes or send the data it reads out of the account."
    ),
    remediation="Run processing jobs with NetworkConfig EnableNetworkIsolation=true (or a VpcConfig and "
    "EnableInterContainerTrafficEncryption=true).",
    severity="medium",
    csf=["PR.IR-01"],
    owasp_llm=["LLM03", "LLM05", "LLM04:2025", "LLM03:2025"],
    permissions=list(PROCESSING_PERMISSIONS),
    atlas=["AML.T0025", "AML.T0020", "AML.T0010.001"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.7.6"],
    eu_ai_act=["Art. 15"],
    **TRAINING_META,
)
def processing_job_network_isolation(ctx: CheckContext) -> None:
    for summary in summaries(ctx, PROCESSING_JOB):
        with scope(ctx, PROCESSING_JOB, summary):
            job = describe(ctx, PROCESSING_JOB, summary)
            network = job.get("NetworkConfig") or {}
            isolated = bool(network.get("EnableNetworkIsolation"))
            in_vpc = bool((network.get("VpcConfig") or {}).get("Subnets"))
            encrypted = bool(network.get("EnableInterContainerTrafficEncryption"))
            evidence = {"network_isolation": isolated, "in_vpc": in_vpc, "inter_container_encryption": encrypted}
            if isolated or (in_vpc and encrypted):
                ctx.passed("the job's network is isolated", evidence)
            else:
                ctx.failed("the job runs with open networking", evidence)


@check(
    id="sagemaker.processing_job_cmk",
    title="SageMaker processing jobs encrypt with customer managed keys",
    description="Each SageMaker processing job encrypts its volumes (ClusterConfig.VolumeKmsKeyId) and its "
    "outputs (ProcessingOutputConfig.KmsKeyId) with customer managed KMS keys.",
    rationale=(
        "Processing jobs read and write the datasets models are trained and evaluated on; customer managed "
        "keys keep both copies under the account's key policy."
    ),
    remediation="Run processing jobs with VolumeKmsKeyId and ProcessingOutputConfig KmsKeyId set to customer "
    "managed keys (SDK: volume_kms_key, output_kms_key).",
    severity="medium",
    csf=["PR.DS-01"],
    owasp_llm=["LLM03", "LLM06", "LLM04:2025", "LLM02:2025"],
    permissions=[*PROCESSING_PERMISSIONS, "kms:DescribeKey"],
    atlas=["AML.T0035", "AML.T0037", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.7", "MEASURE 2.10"],
    iso42001=["A.7.6"],
    eu_ai_act=["Art. 15"],
    **TRAINING_META,
)
def processing_job_cmk(ctx: CheckContext) -> None:
    for summary in summaries(ctx, PROCESSING_JOB):
        with scope(ctx, PROCESSING_JOB, summary):
            job = describe(ctx, PROCESSING_JOB, summary)
            volume = ((job.get("ProcessingResources") or {}).get("ClusterConfig") or {}).get("VolumeKmsKeyId")
            output = (job.get("ProcessingOutputConfig") or {}).get("KmsKeyId")
            weak = [name for name, key in (("volume", volume), ("output", output))
                    if not key or not is_customer_managed(ctx, key)]
            evidence = {"volume_kms_key": volume, "output_kms_key": output}
            if weak:
                ctx.failed(f"no customer managed key for the {' and '.join(weak)}", evidence)
            else:
                ctx.passed("volumes and outputs use customer managed keys", evidence)


# -- Studio domains --------------------------------------------------------------------------
@check(
    id="sagemaker.domain_vpc_only",
    title="SageMaker Studio domains send traffic only through the VPC",
    description="Each SageMaker domain has AppNetworkAccessType VpcOnly.",
    rationale=(
        "In PublicInternetOnly mode, Studio apps reach the internet directly, outside the VPC's security "
        "groups, endpoint policies and flow logs: data and models can leave unseen."
    ),
    remediation="`aws sagemaker update-domain --domain-id <id> --app-network-access-type VpcOnly` (apps must "
    "be deleted first) with VPC endpoints for the services Studio uses.",
    service="sagemaker",
    scope="regional",
    resource_type="Other",
    severity="high",
    boundaries=["model"],
    csf=["PR.IR-01"],
    owasp_llm=["LLM10", "LLM06", "LLM02:2025"],
    permissions=list(DOMAIN_PERMISSIONS),
    atlas=["AML.T0025", "AML.T0072", "AML.T0010.001"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
)
def domain_vpc_only(ctx: CheckContext) -> None:
    for summary in summaries(ctx, DOMAIN):
        with scope(ctx, DOMAIN, summary):
            domain = describe(ctx, DOMAIN, summary)
            mode = domain.get("AppNetworkAccessType", "PublicInternetOnly")
            if mode == "VpcOnly":
                ctx.passed("Studio traffic stays in the VPC", {"app_network_access_type": mode})
            else:
                ctx.failed("Studio apps reach the internet directly", {"app_network_access_type": mode})


@check(
    id="sagemaker.domain_cmk",
    title="SageMaker Studio domains are encrypted with a customer managed key",
    description="Each SageMaker domain encrypts its EFS home directories with a customer managed KMS key (KmsKeyId).",
    rationale=(
        "Studio home directories hold every user's notebooks, datasets and model experiments; a customer "
        "managed key keeps reading them under the account's key policy."
    ),
    remediation="The key is set when the domain is created: recreate it with `--kms-key-id <customer-managed-"
    "key>` and migrate user data.",
    service="sagemaker",
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["model", "data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM06", "LLM10", "LLM02:2025"],
    permissions=[*DOMAIN_PERMISSIONS, "kms:DescribeKey"],
    atlas=["AML.T0035", "AML.T0048.004", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    eu_ai_act=["Art. 15"],
)
def domain_cmk(ctx: CheckContext) -> None:
    for summary in summaries(ctx, DOMAIN):
        with scope(ctx, DOMAIN, summary):
            domain = describe(ctx, DOMAIN, summary)
            judge_cmk(ctx, domain.get("KmsKeyId") or domain.get("HomeEfsFileSystemKmsKeyId"), "the domain")
