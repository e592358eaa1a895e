"""Seed the simulated account: a support chatbot built on Bedrock and SageMaker.

The story: "Acme" runs a customer-support assistant. Users reach it through an API
Gateway REST API; a Bedrock agent answers from a knowledge base over RAG documents
in S3 and calls a Lambda tool; a fine-tuned model is trained on SageMaker from a
training-data bucket. The primary region (us-east-1) is mostly well configured; the
secondary region (us-west-2) was set up in a hurry. Each misconfiguration below is
one a real team makes, and each is meant to show up as a FAIL.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from posture.demo.simulation import Simulation

PRIMARY, SECONDARY = "us-east-1", "us-west-2"
REGIONS = (PRIMARY, SECONDARY)
# The demo's posture.toml [checks.*]: the opt-in checks on (an approved-model list, data residency,
# a one-day CloudTrail lookback), so that every check of the catalogue reads the simulated account.
DEMO_SETTINGS: dict[str, dict[str, Any]] = {
    "bedrock": {"approved_models": ["anthropic.claude-3-5-sonnet*", "anthropic.claude-sonnet-4*",
                                    "amazon.titan-embed-*"],
                "data_residency": ["us"]},
    "cloudtrail": {"lookback_days": 1},
}
ClientFactory = Callable[..., Any]


@dataclass
class Seeded:
    """Names and ids of what was created, for the demo's own assertions and for tests."""

    ids: dict[str, str] = field(default_factory=dict)


def _role(iam: Any, name: str, service: str, seeded: Seeded) -> str:
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
    arn = str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])
    seeded.ids[f"role:{name}"] = arn
    return arn


def seed_iam(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    iam = client("iam")
    _role(iam, "acme-bedrock-agent-role", "bedrock.amazonaws.com", seeded)
    _role(iam, "acme-sagemaker-execution-role", "sagemaker.amazonaws.com", seeded)
    _role(iam, "acme-kb-search-tool-role", "lambda.amazonaws.com", seeded)
    _role(iam, "acme-bedrock-kb-role", "bedrock.amazonaws.com", seeded)


def seed_kms(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    kms = client("kms")
    data_key = kms.create_key(Description="acme LLM data")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=data_key["KeyId"])
    kms.create_alias(AliasName="alias/acme-llm-data", TargetKeyId=data_key["KeyId"])
    seeded.ids["kms:data"] = data_key["Arn"]
    # Misconfiguration: the key for model artifacts was created without rotation.
    artifacts_key = kms.create_key(Description="acme model artifacts")["KeyMetadata"]
    seeded.ids["kms:artifacts"] = artifacts_key["Arn"]


def seed_s3(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    s3 = client("s3")
    # Training data: versioned and locked, as it should be.
    s3.create_bucket(Bucket="acme-llm-training-data", ObjectLockEnabledForBucket=True)
    s3.put_bucket_versioning(Bucket="acme-llm-training-data", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket="acme-llm-training-data", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}})
    # Model artifacts: versioned, but no Object Lock.
    s3.create_bucket(Bucket="acme-llm-model-artifacts")
    s3.put_bucket_versioning(Bucket="acme-llm-model-artifacts", VersioningConfiguration={"Status": "Enabled"})
    # RAG documents: neither versioning nor Object Lock (found through the knowledge base).
    s3.create_bucket(Bucket="acme-rag-documents")
    # Invocation logs: versioned.
    s3.create_bucket(Bucket="acme-bedrock-invocation-logs")
    s3.put_bucket_versioning(Bucket="acme-bedrock-invocation-logs", VersioningConfiguration={"Status": "Enabled"})
    # A prompt-library bucket the team tagged by hand; versioning was suspended.
    s3.create_bucket(Bucket="acme-prompt-library")
    s3.put_bucket_tagging(Bucket="acme-prompt-library",
                          Tagging={"TagSet": [{"Key": "posture:ai-data", "Value": "prompts"}]})
    s3.put_bucket_versioning(Bucket="acme-prompt-library", VersioningConfiguration={"Status": "Suspended"})
    # Not AI data: out of the AI-data checks' scope.
    s3.create_bucket(Bucket="acme-marketing-site")
    s3.create_bucket(Bucket="acme-cloudtrail-logs")


