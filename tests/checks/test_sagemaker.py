import base64
from datetime import datetime

import pytest

from posture.core.models import Status
from posture.demo.seeds.model import isolate_sagemaker_model, restore_sagemaker_fields
from tests.support.findings import expect, only

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
    expect(run_check(check_id), name, Status.PASS)


@pytest.mark.parametrize("check_id", NOTEBOOK_CHECKS)
def test_default_notebook_fails(aws, run_check, check_id):
    name = notebook(aws, "open", good=False)
    expect(run_check(check_id), name, Status.FAIL)


def test_notebook_root_access_unset_counts_as_enabled(aws, run_check):
    name = notebook(aws, "open", good=False)
    assert only(run_check("sagemaker.notebook_root_access_disabled"), name).evidence["root_access"] == "Enabled"


@pytest.mark.parametrize("check_id", NOTEBOOK_CHECKS)
def test_notebook_read_denied_is_error(aws, run_check, check_id):
    name = notebook(aws, "good", good=True)
    aws.simulation.fail("sagemaker", "DescribeNotebookInstance", "AccessDeniedException")
    expect(run_check(check_id), name, Status.ERROR)


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
    expect(run_check(check_id), name, Status.PASS)


@pytest.mark.parametrize("check_id", MODEL_CHECKS)
def test_open_model_fails(aws, run_check, check_id):
    name = model(aws, "open", good=False)
    expect(run_check(check_id), name, Status.FAIL)


@pytest.mark.parametrize("check_id", MODEL_CHECKS)
def test_model_read_denied_is_error(aws, run_check, check_id):
    name = model(aws, "good", good=True)
    aws.simulation.fail("sagemaker", "DescribeModel", "AccessDeniedException")
    expect(run_check(check_id), name, Status.ERROR)


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
    expect(run_check(check_id), resource.format(name), status)


@pytest.mark.parametrize("check_id,operation,resource", [
    ("sagemaker.endpoint_config_cmk", "DescribeEndpointConfig", "chat-config"),
    ("sagemaker.endpoint_config_data_capture", "DescribeEndpointConfig", "chat-config"),
    ("sagemaker.endpoint_multi_instance", "DescribeEndpoint", "chat"),
    ("sagemaker.endpoint_model_monitor", "ListMonitoringSchedules", ACCOUNT)])
def test_endpoint_read_denied_is_error(aws, run_check, check_id, operation, resource):
    endpoint(aws, "chat", good=True)
    aws.simulation.fail("sagemaker", operation, "AccessDeniedException")
    expect(run_check(check_id), resource, Status.ERROR)


