import pytest

from posture.core.models import Status
from posture.demo.seeds.sagemaker_mlops import (
    create_job_definition,
    feature_group,
    inference_experiment,
    schedule,
    set_notebook_platform,
)
from tests.conftest import only

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/acme-serve:1"
# (create-call kind, DescribeXJobDefinition operation, check id)
JOB_DEFINITION_CHECKS = [
    (kind, f"Describe{prefix}JobDefinition", f"sagemaker.{kind}_job_definition_{setting}")
    for kind, prefix in (("data_quality", "DataQuality"), ("model_quality", "ModelQuality"),
                         ("model_bias", "ModelBias"), ("model_explainability", "ModelExplainability"))
    for setting in ("inter_container_encryption", "network_isolation")
]
SCHEDULE_CHECKS = ("sagemaker.monitoring_schedule_network_isolation",
                   "sagemaker.monitoring_schedule_inter_container_encryption")


def cmk(aws) -> str:
    return aws.client("kms").create_key()["KeyMetadata"]["Arn"]


def sm(aws):
    return aws.client("sagemaker")


# -- monitoring job definitions --------------------------------------------------------------
@pytest.mark.parametrize("kind,operation,check_id", JOB_DEFINITION_CHECKS)
@pytest.mark.parametrize("good,status", [(True, Status.PASS), (False, Status.FAIL)])
def test_job_definitions(aws, run_check, kind, operation, check_id, good, status):
    create_job_definition(sm(aws), kind, "monitor", "chat", ROLE, good=good)
    assert only(run_check(check_id), "monitor").status is status


@pytest.mark.parametrize("kind,operation,check_id", JOB_DEFINITION_CHECKS)
def test_job_definition_read_denied_is_error(aws, run_check, kind, operation, check_id):
    create_job_definition(sm(aws), kind, "monitor", "chat", ROLE, good=True)
    aws.simulation.fail("sagemaker", operation, "AccessDeniedException")
    assert only(run_check(check_id), "monitor").status is Status.ERROR


# -- monitoring schedules --------------------------------------------------------------------
def put_schedule(aws, config: dict) -> str:
    summary, detail = schedule(REGION, "chat-monitor", "chat", config)
    aws.simulation.put("sagemaker", "ListMonitoringSchedules", {"MonitoringScheduleSummaries": [summary]})
    aws.simulation.put("sagemaker", "DescribeMonitoringSchedule", detail)
    return "chat-monitor"


INLINE = {"MonitoringJobDefinition": {"RoleArn": ROLE, "MonitoringAppSpecification": {"ImageUri": "monitor"}}}
INLINE_GOOD = {"MonitoringJobDefinition": {**INLINE["MonitoringJobDefinition"], "NetworkConfig": {
    "EnableInterContainerTrafficEncryption": True, "EnableNetworkIsolation": True}}}


@pytest.mark.parametrize("check_id", SCHEDULE_CHECKS)
def test_schedule_of_hardened_job_definition_passes(aws, run_check, check_id):
    create_job_definition(sm(aws), "data_quality", "hardened", "chat", ROLE, good=True)
    name = put_schedule(aws, {"MonitoringJobDefinitionName": "hardened"})
    finding = only(run_check(check_id), name)
    assert finding.status is Status.PASS
    assert finding.evidence["job_definition"] == "hardened"


@pytest.mark.parametrize("check_id", SCHEDULE_CHECKS)
def test_schedule_of_default_job_definition_fails(aws, run_check, check_id):
    create_job_definition(sm(aws), "data_quality", "defaults", "chat", ROLE, good=False)
    name = put_schedule(aws, {"MonitoringJobDefinitionName": "defaults"})
    assert only(run_check(check_id), name).status is Status.FAIL


@pytest.mark.parametrize("check_id", SCHEDULE_CHECKS)
@pytest.mark.parametrize("config,status", [(INLINE_GOOD, Status.PASS), (INLINE, Status.FAIL)])
def test_schedule_inline_job(aws, run_check, check_id, config, status):
    name = put_schedule(aws, config)
    assert only(run_check(check_id), name).status is status


@pytest.mark.parametrize("check_id", SCHEDULE_CHECKS)
@pytest.mark.parametrize("operation", ["DescribeMonitoringSchedule", "DescribeDataQualityJobDefinition"])
def test_schedule_read_denied_is_error(aws, run_check, check_id, operation):
    create_job_definition(sm(aws), "data_quality", "hardened", "chat", ROLE, good=True)
    name = put_schedule(aws, {"MonitoringJobDefinitionName": "hardened"})
    aws.simulation.fail("sagemaker", operation, "AccessDeniedException")
    assert only(run_check(check_id), name).status is Status.ERROR


# -- model image registries ------------------------------------------------------------------
VPC_ACCESS = {"ImageConfig": {"RepositoryAccessMode": "Vpc"}}


def model(aws, name: str, good: bool, pipeline: bool) -> str:
    container = {"Image": IMAGE, **(VPC_ACCESS if good else {})}
    containers = {"Containers": [container, {**container, "Image": IMAGE.replace("serve", "redact")}]} \
        if pipeline else {"PrimaryContainer": container}
    sm(aws).create_model(ModelName=name, ExecutionRoleArn=ROLE, **containers)
    return name


REGISTRY_CHECKS = [("sagemaker.model_primary_container_private_registry", False),
                   ("sagemaker.model_pipeline_containers_private_registry", True)]


@pytest.mark.parametrize("check_id,pipeline", REGISTRY_CHECKS)
@pytest.mark.parametrize("good,status", [(True, Status.PASS), (False, Status.FAIL)])
def test_model_registry(aws, run_check, check_id, pipeline, good, status):
    name = model(aws, "served", good=good, pipeline=pipeline)
    assert only(run_check(check_id), name).status is status


