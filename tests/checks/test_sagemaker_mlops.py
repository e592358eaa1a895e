import json

import pytest

from posture.core.models import Status
from posture.demo.seeds.sagemaker_mlops import (
    create_job_definition,
    feature_group,
    inference_experiment,
    inline_job_definition,
    schedule,
    set_notebook_platform,
)
from tests.support.findings import expect

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
    expect(run_check(check_id), "monitor", status)


@pytest.mark.parametrize("kind,operation,check_id", JOB_DEFINITION_CHECKS)
def test_job_definition_read_denied_is_error(aws, run_check, kind, operation, check_id):
    create_job_definition(sm(aws), kind, "monitor", "chat", ROLE, good=True)
    aws.simulation.fail("sagemaker", operation, "AccessDeniedException")
    expect(run_check(check_id), "monitor", Status.ERROR)


# -- monitoring schedules --------------------------------------------------------------------
def put_schedule(aws, config: dict) -> str:
    summary, detail = schedule(REGION, "chat-monitor", "chat", config)
    aws.simulation.put("sagemaker", "ListMonitoringSchedules", {"MonitoringScheduleSummaries": [summary]})
    aws.simulation.put("sagemaker", "DescribeMonitoringSchedule", detail)
    return "chat-monitor"


INLINE = {"MonitoringJobDefinition": inline_job_definition(ROLE, endpoint="chat")}
INLINE_GOOD = {"MonitoringJobDefinition": {**INLINE["MonitoringJobDefinition"], "NetworkConfig": {
    "EnableInterContainerTrafficEncryption": True, "EnableNetworkIsolation": True}}}


@pytest.mark.parametrize("check_id", SCHEDULE_CHECKS)
def test_schedule_of_hardened_job_definition_passes(aws, run_check, check_id):
    create_job_definition(sm(aws), "data_quality", "hardened", "chat", ROLE, good=True)
    name = put_schedule(aws, {"MonitoringJobDefinitionName": "hardened"})
    finding = expect(run_check(check_id), name, Status.PASS)
    assert finding.evidence["job_definition"] == "hardened"


@pytest.mark.parametrize("check_id", SCHEDULE_CHECKS)
def test_schedule_of_default_job_definition_fails(aws, run_check, check_id):
    create_job_definition(sm(aws), "data_quality", "defaults", "chat", ROLE, good=False)
    name = put_schedule(aws, {"MonitoringJobDefinitionName": "defaults"})
    expect(run_check(check_id), name, Status.FAIL)


@pytest.mark.parametrize("check_id", SCHEDULE_CHECKS)
@pytest.mark.parametrize("config,status", [(INLINE_GOOD, Status.PASS), (INLINE, Status.FAIL)])
def test_schedule_inline_job(aws, run_check, check_id, config, status):
    name = put_schedule(aws, config)
    expect(run_check(check_id), name, status)


@pytest.mark.parametrize("check_id", SCHEDULE_CHECKS)
@pytest.mark.parametrize("operation", ["DescribeMonitoringSchedule", "DescribeDataQualityJobDefinition"])
def test_schedule_read_denied_is_error(aws, run_check, check_id, operation):
    create_job_definition(sm(aws), "data_quality", "hardened", "chat", ROLE, good=True)
    name = put_schedule(aws, {"MonitoringJobDefinitionName": "hardened"})
    aws.simulation.fail("sagemaker", operation, "AccessDeniedException")
    expect(run_check(check_id), name, Status.ERROR)


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
    expect(run_check(check_id), name, status)


def test_pipeline_with_one_public_container_fails(aws, run_check):
    sm(aws).create_model(ModelName="mixed", ExecutionRoleArn=ROLE, Containers=[
        {"Image": IMAGE, **VPC_ACCESS}, {"Image": IMAGE, "ImageConfig": {"RepositoryAccessMode": "Platform"}}])
    finding = expect(run_check("sagemaker.model_pipeline_containers_private_registry"), "mixed", Status.FAIL)
    assert finding.evidence["repository_access_modes"] == ["Vpc", "Platform"]


@pytest.mark.parametrize("check_id,pipeline", REGISTRY_CHECKS)
def test_model_of_the_other_shape_is_out_of_scope(aws, run_check, check_id, pipeline):
    model(aws, "other", good=False, pipeline=not pipeline)
    assert not [f for f in run_check(check_id) if f.resource_id == "other"]


@pytest.mark.parametrize("check_id,pipeline", REGISTRY_CHECKS)
def test_model_read_denied_is_error(aws, run_check, check_id, pipeline):
    name = model(aws, "served", good=True, pipeline=pipeline)
    aws.simulation.fail("sagemaker", "DescribeModel", "AccessDeniedException")
    expect(run_check(check_id), name, Status.ERROR)


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
    expect(run_check(check_id), name, Status.PASS)