def seed_network(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    for region in REGIONS:
        ec2 = client("ec2", region)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "acme-ai-vpc"}])
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        seeded.ids[f"vpc:{region}"] = vpc
        seeded.ids[f"subnet:{region}"] = subnet
        if region == PRIMARY:
            ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.bedrock-runtime",
                                    VpcEndpointType="Interface", SubnetIds=[subnet])
    # A VPC with no AI workload and no endpoint: out of scope for the endpoint check.
    client("ec2", PRIMARY).create_vpc(CidrBlock="172.16.0.0/16")


def seed_sagemaker(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    role = seeded.ids["role:acme-sagemaker-execution-role"]
    for region in REGIONS:
        sm = client("sagemaker", region)
        sm.create_notebook_instance(
            NotebookInstanceName=f"acme-research-{region}", InstanceType="ml.t3.medium", RoleArn=role,
            SubnetId=seeded.ids[f"subnet:{region}"], SecurityGroupIds=[],
        )
    sm = client("sagemaker", PRIMARY)
    sm.create_training_job(
        TrainingJobName="acme-support-finetune",
        AlgorithmSpecification={"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-train:1",
                                "TrainingInputMode": "File"},
        RoleArn=role,
        # Fine-tuning: the base model comes in through its own channel.
        InputDataConfig=[
            {"ChannelName": "train", "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix", "S3Uri": "s3://acme-llm-training-data/support/"}}},
            {"ChannelName": "model", "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix", "S3Uri": "s3://acme-llm-model-artifacts/base/"}}},
        ],
        OutputDataConfig={"S3OutputPath": "s3://acme-llm-model-artifacts/support/", "KmsKeyId": seeded.ids["kms:data"]},
        ResourceConfig={"InstanceType": "ml.g5.2xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
        StoppingCondition={"MaxRuntimeInSeconds": 86400},
        VpcConfig={"SecurityGroupIds": ["sg-12345678"], "Subnets": [seeded.ids[f"subnet:{PRIMARY}"]]},
    )
    sm.create_model(
        ModelName="acme-support-model", ExecutionRoleArn=role,
        PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-serve:1",
                          "ModelDataUrl": "s3://acme-llm-model-artifacts/support/model.tar.gz"},
    )
    variant = [{"VariantName": "main", "ModelName": "acme-support-model", "InitialInstanceCount": 2,
                "InstanceType": "ml.g4dn.xlarge"}]
    sm.create_endpoint_config(EndpointConfigName="acme-support-prod", ProductionVariants=variant,
                              KmsKeyId=seeded.ids["kms:data"])
    sm.create_endpoint(EndpointName="acme-support", EndpointConfigName="acme-support-prod")
    # Misconfiguration: an experiment endpoint config without a customer managed key.
    sm.create_endpoint_config(EndpointConfigName="acme-support-experiment", ProductionVariants=variant)


def seed_bedrock(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    bedrock = client("bedrock", PRIMARY)
    bedrock.put_model_invocation_logging_configuration(loggingConfig={
        "s3Config": {"bucketName": "acme-bedrock-invocation-logs", "keyPrefix": "invocations/"},
        "textDataDeliveryEnabled": True, "imageDataDeliveryEnabled": False, "embeddingDataDeliveryEnabled": False,
    })
    # us-west-2: invocation logging never configured.
    agent = client("bedrock-agent", PRIMARY)
    kb = agent.create_knowledge_base(
        name="acme-support-kb", roleArn=seeded.ids["role:acme-bedrock-kb-role"],
        knowledgeBaseConfiguration={"type": "VECTOR", "vectorKnowledgeBaseConfiguration": {
            "embeddingModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"}},
        storageConfiguration={"type": "OPENSEARCH_SERVERLESS", "opensearchServerlessConfiguration": {
            "collectionArn": "arn:aws:aoss:us-east-1:123456789012:collection/acme-kb",
            "vectorIndexName": "acme-kb-index",
            "fieldMapping": {"vectorField": "v", "textField": "t", "metadataField": "m"}}},
    )["knowledgeBase"]
    kb_id = kb["knowledgeBaseId"]
    seeded.ids["kb:support"] = kb_id
    # moto has no data-source API: the simulation layer answers it.
    sim.put("bedrock-agent", "ListDataSources", {"dataSourceSummaries": [
        {"knowledgeBaseId": kb_id, "dataSourceId": "DS0000001", "name": "rag-documents", "status": "AVAILABLE",
         "updatedAt": "2026-11-01T00:00:00Z"}]}, region=PRIMARY, knowledgeBaseId=kb_id)
    sim.put("bedrock-agent", "GetDataSource", {"dataSource": {
        "knowledgeBaseId": kb_id, "dataSourceId": "DS0000001", "name": "rag-documents", "status": "AVAILABLE",
        "dataSourceConfiguration": {"type": "S3", "s3Configuration": {"bucketArn": "arn:aws:s3:::acme-rag-documents"}},
        "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z"}},
        region=PRIMARY, knowledgeBaseId=kb_id, dataSourceId="DS0000001")
    agent.create_agent(agentName="acme-support-agent", foundationModel="anthropic.claude-3-5-sonnet-20240620-v1:0",
                       agentResourceRoleArn=seeded.ids["role:acme-bedrock-agent-role"],
                       instruction="You are Acme's support assistant. Answer from the knowledge base only.")


def seed_security_services(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    # GuardDuty with S3 Protection in the primary region only.
    client("guardduty", PRIMARY).create_detector(
        Enable=True, Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}])
    # Access Analyzer (simulated: moto lacks it) in the primary region only.
    sim.put("accessanalyzer", "ListAnalyzers", {"analyzers": [{
        "arn": f"arn:aws:access-analyzer:{PRIMARY}:123456789012:analyzer/acme-external",
        "name": "acme-external", "type": "ACCOUNT", "status": "ACTIVE",
        "createdAt": "2026-01-01T00:00:00Z"}]}, region=PRIMARY)
    # A multi-region trail with validation, logging.
    s3 = client("s3")
    s3.put_bucket_policy(Bucket="acme-cloudtrail-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": "arn:aws:s3:::acme-cloudtrail-logs/*"}]}))
    trail = client("cloudtrail", PRIMARY)
    trail.create_trail(Name="acme-org-trail", S3BucketName="acme-cloudtrail-logs", IsMultiRegionTrail=True,
                       EnableLogFileValidation=True)
    trail.start_logging(Name="acme-org-trail")


