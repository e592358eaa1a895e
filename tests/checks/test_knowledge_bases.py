"""Knowledge bases: their vector stores (exposure, encryption) and their data sources' ingestion."""

import json

import pytest

from posture.checks import bedrock_agent as kb
from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/kb"
NOW = "2026-11-01T00:00:00Z"
PUBLIC = "bedrock_agent.kb_vector_store_not_public"
CMK = "bedrock_agent.kb_vector_store_cmk"
INGESTION = "bedrock_agent.kb_ingestion_succeeded"
COLLECTION_ID = "a1b2c3d4e5f6g7h8i9j0"
COLLECTION_ARN = f"arn:aws:aoss:us-east-1:{ACCOUNT}:collection/{COLLECTION_ID}"
FIELDS = {"vectorField": "v", "textField": "t", "metadataField": "m"}


def make_kb(aws, storage: dict) -> str:
    return aws.client("bedrock-agent").create_knowledge_base(
        name="docs", roleArn=ROLE, storageConfiguration=storage,
        knowledgeBaseConfiguration={"type": "VECTOR", "vectorKnowledgeBaseConfiguration": {
            "embeddingModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"}},
    )["knowledgeBase"]["knowledgeBaseId"]


def aoss_kb(aws, kms_key: str = "auto") -> str:
    """A knowledge base on an OpenSearch Serverless collection named kb-docs (collections are simulated)."""
    aws.simulation.put("opensearchserverless", "BatchGetCollection", {"collectionDetails": [
        {"id": COLLECTION_ID, "name": "kb-docs", "arn": COLLECTION_ARN, "status": "ACTIVE", "type": "VECTORSEARCH",
         "kmsKeyArn": kms_key}], "collectionErrorDetails": []})
    return make_kb(aws, {"type": "OPENSEARCH_SERVERLESS", "opensearchServerlessConfiguration": {
        "collectionArn": COLLECTION_ARN, "vectorIndexName": "i", "fieldMapping": FIELDS}})


def network_policy(aws, name: str, pattern: str, public: bool) -> None:
    rules = {"Rules": [{"ResourceType": "collection", "Resource": [pattern]}], "AllowFromPublic": public}
    if not public:
        rules["SourceServices"] = ["bedrock.amazonaws.com"]
    aws.client("opensearchserverless").create_security_policy(name=name, type="network", policy=json.dumps([rules]))


@pytest.fixture
def simulated(aws):
    """Answer moto-implemented operations from the simulation layer for one test (handed back after)."""
    added = []

    def simulate(service, operation, answer):
        aws.simulation.simulate(service, operation, answer)
        added.append((service, operation))

    yield simulate
    for service, operation in added:
        aws.simulation.forget(service, operation)


def s3_vectors_kb(aws, simulated, encryption: dict | None = None) -> str:
    """A knowledge base on an S3 Vectors bucket (moto's CreateKnowledgeBase refuses the S3_VECTORS type:
    the knowledge base is simulated, the vector bucket is moto's)."""
    vectors = aws.client("s3vectors")
    vectors.create_vector_bucket(vectorBucketName="kb-vectors", **(
        {"encryptionConfiguration": encryption} if encryption else {}))
    bucket = vectors.get_vector_bucket(vectorBucketName="kb-vectors")["vectorBucket"]["vectorBucketArn"]
    vectors.create_index(vectorBucketName="kb-vectors", indexName="chunks", dataType="float32", dimension=4,
                         distanceMetric="cosine")
    index = f"{bucket}/index/chunks"
    kb_id = "KBVECTORS1"
    simulated("bedrock-agent", "ListKnowledgeBases", {"knowledgeBaseSummaries": [
        {"knowledgeBaseId": kb_id, "name": "vectors", "status": "ACTIVE", "updatedAt": NOW}]})
    simulated("bedrock-agent", "GetKnowledgeBase", None)
    aws.simulation.put("bedrock-agent", "GetKnowledgeBase", {"knowledgeBase": {
        "knowledgeBaseId": kb_id, "name": "vectors", "knowledgeBaseArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:"
        f"knowledge-base/{kb_id}", "roleArn": ROLE, "status": "ACTIVE", "createdAt": NOW, "updatedAt": NOW,
        "knowledgeBaseConfiguration": {"type": "VECTOR"},
        "storageConfiguration": {"type": "S3_VECTORS", "s3VectorsConfiguration": {
            "vectorBucketArn": bucket, "indexArn": index}}}},
        knowledgeBaseId=kb_id)
    return kb_id


