"""The knowledge bases' vector stores, their ingestion, and Amazon Q Business in the demo account.

The support and policies knowledge bases share the OpenSearch Serverless collection acme-kb, set up
from a quick-start: a network policy open to the internet and an AWS owned key. The HR knowledge base
was built to the standard: its collection acme-hr takes only Bedrock's and the VPC endpoint's traffic
and is encrypted with the data CMK. The support data source's last sync failed; the policies one
completed. Q Business: the IT helpdesk signs users in through IAM Identity Center, a pilot was left
anonymous. moto creates collections only in some policy orders and has no ingestion jobs or Q Business:
those are answered by the simulation layer; the security policies are moto's.
"""

from __future__ import annotations

import json
from typing import Any

ORDER = 56  # after the model seeds (50) and the application (55): the knowledge bases exist
ACCOUNT = "123456789012"
PRIMARY = "us-east-1"
NOW = "2026-11-01T00:00:00Z"
FIELDS = {"vectorField": "v", "textField": "t", "metadataField": "m"}


def _key_arn(key: str) -> str:
    return key if key.startswith("arn:") else f"arn:aws:kms:{PRIMARY}:{ACCOUNT}:key/{key}"


def seed_vector_stores(client: Any, sim: Any, seeded: Any) -> None:
    key = _key_arn(seeded.ids["kms:data"])
    aoss = client("opensearchserverless", PRIMARY)
    # Misconfiguration: the quick-start network policy opens acme-kb (collection and dashboards) to everyone.
    aoss.create_security_policy(name="acme-kb-quickstart", type="network", policy=json.dumps([{"Rules": [
        {"ResourceType": "collection", "Resource": ["collection/acme-kb"]},
        {"ResourceType": "dashboard", "Resource": ["collection/acme-kb"]}], "AllowFromPublic": True}]))
    aoss.create_security_policy(name="acme-hr-private", type="network", policy=json.dumps([{"Rules": [
        {"ResourceType": "collection", "Resource": ["collection/acme-hr"]}], "AllowFromPublic": False,
        "SourceServices": ["bedrock.amazonaws.com"], "SourceVPCEs": ["vpce-0a1b2c3d4e5f60718"]}]))
    aoss.create_security_policy(name="acme-hr-cmk", type="encryption", policy=json.dumps({"Rules": [
        {"ResourceType": "collection", "Resource": ["collection/acme-hr"]}], "AWSOwnedKey": False, "KmsARN": key}))
    sim.put("opensearchserverless", "BatchGetCollection", {"collectionErrorDetails": [], "collectionDetails": [
        {"id": "acme-kb", "name": "acme-kb", "arn": f"arn:aws:aoss:{PRIMARY}:{ACCOUNT}:collection/acme-kb",
         "status": "ACTIVE", "type": "VECTORSEARCH", "kmsKeyArn": "auto"},
        {"id": "acme-hr", "name": "acme-hr", "arn": f"arn:aws:aoss:{PRIMARY}:{ACCOUNT}:collection/acme-hr",
         "status": "ACTIVE", "type": "VECTORSEARCH", "kmsKeyArn": key}]}, region=PRIMARY)
    client("bedrock-agent", PRIMARY).create_knowledge_base(
        name="acme-hr-kb", roleArn=seeded.ids["role:acme-bedrock-kb-role"],
        knowledgeBaseConfiguration={"type": "VECTOR", "vectorKnowledgeBaseConfiguration": {
            "embeddingModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"}},
        storageConfiguration={"type": "OPENSEARCH_SERVERLESS", "opensearchServerlessConfiguration": {
            "collectionArn": f"arn:aws:aoss:{PRIMARY}:{ACCOUNT}:collection/acme-hr",
            "vectorIndexName": "acme-hr-index", "fieldMapping": FIELDS}})


def seed_ingestion(sim: Any, seeded: Any) -> None:
    jobs = [(seeded.ids["kb:support"], "DS0000001", "FAILED", 214, 37),  # the last sync failed part-way
            (seeded.ids["kb:policies"], "DS0000002", "COMPLETE", 58, 0)]
    for kb, ds, status, scanned, failed in jobs:
        sim.put("bedrock-agent", "ListIngestionJobs", {"ingestionJobSummaries": [{
            "knowledgeBaseId": kb, "dataSourceId": ds, "ingestionJobId": f"JOB{ds[2:]}", "status": status,
            "startedAt": NOW, "updatedAt": NOW, "statistics": {
                "numberOfDocumentsScanned": scanned, "numberOfDocumentsFailed": failed,
                "numberOfNewDocumentsIndexed": scanned - failed}}]},
            region=PRIMARY, knowledgeBaseId=kb, dataSourceId=ds)


def seed_q_business(sim: Any) -> None:
    apps = [("3f1e6c2a-7b4d-4e8f-9a10-2b3c4d5e6f70", "acme-it-helpdesk", "AWS_IAM_IDC"),
            ("8c9d0e1f-2a3b-4c5d-8e7f-901a2b3c4d5e", "acme-hr-pilot", "ANONYMOUS")]  # misconfiguration
    sim.put("qbusiness", "ListApplications", {"applications": [
        {"applicationId": app_id, "displayName": name, "identityType": kind, "status": "ACTIVE",
         "createdAt": NOW, "updatedAt": NOW} for app_id, name, kind in apps]}, region=PRIMARY)
    for app_id, name, kind in apps:
        detail: dict[str, Any] = {
            "applicationId": app_id, "displayName": name, "identityType": kind, "status": "ACTIVE",
            "applicationArn": f"arn:aws:qbusiness:{PRIMARY}:{ACCOUNT}:application/{app_id}",
            "createdAt": NOW, "updatedAt": NOW}
        if kind == "AWS_IAM_IDC":
            detail["identityCenterApplicationArn"] = (
                "arn:aws:sso::123456789012:application/ssoins-72230a1b2c3d4e5f/apl-1a2b3c4d5e6f7a8b")
        sim.put("qbusiness", "GetApplication", detail, region=PRIMARY, applicationId=app_id)


def seed(client: Any, sim: Any, seeded: Any) -> None:
    seed_vector_stores(client, sim, seeded)
    seed_ingestion(sim, seeded)
    seed_q_business(sim)
