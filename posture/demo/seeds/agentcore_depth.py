"""Bedrock AgentCore in depth, on top of `agentcore.py`'s runtimes and gateways: inbound JWTs, the
gateway policy engine, gateway targets and their credentials, the token vault and resource policies.

us-east-1 is right: the gateway's Cedar policy engine enforces, its CRM target takes an API key from the
token vault, the vault uses the data CMK and the gateway's resource policy names this account only.
us-west-2 was copied from a tutorial: the runtime takes any token of a public identity provider, keeps an
API key in an environment variable and lets anyone invoke it; the gateway's target pastes a key into
its OpenAPI schema and the vault uses the service managed key.
moto has no token vault or resource policies: those are answered by the simulation layer.
"""

from __future__ import annotations

import json
from typing import Any

ORDER = 71  # after agentcore.py (70), whose runtimes and gateways it changes
ACCOUNT = "123456789012"
PRIMARY, SECONDARY = "us-east-1", "us-west-2"
SERVICE = "bedrock-agentcore-control"
NOW = "2026-11-01T00:00:00Z"
OPENAPI = {"openapi": "3.0.0", "info": {"title": "acme-crm", "version": "1"}, "paths": {}}


def _only(items: list[dict[str, Any]]) -> dict[str, Any]:
    return items[0]


def _policy(principal: Any, arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "Invoke", "Effect": "Allow", "Principal": principal, "Action": "bedrock-agentcore:*", "Resource": arn}]})


def seed(client: Any, sim: Any, seeded: Any) -> None:
    role, key = seeded.ids["role:acme-bedrock-agent-role"], seeded.ids["kms:data"]
    east, west = client(SERVICE, PRIMARY), client(SERVICE, SECONDARY)

    gateway = _only(east.list_gateways()["items"])
    detail = east.get_gateway(gatewayIdentifier=gateway["gatewayId"])
    engine = f"arn:aws:bedrock-agentcore:{PRIMARY}:{ACCOUNT}:policy-engine/acme_support_policies-a1b2c3"
    east.update_gateway(gatewayIdentifier=gateway["gatewayId"], name=detail["name"], roleArn=role,
                        protocolType="MCP", authorizerType=detail["authorizerType"],
                        authorizerConfiguration=detail["authorizerConfiguration"], kmsKeyArn=key,
                        policyEngineConfiguration={"arn": engine, "mode": "ENFORCE"})
    provider = f"arn:aws:bedrock-agentcore:{PRIMARY}:{ACCOUNT}:token-vault/default/apikeycredentialprovider/acme-crm"
    east.create_gateway_target(gatewayIdentifier=gateway["gatewayId"], name="acme-crm",
                               targetConfiguration={"mcp": {"openApiSchema": {"inlinePayload": json.dumps(OPENAPI)}}},
                               credentialProviderConfigurations=[{
                                   "credentialProviderType": "API_KEY",
                                   "credentialProvider": {"apiKeyCredentialProvider": {"providerArn": provider}}}])
    gateway_arn = f"arn:aws:bedrock-agentcore:{PRIMARY}:{ACCOUNT}:gateway/{gateway['gatewayId']}"
    sim.put(SERVICE, "GetResourcePolicy", {"policy": _policy({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, gateway_arn)},
            region=PRIMARY, resourceArn=gateway_arn)

    # Misconfiguration: a key pasted into the target's schema.
    west_gateway = _only(west.list_gateways()["items"])
    leaky = {**OPENAPI, "servers": [{"url": "https://crm.acme.example/api?api_key=demo-not-a-real-key"}]}
    west.create_gateway_target(gatewayIdentifier=west_gateway["gatewayId"], name="acme-crm",
                               targetConfiguration={"mcp": {"openApiSchema": {"inlinePayload": json.dumps(leaky)}}},
                               credentialProviderConfigurations=[{"credentialProviderType": "GATEWAY_IAM_ROLE"}])

    # Misconfiguration: any token of a public identity provider, an API key in the environment, anyone may invoke.
    runtime = _only(west.list_agent_runtimes()["agentRuntimes"])
    current = west.get_agent_runtime(agentRuntimeId=runtime["agentRuntimeId"])
    west.update_agent_runtime(
        agentRuntimeId=runtime["agentRuntimeId"], agentRuntimeArtifact=current["agentRuntimeArtifact"],
        roleArn=role, networkConfiguration=current["networkConfiguration"],
        authorizerConfiguration={"customJWTAuthorizer": {
            "discoveryUrl": "https://accounts.google.com/.well-known/openid-configuration"}},
        environmentVariables={"CRM_API_KEY": "api_key=demo-not-a-real-key", "LOG_LEVEL": "info"})
    arn = west.get_agent_runtime(agentRuntimeId=runtime["agentRuntimeId"])["agentRuntimeArn"]  # after the update
    sim.put(SERVICE, "GetResourcePolicy", {"policy": _policy("*", arn)}, region=SECONDARY, resourceArn=arn)

    sim.put(SERVICE, "GetTokenVault", {"tokenVaultId": "default", "lastModifiedDate": NOW,
                                       "kmsConfiguration": {"keyType": "CustomerManagedKey", "kmsKeyArn": key}},
            region=PRIMARY)
    # Misconfiguration: the vault of the west copy keeps the service managed key.
    sim.put(SERVICE, "GetTokenVault", {"tokenVaultId": "default", "lastModifiedDate": NOW,
                                       "kmsConfiguration": {"keyType": "ServiceManagedKey"}}, region=SECONDARY)