def test_pipeline_with_one_public_container_fails(aws, run_check):
    sm(aws).create_model(ModelName="mixed", ExecutionRoleArn=ROLE, Containers=[
        {"Image": IMAGE, **VPC_ACCESS}, {"Image": IMAGE, "ImageConfig": {"RepositoryAccessMode": "Platform"}}])
    finding = only(run_check("sagemaker.model_pipeline_containers_private_registry"), "mixed")
    assert finding.status is Status.FAIL
    assert finding.evidence["repository_access_modes"] == ["Vpc", "Platform"]


@pytest.mark.parametrize("check_id,pipeline", REGISTRY_CHECKS)
def test_model_of_the_other_shape_is_out_of_scope(aws, run_check, check_id, pipeline):
    model(aws, "other", good=False, pipeline=not pipeline)
    assert not [f for f in run_check(check_id) if f.resource_id == "other"]


@pytest.mark.parametrize("check_id,pipeline", REGISTRY_CHECKS)
def test_model_read_denied_is_error(aws, run_check, check_id, pipeline):
    name = model(aws, "served", good=True, pipeline=pipeline)
    aws.simulation.fail("sagemaker", "DescribeModel", "AccessDeniedException")
    assert only(run_check(check_id), name).status is Status.ERROR


# -- feature groups --------------------------------------------------------------------------
FEATURE_CHECKS = ("sagemaker.feature_group_offline_store_cmk", "sagemaker.feature_group_online_store_cmk")


def put_feature_group(aws, key: str | None) -> str:
    summary, detail = feature_group(REGION, "customers", key)
    aws.simulation.put("sagemaker", "ListFeatureGroups", {"FeatureGroupSummaries": [summary]})
    aws.simulation.put("sagemaker", "DescribeFeatureGroup", detail)
    return "customers"


@pytest.mark.parametrize("check_id", FEATURE_CHECKS)
def test_feature_group_with_cmk_passes(aws, run_check, check_id):
    name = put_feature_group(aws, cmk(aws))
    assert only(run_check(check_id), name).status is Status.PASS


@pytest.mark.parametrize("check_id", FEATURE_CHECKS)
def test_feature_group_without_key_fails(aws, run_check, check_id):
    name = put_feature_group(aws, None)
    assert only(run_check(check_id), name).status is Status.FAIL


def test_in_memory_online_store_is_out_of_scope(aws, run_check):
    summary, detail = feature_group(REGION, "cache", None)
    detail["OnlineStoreConfig"]["StorageType"] = "InMemory"
    aws.simulation.put("sagemaker", "ListFeatureGroups", {"FeatureGroupSummaries": [summary]})
    aws.simulation.put("sagemaker", "DescribeFeatureGroup", detail)
    assert not run_check("sagemaker.feature_group_online_store_cmk")


@pytest.mark.parametrize("check_id", FEATURE_CHECKS)
def test_feature_group_read_denied_is_error(aws, run_check, check_id):
    name = put_feature_group(aws, cmk(aws))
    aws.simulation.fail("sagemaker", "DescribeFeatureGroup", "AccessDeniedException")
    assert only(run_check(check_id), name).status is Status.ERROR


# -- inference experiments -------------------------------------------------------------------
EXPERIMENT_CHECKS = ("sagemaker.inference_experiment_volume_cmk", "sagemaker.inference_experiment_data_storage_cmk")


def put_experiment(aws, key: str | None) -> str:
    summary, detail = inference_experiment(REGION, "shadow", "chat", key)
    aws.simulation.put("sagemaker", "ListInferenceExperiments", {"InferenceExperiments": [summary]})
    aws.simulation.put("sagemaker", "DescribeInferenceExperiment", detail)
    return "shadow"


@pytest.mark.parametrize("check_id", EXPERIMENT_CHECKS)
def test_experiment_with_cmk_passes(aws, run_check, check_id):
    name = put_experiment(aws, cmk(aws))
    assert only(run_check(check_id), name).status is Status.PASS


@pytest.mark.parametrize("check_id", EXPERIMENT_CHECKS)
def test_experiment_without_key_fails(aws, run_check, check_id):
    name = put_experiment(aws, None)
    assert only(run_check(check_id), name).status is Status.FAIL


@pytest.mark.parametrize("check_id", EXPERIMENT_CHECKS)
def test_experiment_read_denied_is_error(aws, run_check, check_id):
    name = put_experiment(aws, cmk(aws))
    aws.simulation.fail("sagemaker", "DescribeInferenceExperiment", "AccessDeniedException")
    assert only(run_check(check_id), name).status is Status.ERROR


# -- notebook platforms ----------------------------------------------------------------------
def notebook(aws, platform: str | None) -> str:
    sm(aws).create_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=ROLE)
    if platform:
        set_notebook_platform(REGION, "nb", platform)
    return "nb"


@pytest.mark.parametrize("platform,status", [
    ("notebook-al2023-v1", Status.PASS), ("notebook-al2-v3", Status.PASS),
    ("notebook-al2-v1", Status.FAIL), ("notebook-al1-v1", Status.FAIL), (None, Status.FAIL)])
def test_notebook_platform(aws, run_check, platform, status):
    name = notebook(aws, platform)
    finding = only(run_check("sagemaker.notebook_supported_platform"), name)
    assert finding.status is status
    assert finding.evidence["platform"] == platform


def test_notebook_platform_read_denied_is_error(aws, run_check):
    name = notebook(aws, "notebook-al2023-v1")
    aws.simulation.fail("sagemaker", "DescribeNotebookInstance", "AccessDeniedException")
    assert only(run_check("sagemaker.notebook_supported_platform"), name).status is Status.ERROR
