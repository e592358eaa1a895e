"""Who outside the demo account can reach its AI assets (the exposure checks, checks/_exposure.py).

Outsiders: the chat front end's web-identity role lets the users of a Cognito identity pool assume it; a partner
evaluation role trusts another account as well as Bedrock; the bucket shared with the partner lets anyone read it
under a condition that narrows nothing (aws:SecureTransport), and its key was granted to the partner's account;
a Hugging Face token is readable by the partner's account; the partner's evaluation role may read the acme-kb
collection's indexes (an OpenSearch Serverless data access policy).

Safe look-alikes: the guarded agent role trusts Bedrock only for this account (aws:SourceAccount and
aws:SourceArn by value); the evaluation datasets bucket lets in only the organization's principals, CloudTrail
only for this account, and denies plain HTTP to everyone (a TLS-only Deny); the evaluation tool lets AgentCore
invoke it only for this account (a tool found from its own policy: no agent names it).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from posture.demo.seed import PRIMARY, ClientFactory, Seeded
from posture.demo.simulation import Simulation

ORDER = 90  # after the organization (60) and the application (55)
ACCOUNT = "123456789012"
PARTNER = "210987654321"


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def seed_roles(client: ClientFactory, seeded: Seeded) -> None:
    iam = client("iam")
    roles = {
        "acme-chat-web-identity": (_document({
            "Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": f"{PRIMARY}:acme-chat-pool"},
                          "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}}),
            [{"Key": "posture:ai-workload", "Value": "chat"}]),
        "acme-partner-eval-role": (_document(
            {"Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"}, "Action": "sts:AssumeRole"}),
            []),
        "acme-guarded-agent-role": (_document({
            "Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT},
                          "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:{PRIMARY}:{ACCOUNT}:agent/*"}}}), []),
    }
    for name, (trust, tags) in roles.items():
        seeded.ids[f"role:{name}"] = str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust,
                                                         Tags=tags)["Role"]["Arn"])


def seed_buckets(client: ClientFactory, seeded: Seeded) -> None:
    s3, kms = client("s3", PRIMARY), client("kms", PRIMARY)
    org_id = client("organizations").describe_organization()["Organization"]["Id"]
    share_key = kms.create_key(Description="acme partner share")["KeyMetadata"]
    kms.create_grant(KeyId=share_key["KeyId"], GranteePrincipal=f"arn:aws:iam::{PARTNER}:root",
                     Operations=["Decrypt", "DescribeKey"])
    eval_key = kms.create_key(Description="acme evaluation datasets")["KeyMetadata"]
    seeded.ids["key:partner-share"], seeded.ids["key:eval-datasets"] = share_key["KeyId"], eval_key["KeyId"]
    buckets = {
        "acme-partner-share": (share_key["Arn"], _document({
            "Sid": "PartnerRead", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::acme-partner-share", "arn:aws:s3:::acme-partner-share/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "true"}}})),
        "acme-eval-datasets": (eval_key["Arn"], _document(
            {"Sid": "Organization", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::acme-eval-datasets/*",
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}}},
            {"Sid": "CloudTrail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": "arn:aws:s3:::acme-eval-datasets/*",
             "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
            {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": ["arn:aws:s3:::acme-eval-datasets", "arn:aws:s3:::acme-eval-datasets/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}})),
    }
    for name, (key, policy) in buckets.items():
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "posture:ai-data", "Value": "evaluation"}]})
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
             "BucketKeyEnabled": True}]})
        s3.put_bucket_policy(Bucket=name, Policy=policy)
        seeded.ids[f"bucket:{name}"] = name


def seed_secret_and_tool(client: ClientFactory, seeded: Seeded) -> None:
    secrets = client("secretsmanager", PRIMARY)
    arn = secrets.create_secret(Name="acme/huggingface-token", SecretString="hf_DEMO000notarealtoken",
                                Description="Hugging Face token for model downloads")["ARN"]
    secrets.put_resource_policy(SecretId=arn, ResourcePolicy=_document({
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
        "Action": "secretsmanager:GetSecretValue", "Resource": "*"}))
    seeded.ids["secret:huggingface"] = str(arn)
    functions = client("lambda", PRIMARY)
    functions.create_function(FunctionName="acme-eval-tool", Runtime="python3.12", Handler="handler.handle",
                              Role=f"arn:aws:iam::{ACCOUNT}:role/acme-research-role",
                              Code={"ZipFile": _code()})
    functions.add_permission(FunctionName="acme-eval-tool", StatementId="agentcore",
                             Action="lambda:InvokeFunction", Principal="bedrock-agentcore.amazonaws.com",
                             SourceAccount=ACCOUNT)


def _code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return {}\n")
    return buffer.getvalue()


def seed_collection_access(sim: Simulation) -> None:
    """One data access policy: the partner's evaluation role reads acme-kb's indexes (an outsider); acme-hr is
    read by this account's knowledge-base role only."""
    rules = [
        {"Rules": [{"ResourceType": "index", "Resource": ["index/acme-kb/*"],
                    "Permission": ["aoss:ReadDocument", "aoss:DescribeIndex"]}],
         "Principal": [f"arn:aws:iam::{PARTNER}:role/partner-evaluation"]},
        {"Rules": [{"ResourceType": "index", "Resource": ["index/acme-hr/*"],
                    "Permission": ["aoss:ReadDocument", "aoss:WriteDocument", "aoss:CreateIndex"]}],
         "Principal": [f"arn:aws:iam::{ACCOUNT}:role/acme-bedrock-kb-role"]},
    ]
    sim.put("opensearchserverless", "ListAccessPolicies", {"accessPolicySummaries": [
        {"type": "data", "name": "acme-kb-access", "policyVersion": "MTY5", "createdDate": 1767225600000,
         "lastModifiedDate": 1767225600000}]}, region=PRIMARY)
    sim.put("opensearchserverless", "GetAccessPolicy", {"accessPolicyDetail": {
        "type": "data", "name": "acme-kb-access", "policyVersion": "MTY5", "policy": rules,
        "createdDate": 1767225600000, "lastModifiedDate": 1767225600000}}, region=PRIMARY)


def seed(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    seed_collection_access(sim)
    seed_roles(client, seeded)
    seed_buckets(client, seeded)
    seed_secret_and_tool(client, seeded)
