"""The organizational boundary of the demo account: Access Analyzer, Security Hub, Config,
CloudTrail data events, Inspector, Detective, Security Lake and the organization's policies.

us-east-1 is mostly right: analyzers, Security Hub with the foundational standard (the AI
standard was never switched on), a security contact, Config recording everything, an encrypted trail for the
AI data events of the training and RAG buckets and of the knowledge base, Inspector,
Detective and Security Lake. us-west-2 was set up in a hurry: none of the regional services,
and a debug trail whose log bucket was made public-read. The organization enforces SCPs,
but its AI services opt-out policy was attached to one OU instead of the root.
"""

from __future__ import annotations

import json

from posture.demo.seed import PRIMARY, SECONDARY, ClientFactory, Seeded
from posture.demo.simulation import Simulation

ORDER = 60
ACCOUNT = "123456789012"
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}


def _data_selector(name: str, resource_type: str, arn_prefixes: list[str] | None = None) -> dict[str, object]:
    fields: list[dict[str, object]] = [{"Field": "eventCategory", "Equals": ["Data"]},
                                       {"Field": "resources.type", "Equals": [resource_type]}]
    if arn_prefixes:
        fields.append({"Field": "resources.ARN", "StartsWith": arn_prefixes})
    return {"Name": name, "FieldSelectors": fields}


def seed_access_analyzer(sim: Simulation) -> None:
    analyzers = [
        {"arn": f"arn:aws:access-analyzer:{PRIMARY}:{ACCOUNT}:analyzer/acme-external", "name": "acme-external",
         "type": "ACCOUNT", "status": "ACTIVE", "createdAt": "2026-01-01T00:00:00Z"},
        {"arn": f"arn:aws:access-analyzer:{PRIMARY}:{ACCOUNT}:analyzer/acme-unused", "name": "acme-unused",
         "type": "ACCOUNT_UNUSED_ACCESS", "status": "ACTIVE", "createdAt": "2026-01-01T00:00:00Z"},
    ]
    sim.put("accessanalyzer", "ListAnalyzers", {"analyzers": analyzers}, region=PRIMARY)


def seed_security_hub(client: ClientFactory, sim: Simulation) -> None:
    client("securityhub", PRIMARY).enable_security_hub(EnableDefaultStandards=False)
    fsbp = f"arn:aws:securityhub:{PRIMARY}::standards/aws-foundational-security-best-practices/v/1.0.0"
    sim.put("securityhub", "GetEnabledStandards", {"StandardsSubscriptions": [{
        "StandardsSubscriptionArn": f"arn:aws:securityhub:{PRIMARY}:{ACCOUNT}:subscription/"
                                    "aws-foundational-security-best-practices/v/1.0.0",
        "StandardsArn": fsbp, "StandardsInput": {}, "StandardsStatus": "READY"}]}, region=PRIMARY)


def seed_config(client: ClientFactory) -> None:
    client("s3").create_bucket(Bucket="acme-config-history")
    config = client("config", PRIMARY)
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default",
        "roleARN": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "acme-config-history"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")


