"""SageMaker MLOps resources of the demo account: Model Monitor job definitions and schedules,
model image registries, feature groups, an inference experiment and notebook platforms.

us-east-1 was built by the platform team: isolated, encrypted monitoring, models pulled through the
VPC, feature stores and the shadow test under the data key, notebooks on Amazon Linux 2023.
us-west-2 was copied in a hurry: every flag left at its default, a notebook on a retired platform.
"""

from __future__ import annotations

from typing import Any

from posture.demo.seeds.model import isolate_sagemaker_model

ORDER = 75
ACCOUNT_ID = "123456789012"
PRIMARY, SECONDARY = "us-east-1", "us-west-2"
NOW = "2026-11-01T00:00:00Z"
# snake_case of the create call -> (AppSpecification, JobInput, JobOutputConfig) parameter prefix
JOB_DEFINITIONS = {"data_quality": "DataQuality", "model_quality": "ModelQuality", "model_bias": "ModelBias",
                   "model_explainability": "ModelExplainability"}


def set_notebook_platform(region: str, name: str, platform: str) -> None:
    """Report a PlatformIdentifier for a moto notebook instance (moto's describe never returns one).

    The simulation layer cannot answer DescribeNotebookInstance per notebook (a JSON-protocol request
    names it in its body), so the answer of moto's in-process object is extended instead.
    """
    from moto.sagemaker.models import sagemaker_backends

    notebook = sagemaker_backends[ACCOUNT_ID][region].notebook_instances[name]
    to_dict = type(notebook).to_dict
    notebook.to_dict = lambda: {**to_dict(notebook), "PlatformIdentifier": platform}  # type: ignore[method-assign]


def create_job_definition(sm: Any, kind: str, name: str, endpoint: str, role: str, *, good: bool,
                          key: str | None = None) -> None:
    """One Model Monitor job definition of `kind` (a JOB_DEFINITIONS key), hardened or left at defaults."""
    prefix = JOB_DEFINITIONS[kind]
    registry = f"156813124566.dkr.ecr.{sm.meta.region_name}.amazonaws.com"  # AWS's Model Monitor images
    app: dict[str, Any] = {"ImageUri": f"{registry}/sagemaker-model-monitor-analyzer"}
    job_input: dict[str, Any] = {"EndpointInput": {"EndpointName": endpoint, "LocalPath": "/opt/ml/processing/input"}}
    if kind in ("model_bias", "model_explainability"):
        app["ConfigUri"] = f"s3://acme-llm-model-artifacts/monitor/{kind}/analysis_config.json"
    if kind in ("model_quality", "model_bias"):
        job_input["GroundTruthS3Input"] = {"S3Uri": "s3://acme-llm-model-artifacts/monitor/ground-truth/"}
    if kind == "model_quality":
        app["ProblemType"] = "BinaryClassification"
    cluster: dict[str, Any] = {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 20}
    if key:
        cluster["VolumeKmsKeyId"] = key
    extra = {"NetworkConfig": {"EnableInterContainerTrafficEncryption": True, "EnableNetworkIsolation": True}} \
        if good else {}
    getattr(sm, f"create_{kind}_job_definition")(
        JobDefinitionName=name, RoleArn=role, JobResources={"ClusterConfig": cluster},
        **{f"{prefix}AppSpecification": app, f"{prefix}JobInput": job_input,
           f"{prefix}JobOutputConfig": {"MonitoringOutputs": [{"S3Output": {
               "S3Uri": f"s3://acme-llm-model-artifacts/monitor/{kind}/", "LocalPath": "/opt/ml/processing/output"}}]}},
        **extra)