def aurora_kb(aws, *, public: bool, key: str | None) -> str:
    rds = aws.client("rds")
    encryption = {"StorageEncrypted": True, "KmsKeyId": key} if key else {"StorageEncrypted": False}
    cluster = rds.create_db_cluster(DBClusterIdentifier="kb-store", Engine="aurora-postgresql", MasterUsername="kb",
                                    MasterUserPassword="not-a-secret-1", **encryption)["DBCluster"]
    rds.create_db_instance(DBInstanceIdentifier="kb-store-1", DBClusterIdentifier="kb-store",
                           Engine="aurora-postgresql", DBInstanceClass="db.r6g.large", PubliclyAccessible=public)
    return make_kb(aws, {"type": "RDS", "rdsConfiguration": {
        "resourceArn": cluster["DBClusterArn"], "credentialsSecretArn": f"arn:aws:secretsmanager:us-east-1:"
        f"{ACCOUNT}:secret:kb-abc123", "databaseName": "kb", "tableName": "chunks", "fieldMapping": {
            "primaryKeyField": "id", "vectorField": "v", "textField": "t", "metadataField": "m"}}})


def cmk(aws) -> str:
    return aws.client("kms").create_key()["KeyMetadata"]["Arn"]


# -- exposure --------------------------------------------------------------------------------
def test_collection_open_to_the_internet_fails(aws, run_check):
    kb_id = aoss_kb(aws)
    network_policy(aws, "kb-private", "collection/kb-docs", public=False)
    network_policy(aws, "kb-open", "collection/kb-*", public=True)
    finding = expect(run_check(PUBLIC), kb_id, Status.FAIL)
    assert finding.evidence["public_policies"] == ["kb-open"]
    assert finding.evidence["network_policies"] == ["kb-open", "kb-private"]


def test_vector_bucket_without_policy_passes(aws, run_check, simulated):
    kb_id = s3_vectors_kb(aws, simulated)
    finding = expect(run_check(PUBLIC), kb_id, Status.PASS)
    assert finding.evidence["store_type"] == "S3_VECTORS"


def test_publicly_accessible_aurora_store_fails(aws, run_check):
    kb_id = aurora_kb(aws, public=True, key=None)
    finding = expect(run_check(PUBLIC), kb_id, Status.FAIL)
    assert finding.evidence["publicly_accessible"] == ["kb-store-1"]


def test_network_policies_unreadable_is_error(aws, run_check):
    kb_id = aoss_kb(aws)
    aws.simulation.fail("opensearchserverless", "ListSecurityPolicies", "AccessDeniedException")
    finding = expect(run_check(PUBLIC), kb_id, Status.ERROR)
    assert "ListSecurityPolicies" in finding.message


# -- encryption ------------------------------------------------------------------------------
def test_vector_bucket_with_a_customer_managed_key_passes(aws, run_check, simulated):
    kb_id = s3_vectors_kb(aws, simulated, {"sseType": "aws:kms", "kmsKeyArn": cmk(aws)})
    finding = expect(run_check(CMK), kb_id, Status.PASS)
    assert finding.evidence["encryption_from"] == "bucket"


def test_collection_with_an_aws_owned_key_fails(aws, run_check):
    kb_id = aoss_kb(aws, kms_key="auto")
    expect(run_check(CMK), kb_id, Status.FAIL)


def test_unencrypted_aurora_store_fails(aws, run_check):
    kb_id = aurora_kb(aws, public=False, key=None)
    finding = expect(run_check(CMK), kb_id, Status.FAIL)
    assert finding.evidence["storage_encrypted"] is False


def test_vector_bucket_unreadable_is_error(aws, run_check, simulated):
    kb_id = s3_vectors_kb(aws, simulated)
    aws.simulation.fail("s3vectors", "GetVectorBucket", "AccessDeniedException", status=403)
    expect(run_check(CMK), kb_id, Status.ERROR)