def test_serverless_variant_needs_no_instance_count(aws, run_check):
    model(aws, "m", good=True)
    sm(aws).create_endpoint_config(EndpointConfigName="sl", ProductionVariants=[
        {"VariantName": "main", "ModelName": "m", "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}])
    sm(aws).create_endpoint(EndpointName="sl", EndpointConfigName="sl")
    expect(run_check("sagemaker.endpoint_multi_instance"), "sl", Status.PASS)


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
    expect(run_check(check_id), name, status)


@pytest.mark.parametrize("check_id", TRAINING_CHECKS)
def test_training_job_read_denied_is_error(aws, run_check, check_id):
    name = training_job(aws, "finetune", good=True)
    aws.simulation.fail("sagemaker", "DescribeTrainingJob", "AccessDeniedException")
    expect(run_check(check_id), name, Status.ERROR)


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
    expect(run_check(check_id), name, status)


@pytest.mark.parametrize("check_id", PROCESSING_CHECKS)
def test_processing_job_read_denied_is_error(aws, run_check, check_id):
    name = processing_job(aws, "prep", good=True)
    aws.simulation.fail("sagemaker", "DescribeProcessingJob", "AccessDeniedException")
    expect(run_check(check_id), name, Status.ERROR)


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
    expect(run_check(check_id), domain_id, status)


@pytest.mark.parametrize("check_id", DOMAIN_CHECKS)
def test_domain_read_denied_is_error(aws, run_check, check_id):
    domain_id = domain(aws, good=True)
    aws.simulation.fail("sagemaker", "DescribeDomain", "AccessDeniedException")
    expect(run_check(check_id), domain_id, Status.ERROR)


# -- lifecycle configurations ----------------------------------------------------------------
from posture.checks import sagemaker as sagemaker_checks  # noqa: E402
from posture.checks._read import sagemaker as sagemaker_reads  # noqa: E402

LCC = "sagemaker.lifecycle_config_secrets"
FAKE_TOKEN = "hf_" + "A1b2C3d4E5f6G7h8"  # credential-shaped, not a credential


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def notebook_lcc(aws, name: str, script: str) -> str:
    sm(aws).create_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=name, OnStart=[{"Content": b64(script)}])
    aws.simulation.put("sagemaker", "ListNotebookInstanceLifecycleConfigs", {"NotebookInstanceLifecycleConfigs": [
        {"NotebookInstanceLifecycleConfigName": name,
         "NotebookInstanceLifecycleConfigArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:notebook-instance-"
                                               f"lifecycle-config/{name}"}]})
    return name


@pytest.mark.parametrize("script,status", [("pip install -r requirements.txt", Status.PASS),
                                           (f"export HF_TOKEN={FAKE_TOKEN}", Status.FAIL)])
def test_notebook_lifecycle_config(aws, run_check, script, status):
    name = notebook_lcc(aws, "setup", script)
    finding = expect(run_check(LCC), name, status)
    assert FAKE_TOKEN not in str(finding.evidence) + finding.message
    assert finding.evidence["scripts_with_secrets"] == (["OnStart"] if status is Status.FAIL else [])


def test_studio_lifecycle_config_with_secret_fails_and_notebook_list_denied_is_one_error(aws, run_check):
    aws.simulation.put("sagemaker", "ListStudioLifecycleConfigs", {"StudioLifecycleConfigs": [
        {"StudioLifecycleConfigName": "jl", "StudioLifecycleConfigArn": "arn:aws:sagemaker:x",
         "StudioLifecycleConfigAppType": "JupyterLab"}]})
    aws.simulation.put("sagemaker", "DescribeStudioLifecycleConfig", {
        "StudioLifecycleConfigName": "jl", "StudioLifecycleConfigAppType": "JupyterLab",
        "StudioLifecycleConfigContent": b64(f"#!/bin/bash\necho 'api_key = {FAKE_TOKEN}' > ~/.env")})
    aws.simulation.fail("sagemaker", "ListNotebookInstanceLifecycleConfigs", "AccessDeniedException")
    findings = run_check(LCC)
    studio = only(findings, "jl")
    assert (studio.status, studio.evidence["config_type"]) == (Status.FAIL, "studio")
    expect(findings, "not-read/notebook-lifecycle-configurations", Status.ERROR)


def test_lifecycle_config_read_denied_is_error(aws, run_check):
    name = notebook_lcc(aws, "setup", "echo hi")
    aws.simulation.fail("sagemaker", "DescribeNotebookInstanceLifecycleConfig", "AccessDeniedException")
    expect(run_check(LCC), name, Status.ERROR)


def test_lifecycle_scripts_decode_every_hook():
    config = {"OnCreate": [{"Content": b64("a")}, {"Content": b64("b")}], "OnStart": [{"Content": "%%not-b64"}]}
    assert sagemaker_checks.lifecycle_scripts(sagemaker_reads.NOTEBOOK_LCC, config) == {
        "OnCreate": "a", "OnCreate[1]": "b", "OnStart": None}
    assert sagemaker_checks.lifecycle_scripts(sagemaker_reads.STUDIO_LCC, {}) == {"StudioLifecycleConfigContent": ""}


@pytest.mark.parametrize("scripts,status", [
    ({}, "PASS"),
    ({"OnStart": "aws secretsmanager get-secret-value --secret-id hf"}, "PASS"),
    ({"OnStart": "PASSWORD=hunter2 ./run"}, "FAIL"),
    ({"OnStart": None}, "ERROR"),
    ({"OnStart": None, "OnCreate": "token: abc"}, "FAIL"),  # a found secret outweighs an unreadable script
])
def test_judge_lifecycle_scripts(scripts, status):
    assert sagemaker_checks.judge_lifecycle_scripts(scripts)[0] == status


# -- Studio domain identity ------------------------------------------------------------------
def studio_domain(aws, auth: str) -> str:
    return str(sm(aws).create_domain(
        DomainName="studio", AuthMode=auth, DefaultUserSettings={"ExecutionRole": ROLE},
        SubnetIds=["subnet-12345678"], VpcId="vpc-12345678")["DomainArn"].rsplit("/", 1)[1])


@pytest.mark.parametrize("auth,status", [("SSO", Status.PASS), ("IAM", Status.FAIL)])
def test_domain_identity_center(aws, run_check, auth, status):
    domain_id = studio_domain(aws, auth)
    finding = expect(run_check("sagemaker.domain_identity_center"), domain_id, status)
    assert finding.evidence["auth_mode"] == auth


def test_domain_identity_center_read_denied_is_error(aws, run_check):
    domain_id = studio_domain(aws, "SSO")
    aws.simulation.fail("sagemaker", "DescribeDomain", "AccessDeniedException")
    expect(run_check("sagemaker.domain_identity_center"), domain_id, Status.ERROR)


# -- transform, tuning, compilation and AutoML jobs -----------------------------------------
JOBS = "sagemaker.job_encryption_isolation"


def compilation_job(aws, name: str, good: bool) -> str:
    key = {"KmsKeyId": cmk(aws)} if good else {}
    sm(aws).create_compilation_job(
        CompilationJobName=name, RoleArn=ROLE, StoppingCondition={"MaxRuntimeInSeconds": 60},
        InputConfig={"S3Uri": "s3://models/m.tar.gz", "Framework": "PYTORCH", "DataInputConfig": "{}"},
        OutputConfig={"S3OutputLocation": "s3://models/neo/", "TargetDevice": "ml_c5", **key},
        **({"VpcConfig": {"SecurityGroupIds": ["sg-12345678"], "Subnets": ["subnet-12345678"]}} if good else {}))
    return name


def transform_job(aws, name: str) -> str:
    sm(aws).create_transform_job(
        TransformJobName=name, ModelName="m", TransformOutput={"S3OutputPath": "s3://scores/"},
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://in/"}}},
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1})
    return name


@pytest.mark.parametrize("good,status", [(True, Status.PASS), (False, Status.FAIL)])
def test_compilation_job(aws, run_check, good, status):
    name = compilation_job(aws, "neo", good)
    finding = expect(run_check(JOBS), name, status)
    assert finding.evidence["job_type"] == "compilation"
    if not good:
        assert finding.evidence["missing"] == ["a customer managed key for the output", "a VPC"]


def test_job_read_denied_is_error_and_other_kinds_still_judged(aws, run_check):
    compilation_job(aws, "neo", good=False)
    transform_job(aws, "scoring")
    aws.simulation.fail("sagemaker", "DescribeCompilationJob", "AccessDeniedException")
    aws.simulation.fail("sagemaker", "ListAutoMLJobs", "AccessDeniedException")
    findings = run_check(JOBS)
    expect(findings, "neo", Status.ERROR)
    expect(findings, "scoring", Status.FAIL)
    expect(findings, "not-read/automl-jobs", Status.ERROR)


def test_job_lookback_must_be_positive(aws, run_check):
    finding = expect(run_check(JOBS, check_settings={"sagemaker": {"job_lookback_days": 0}}), ACCOUNT, Status.ERROR)
    assert "job_lookback_days" in finding.message


def test_old_jobs_are_outside_the_lookback(aws, run_check):
    compilation_job(aws, "neo-old", good=False)
    compilation_job(aws, "neo-new", good=False)
    from moto.sagemaker.models import sagemaker_backends

    sagemaker_backends[ACCOUNT]["us-east-1"].compilation_jobs["neo-old"].creation_time = datetime(2020, 1, 1)
    findings = run_check(JOBS, check_settings={"sagemaker": {"job_lookback_days": 7}})
    assert [f.resource_id for f in findings if f.resource_id.startswith("neo")] == ["neo-new"]


KEY = "arn:aws:kms:us-east-1:123456789012:key/k"


def test_job_security_reads_each_kind():
    transform = sagemaker_checks.job_security("transform", {"TransformOutput": {"KmsKeyId": KEY}})
    assert (transform.keys, transform.isolation, transform.subnets) == ({"output": KEY, "volume": None}, None, None)
    tuning = sagemaker_checks.job_security("tuning", {"TrainingJobDefinitions": [
        {"OutputDataConfig": {"KmsKeyId": KEY}, "HyperParameterTuningResourceConfig": {"VolumeKmsKeyId": KEY},
         "EnableNetworkIsolation": True},
        {"OutputDataConfig": {}, "ResourceConfig": {"VolumeKmsKeyId": KEY}, "VpcConfig": {"Subnets": ["s-1"]}}]})
    assert tuning.keys == {"output[0]": KEY, "volume[0]": KEY, "output[1]": None, "volume[1]": KEY}
    assert (tuning.isolation, tuning.subnets) == (False, ["s-1"])  # one isolated, the other in a VPC: contained
    open_one = sagemaker_checks.job_security("tuning", {"TrainingJobDefinitions": [
        {"EnableNetworkIsolation": True}, {"VpcConfig": {"Subnets": []}}]})
    assert (open_one.isolation, open_one.subnets) == (False, [])
    isolated = sagemaker_checks.job_security("tuning", {"TrainingJobDefinition": {"EnableNetworkIsolation": True}})
    assert (isolated.isolation, isolated.subnets) == (True, [])
    automl = sagemaker_checks.job_security("automl", {"OutputDataConfig": {"KmsKeyId": KEY}, "SecurityConfig": {
        "VolumeKmsKeyId": KEY, "VpcConfig": {"Subnets": ["s-1"]}}})
    assert (automl.keys, automl.isolation, automl.subnets) == ({"output": KEY, "volume": KEY}, None, ["s-1"])
    empty = sagemaker_checks.job_security("tuning", {})
    assert (empty.keys, empty.isolation, empty.subnets) == ({"output": None, "volume": None}, False, [])


@pytest.mark.parametrize("security,weak,good,missing", [
    (sagemaker_checks.JobSecurity({"output": KEY}, None, None), [], True, []),  # transform: no network setting
    (sagemaker_checks.JobSecurity({"output": KEY}, None, []), [], False, ["a VPC"]),
    (sagemaker_checks.JobSecurity({"output": KEY}, True, []), [], True, []),
    (sagemaker_checks.JobSecurity({"output": KEY}, False, ["s-1"]), [], True, []),
    (sagemaker_checks.JobSecurity({"output": None}, False, []), ["output"], False,
     ["a customer managed key for the output", "network isolation or a VPC"]),
])
def test_judge_job(security, weak, good, missing):
    verdict = sagemaker_checks.judge_job(security, weak)
    assert (verdict[0], verdict[2]["missing"]) == (good, missing)


# -- HyperPod clusters -----------------------------------------------------------------------
HYPERPOD = "sagemaker.hyperpod_cluster_vpc_encrypted"


def hyperpod(aws, name: str, good: bool) -> str:
    storage = [{"EbsVolumeConfig": {"VolumeSizeInGB": 500, "VolumeKmsKeyId": cmk(aws)}}] if good else []
    sm(aws).create_cluster(ClusterName=name, InstanceGroups=[{
        "InstanceCount": 1, "InstanceGroupName": "workers", "InstanceType": "ml.p5.48xlarge",
        "LifeCycleConfig": {"SourceS3Uri": "s3://sagemaker-lifecycle/hp", "OnCreate": "on_create.sh"},
        "ExecutionRole": ROLE, "ThreadsPerCore": 1, "InstanceStorageConfigs": storage}],
        **({"VpcConfig": VPC} if good else {}))
    return name


@pytest.mark.parametrize("good,status", [(True, Status.PASS), (False, Status.FAIL)])
def test_hyperpod_cluster(aws, run_check, good, status):
    name = hyperpod(aws, "pretrain", good)
    finding = expect(run_check(HYPERPOD), name, status)
    if not good:
        assert finding.evidence["groups_without_cmk"] == ["workers"]


def test_hyperpod_read_denied_is_error(aws, run_check):
    name = hyperpod(aws, "pretrain", good=True)
    aws.simulation.fail("sagemaker", "DescribeCluster", "AccessDeniedException")
    expect(run_check(HYPERPOD), name, Status.ERROR)


@pytest.mark.parametrize("cluster,gaps,keys", [
    ({"VpcConfig": {"Subnets": ["s-1"]}, "InstanceGroups": [
        {"InstanceGroupName": "g", "InstanceStorageConfigs": [{"EbsVolumeConfig": {"VolumeKmsKeyId": KEY}}]}]},
     [], {"g": KEY}),
    ({"InstanceGroups": [{"InstanceGroupName": "g", "OverrideVpcConfig": {"Subnets": ["s-1"]}},
                         {"InstanceGroupName": "h"}]}, ["a VPC (VpcConfig) for h"], {"g": None, "h": None}),
    ({"InstanceGroups": [{"InstanceGroupName": "g", "OverrideVpcConfig": {"Subnets": ["s-1"]}}]}, [], {"g": None}),
    ({"VpcConfig": {"Subnets": ["s-1"]}, "RestrictedInstanceGroups": [{"InstanceGroupName": "r",
      "InstanceStorageConfigs": [{"EbsVolumeConfig": {"VolumeKmsKeyId": KEY}}, {"EbsVolumeConfig": {}}]}]},
     [], {"r": None}),  # one of its EBS volumes names no key
    ({}, ["a VPC (VpcConfig)"], {}),
])
def test_cluster_gaps(cluster, gaps, keys):
    assert sagemaker_checks.cluster_gaps(cluster) == (gaps, keys)


# -- detail reads side by side ----------------------------------------------------------------
class _Listing:
    """Two listed notebooks; describing `broken` fails (a context reduced to what the read layer calls)."""

    def paginate(self, service, operation, **params):
        return {"NotebookInstances": [{"NotebookInstanceName": n, "NotebookInstanceArn": f"arn:{n}"}
                                      for n in ("broken", "fine")]}

    def call(self, service, operation, **params):
        from posture.api import AwsReadError
        if params["NotebookInstanceName"] == "broken":
            raise AwsReadError("sagemaker:DescribeNotebookInstance", "denied")
        return {"NotebookInstanceName": params["NotebookInstanceName"], "RootAccess": "Disabled"}

    def fan_out(self, read, items):
        return [read(item) for item in items]


def test_detailed_keeps_each_failure_for_its_resource():
    from posture.api import AwsReadError, detailed
    broken, fine = detailed(_Listing(), sagemaker_reads.NOTEBOOK)
    assert (broken.id, broken.arn, fine.id, fine.arn) == ("broken", "arn:broken", "fine", "arn:fine")
    assert fine.detail()["RootAccess"] == "Disabled"
    with pytest.raises(AwsReadError, match="denied"):
        broken.detail()  # raised where the check takes it: inside the resource's scope