@pytest.mark.parametrize("check_id", FEATURE_CHECKS)
def test_feature_group_without_key_fails(aws, run_check, check_id):
    name = put_feature_group(aws, None)
    expect(run_check(check_id), name, Status.FAIL)


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
    expect(run_check(check_id), name, Status.ERROR)


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
    expect(run_check(check_id), name, Status.PASS)


@pytest.mark.parametrize("check_id", EXPERIMENT_CHECKS)
def test_experiment_without_key_fails(aws, run_check, check_id):
    name = put_experiment(aws, None)
    expect(run_check(check_id), name, Status.FAIL)


@pytest.mark.parametrize("check_id", EXPERIMENT_CHECKS)
def test_experiment_read_denied_is_error(aws, run_check, check_id):
    name = put_experiment(aws, cmk(aws))
    aws.simulation.fail("sagemaker", "DescribeInferenceExperiment", "AccessDeniedException")
    expect(run_check(check_id), name, Status.ERROR)


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
    finding = expect(run_check("sagemaker.notebook_supported_platform"), name, status)
    assert finding.evidence["platform"] == platform


def test_notebook_platform_read_denied_is_error(aws, run_check):
    name = notebook(aws, "notebook-al2023-v1")
    aws.simulation.fail("sagemaker", "DescribeNotebookInstance", "AccessDeniedException")
    expect(run_check("sagemaker.notebook_supported_platform"), name, Status.ERROR)


# -- models behind in-service endpoints -------------------------------------------------------
from posture.checks import sagemaker_mlops as mlops  # noqa: E402

APPROVED = "sagemaker_mlops.deployed_models_approved"
MONITORING = "sagemaker_mlops.endpoint_monitoring"
PACKAGE_SPEC = {"Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://models/chat.tar.gz"}],
                "SupportedContentTypes": ["application/json"], "SupportedResponseMIMETypes": ["application/json"]}
