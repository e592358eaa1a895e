import pytest

from posture.core.models import Status
from posture.demo.seeds.model import isolate_sagemaker_model, restore_sagemaker_fields
from tests.conftest import only

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/acme-serve:1"
NOTEBOOK_CHECKS = ("sagemaker.notebook_no_direct_internet", "sagemaker.notebook_in_vpc",
                   "sagemaker.notebook_root_access_disabled", "sagemaker.notebook_cmk")
MODEL_CHECKS = ("sagemaker.model_network_isolation", "sagemaker.model_in_vpc")
TRAINING_CHECKS = ("sagemaker.training_job_inter_container_encryption", "sagemaker.training_job_network_isolation",
                   "sagemaker.training_job_in_vpc", "sagemaker.training_job_volume_cmk",
                   "sagemaker.training_job_output_cmk")
PROCESSING_CHECKS = ("sagemaker.processing_job_network_isolation", "sagemaker.processing_job_cmk")
DOMAIN_CHECKS = ("sagemaker.domain_vpc_only", "sagemaker.domain_cmk")
VPC = {"SecurityGroupIds": ["sg-12345678"], "Subnets": ["subnet-12345678"]}


def cmk(aws):
    return aws.client("kms").create_key()["KeyMetadata"]["Arn"]


def sm(aws):
    return aws.client("sagemaker")


# -- notebooks -------------------------------------------------------------------------------
def notebook(aws, name: str, good: bool) -> str:
    settings = ({"SubnetId": "subnet-12345678", "SecurityGroupIds": ["sg-12345678"], "DirectInternetAccess":
                 "Disabled", "RootAccess": "Disabled", "KmsKeyId": cmk(aws)}
                if good else {"DirectInternetAccess": "Enabled"})  # RootAccess unset: AWS enables it
    sm(aws).create_notebook_instance(NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=ROLE, **settings)
    return name


@pytest.mark.parametrize("check_id", NOTEBOOK_CHECKS)
def test_locked_down_notebook_passes(aws, run_check, check_id):
    name = notebook(aws, "good", good=True)
    assert only(run_check(check_id), name).status is Status.PASS


@pytest.mark.parametrize("check_id", NOTEBOOK_CHECKS)
def test_default_notebook_fails(aws, run_check, check_id):
    name = notebook(aws, "open", good=False)
    finding = only(run_check(check_id), name)
    assert finding.status is Status.FAIL


def test_notebook_root_access_unset_counts_as_enabled(aws, run_check):
    name = notebook(aws, "open", good=False)
    assert only(run_check("sagemaker.notebook_root_access_disabled"), name).evidence["root_access"] == "Enabled"


@pytest.mark.parametrize("check_id", NOTEBOOK_CHECKS)
def test_notebook_read_denied_is_error(aws, run_check, check_id):
    name = notebook(aws, "good", good=True)
    aws.simulation.fail("sagemaker", "DescribeNotebookInstance", "AccessDeniedException")
    assert only(run_check(check_id), name).status is Status.ERROR


# -- models and endpoints --------------------------------------------------------------------
def model(aws, name: str, good: bool) -> str:
    sm(aws).create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE},
                         **({"VpcConfig": VPC, "EnableNetworkIsolation": True} if good else {}))
    if good:
        isolate_sagemaker_model("us-east-1", name)
    return name


@pytest.mark.parametrize("check_id", MODEL_CHECKS)
def test_isolated_model_passes(aws, run_check, check_id):
    name = model(aws, "good", good=True)
    assert only(run_check(check_id), name).status is Status.PASS


@pytest.mark.parametrize("check_id", MODEL_CHECKS)
def test_open_model_fails(aws, run_check, check_id):
    name = model(aws, "open", good=False)
    assert only(run_check(check_id), name).status is Status.FAIL


@pytest.mark.parametrize("check_id", MODEL_CHECKS)
def test_model_read_denied_is_error(aws, run_check, check_id):
    name = model(aws, "good", good=True)
    aws.simulation.fail("sagemaker", "DescribeModel", "AccessDeniedException")
    assert only(run_check(check_id), name).status is Status.ERROR


