"""Model access and credentials in the demo account: who holds Bedrock keys and Bedrock rights.

A data scientist's IAM user holds a long-term Bedrock API key that never expires (and an old one,
deactivated), may mint more for itself and may subscribe to any Marketplace model. A CI user was
given bedrock:* "to deploy agents" and has never called Bedrock. An analyst holds a key that
expires after 20 days, as it should. IAM's service-specific credentials and last-accessed reports
are answered by the simulation (moto has neither).

Bedrock in us-east-1 offers approved Claude and Titan models and Llama, which nobody approved and
the account can reach; Nova was never authorized. The chat application profile copies the US
profile; the batch profile copies the global one, which routes outside the US. The opt-in checks
judge this with DEMO_SETTINGS (the scan of the demo passes them as posture.toml would).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from posture.demo.seed import PRIMARY, ClientFactory, Seeded
from posture.demo.simulation import Simulation

ORDER = 80
BEDROCK = "bedrock.amazonaws.com"
ACCOUNT = "123456789012"
SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0"
MODELS = ("anthropic.claude-3-5-sonnet-20240620-v1:0", SONNET_4, "amazon.titan-embed-text-v2:0",
          "meta.llama3-70b-instruct-v1:0", "amazon.nova-pro-v1:0")


def _user(iam: Any, name: str, seeded: Seeded, *statements: dict[str, Any]) -> str:
    arn = str(iam.create_user(UserName=name)["User"]["Arn"])
    if statements:
        iam.put_user_policy(UserName=name, PolicyName=f"{name}-access", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": list(statements)}))
    seeded.ids[f"user:{name}"] = arn
    return arn


def _key(user: str, key_id: str, status: str, created: datetime, expires: datetime | None) -> dict[str, Any]:
    key: dict[str, Any] = {"UserName": user, "Status": status, "ServiceUserName": f"{user}-at-123456789012",
                           "CreateDate": created, "ServiceSpecificCredentialId": key_id, "ServiceName": BEDROCK}
    if expires is not None:
        key["ExpirationDate"] = expires
    return key


def _fm(model: str, region: str = PRIMARY) -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model}"


def _profile(profile_id: str, name: str, kind: str, regions: tuple[str, ...]) -> dict[str, Any]:
    path = "application-inference-profile" if kind == "APPLICATION" else "inference-profile"
    return {"inferenceProfileName": name, "inferenceProfileId": profile_id, "type": kind, "status": "ACTIVE",
            "inferenceProfileArn": f"arn:aws:bedrock:{PRIMARY}:{ACCOUNT}:{path}/{profile_id}",
            "models": [{"modelArn": _fm(SONNET_4, r)} for r in regions]}


def seed_models(sim: Simulation) -> None:
    sim.put("bedrock", "ListFoundationModels", {"modelSummaries": [
        {"modelArn": _fm(m), "modelId": m, "providerName": m.split(".")[0]} for m in MODELS]}, region=PRIMARY)
    for model in MODELS:
        authorized = "NOT_AUTHORIZED" if model.startswith("amazon.nova") else "AUTHORIZED"
        sim.put("bedrock", "GetFoundationModelAvailability", {
            "modelId": model, "agreementAvailability": {"status": "AVAILABLE"}, "authorizationStatus": authorized,
            "entitlementAvailability": "AVAILABLE", "regionAvailability": "AVAILABLE"}, region=PRIMARY, modelId=model)
    us, everywhere = ("us-east-1", "us-east-2", "us-west-2"), ("us-east-1", "eu-west-1", "ap-northeast-1")
    sim.put("bedrock", "ListInferenceProfiles", {"inferenceProfileSummaries": [
        _profile(f"us.{SONNET_4}", "US Claude Sonnet 4", "SYSTEM_DEFINED", us),
        _profile(f"global.{SONNET_4}", "Global Claude Sonnet 4", "SYSTEM_DEFINED", everywhere),
        _profile("acmechat0001", "acme-chat-profile", "APPLICATION", us),
        _profile("acmebatch001", "acme-batch-profile", "APPLICATION", everywhere)]}, region=PRIMARY)


def seed(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    seed_models(sim)
    iam, now = client("iam"), datetime.now(UTC)
    _user(iam, "acme-data-scientist", seeded,
          # In us-east-1 only, where the guardrail its calls must name exists (guardrail ids are regional).
          {"Effect": "Allow", "Action": ["bedrock:InvokeModel", "bedrock:ListFoundationModels"],
           "Resource": [f"arn:aws:bedrock:{PRIMARY}::foundation-model/*",
                        f"arn:aws:bedrock:{PRIMARY}:123456789012:*"],
           "Condition": {"StringEquals": {"bedrock:GuardrailIdentifier": seeded.ids.get(
               "guardrail:support", "gr0support01")}}},
          {"Effect": "Allow", "Action": "iam:CreateServiceSpecificCredential",
           "Resource": "arn:aws:iam::123456789012:user/${aws:username}"},
          {"Effect": "Allow", "Action": "aws-marketplace:Subscribe", "Resource": "*"})
    ci = _user(iam, "acme-ci-deployer", seeded, {"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"})
    _user(iam, "acme-analyst", seeded)
    sim.put("iam", "ListServiceSpecificCredentials", {"ServiceSpecificCredentials": [
        _key("acme-data-scientist", "ACCADEMOKEY000000001", "Active", now - timedelta(days=200), None),
        _key("acme-data-scientist", "ACCADEMOKEY000000002", "Inactive", now - timedelta(days=400), None)]},
        UserName="acme-data-scientist", ServiceName=BEDROCK)
    sim.put("iam", "ListServiceSpecificCredentials", {"ServiceSpecificCredentials": [
        _key("acme-analyst", "ACCADEMOKEY000000003", "Active", now - timedelta(days=4), now + timedelta(days=16))]},
        UserName="acme-analyst", ServiceName=BEDROCK)
    # The data scientist and the live agents used Bedrock yesterday; the CI user never has, nor have the
    # experiments (the default report: nothing used).
    used = [seeded.ids["user:acme-data-scientist"], *(seeded.ids[k] for k in (
        "role:acme-bedrock-agent-role", "role:acme-bedrock-kb-role", "role:acme-kb-search-tool-role")
        if k in seeded.ids)]
    for number, arn in enumerate(used):
        job = f"0d5e2a1c-7b3f-4c8e-9a61-2f4b8c0d1e0{number}"
        sim.put("iam", "GenerateServiceLastAccessedDetails", {"JobId": job}, Arn=arn, Granularity="SERVICE_LEVEL")
        sim.put("iam", "GetServiceLastAccessedDetails", {
            "JobStatus": "COMPLETED", "JobType": "SERVICE_LEVEL", "JobCreationDate": now, "JobCompletionDate": now,
            "ServicesLastAccessed": [{"ServiceName": "Amazon Bedrock", "ServiceNamespace": "bedrock",
                                      "LastAuthenticated": now - timedelta(days=1),
                                      "TotalAuthenticatedEntities": 1}]}, JobId=job)
    seeded.ids["user:ci"] = ci