# -- ingestion -------------------------------------------------------------------------------
def data_source(aws, kb_id: str, job: dict | None) -> str:
    ds = "DS0000001"
    aws.simulation.put("bedrock-agent", "ListDataSources", {"dataSourceSummaries": [
        {"knowledgeBaseId": kb_id, "dataSourceId": ds, "name": "docs", "status": "AVAILABLE", "updatedAt": NOW}]},
        knowledgeBaseId=kb_id)
    if job is not None:
        aws.simulation.put("bedrock-agent", "ListIngestionJobs", {"ingestionJobSummaries": [
            {"knowledgeBaseId": kb_id, "dataSourceId": ds, "ingestionJobId": "JOB0000001", "startedAt": NOW,
             "updatedAt": NOW, **job}]}, knowledgeBaseId=kb_id, dataSourceId=ds)
    return f"{kb_id}/{ds}"


def test_completed_ingestion_passes(aws, run_check):
    resource = data_source(aws, aoss_kb(aws), {"status": "COMPLETE", "statistics": {
        "numberOfDocumentsScanned": 40, "numberOfDocumentsFailed": 0}})
    finding = expect(run_check(INGESTION), resource, Status.PASS)
    assert finding.evidence["documents_scanned"] == 40


def test_failed_ingestion_fails_with_its_statistics(aws, run_check):
    resource = data_source(aws, aoss_kb(aws), {"status": "FAILED", "statistics": {
        "numberOfDocumentsScanned": 40, "numberOfDocumentsFailed": 12}})
    finding = expect(run_check(INGESTION), resource, Status.FAIL)
    assert "FAILED (12 document(s) failed)" in finding.message


def test_data_source_never_ingested_fails(aws, run_check):
    resource = data_source(aws, aoss_kb(aws), None)
    expect(run_check(INGESTION), resource, Status.FAIL)


def test_ingestion_jobs_unreadable_is_error(aws, run_check):
    resource = data_source(aws, aoss_kb(aws), None)
    aws.simulation.fail("bedrock-agent", "ListIngestionJobs", "AccessDeniedException", status=403)
    expect(run_check(INGESTION), resource, Status.ERROR)


# -- plain records ---------------------------------------------------------------------------
@pytest.mark.parametrize("storage, expected", [
    ({"type": "OPENSEARCH_SERVERLESS", "opensearchServerlessConfiguration": {"collectionArn": COLLECTION_ARN}},
     ("OPENSEARCH_SERVERLESS", COLLECTION_ARN)),
    ({"type": "S3_VECTORS", "s3VectorsConfiguration": {
        "indexArn": f"arn:aws:s3vectors:us-east-1:{ACCOUNT}:bucket/vb/index/idx"}},
     ("S3_VECTORS", f"arn:aws:s3vectors:us-east-1:{ACCOUNT}:bucket/vb")),
    ({"type": "PINECONE", "pineconeConfiguration": {"connectionString": "https://x.pinecone.io"}}, ("PINECONE", None)),
    (None, (None, None)),
])
def test_vector_store_of_a_knowledge_base(storage, expected):
    assert kb.vector_store({"storageConfiguration": storage} if storage else {}) == expected


def test_network_exposure_counts_collection_rules_that_match_by_name():
    policies = [
        ("dashboards", [{"Rules": [{"ResourceType": "dashboard", "Resource": ["collection/kb-docs"]}],
                         "AllowFromPublic": True}]),
        ("other", [{"Rules": [{"ResourceType": "collection", "Resource": ["collection/logs-*"]}],
                    "AllowFromPublic": True}]),
        ("vpc", [{"Rules": [{"ResourceType": "collection", "Resource": ["collection/kb-docs"]}],
                  "AllowFromPublic": False, "SourceVPCEs": ["vpce-1"]}]),
    ]
    assert kb.aoss_network_exposure("kb-docs", policies) == ([], ["vpc"])
    policies.append(("all", [{"Rules": [{"ResourceType": "collection", "Resource": ["collection/*"]}],
                              "AllowFromPublic": True}]))
    assert kb.aoss_network_exposure("kb-docs", policies) == (["all"], ["all", "vpc"])