def seed_cloudtrail(client: ClientFactory, seeded: Seeded) -> None:
    s3 = client("s3")
    s3.put_public_access_block(Bucket="acme-cloudtrail-logs", PublicAccessBlockConfiguration=ALL_ON)
    logs = client("logs", PRIMARY)
    logs.create_log_group(logGroupName="acme-cloudtrail", kmsKeyId=seeded.ids["kms:data"])
    logs.put_retention_policy(logGroupName="acme-cloudtrail", retentionInDays=365)
    group = logs.describe_log_groups(logGroupNamePrefix="acme-cloudtrail")["logGroups"][0]["arn"]
    trail = client("cloudtrail", PRIMARY)
    trail.create_trail(Name="acme-ai-data-events", S3BucketName="acme-cloudtrail-logs",
                       EnableLogFileValidation=True, KmsKeyId=seeded.ids["kms:data"],
                       CloudWatchLogsLogGroupArn=group,
                       CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/acme-cloudtrail-to-logs")
    # Training data and RAG sources are selected; the model-artifact and prompt buckets were
    # forgotten, and so was the agent: only knowledge-base retrievals are recorded.
    trail.put_event_selectors(TrailName="acme-ai-data-events", AdvancedEventSelectors=[
        _data_selector("ai-data-objects", "AWS::S3::Object",
                       ["arn:aws:s3:::acme-llm-training-data/", "arn:aws:s3:::acme-rag-documents/"]),
        _data_selector("knowledge-base-retrievals", "AWS::Bedrock::KnowledgeBase"),
    ])
    trail.start_logging(Name="acme-ai-data-events")
    # us-west-2: a debug trail whose bucket someone opened to share logs with a vendor.
    west_s3 = client("s3", SECONDARY)
    west_s3.create_bucket(Bucket="acme-west-trail-debug",
                          CreateBucketConfiguration={"LocationConstraint": SECONDARY})
    west_s3.put_bucket_acl(Bucket="acme-west-trail-debug", ACL="public-read")
    west = client("cloudtrail", SECONDARY)
    west.create_trail(Name="acme-west-debug", S3BucketName="acme-west-trail-debug")
    west.start_logging(Name="acme-west-debug")


def seed_detection(sim: Simulation) -> None:
    sim.put("inspector2", "BatchGetAccountStatus", {"accounts": [{
        "accountId": ACCOUNT, "state": {"status": "ENABLED"},
        "resourceState": {"ec2": {"status": "ENABLED"}, "ecr": {"status": "ENABLED"},
                          "lambda": {"status": "ENABLED"}, "lambdaCode": {"status": "DISABLED"}}}],
        "failedAccounts": []}, region=PRIMARY)
    sim.put("detective", "ListGraphs", {"GraphList": [
        {"Arn": f"arn:aws:detective:{PRIMARY}:{ACCOUNT}:graph:9f1c2a7e4b3d", "CreatedTime": "2026-02-01T00:00:00Z"}]},
        region=PRIMARY)
    sim.put("securitylake", "ListDataLakes", {"dataLakes": [{
        "dataLakeArn": f"arn:aws:securitylake:{PRIMARY}:{ACCOUNT}:data-lake/default", "region": PRIMARY,
        "createStatus": "COMPLETED", "s3BucketArn": "arn:aws:s3:::aws-security-data-lake-us-east-1-acme"}]},
        region=PRIMARY)


def seed_organization(client: ClientFactory) -> None:
    org = client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    for policy_type in ("SERVICE_CONTROL_POLICY", "AISERVICES_OPT_OUT_POLICY"):
        org.enable_policy_type(RootId=root, PolicyType=policy_type)
    scp = {"Version": "2012-10-17", "Statement": [
        {"Sid": "KeepTheTrail", "Effect": "Deny", "Resource": "*",
         "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "organizations:LeaveOrganization"]}]}
    scp_id = org.create_policy(Content=json.dumps(scp), Description="Protect audit logging", Name="acme-protect-audit",
                               Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp_id, TargetId=root)
    workloads = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    opt_out = {"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}}
    opt_out_id = org.create_policy(Content=json.dumps(opt_out), Description="No AI training on our data",
                                   Name="acme-ai-opt-out",
                                   Type="AISERVICES_OPT_OUT_POLICY")["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=opt_out_id, TargetId=workloads)


def seed(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    client("account").put_alternate_contact(AlternateContactType="SECURITY", Name="Acme SecOps",
                                            EmailAddress="secops@acme.example", PhoneNumber="+15555550100",
                                            Title="Security operations")
    seed_access_analyzer(sim)
    seed_security_hub(client, sim)
    seed_config(client)
    seed_cloudtrail(client, seeded)
    seed_detection(sim)
    seed_organization(client)