def endpoint(aws, name: str, good: bool) -> str:
    model(aws, f"{name}-model", good=good)
    config = {"EndpointConfigName": f"{name}-config", "ProductionVariants": [
        {"VariantName": "main", "ModelName": f"{name}-model", "InitialInstanceCount": 2 if good else 1,
         "InstanceType": "ml.g4dn.xlarge"}]}
    if good:
        config["KmsKeyId"] = cmk(aws)
        config["DataCaptureConfig"] = {"EnableCapture": True, "InitialSamplingPercentage": 100,
                                       "DestinationS3Uri": "s3://capture/", "CaptureOptions": [
                                           {"CaptureMode": "Input"}, {"CaptureMode": "Output"}]}
    sm(aws).create_endpoint_config(**config)
    sm(aws).create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
    if good:
        aws.simulation.put("sagemaker", "ListMonitoringSchedules", {"MonitoringScheduleSummaries": [
            {"MonitoringScheduleName": f"{name}-monitor", "MonitoringScheduleArn": "arn:aws:sagemaker:x",
             "CreationTime": "2026-11-01T00:00:00Z", "LastModifiedTime": "2026-11-01T00:00:00Z",
             "MonitoringScheduleStatus": "Scheduled", "EndpointName": name}]})
    return name


@pytest.mark.parametrize("check_id,resource", [
    ("sagemaker.endpoint_config_cmk", "{}-config"), ("sagemaker.endpoint_config_data_capture", "{}-config"),
    ("sagemaker.endpoint_multi_instance", "{}"), ("sagemaker.endpoint_model_monitor", "{}")])
@pytest.mark.parametrize("good,status", [(True, Status.PASS), (False, Status.FAIL)])
def test_endpoint_checks(aws, run_check, check_id, resource, good, status):
    name = endpoint(aws, "chat", good=good)
    assert only(run_check(check_id), resource.format(name)).status is status


@pytest.mark.parametrize("check_id,operation,resource", [
    ("sagemaker.endpoint_config_cmk", "DescribeEndpointConfig", "chat-config"),
    ("sagemaker.endpoint_config_data_capture", "DescribeEndpointConfig", "chat-config"),
    ("sagemaker.endpoint_multi_instance", "DescribeEndpoint", "chat"),
    ("sagemaker.endpoint_model_monitor", "ListMonitoringSchedules", ACCOUNT)])
def test_endpoint_read_denied_is_error(aws, run_check, check_id, operation, resource):
    endpoint(aws, "chat", good=True)
    aws.simulation.fail("sagemaker", operation, "AccessDeniedException")
    assert only(run_check(check_id), resource).status is Status.ERROR


