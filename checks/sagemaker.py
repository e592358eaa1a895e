"""Amazon SageMaker: notebooks, training and processing jobs, models, endpoints and Studio domains."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from posture.api import AwsReadError, CheckContext, EvidenceValue, Family, Kind, SettingError, detailed, each
from posture.checks._keys import CMK_READS, judge_cmk
from posture.checks._read import sagemaker as sm
from posture.checks._read.kms import is_customer_managed
from posture.checks._secrets import secret_fields

check = Family(
    service="sagemaker",
    scope="regional",
    resource_type="Other",
    boundaries=["model"],
    service_docs="https://docs.aws.amazon.com/sagemaker/latest/dg/security.html",
)


def judge_in_vpc(ctx: CheckContext, record: dict[str, Any], what: str) -> None:
    """PASS when a model's or job's VpcConfig names subnets, else FAIL."""
    subnets = vpc_subnets(record.get("VpcConfig"))
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
    resource_type="AwsSageMakerEndpointConfig",
    severity="medium",
    boundaries=["model", "data"],
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "LLM10", "AML.M0005", "AML.M0012", "AML.T0035", "AML.T0044",
        "AML.T0048.004", "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[sm.ENDPOINT_CONFIG, CMK_READS],
)
def endpoint_config_cmk(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.ENDPOINT_CONFIG):
        with ctx.resource(item.id, arn=item.arn):
            key = item.detail().get("KmsKeyId")
            if not key:
                ctx.failed("no KMS key: volumes use AWS managed encryption", {"kms_key": None})
            elif is_customer_managed(ctx, key):
                ctx.passed("encrypted with a customer managed key", {"kms_key": key})
            else:
                ctx.failed("the KMS key is not customer managed", {"kms_key": key})


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
    resource_type="AwsSageMakerNotebookInstance",
    severity="high",
    maps=["PR.IR-01", "LLM02:2025", "LLM03:2025", "LLM06", "LLM10", "SageMaker.1", "AML.T0011.001", "AML.T0025",
        "AML.T0072", "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[sm.NOTEBOOK],
)
def notebook_no_direct_internet(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.NOTEBOOK):
        with ctx.resource(item.id, arn=item.arn):
            notebook = item.detail()
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
    resource_type="AwsSageMakerNotebookInstance",
    severity="high",
    maps=["PR.IR-01", "LLM02:2025", "LLM06", "LLM10", "SageMaker.2", "AML.T0011.001", "AML.T0025", "AML.T0072",
        "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[sm.NOTEBOOK],
)
def notebook_in_vpc(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.NOTEBOOK):
        with ctx.resource(item.id, arn=item.arn):
            notebook = item.detail()
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
    resource_type="AwsSageMakerNotebookInstance",
    severity="high",
    maps=["PR.AA-05", "PR.PS-01", "LLM03:2025", "LLM04:2025", "LLM05", "LLM10", "SageMaker.3", "AML.T0011.001",
        "AML.T0037", "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[sm.NOTEBOOK],
)
def notebook_root_access_disabled(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.NOTEBOOK):
        with ctx.resource(item.id, arn=item.arn):
            notebook = item.detail()
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
    resource_type="AwsSageMakerNotebookInstance",
    severity="medium",
    boundaries=["model", "data"],
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "LLM10", "SageMaker.21", "AML.M0012", "AML.T0035", "AML.T0037",
        "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[sm.NOTEBOOK, CMK_READS],
)
def notebook_cmk(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.NOTEBOOK):
        with ctx.resource(item.id, arn=item.arn):
            notebook = item.detail()
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
    remediation="Recreate the model with `aws sagemaker create-model --model-name <model-name> "
                "--enable-network-isolation` and update the endpoint configuration to use it.",
    severity="medium",
    maps=["PR.IR-01", "LLM02:2025", "LLM03:2025", "LLM05", "LLM10", "SageMaker.5", "AML.T0011.000", "AML.T0025",
        "AML.T0072", "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[sm.MODEL],
)
def model_network_isolation(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.MODEL):
        with ctx.resource(item.id, arn=item.arn):
            model = item.detail()
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
    severity="medium",
    maps=["PR.IR-01", "LLM02:2025", "LLM06", "LLM10", "AML.T0025", "AML.T0072", "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[sm.MODEL],
)
def model_in_vpc(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.MODEL):
        with ctx.resource(item.id, arn=item.arn):
            judge_in_vpc(ctx, item.detail(), "the model")


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
    resource_type="AwsSageMakerEndpointConfig",
    severity="low",
    maps=["DE.CM-09", "PR.PS-04", "LLM01", "LLM01:2025", "LLM09", "LLM09:2025", "AML.M0024", "AML.T0024", "AML.T0043",
        "AML.T0051", "MANAGE 4.1", "MEASURE 2.4", "A.6.2.8", "Art. 12"],
    reads=[sm.ENDPOINT_CONFIG],
)
def endpoint_config_data_capture(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.ENDPOINT_CONFIG):
        with ctx.resource(item.id, arn=item.arn):
            capture = item.detail().get("DataCaptureConfig") or {}
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
    resource_type="AwsSageMakerEndpoint",
    severity="medium",
    maps=["PR.IR-03", "LLM04", "LLM10:2025", "SageMaker.4", "AML.T0029", "MANAGE 2.2", "MEASURE 2.7", "A.4.5",
        "A.6.2.6", "Art. 15"],
    reads=[sm.ENDPOINT, sm.DESCRIBE_ENDPOINT_CONFIG],
)
def endpoint_multi_instance(ctx: CheckContext) -> None:
    listed = sm.endpoints(ctx)
    read = each(ctx, lambda summary: sm.endpoint_with_config(ctx, summary["EndpointName"]), listed)
    for summary, outcome in zip(listed, read, strict=True):
        with ctx.resource(summary["EndpointName"], arn=summary.get("EndpointArn")):
            detail, config = outcome.get()
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
    resource_type="AwsSageMakerEndpoint",
    severity="medium",
    maps=["DE.CM-09", "LLM03", "LLM04:2025", "LLM09", "LLM09:2025", "AML.T0031", "AML.T0043", "MANAGE 3.2",
        "MEASURE 2.4", "MEASURE 4.3", "A.6.2.6", "Art. 15", "Art. 72"],
    reads=[sm.LIST_ENDPOINTS, sm.LIST_MONITORING_SCHEDULES],
)
def endpoint_model_monitor(ctx: CheckContext) -> None:
    schedules = sm.monitoring_schedules(ctx)
    for summary in sm.endpoints(ctx):
        with ctx.resource(summary["EndpointName"], arn=summary.get("EndpointArn")):
            active = [s["MonitoringScheduleName"] for s in schedules
                      if s.get("EndpointName") == summary["EndpointName"]
                      and s.get("MonitoringScheduleStatus") in ("Scheduled", "Pending")]
            if active:
                ctx.passed(f"monitored by {', '.join(active)}", {"schedules": active})
            else:
                ctx.failed("no active Model Monitor schedule", {"schedules": []})


# -- training and processing jobs -------------------------------------------------------------
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
    maps=["PR.DS-02", "LLM02:2025", "LLM03", "LLM04:2025", "LLM10", "AML.M0012", "AML.T0018", "AML.T0025",
        "MEASURE 2.7", "A.7.2", "Art. 15"],
    reads=[sm.TRAINING_JOB],
)
def training_job_inter_container_encryption(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.TRAINING_JOB):
        with ctx.resource(item.id, arn=item.arn):
            job = item.detail()
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
    maps=["PR.IR-01", "LLM03", "LLM03:2025", "LLM04:2025", "LLM05", "LLM10", "AML.T0010.001", "AML.T0020", "AML.T0025",
        "AML.T0072", "MEASURE 2.7", "A.7.2", "Art. 15"],
    reads=[sm.TRAINING_JOB],
)
def training_job_network_isolation(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.TRAINING_JOB):
        with ctx.resource(item.id, arn=item.arn):
            job = item.detail()
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
    maps=["PR.IR-01", "LLM02:2025", "LLM03", "LLM04:2025", "LLM10", "AML.T0020", "AML.T0025", "MEASURE 2.7", "A.7.2",
        "Art. 15"],
    reads=[sm.TRAINING_JOB],
)
def training_job_in_vpc(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.TRAINING_JOB):
        with ctx.resource(item.id, arn=item.arn):
            judge_in_vpc(ctx, item.detail(), "the job")


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
    maps=["PR.DS-01", "LLM02:2025", "LLM03", "LLM04:2025", "LLM10", "AML.M0012", "AML.T0035", "AML.T0037",
        "MEASURE 2.10", "MEASURE 2.7", "A.7.2", "Art. 15"],
    reads=[sm.TRAINING_JOB, CMK_READS],
)
def training_job_volume_cmk(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.TRAINING_JOB):
        with ctx.resource(item.id, arn=item.arn):
            job = item.detail()
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
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "LLM10", "AML.M0005", "AML.M0012", "AML.T0035", "AML.T0044",
        "AML.T0048.004", "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[sm.TRAINING_JOB, CMK_READS],
)
def training_job_output_cmk(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.TRAINING_JOB):
        with ctx.resource(item.id, arn=item.arn):
            job = item.detail()
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
    maps=["PR.IR-01", "LLM03", "LLM03:2025", "LLM04:2025", "LLM05", "AML.T0010.001", "AML.T0020", "AML.T0025",
        "MEASURE 2.7", "A.7.6", "Art. 15"],
    reads=[sm.PROCESSING_JOB],
)
def processing_job_network_isolation(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.PROCESSING_JOB):
        with ctx.resource(item.id, arn=item.arn):
            job = item.detail()
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
    maps=["PR.DS-01", "LLM02:2025", "LLM03", "LLM04:2025", "LLM06", "AML.M0012", "AML.T0035", "AML.T0037",
        "MEASURE 2.10", "MEASURE 2.7", "A.7.6", "Art. 15"],
    reads=[sm.PROCESSING_JOB, CMK_READS],
)
def processing_job_cmk(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.PROCESSING_JOB):
        with ctx.resource(item.id, arn=item.arn):
            job = item.detail()
            volume = ((job.get("ProcessingResources") or {}).get("ClusterConfig") or {}).get("VolumeKmsKeyId")
            output = (job.get("ProcessingOutputConfig") or {}).get("KmsKeyId")
            weak = weak_keys(ctx, {"volume": volume, "output": output})
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
    severity="high",
    maps=["PR.IR-01", "LLM02:2025", "LLM06", "LLM10", "AML.T0010.001", "AML.T0025", "AML.T0072", "MEASURE 2.7",
        "A.6.2.6", "Art. 15"],
    reads=[sm.DOMAIN],
)
def domain_vpc_only(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.DOMAIN):
        with ctx.resource(item.id, arn=item.arn):
            domain = item.detail()
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
    severity="medium",
    boundaries=["model", "data"],
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "LLM10", "AML.M0012", "AML.T0035", "AML.T0048.004", "MEASURE 2.7",
        "A.6.2.6", "Art. 15"],
    reads=[sm.DOMAIN, CMK_READS],
)
def domain_cmk(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.DOMAIN):
        with ctx.resource(item.id, arn=item.arn):
            domain = item.detail()
            judge_cmk(ctx, domain.get("KmsKeyId") or domain.get("HomeEfsFileSystemKmsKeyId"), "the domain")


def weak_keys(ctx: CheckContext, keys: dict[str, str | None]) -> list[str]:
    """The names of the keys (what they encrypt -> KMS key) that are absent or not customer managed."""
    return [name for name, key in keys.items() if not key or not is_customer_managed(ctx, key)]


def vpc_subnets(record: dict[str, Any] | None) -> list[str]:
    """The subnets a VpcConfig-shaped record names (none: not in a customer VPC)."""
    return list((record or {}).get("Subnets") or [])


def not_read(ctx: CheckContext, what: str, exc: AwsReadError) -> None:
    """One ERROR for a source that could not be listed (the check's other sources are still judged)."""
    root = f"arn:{ctx.partition}:iam::{ctx.account_id}:root"
    with ctx.resource(f"not-read/{what.replace(' ', '-')}", arn=root, type="AwsAccount"):
        ctx.error(f"{what} could not be listed: {exc.reason}", {"unread": [what]})


# -- lifecycle configurations ----------------------------------------------------------------


def lifecycle_scripts(kind: Kind, config: dict[str, Any]) -> dict[str, str | None]:
    """Script name -> its decoded text (None: not base64 text) of one lifecycle configuration.

    Notebook configurations hold OnCreate/OnStart lists of base64 `Content`; Studio ones one base64
    `StudioLifecycleConfigContent`."""
    raw: dict[str, str] = {}
    if kind is sm.STUDIO_LCC:
        raw["StudioLifecycleConfigContent"] = config.get("StudioLifecycleConfigContent") or ""
    else:
        for hook in ("OnCreate", "OnStart"):
            for index, script in enumerate(config.get(hook) or []):
                raw[f"{hook}[{index}]" if index else hook] = script.get("Content") or ""
    return {name: _decoded(text) for name, text in raw.items()}


def _decoded(text: str) -> str | None:
    try:
        return base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def judge_lifecycle_scripts(scripts: dict[str, str | None]) -> tuple[str, str, dict[str, EvidenceValue]]:
    """(PASS/FAIL/ERROR, message, evidence) for one configuration's scripts; evidence names scripts only."""
    unreadable = sorted(name for name, text in scripts.items() if text is None)
    leaking = secret_fields({name: text for name, text in scripts.items() if text is not None})
    evidence: dict[str, EvidenceValue] = {"scripts": sorted(scripts), "scripts_with_secrets": leaking}
    if leaking:
        verb = "holds" if len(leaking) == 1 else "hold"
        return "FAIL", f"{', '.join(leaking)} {verb} a credential-shaped literal", evidence
    if unreadable:
        return "ERROR", f"{', '.join(unreadable)} is not base64-encoded text: not judged", \
            {**evidence, "unreadable_scripts": unreadable}
    return "PASS", f"no credential-shaped literal in {len(scripts)} script(s)", evidence


def verdict(ctx: CheckContext, status: str, message: str, evidence: dict[str, EvidenceValue]) -> None:
    {"PASS": ctx.passed, "FAIL": ctx.failed}.get(status, ctx.error)(message, evidence)


@check(
    id="sagemaker.lifecycle_config_secrets",
    title="SageMaker lifecycle configurations hold no credentials",
    description="No SageMaker notebook instance or Studio lifecycle configuration script (the base64 OnCreate, "
    "OnStart or Studio content) contains a credential-shaped literal (API keys, tokens, passwords).",
    rationale=(
        "Lifecycle scripts run as root on every notebook start and are readable by anyone with "
        "sagemaker:Describe* on them: a token written there is a standing credential for whoever can list "
        "configurations, copied into every notebook that uses them."
    ),
    remediation="Move the value to AWS Secrets Manager, read it at start with `aws secretsmanager "
    "get-secret-value` using the execution role, then `aws sagemaker update-notebook-instance-lifecycle-config` "
    "(or recreate the Studio lifecycle config) with the cleaned script and rotate the leaked credential.",
    severity="high",
    boundaries=["model", "data"],
    maps=["PR.AA-01", "PR.DS-01", "LLM02:2025", "LLM03:2025", "LLM05", "LLM06", "AML.T0012", "AML.T0055", "MEASURE 2.7",
        "A.6.2.6", "Art. 15"],
    docs_url="https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-lifecycle-config.html",
    reads=[sm.NOTEBOOK_LCC, sm.STUDIO_LCC],
)
def lifecycle_config_secrets(ctx: CheckContext) -> None:
    for kind, what in ((sm.NOTEBOOK_LCC, "notebook lifecycle configurations"),
                       (sm.STUDIO_LCC, "Studio lifecycle configurations")):
        try:
            listed = sm.summaries(ctx, kind)
        except AwsReadError as exc:
            not_read(ctx, what, exc)
            continue
        for item in detailed(ctx, kind, listed):
            with ctx.resource(item.id, arn=item.arn):
                scripts = lifecycle_scripts(kind, item.detail())
                status, message, evidence = judge_lifecycle_scripts(scripts)
                verdict(ctx, status, message, {"config_type": "studio" if kind is sm.STUDIO_LCC else "notebook",
                                               **evidence})


# -- Studio domain identity ------------------------------------------------------------------
@check(
    id="sagemaker.domain_identity_center",
    title="SageMaker Studio domains authenticate users through IAM Identity Center",
    description="Each SageMaker domain has AuthMode SSO: users sign in through IAM Identity Center, not with "
    "IAM credentials and presigned domain URLs.",
    rationale=(
        "In IAM mode anyone who can call sagemaker:CreatePresignedDomainUrl for a user profile becomes that "
        "user in Studio, with its execution role, notebooks and data; Identity Center ties each session to a "
        "workforce identity with MFA, central offboarding and per-user audit."
    ),
    remediation="The authentication mode is fixed when a domain is created: create a new domain with `aws sagemaker "
                "create-domain --auth-mode SSO --domain-name <domain-name> --default-user-settings "
                "<default-user-settings>`, assign users or groups to its Identity Center application and migrate the "
                "user profiles' data.",
    severity="medium",
    boundaries=["user_interface", "model"],
    maps=["PR.AA-01", "PR.AA-03", "LLM02:2025", "LLM06", "LLM10", "AML.T0012", "GOVERN 2.1", "MEASURE 2.7", "A.3.2",
        "Art. 15"],
    docs_url="https://docs.aws.amazon.com/sagemaker/latest/dg/onboard-sso-users.html",
    reads=[sm.DOMAIN],
)
def domain_identity_center(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.DOMAIN):
        with ctx.resource(item.id, arn=item.arn):
            mode = item.detail().get("AuthMode")
            if mode == "SSO":
                ctx.passed("users sign in through IAM Identity Center", {"auth_mode": mode})
            elif mode == "IAM":
                ctx.failed("users sign in with IAM credentials (presigned domain URLs)", {"auth_mode": mode})
            else:
                ctx.error(f"the domain reports no known AuthMode ({mode!r})", {"auth_mode": mode})


# -- transform, tuning, compilation and AutoML jobs -----------------------------------------
JOB_KINDS = {"transform": sm.TRANSFORM_JOB, "tuning": sm.TUNING_JOB, "compilation": sm.COMPILATION_JOB,
             "automl": sm.AUTOML_JOB}


@dataclass(frozen=True)
class JobSecurity:
    """What one job's API says about its encryption and network (None: the API has no such setting)."""

    keys: dict[str, str | None]  # what is encrypted -> the KMS key named for it
    isolation: bool | None
    subnets: list[str] | None


def job_security(kind: str, job: dict[str, Any]) -> JobSecurity:
    """The encryption and network settings of a transform, tuning, compilation or AutoML job."""
    if kind == "transform":  # the network is the model's (judged by sagemaker.model_network_isolation)
        return JobSecurity({"output": (job.get("TransformOutput") or {}).get("KmsKeyId"),
                            "volume": (job.get("TransformResources") or {}).get("VolumeKmsKeyId")}, None, None)
    if kind == "tuning":  # each training job definition is contained when isolated or in a VPC
        definitions = [d for d in [job.get("TrainingJobDefinition"), *(job.get("TrainingJobDefinitions") or [])] if d]
        keys: dict[str, str | None] = {}
        for index, d in enumerate(definitions):
            suffix = f"[{index}]" if len(definitions) > 1 else ""
            volume = ((d.get("HyperParameterTuningResourceConfig") or {}).get("VolumeKmsKeyId")
                      or (d.get("ResourceConfig") or {}).get("VolumeKmsKeyId"))
            keys[f"output{suffix}"] = (d.get("OutputDataConfig") or {}).get("KmsKeyId")
            keys[f"volume{suffix}"] = volume
        networked = [d for d in definitions if not d.get("EnableNetworkIsolation")]
        in_vpc = bool(networked) and all(vpc_subnets(d.get("VpcConfig")) for d in networked)
        return JobSecurity(keys or {"output": None, "volume": None}, bool(definitions) and not networked,
                           [s for d in networked for s in vpc_subnets(d.get("VpcConfig"))] if in_vpc else [])
    if kind == "compilation":
        return JobSecurity({"output": (job.get("OutputConfig") or {}).get("KmsKeyId")}, None,
                           vpc_subnets(job.get("VpcConfig")))
    security = job.get("SecurityConfig") or {}
    return JobSecurity({"output": (job.get("OutputDataConfig") or {}).get("KmsKeyId"),
                        "volume": security.get("VolumeKmsKeyId")}, None, vpc_subnets(security.get("VpcConfig")))


def judge_job(security: JobSecurity, weak: list[str]) -> tuple[bool, str, dict[str, EvidenceValue]]:
    """(good, message, evidence) of one job, given which of its keys are not customer managed."""
    missing = [f"a customer managed key for the {name}" for name in weak]
    networked = security.isolation is not None or security.subnets is not None
    contained = bool(security.isolation) or bool(security.subnets)
    if networked and not contained:
        missing.append("network isolation or a VPC" if security.isolation is not None else "a VPC")
    evidence: dict[str, EvidenceValue] = {
        "kms_keys": sorted(f"{name}={key}" for name, key in security.keys.items() if key),
        "weak_keys": weak,
        "network_isolation": security.isolation,
        "subnets": security.subnets,
        "missing": missing,
    }
    if missing:
        return False, "the job lacks " + "; ".join(missing), evidence
    network = "" if not networked else (" and runs network-isolated" if security.isolation else " and runs in a VPC")
    return True, "the job encrypts with customer managed keys" + network, evidence


@check(
    id="sagemaker.job_encryption_isolation",
    title="Recent SageMaker transform, tuning, compilation and AutoML jobs are encrypted and contained",
    description="Each SageMaker batch transform, hyperparameter tuning, Neo compilation and AutoML job created "
    "in the last `job_lookback_days` days (default 30; newest 100 per kind) encrypts its outputs and volumes "
    "with customer managed KMS keys and, where the API allows, runs network-isolated or in a customer VPC.",
    rationale=(
        "These jobs read training data and write model artifacts and predictions; with AWS managed keys and "
        "open networking a tampered container or a broad role can read, alter or send out the data and the "
        "model without a key policy or VPC endpoint policy in the way."
    ),
    remediation="Run the jobs with customer managed keys (transform: TransformOutput KmsKeyId and "
    "TransformResources VolumeKmsKeyId; tuning: OutputDataConfig/ResourceConfig keys and "
    "EnableNetworkIsolation or VpcConfig; compilation: OutputConfig KmsKeyId and VpcConfig; AutoML V2: "
    "OutputDataConfig KmsKeyId and SecurityConfig VolumeKmsKeyId/VpcConfig).",
    severity="medium",
    boundaries=["model", "data"],
    maps=["PR.DS-01", "PR.IR-01", "LLM02:2025", "LLM03", "LLM04:2025", "LLM10", "AML.M0012", "AML.T0020", "AML.T0025",
        "MEASURE 2.7", "A.6.2.6", "A.7.2", "Art. 10", "Art. 15"],
    docs_url="https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest.html",
    reads=[*JOB_KINDS.values(), CMK_READS],
)
def job_encryption_isolation(ctx: CheckContext) -> None:
    days = ctx.setting("job_lookback_days", 30)
    if days < 1:
        raise SettingError(f"setting checks.sagemaker.job_lookback_days must be 1 or more, not {days}")
    for kind_name, kind in JOB_KINDS.items():
        try:
            listed = sm.recent_jobs(ctx, kind, days)
        except AwsReadError as exc:
            not_read(ctx, f"{kind_name} jobs", exc)
            continue
        for item in detailed(ctx, kind, listed):
            with ctx.resource(item.id, arn=item.arn):
                security = job_security(kind_name, item.detail())
                good, message, evidence = judge_job(security, weak_keys(ctx, security.keys))
                evidence = {"job_type": kind_name, **evidence}
                if good:
                    ctx.passed(message, evidence)
                else:
                    ctx.failed(message, evidence)


# -- HyperPod clusters -----------------------------------------------------------------------
def cluster_gaps(cluster: dict[str, Any]) -> tuple[list[str], dict[str, str | None]]:
    """(what the cluster lacks, instance group -> the KMS key of its EBS volumes) from DescribeCluster."""
    groups = [*(cluster.get("InstanceGroups") or []), *(cluster.get("RestrictedInstanceGroups") or [])]
    gaps = []
    in_vpc = bool(vpc_subnets(cluster.get("VpcConfig")))
    outside = [g.get("InstanceGroupName", "?") for g in groups if not vpc_subnets(g.get("OverrideVpcConfig"))]
    if not in_vpc and (outside or not groups):
        gaps.append("a VPC (VpcConfig)" + (f" for {', '.join(outside)}" if groups else ""))
    keys: dict[str, str | None] = {}
    for group in groups:
        ebs = [s["EbsVolumeConfig"] or {} for s in group.get("InstanceStorageConfigs") or [] if "EbsVolumeConfig" in s]
        named = [e.get("VolumeKmsKeyId") for e in ebs]
        keys[group.get("InstanceGroupName", "?")] = named[0] if named and all(named) else None
    return gaps, keys


@check(
    id="sagemaker.hyperpod_cluster_vpc_encrypted",
    title="SageMaker HyperPod clusters run in a VPC with customer managed volume keys",
    description="Each SageMaker HyperPod cluster has a VpcConfig (or every instance group an override) and "
    "every instance group's EBS volumes (InstanceStorageConfigs EbsVolumeConfig) name a customer managed KMS "
    "key (VolumeKmsKeyId).",
    rationale=(
        "HyperPod clusters train and tune foundation models for weeks on shared storage that holds training "
        "data, checkpoints and weights. Outside a customer VPC their traffic escapes security groups, endpoint "
        "policies and flow logs; without a customer managed key the volumes' decryption is not under the "
        "account's key policy."
    ),
    remediation="Create the cluster with `aws sagemaker create-cluster --cluster-name <cluster-name> --vpc-config "
                "SecurityGroupIds=<sg>,Subnets=<subnets>` and instance groups with "
                "`InstanceStorageConfigs=[{EbsVolumeConfig={VolumeSizeInGB=<n>,VolumeKmsKeyId=<cmk>}}]` (existing "
                "groups: `aws sagemaker update-cluster`).",
    severity="high",
    boundaries=["model", "data"],
    maps=["PR.DS-01", "PR.IR-01", "LLM02:2025", "LLM03", "LLM04:2025", "LLM10", "AML.M0012", "AML.T0025", "AML.T0035",
        "MEASURE 2.7", "A.4.5", "Art. 15"],
    docs_url="https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod.html",
    reads=[sm.CLUSTER, CMK_READS],
)
def hyperpod_cluster_vpc_encrypted(ctx: CheckContext) -> None:
    for item in detailed(ctx, sm.CLUSTER):
        with ctx.resource(item.id, arn=item.arn):
            gaps, keys = cluster_gaps(item.detail())
            weak = weak_keys(ctx, keys)
            if weak:
                gaps.append(f"a customer managed EBS volume key for {', '.join(weak)}")
            evidence: dict[str, EvidenceValue] = {
                "instance_groups": sorted(keys), "groups_without_cmk": weak, "missing": gaps}
            if gaps:
                ctx.failed("the cluster lacks " + "; ".join(gaps), evidence)
            else:
                ctx.passed("the cluster runs in a VPC and its volumes use customer managed keys", evidence)