@pytest.mark.parametrize("collection, policies, expected", [
    ({"name": "kb", "kmsKeyArn": "auto"}, [], ("aws_owned", None, [])),
    ({"name": "kb", "kmsKeyArn": "arn:aws:kms:us-east-1:1:key/k"}, [], ("cmk", "arn:aws:kms:us-east-1:1:key/k", [])),
    ({"name": "kb"}, [("enc", {"Rules": [{"ResourceType": "collection", "Resource": ["collection/k*"]}],
                               "AWSOwnedKey": False, "KmsARN": "arn:k"})], ("cmk", "arn:k", ["enc"])),
    ({"name": "kb"}, [("enc", {"Rules": [{"ResourceType": "collection", "Resource": ["collection/kb"]}],
                               "AWSOwnedKey": True})], ("aws_owned", None, ["enc"])),
    ({"name": "kb"}, [], ("unknown", None, [])),
    ({"name": "kb"}, [("a", {"Rules": [{"ResourceType": "collection", "Resource": ["collection/kb"]}],
                             "AWSOwnedKey": True}),
                      ("b", {"Rules": [{"ResourceType": "collection", "Resource": ["collection/*"]}],
                             "AWSOwnedKey": False, "KmsARN": "arn:k"})], ("unknown", None, ["a", "b"])),
])
def test_collection_key(collection, policies, expected):
    assert kb.aoss_key(collection, policies) == expected


def test_vector_bucket_policy_judged_by_the_evaluator():
    anyone = {"Version": "2012-10-17", "Statement": [{"Sid": "Open", "Effect": "Allow", "Principal": "*",
                                                      "Action": "s3vectors:QueryVectors", "Resource": "*"}]}
    org_only = {"Version": "2012-10-17", "Statement": [{
        "Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "s3vectors:*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}}]}
    assert kb.s3_vectors_public(json.dumps(anyone), ACCOUNT)[0] == ["Open"]
    assert kb.s3_vectors_public(json.dumps(org_only), ACCOUNT)[0] == []
    assert kb.s3_vectors_public(None, ACCOUNT) == ([], [])


def test_index_encryption_overrides_its_bucket():
    bucket = {"encryptionConfiguration": {"sseType": "aws:kms", "kmsKeyArn": "arn:bucket-key"}}
    assert kb.s3_vectors_key(bucket, None) == ("arn:bucket-key", "bucket")
    assert kb.s3_vectors_key(bucket, {"encryptionConfiguration": {"sseType": "AES256"}}) == (None, "index")
    assert kb.s3_vectors_key({}, {}) == (None, "bucket")


def test_rds_public_names_the_cluster_and_instances():
    assert kb.rds_public({"DBClusterIdentifier": "c", "PubliclyAccessible": True},
                         [{"DBInstanceIdentifier": "i2", "PubliclyAccessible": True},
                          {"DBInstanceIdentifier": "i1", "PubliclyAccessible": False}]) == ["c", "i2"]


@pytest.mark.parametrize("job, max_failed, verdict, said", [
    (None, 0, "FAIL", "never ingested"),
    ({"status": "COMPLETE"}, 0, "PASS", "completed"),
    ({"status": "COMPLETE", "statistics": {"numberOfDocumentsFailed": 3}}, 0, "FAIL", "3 document(s) failed"),
    ({"status": "COMPLETE", "statistics": {"numberOfDocumentsFailed": 3}}, 5, "PASS", "(3 document(s) failed)"),
    ({"status": "STOPPED"}, 0, "FAIL", "STOPPED"),
    ({"status": "IN_PROGRESS"}, 0, "ERROR", "judged when it ends"),
])
def test_judge_ingestion(job, max_failed, verdict, said):
    got, message, _ = kb.judge_ingestion(job, max_failed)
    assert got == verdict
    assert said in message


def test_a_document_member_may_be_any_json_value():
    """Regression: OpenSearch Serverless answers network policies (a document member) as JSON lists."""
    import botocore.session

    from posture.aws.shapes import shape_problem

    document = botocore.session.get_session().get_service_model("opensearchserverless").shape_for("Document")
    assert shape_problem([{"AllowFromPublic": True}], document) is None
