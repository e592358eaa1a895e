"""The data boundary of the demo account: bucket encryption and exposure, KMS keys, AI log
groups, Macie, GuardDuty protection plans and AWS Backup.

us-east-1 holds the well-kept core (training data and model artifacts encrypted, blocked,
TLS-only, backed up to a locked vault); the RAG and prompt buckets were left with defaults,
and us-west-2 was set up in a hurry (no Macie, no GuardDuty, an unlocked vault, a key open
to everyone and another scheduled for deletion).
"""

from __future__ import annotations

import json
from typing import Any

from posture.demo.seed import PRIMARY, SECONDARY, ClientFactory, Seeded
from posture.demo.simulation import Simulation

ORDER = 50
ACCOUNT = "123456789012"
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}
WELL_KEPT = ("acme-llm-training-data", "acme-llm-model-artifacts", "acme-bedrock-invocation-logs")


def _tls_only(bucket: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def seed_buckets(s3: Any, seeded: Seeded) -> None:
    s3.create_bucket(Bucket="acme-s3-access-logs")
    s3.put_bucket_policy(Bucket="acme-s3-access-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::acme-s3-access-logs/*"}]}))
    for bucket in WELL_KEPT:
        key = seeded.ids["kms:artifacts" if bucket == "acme-llm-model-artifacts" else "kms:data"]
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
            "BucketKeyEnabled": True}]})
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=ALL_ON)
        s3.put_bucket_policy(Bucket=bucket, Policy=_tls_only(bucket))
    for bucket in ("acme-llm-training-data", "acme-bedrock-invocation-logs"):
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "acme-s3-access-logs", "TargetPrefix": f"{bucket}/"}})
    # Misconfiguration: the RAG bucket kept SSE-S3 and a partial public access block, no TLS policy.
    s3.put_bucket_encryption(Bucket="acme-rag-documents", ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_public_access_block(Bucket="acme-rag-documents", PublicAccessBlockConfiguration={
        **ALL_ON, "RestrictPublicBuckets": False})
    # acme-prompt-library: left with every default. The account-level block was never turned on.


def seed_keys(client: ClientFactory, seeded: Seeded) -> None:
    kms = client("kms", SECONDARY)
    # Misconfiguration: an old embeddings key scheduled for deletion, a tool key shared with "*".
    old = kms.create_key(Description="acme embeddings (old)")["KeyMetadata"]
    kms.schedule_key_deletion(KeyId=old["KeyId"], PendingWindowInDays=30)
    shared = kms.create_key(Description="acme west tool data")["KeyMetadata"]
    kms.put_key_policy(KeyId=shared["KeyId"], PolicyName="default", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "AnyoneDecrypt", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt",
             "Resource": "*"}]}))
    seeded.ids["kms:west-pending"] = old["Arn"]
    seeded.ids["kms:west-shared"] = shared["Arn"]


def seed_log_groups(client: ClientFactory, seeded: Seeded) -> None:
    logs = client("logs", PRIMARY)
    for name, days in (("/aws/sagemaker/TrainingJobs", 365), ("/aws/sagemaker/Endpoints/acme-support", 90)):
        logs.create_log_group(logGroupName=name, kmsKeyId=seeded.ids["kms:data"])
        logs.put_retention_policy(logGroupName=name, retentionInDays=days)
    # The support agent's tool functions (created by the application seed): one log group kept well.
    logs.create_log_group(logGroupName="/aws/lambda/acme-kb-search-tool", kmsKeyId=seeded.ids["kms:data"])
    logs.put_retention_policy(logGroupName="/aws/lambda/acme-kb-search-tool", retentionInDays=30)
    # Misconfiguration: the ticket tool logs customer data unencrypted, forever; agent traces kept
    # forever; notebook logs in us-west-2 neither encrypted nor expiring.
    logs.create_log_group(logGroupName="/aws/lambda/acme-ticket-tool")
    logs.create_log_group(logGroupName="/aws/bedrock/agents/acme-support-agent", kmsKeyId=seeded.ids["kms:data"])
    client("logs", SECONDARY).create_log_group(logGroupName="/aws/sagemaker/NotebookInstances")


def seed_detection(client: ClientFactory, sim: Simulation) -> None:
    sim.put("macie2", "GetMacieSession", {
        "status": "ENABLED", "findingPublishingFrequency": "FIFTEEN_MINUTES",
        "serviceRole": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie",
        "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}, region=PRIMARY)
    sim.put("macie2", "GetAutomatedDiscoveryConfiguration", {"status": "ENABLED"}, region=PRIMARY)
    # us-west-2: Macie never enabled (the simulated default), and no GuardDuty detector.
    guardduty = client("guardduty", PRIMARY)
    features = ("S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "EKS_AUDIT_LOGS",
                "LAMBDA_NETWORK_LOGS")
    for detector_id in guardduty.list_detectors()["DetectorIds"]:
        # moto's update_detector drops features it is not given: name them all.
        guardduty.update_detector(DetectorId=detector_id, Enable=True,
                                  Features=[{"Name": f, "Status": "ENABLED"} for f in features])


def seed_backup(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    backup = client("backup", PRIMARY)
    backup.create_backup_vault(BackupVaultName="acme-ai-vault")
    backup.put_backup_vault_lock_configuration(BackupVaultName="acme-ai-vault", MinRetentionDays=35)
    plan_id = backup.create_backup_plan(BackupPlan={"BackupPlanName": "acme-ai-daily", "Rules": [{
        "RuleName": "daily", "TargetBackupVaultName": "acme-ai-vault", "ScheduleExpression": "cron(0 5 * * ? *)",
        "Lifecycle": {"DeleteAfterDays": 35}}]})["BackupPlanId"]
    seeded.ids["backup-plan:ai-daily"] = plan_id
    # moto has no backup selections: the simulation layer answers them.
    selection = {"SelectionName": "ai-data", "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/acme-backup",
                 "Resources": ["arn:aws:s3:::acme-llm-training-data", "arn:aws:s3:::acme-llm-model-artifacts"]}
    sim.put("backup", "ListBackupSelections", {"BackupSelectionsList": [{
        "SelectionId": "acme-ai-data", "SelectionName": "ai-data", "BackupPlanId": plan_id,
        "IamRoleArn": selection["IamRoleArn"], "CreationDate": "2026-01-01T00:00:00Z"}]},
        region=PRIMARY, backupPlanId=plan_id)
    sim.put("backup", "GetBackupSelection", {"BackupSelection": selection, "BackupPlanId": plan_id,
                                             "SelectionId": "acme-ai-data"},
            region=PRIMARY, backupPlanId=plan_id, selectionId="acme-ai-data")
    # Misconfiguration: the us-west-2 vault was never locked.
    client("backup", SECONDARY).create_backup_vault(BackupVaultName="acme-ai-vault-west")


def seed(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    seed_buckets(client("s3"), seeded)  # the account-level public access block stays unset: a FAIL
    seed_keys(client, seeded)
    seed_log_groups(client, seeded)
    seed_detection(client, sim)
    seed_backup(client, sim, seeded)