def test_serverless_variant_needs_no_instance_count(aws, run_check):
    model(aws, "m", good=True)
    sm(aws).create_endpoint_config(EndpointConfigName="sl", ProductionVariants=[
        {"VariantName": "main", "ModelName": "m", "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}])
    sm(aws).create_endpoint(EndpointName="sl", EndpointConfigName="sl")
    assert only(run_check("sagemaker.endpoint_multi_instance"), "sl").status is Status.PASS


# -- training and processing jobs -------------------------------------------------------------
def training_job(aws, name: str, good: bool) -> str:
    key = cmk(aws) if good else None
    output = {"S3OutputPath": "s3://artifacts/out/", **({"KmsKeyId": key} if key else {})}
    resources = {"InstanceType": "ml.g5.2xlarge", "InstanceCount": 2, "VolumeSizeInGB": 50,
                 **({"VolumeKmsKeyId": key} if key else {})}
    extra = {"VpcConfig": VPC, "EnableNetworkIsolation": True, "EnableInterContainerTrafficEncryption": True}
    sm(aws).create_training_job(
        TrainingJobName=name, RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        InputDataConfig=[{"ChannelName": "train", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": "s3://training/data/"}}}],
        OutputDataConfig=output, ResourceConfig=resources, StoppingCondition={"MaxRuntimeInSeconds": 3600},
        **(extra if good else {}),
    )
    return name


@pytest.mark.parametrize("check_id", TRAINING_CHECKS)
@pytest.mark.parametrize("good,status", [(True, Status.PASS), (False, Status.FAIL)])
def test_training_job_checks(aws, run_check, check_id, good, status):
    name = training_job(aws, "finetune", good=good)
    assert only(run_check(check_id), name).status is status


@pytest.mark.parametrize("check_id", TRAINING_CHECKS)
def test_training_job_read_denied_is_error(aws, run_check, check_id):
    name = training_job(aws, "finetune", good=True)
    aws.simulation.fail("sagemaker", "DescribeTrainingJob", "AccessDeniedException")
    assert only(run_check(check_id), name).status is Status.ERROR


def processing_job(aws, name: str, good: bool) -> str:
    key = cmk(aws) if good else None
    cluster = {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 10,
               **({"VolumeKmsKeyId": key} if key else {})}
    outputs = {"Outputs": [{"OutputName": "o", "S3Output": {"S3Uri": "s3://b/o", "LocalPath": "/opt/ml/processing/o",
                                                               "S3UploadMode": "EndOfJob"}}],
               **({"KmsKeyId": key} if key else {})}
    network = {"EnableNetworkIsolation": True} if good else {"EnableNetworkIsolation": False}
    sm(aws).create_processing_job(
        ProcessingJobName=name, RoleArn=ROLE, ProcessingResources={"ClusterConfig": cluster},
        AppSpecification={"ImageUri": IMAGE}, NetworkConfig=network, ProcessingOutputConfig=outputs)
    # moto drops ProcessingResources: put it back on moto's job.
    restore_sagemaker_fields("us-east-1", "processing_jobs", name, processing_resources={"ClusterConfig": cluster})
    return name


@pytest.mark.parametrize("check_id", PROCESSING_CHECKS)
@pytest.mark.parametrize("good,status", [(True, Status.PASS), (False, Status.FAIL)])
def test_processing_job_checks(aws, run_check, check_id, good, status):
    name = processing_job(aws, "prep", good=good)
    assert only(run_check(check_id), name).status is status


@pytest.mark.parametrize("check_id", PROCESSING_CHECKS)
def test_processing_job_read_denied_is_error(aws, run_check, check_id):
    name = processing_job(aws, "prep", good=True)
    aws.simulation.fail("sagemaker", "DescribeProcessingJob", "AccessDeniedException")
    assert only(run_check(check_id), name).status is Status.ERROR


# -- domains ---------------------------------------------------------------------------------
def domain(aws, good: bool) -> str:
    settings = {"AppNetworkAccessType": "VpcOnly", "KmsKeyId": cmk(aws)} if good else {
        "AppNetworkAccessType": "PublicInternetOnly"}
    return str(sm(aws).create_domain(
        DomainName="studio", AuthMode="IAM", DefaultUserSettings={"ExecutionRole": ROLE},
        SubnetIds=["subnet-12345678"], VpcId="vpc-12345678", **settings)["DomainArn"].rsplit("/", 1)[1])


@pytest.mark.parametrize("check_id", DOMAIN_CHECKS)
@pytest.mark.parametrize("good,status", [(True, Status.PASS), (False, Status.FAIL)])
def test_domain_checks(aws, run_check, check_id, good, status):
    domain_id = domain(aws, good=good)
    assert only(run_check(check_id), domain_id).status is status


@pytest.mark.parametrize("check_id", DOMAIN_CHECKS)
def test_domain_read_denied_is_error(aws, run_check, check_id):
    domain_id = domain(aws, good=True)
    aws.simulation.fail("sagemaker", "DescribeDomain", "AccessDeniedException")
    assert only(run_check(check_id), domain_id).status is Status.ERROR
