"""Front door, logs and detection of the demo account, for the checks of that area.

us-east-1: the model-serving EKS cluster logs audit and authenticator events, GuardDuty's
Runtime Monitoring manages its agent there, an account-wide CloudWatch Logs data-protection
policy masks emails and card numbers in every log group, and the training-data bucket has a
Malware Protection for S3 plan. What was left behind shows up as FAIL: a guest-enabled identity
pool whose unauthenticated role may call the SageMaker endpoint, AI buckets no plan scans, and
in us-west-2 a fine-tuning cluster that logs only API calls (no GuardDuty there at all), an
unthrottled WebSocket chat prototype and invocation logs nobody masks.
"""

from __future__ import annotations

import json

from posture.demo.seed import PRIMARY, SECONDARY, ClientFactory, Seeded
from posture.demo.simulation import Simulation

ORDER = 80  # after data.py (50), which sets the GuardDuty detector's features
ACCOUNT = "123456789012"
AI_TAG = {"posture:ai-workload": "llm"}
IDENTIFIERS = ["arn:aws:dataprotection::aws:data-identifier/EmailAddress",
               "arn:aws:dataprotection::aws:data-identifier/CreditCardNumber"]


def seed_eks(client: ClientFactory, seeded: Seeded) -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/acme-eks-cluster"
    client("eks", PRIMARY).create_cluster(
        name="acme-llm-serving", roleArn=role, tags=AI_TAG,
        resourcesVpcConfig={"subnetIds": [seeded.ids[f"subnet:{PRIMARY}"]]},
        logging={"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": True}]})
    client("eks", SECONDARY).create_cluster(
        name="acme-finetune", roleArn=role, tags=AI_TAG,
        resourcesVpcConfig={"subnetIds": [seeded.ids[f"subnet:{SECONDARY}"]]},
        logging={"clusterLogging": [{"types": ["api"], "enabled": True}]})


def seed_guardduty(client: ClientFactory, sim: Simulation) -> None:
    guardduty = client("guardduty", PRIMARY)
    runtime = {"Name": "RUNTIME_MONITORING", "Status": "ENABLED", "AdditionalConfiguration": [
        {"Name": "EKS_ADDON_MANAGEMENT", "Status": "ENABLED"}, {"Name": "EC2_AGENT_MANAGEMENT", "Status": "DISABLED"}]}
    for detector_id in guardduty.list_detectors()["DetectorIds"]:
        # moto's update_detector drops the features it is not given: keep the ones set before.
        kept = [{"Name": f["Name"], "Status": f["Status"]}
                for f in guardduty.get_detector(DetectorId=detector_id).get("Features", [])]
        guardduty.update_detector(DetectorId=detector_id, Enable=True, Features=[*kept, runtime])
    # Malware Protection for S3 on the training data only (GuardDuty's REST-JSON wire names).
    sim.put("guardduty", "ListMalwareProtectionPlans",
            {"malwareProtectionPlans": [{"malwareProtectionPlanId": "acme-training-scan"}]}, region=PRIMARY)
    sim.put("guardduty", "GetMalwareProtectionPlan", {
        "arn": f"arn:aws:guardduty:{PRIMARY}:{ACCOUNT}:malware-protection-plan/acme-training-scan",
        "role": f"arn:aws:iam::{ACCOUNT}:role/acme-malware-scan",
        "protectedResource": {"s3Bucket": {"bucketName": "acme-llm-training-data"}},
        "actions": {"tagging": {"status": "ENABLED"}}, "status": "ACTIVE", "createdAt": "2026-01-01T00:00:00Z"},
        region=PRIMARY, MalwareProtectionPlanId="acme-training-scan")


def seed_log_protection(sim: Simulation) -> None:
    document = json.dumps({"Name": "acme-mask", "Version": "2021-06-01", "Statement": [
        {"Sid": "audit", "DataIdentifier": IDENTIFIERS, "Operation": {"Audit": {"FindingsDestination": {}}}},
        {"Sid": "mask", "DataIdentifier": IDENTIFIERS, "Operation": {"Deidentify": {"MaskConfig": {}}}}]})
    sim.put("logs", "DescribeAccountPolicies", {"accountPolicies": [{
        "policyName": "acme-mask", "policyType": "DATA_PROTECTION_POLICY", "scope": "ALL",
        "policyDocument": document, "accountId": ACCOUNT}]}, region=PRIMARY)


def seed_identity_pools(client: ClientFactory, sim: Simulation) -> None:
    iam = client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity"}]}
    role = iam.create_role(RoleName="acme-chat-guest", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName="acme-chat-guest", PolicyName="guest-widget", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
            "polly:SynthesizeSpeech", "sagemaker:InvokeEndpoint"]}]}))
    pool = client("cognito-identity", PRIMARY).create_identity_pool(
        IdentityPoolName="acme_chat_widget", AllowUnauthenticatedIdentities=True)["IdentityPoolId"]
    sim.put("cognito-identity", "GetIdentityPoolRoles",
            {"IdentityPoolId": pool, "Roles": {"unauthenticated": role}}, region=PRIMARY)
    client("cognito-identity", SECONDARY).create_identity_pool(
        IdentityPoolName="acme_chat_members", AllowUnauthenticatedIdentities=False)


def seed_http_api_tags(client: ClientFactory, seeded: Seeded) -> None:
    """The streaming chat API and the WebSocket prototype front the model: tag them, as the team's
    infrastructure code does (the prototype's stage has no throttling at all)."""
    for region, key in ((PRIMARY, "apigwv2:stream"), (SECONDARY, "apigwv2:ws-west")):
        if key in seeded.ids:
            client("apigatewayv2", region).tag_resource(
                ResourceArn=f"arn:aws:apigateway:{region}::/apis/{seeded.ids[key]}", Tags=AI_TAG)


def seed(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    seed_eks(client, seeded)
    seed_guardduty(client, sim)
    seed_log_protection(sim)
    seed_identity_pools(client, sim)
    seed_http_api_tags(client, seeded)
