"""Model access and credentials in the demo account: who holds Bedrock keys and Bedrock rights.

A data scientist's IAM user holds a long-term Bedrock API key that never expires (and an old one,
deactivated), may mint more for itself and may subscribe to any Marketplace model. A CI user was
given bedrock:* "to deploy agents" and has never called Bedrock. An analyst holds a key that
expires after 20 days, as it should. IAM's service-specific credentials and last-accessed reports
are answered by the simulation (moto has neither).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from posture.demo.seed import ClientFactory, Seeded
from posture.demo.simulation import Simulation

ORDER = 80
BEDROCK = "bedrock.amazonaws.com"


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


def seed(client: ClientFactory, sim: Simulation, seeded: Seeded) -> None:
    iam, now = client("iam"), datetime.now(UTC)
    _user(iam, "acme-data-scientist", seeded,
          {"Effect": "Allow", "Action": ["bedrock:InvokeModel", "bedrock:ListFoundationModels"],
           "Resource": "*", "Condition": {"StringEquals": {"bedrock:GuardrailIdentifier": seeded.ids.get(
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