def schedule(region: str, name: str, endpoint: str, config: dict[str, Any], status: str = "Scheduled"
             ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(list summary, describe answer) of a monitoring schedule."""
    arn = f"arn:aws:sagemaker:{region}:{ACCOUNT_ID}:monitoring-schedule/{name}"
    summary = {"MonitoringScheduleName": name, "MonitoringScheduleArn": arn, "CreationTime": NOW,
               "LastModifiedTime": NOW, "MonitoringScheduleStatus": status, "EndpointName": endpoint,
               "MonitoringType": "DataQuality"}
    return summary, {**summary, "MonitoringScheduleConfig": {"MonitoringType": "DataQuality", **config}}


def inline_job_definition(role: str, endpoint: str) -> dict[str, Any]:
    """A schedule's inline monitoring job, with the members botocore's model requires and no network settings."""
    return {"RoleArn": role, "MonitoringAppSpecification": {"ImageUri": "monitor"},
            "MonitoringInputs": [{"EndpointInput": {"EndpointName": endpoint,
                                                    "LocalPath": "/opt/ml/processing/input"}}],
            "MonitoringOutputConfig": {"MonitoringOutputs": [{"S3Output": {
                "S3Uri": f"s3://acme-llm-model-artifacts/monitoring/{endpoint}/",
                "LocalPath": "/opt/ml/processing/output"}}]},
            "MonitoringResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large",
                                                      "VolumeSizeInGB": 20}}}


def feature_group(region: str, name: str, key: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    arn = f"arn:aws:sagemaker:{region}:{ACCOUNT_ID}:feature-group/{name}"
    summary = {"FeatureGroupName": name, "FeatureGroupArn": arn, "CreationTime": NOW, "FeatureGroupStatus": "Created"}
    s3: dict[str, Any] = {"S3Uri": f"s3://acme-llm-feature-store/{name}/"}
    online: dict[str, Any] = {"EnableOnlineStore": True, "StorageType": "Standard"}
    if key:
        s3["KmsKeyId"] = key
        online["SecurityConfig"] = {"KmsKeyId": key}
    return summary, {**summary, "RecordIdentifierFeatureName": "customer_id", "EventTimeFeatureName": "event_time",
                     "FeatureDefinitions": [{"FeatureName": "customer_id", "FeatureType": "String"},
                                            {"FeatureName": "event_time", "FeatureType": "String"}],
                     "OnlineStoreConfig": online, "OfflineStoreConfig": {"S3StorageConfig": s3},
                     "NextToken": ""}  # required by the model: the page token of its feature definitions


def inference_experiment(region: str, name: str, endpoint: str, key: str | None
                         ) -> tuple[dict[str, Any], dict[str, Any]]:
    arn = f"arn:aws:sagemaker:{region}:{ACCOUNT_ID}:inference-experiment/{name}"
    summary = {"Name": name, "Type": "ShadowMode", "Status": "Running", "CreationTime": NOW, "LastModifiedTime": NOW}
    storage: dict[str, Any] = {"Destination": f"s3://acme-llm-model-artifacts/shadow/{name}/"}
    detail: dict[str, Any] = {**summary, "Arn": arn, "EndpointMetadata": {"EndpointName": endpoint},
                              "ModelVariants": [], "DataStorageConfig": storage}
    if key:
        storage["KmsKey"] = key
        detail["KmsKey"] = key
    return summary, detail


def seed(client: Any, sim: Any, seeded: Any) -> None:
    key, role = seeded.ids["kms:data"], seeded.ids["role:acme-sagemaker-execution-role"]
    for region, good, endpoint, platform in ((PRIMARY, True, "acme-support", "notebook-al2023-v1"),
                                            (SECONDARY, False, "acme-support-west", "notebook-al2-v1")):
        sm = client("sagemaker", region)
        suffix = "v1" if good else "west"
        for kind in JOB_DEFINITIONS:
            create_job_definition(sm, kind, f"acme-support-{kind.replace('_', '-')}-{suffix}", endpoint, role,
                                  good=good, key=key if good else None)
        for notebook in sm.list_notebook_instances()["NotebookInstances"]:
            set_notebook_platform(region, notebook["NotebookInstanceName"], platform)
        # Models: a serving model and a pre/post-processing pipeline, images pulled through the VPC or not.
        image = f"{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/acme-serve:2"
        access = {"ImageConfig": {"RepositoryAccessMode": "Vpc"}} if good else {}
        vpc = {"VpcConfig": {"SecurityGroupIds": ["sg-12345678"], "Subnets": [seeded.ids[f"subnet:{region}"]]}} \
            if good else {}
        sm.create_model(ModelName=f"acme-support-private-{suffix}", ExecutionRoleArn=role,
                        PrimaryContainer={"Image": image, **access}, EnableNetworkIsolation=good, **vpc)
        sm.create_model(ModelName=f"acme-support-pipeline-{suffix}", ExecutionRoleArn=role, **vpc,
                        EnableNetworkIsolation=good,
                        Containers=[{"Image": f"{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/acme-redact:1", **access},
                                    {"Image": image, **access}])
        if good:  # the platform team's models are isolated too (moto drops EnableNetworkIsolation)
            for name in (f"acme-support-private-{suffix}", f"acme-support-pipeline-{suffix}"):
                isolate_sagemaker_model(region, name)
        # Feature groups and a shadow test of the next model.
        fg_summary, fg = feature_group(region, f"acme-customer-features-{suffix}", key if good else None)
        sim.put("sagemaker", "ListFeatureGroups", {"FeatureGroupSummaries": [fg_summary]}, region=region)
        sim.put("sagemaker", "DescribeFeatureGroup", fg, region=region)
        ie_summary, ie = inference_experiment(region, f"acme-support-shadow-{suffix}", endpoint, key if good else None)
        sim.put("sagemaker", "ListInferenceExperiments", {"InferenceExperiments": [ie_summary]}, region=region)
        sim.put("sagemaker", "DescribeInferenceExperiment", ie, region=region)

    # Monitoring schedules: us-east-1's (listed by the model seed) runs the hardened job definition;
    # us-west-2's (stopped) runs an inline job with no network configuration.
    _, east = schedule(PRIMARY, "acme-support-data-quality", "acme-support",
                       {"MonitoringJobDefinitionName": "acme-support-data-quality-v1"})
    sim.put("sagemaker", "DescribeMonitoringSchedule", east, region=PRIMARY)
    west_summary, west = schedule(SECONDARY, "acme-support-west-data-quality", "acme-support-west", {
        "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
        "MonitoringJobDefinition": inline_job_definition(role, endpoint="acme-support-west")},
        status="Stopped")  # stopped after a failed run: the west endpoint stays unmonitored
    sim.put("sagemaker", "ListMonitoringSchedules", {"MonitoringScheduleSummaries": [west_summary]}, region=SECONDARY)
    sim.put("sagemaker", "DescribeMonitoringSchedule", west, region=SECONDARY)
