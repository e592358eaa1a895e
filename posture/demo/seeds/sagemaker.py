"""More SageMaker of the demo account: lifecycle configurations, a Studio domain on Identity Center,
recent compilation and transform jobs, HyperPod clusters, a registry-served endpoint, model package
group policies and the SageMaker default bucket.

us-east-1 is the platform team's: clean lifecycle scripts, jobs and clusters under the data key in the
VPC, an endpoint serving an Approved registry version, a registry shared only with the organization,
its default bucket claimed. us-west-2 was copied in a hurry: a token pasted into a lifecycle script, a
transform job and a cluster left at their defaults, a registry group open to everyone, and no default
bucket while notebooks run there (anyone may claim sagemaker-us-west-2-<account>).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from posture.demo.seeds.model import isolate_sagemaker_model

ORDER = 80
ACCOUNT_ID = "123456789012"
PRIMARY, SECONDARY = "us-east-1", "us-west-2"
NOW = "2026-11-01T00:00:00Z"
FAKE_TOKEN = "hf_" + "DemoOnly0000NotAToken"  # credential-shaped on purpose: what the check looks for


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _group_policy(region: str, name: str, principal: Any, condition: dict[str, Any] | None) -> str:
    statement: dict[str, Any] = {
        "Sid": "ShareModels", "Effect": "Allow", "Principal": principal,
        "Action": ["sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages"],
        "Resource": f"arn:aws:sagemaker:{region}:{ACCOUNT_ID}:model-package/{name}/*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [{**statement, **(
        {"Condition": condition} if condition else {})}]})


def seed(client: Any, sim: Any, seeded: Any) -> None:
    key, role = seeded.ids["kms:data"], seeded.ids["role:acme-sagemaker-execution-role"]
    for region, good in ((PRIMARY, True), (SECONDARY, False)):
        sm = client("sagemaker", region)
        suffix = "" if good else "-west"
        vpc = {"SecurityGroupIds": ["sg-12345678"], "Subnets": [seeded.ids[f"subnet:{region}"]]}
        # Notebook lifecycle configuration (moto creates and describes it; the list is simulated).
        lcc = f"acme-notebook-setup{suffix}"
        script = "pip install -r /home/ec2-user/SageMaker/requirements.txt" if good else \
            f"echo 'export HF_TOKEN={FAKE_TOKEN}' >> /etc/profile.d/hf.sh"
        sm.create_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=lcc,
                                                     OnStart=[{"Content": _b64(script)}])
        sim.put("sagemaker", "ListNotebookInstanceLifecycleConfigs", {"NotebookInstanceLifecycleConfigs": [
            {"NotebookInstanceLifecycleConfigName": lcc, "NotebookInstanceLifecycleConfigArn":
             f"arn:aws:sagemaker:{region}:{ACCOUNT_ID}:notebook-instance-lifecycle-config/{lcc}"}]}, region=region)
        # Recent jobs: a Neo compilation under the data key in the VPC; a batch transform at defaults.
        if good:
            sm.create_compilation_job(
                CompilationJobName="acme-support-neo", RoleArn=role, StoppingCondition={"MaxRuntimeInSeconds": 900},
                InputConfig={"S3Uri": "s3://acme-llm-model-artifacts/support/model.tar.gz", "Framework": "PYTORCH",
                             "DataInputConfig": '{"input0": [1, 512]}'},
                OutputConfig={"S3OutputLocation": "s3://acme-llm-model-artifacts/neo/", "TargetDevice": "ml_g4dn",
                              "KmsKeyId": key}, VpcConfig=vpc)
        else:
            sm.create_transform_job(
                TransformJobName="acme-support-west-batch", ModelName="acme-support-west",
                TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                                "S3Uri": "s3://acme-llm-training-data/batch/"}}},
                TransformOutput={"S3OutputPath": "s3://acme-llm-model-artifacts/batch-west/"},
                TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1})
        # HyperPod: in the VPC with CMK volumes, or neither.
        storage = [{"EbsVolumeConfig": {"VolumeSizeInGB": 500, "VolumeKmsKeyId": key}}] if good else []
        sm.create_cluster(ClusterName=f"acme-pretrain{suffix}", InstanceGroups=[{
            "InstanceCount": 2, "InstanceGroupName": "workers", "InstanceType": "ml.p5.48xlarge",
            "LifeCycleConfig": {"SourceS3Uri": "s3://sagemaker-acme-hyperpod/lifecycle/", "OnCreate": "on_create.sh"},
            "ExecutionRole": role, "ThreadsPerCore": 1, "InstanceStorageConfigs": storage}],
            **({"VpcConfig": vpc} if good else {}))
        # Model registry group, shared with the organization only, or with everyone.
        group = f"acme-support-models{suffix}"
        sm.create_model_package_group(ModelPackageGroupName=group)
        org_id = client("organizations").describe_organization()["Organization"]["Id"]  # the demo's own
        policy = _group_policy(region, group, {"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": org_id}}) \
            if good else _group_policy(region, group, "*", None)
        sim.put("sagemaker", "GetModelPackageGroupPolicy", {"ResourcePolicy": policy}, region=region)

    # us-east-1: a Studio domain on IAM Identity Center, and an endpoint serving an Approved registry version.
    east = client("sagemaker", PRIMARY)
    east.create_domain(DomainName="acme-studio-sso", AuthMode="SSO", DefaultUserSettings={"ExecutionRole": role},
                       SubnetIds=[seeded.ids[f"subnet:{PRIMARY}"]], VpcId=seeded.ids[f"vpc:{PRIMARY}"],
                       AppNetworkAccessType="VpcOnly", KmsKeyId=key)
    package = east.create_model_package(
        ModelPackageGroupName="acme-support-models", ModelApprovalStatus="Approved",
        InferenceSpecification={"Containers": [{
            "Image": f"{ACCOUNT_ID}.dkr.ecr.{PRIMARY}.amazonaws.com/acme-serve:2",
            "ModelDataUrl": "s3://acme-llm-model-artifacts/support/model.tar.gz"}],
            "SupportedContentTypes": ["application/json"], "SupportedResponseMIMETypes": ["application/json"]},
    )["ModelPackageArn"]
    east.create_model(ModelName="acme-support-registry", ExecutionRoleArn=role,
                      PrimaryContainer={"ModelPackageName": package}, EnableNetworkIsolation=True,
                      VpcConfig={"SecurityGroupIds": ["sg-12345678"], "Subnets": [seeded.ids[f"subnet:{PRIMARY}"]]})
    isolate_sagemaker_model(PRIMARY, "acme-support-registry")  # moto drops EnableNetworkIsolation
    east.create_endpoint_config(
        EndpointConfigName="acme-support-registry", KmsKeyId=key,
        ProductionVariants=[{"VariantName": "main", "ModelName": "acme-support-registry", "InitialInstanceCount": 2,
                             "InstanceType": "ml.g4dn.xlarge"}],
        DataCaptureConfig={"EnableCapture": True, "InitialSamplingPercentage": 100, "KmsKeyId": key,
                           "DestinationS3Uri": "s3://acme-llm-invocation-logs/capture/",
                           "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]})
    east.create_endpoint(EndpointName="acme-support-registry", EndpointConfigName="acme-support-registry")
    # ... watched by a Clarify bias monitor, listed beside the schedules earlier seeds listed.
    listed = east.list_monitoring_schedules()["MonitoringScheduleSummaries"]
    bias = f"arn:aws:sagemaker:{PRIMARY}:{ACCOUNT_ID}:monitoring-schedule/acme-support-registry-bias"
    sim.put("sagemaker", "ListMonitoringSchedules", {"MonitoringScheduleSummaries": [*listed, {
        "MonitoringScheduleName": "acme-support-registry-bias", "MonitoringType": "ModelBias",
        "MonitoringScheduleArn": bias,
        "CreationTime": NOW, "LastModifiedTime": NOW, "MonitoringScheduleStatus": "Scheduled",
        "EndpointName": "acme-support-registry", "MonitoringJobDefinitionName": "acme-support-model-bias-v1"}]},
        region=PRIMARY)
    # The SageMaker default bucket is claimed in us-east-1 only.
    client("s3", PRIMARY).create_bucket(Bucket=f"sagemaker-{PRIMARY}-{ACCOUNT_ID}")