CAPTURE = {"EnableCapture": True, "InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://capture/",
           "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]}


def serve(aws, name: str, *, package_status: str | None, capture: bool = False) -> str:
    """An in-service endpoint whose model comes from a package of `package_status` (None: no package)."""
    if package_status is None:
        container = {"Image": IMAGE, "ModelDataUrl": "s3://models/chat.tar.gz"}
    else:
        sm(aws).create_model_package_group(ModelPackageGroupName="chat")
        arn = sm(aws).create_model_package(ModelPackageGroupName="chat", ModelApprovalStatus=package_status,
                                           InferenceSpecification=PACKAGE_SPEC)["ModelPackageArn"]
        container = {"ModelPackageName": arn}
    sm(aws).create_model(ModelName=f"{name}-model", ExecutionRoleArn=ROLE, PrimaryContainer=container)
    sm(aws).create_endpoint_config(EndpointConfigName=f"{name}-config", **({"DataCaptureConfig": CAPTURE}
                                                                         if capture else {}),
                                   ProductionVariants=[{"VariantName": "main", "ModelName": f"{name}-model",
                                                        "InitialInstanceCount": 1, "InstanceType": "ml.g4dn.xlarge"}])
    sm(aws).create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
    return name


@pytest.mark.parametrize("package_status,status", [
    ("Approved", Status.PASS), ("PendingManualApproval", Status.FAIL), (None, Status.FAIL)])
def test_deployed_models_approved(aws, run_check, package_status, status):
    name = serve(aws, "chat", package_status=package_status)
    finding = expect(run_check(APPROVED), name, status)
    if package_status is None:
        assert finding.evidence["unregistered_models"] == ["chat-model"]


def test_deployed_model_package_read_denied_is_error(aws, run_check):
    name = serve(aws, "chat", package_status="Approved")
    aws.simulation.fail("sagemaker", "DescribeModelPackage", "AccessDeniedException")
    expect(run_check(APPROVED), name, Status.ERROR)


P1, P2 = "arn:aws:sagemaker:us-east-1:123456789012:model-package/chat/1", "arn:aws:sagemaker:x:model-package/chat/2"


@pytest.mark.parametrize("models,approval,good", [
    ({"a": [P1]}, {P1: "Approved"}, True),
    ({"a": [P1], "shadow": [P2]}, {P1: "Approved", P2: "Rejected"}, False),  # a shadow variant counts too
    ({"pipeline": [P1, None]}, {P1: "Approved"}, False),  # one container named directly
    ({"a": ["unversioned-package"]}, {"unversioned-package": None}, False),  # no approval status at all
])
def test_judge_deployment(models, approval, good):
    assert mlops.judge_deployment(models, approval)[0] is good


def test_model_packages_of_every_container():
    assert mlops.model_packages({"PrimaryContainer": {"ModelPackageName": P1}}) == [P1]
    assert mlops.model_packages({"Containers": [{"Image": IMAGE}, {"ModelPackageName": P2}]}) == [None, P2]
    assert mlops.model_packages({}) == [None]


# -- monitoring of in-service endpoints -------------------------------------------------------
def put_schedules(aws, *summaries: dict) -> None:
    aws.simulation.put("sagemaker", "ListMonitoringSchedules", {"MonitoringScheduleSummaries": list(summaries)})


def monitor(name: str, endpoint: str, monitoring_type: str, status: str = "Scheduled") -> dict:
    return {**schedule(REGION, name, endpoint, {}, status)[0], "MonitoringType": monitoring_type}


@pytest.mark.parametrize("capture,schedules,status", [
    (True, [("bias", "ModelBias")], Status.PASS),
    (True, [], Status.FAIL),
    (False, [("quality", "DataQuality")], Status.FAIL),  # scheduled, but nothing captured to analyse
])
def test_endpoint_monitoring(aws, run_check, capture, schedules, status):
    name = serve(aws, "chat", package_status=None, capture=capture)
    put_schedules(aws, *(monitor(n, name, t) for n, t in schedules))
    expect(run_check(MONITORING), name, status)


def test_endpoint_monitoring_list_denied_is_error(aws, run_check):
    name = serve(aws, "chat", package_status=None, capture=True)
    aws.simulation.fail("sagemaker", "ListMonitoringSchedules", "AccessDeniedException")
    expect(run_check(MONITORING), name, Status.ERROR)


@pytest.mark.parametrize("schedules,capture,good,types", [
    ([monitor("q", "e", "DataQuality"), monitor("x", "e", "ModelExplainability")], {"EnableCapture": True}, True,
     ["DataQuality", "ModelExplainability"]),
    ([monitor("q", "e", "DataQuality", "Stopped")], {"EnableCapture": True}, False, []),
    ([monitor("q", "e", "ModelQuality", "Pending")], {"EnableCapture": True}, False, []),
    ([monitor("q", "e", "ModelQuality")], {"EnableCapture": True, "CaptureStatus": "Stopped"}, False,
     ["ModelQuality"]),
    ([monitor("q", "e", "ModelQuality")], {}, False, ["ModelQuality"]),
])
def test_judge_monitoring(schedules, capture, good, types):
    verdict = mlops.judge_monitoring(schedules, capture)
    assert (verdict[0], verdict[2]["monitoring_types"]) == (good, types)


def test_judge_monitoring_names_the_kinds():
    good, message, _ = mlops.judge_monitoring([monitor("q", "e", "DataQuality"), monitor("b", "e", "ModelBias")],
                                              {"EnableCapture": True})
    assert good and "Model Monitor and Clarify" in message


# -- model package group policies -------------------------------------------------------------
GROUP_POLICY = "sagemaker_mlops.model_package_group_policy_not_public"
OTHER = "210987654321"


def policy(principal, condition: dict | None = None) -> str:
    statement = {"Effect": "Allow", "Principal": principal, "Resource": "*",
                 "Action": ["sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages"]}
    return json.dumps({"Version": "2012-10-17", "Statement": [{**statement, **(
        {"Condition": condition} if condition else {})}]})


def package_group(aws, resource_policy: str | None) -> str:
    sm(aws).create_model_package_group(ModelPackageGroupName="chat")
    if resource_policy is not None:
        aws.simulation.put("sagemaker", "GetModelPackageGroupPolicy", {"ResourcePolicy": resource_policy})
    return "chat"


@pytest.mark.parametrize("resource_policy,status", [
    (None, Status.PASS),
    (policy({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), Status.PASS),
    (policy("*"), Status.FAIL),
])
def test_model_package_group_policy(aws, run_check, resource_policy, status):
    name = package_group(aws, resource_policy)
    expect(run_check(GROUP_POLICY), name, status)


def test_model_package_group_policy_read_denied_is_error(aws, run_check):
    name = package_group(aws, None)
    aws.simulation.fail("sagemaker", "GetModelPackageGroupPolicy", "AccessDeniedException")
    expect(run_check(GROUP_POLICY), name, Status.ERROR)


def test_model_package_group_policy_answer_without_the_policy_is_error_not_pass(aws, run_check):
    """The fault matrix's missing-fields case: a 200 without ResourcePolicy is no proof there is none."""
    name = package_group(aws, None)
    aws.simulation.put("sagemaker", "GetModelPackageGroupPolicy", {},
                       off_model="a malformed answer: the model requires ResourcePolicy")
    finding = expect(run_check(GROUP_POLICY), name, Status.ERROR)
    assert "no ResourcePolicy" in finding.message


@pytest.mark.parametrize("resource_policy,open_to", [
    (policy({"AWS": OTHER}), [f"account {OTHER}"]),
    (policy("*"), ["anyone"]),
    (policy({"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}), []),
    (policy({"AWS": "*"}, {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}}), ["anyone"]),
    (policy({"AWS": "*"}, {"Bool": {"aws:SecureTransport": "true"}}), ["anyone"]),
    (policy({"AWS": f"arn:aws:iam::{ACCOUNT}:role/ml"}), []),
])
def test_open_grants(resource_policy, open_to):
    found = mlops.open_grants(resource_policy, ACCOUNT)
    assert [g.split(" (")[0] for g in found] == open_to