def seed_front_door(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    apigw = client("apigateway", PRIMARY)
    api = apigw.create_rest_api(name="acme-chat-api")["id"]
    root = next(r["id"] for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/")
    chat = apigw.create_resource(restApiId=api, parentId=root, pathPart="chat")["id"]
    apigw.put_method(restApiId=api, resourceId=chat, httpMethod="POST", authorizationType="AWS_IAM")
    apigw.put_integration(restApiId=api, resourceId=chat, httpMethod="POST", type="MOCK")
    deployment = apigw.create_deployment(restApiId=api)["id"]
    apigw.create_stage(restApiId=api, stageName="prod", deploymentId=deployment)
    # Misconfiguration: a dev stage left open without the WAF.
    apigw.create_stage(restApiId=api, stageName="dev", deploymentId=deployment)
    waf = client("wafv2", PRIMARY)
    acl = waf.create_web_acl(
        Name="acme-chat-acl", Scope="REGIONAL", DefaultAction={"Allow": {}},
        VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "acme"},
        Rules=[{"Name": "rate", "Priority": 1, "Action": {"Block": {}},
                "Statement": {"RateBasedStatement": {"Limit": 1000, "AggregateKeyType": "IP"}},
                "VisibilityConfig": {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True,
                                     "MetricName": "rate"}}],
    )["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=f"arn:aws:apigateway:{PRIMARY}::/restapis/{api}/stages/prod")
    seeded.ids["apigw:chat"] = api


SEEDERS: tuple[Callable[[ClientFactory, Simulation, Seeded], None], ...] = (
    seed_iam, seed_kms, seed_s3, seed_network, seed_sagemaker, seed_bedrock, seed_security_services,
    seed_front_door,
)


def extension_seeders() -> list[Callable[[ClientFactory, Simulation, Seeded], None]]:
    """The `seed` functions of the modules in `posture.demo.seeds`, by their ORDER."""
    from posture.demo import seeds

    modules = [importlib.import_module(f"posture.demo.seeds.{m.name}") for m in pkgutil.iter_modules(seeds.__path__)]
    return [m.seed for m in sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))]


DEMO_RANDOM_SEED = 20240607  # moto's generated ids (agent ids, API ids, key ids) are the same in every demo


def seed_account(client: ClientFactory, sim: Simulation) -> Seeded:
    """The demo account, the same every time: moto draws the ids it generates from one seeded generator
    (its `/moto-api/seed`), so the demo's resources, and so its finding ids, repeat from run to run."""
    from moto.moto_api._internal import mock_random

    mock_random.seed(DEMO_RANDOM_SEED)
    seeded = Seeded()
    for seeder in [*SEEDERS, *extension_seeders()]:
        seeder(client, sim, seeded)
    return seeded
