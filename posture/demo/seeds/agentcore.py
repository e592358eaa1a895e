"""Amazon Bedrock AgentCore in the demo account: the support agent's new hosted runtime, its MCP tool
gateway, its memory, and custom browser and code-interpreter tools.

us-east-1 is right: the runtime and browser run in the AI VPC, the gateway wants a JWT from Acme's
identity provider, gateway and memory use the data CMK, browser sessions are recorded and the code
interpreter is sandboxed. us-west-2 was copied from a tutorial: public runtime, browser and code
interpreter, a gateway anyone can call, AWS owned keys and no browser recording.
moto has no browser or code-interpreter tools: those are answered by the simulation layer.
"""

from __future__ import annotations

from typing import Any

ORDER = 70
ACCOUNT = "123456789012"
PRIMARY, SECONDARY = "us-east-1", "us-west-2"
SERVICE = "bedrock-agentcore-control"
NOW = "2026-11-01T00:00:00Z"
IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/acme-support-agent:1"


def _vpc_config(client: Any, seeded: Any, region: str) -> dict[str, Any]:
    """The AI VPC's subnet and its default security group (no new group for other checks to judge)."""
    groups = client("ec2", region).describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [seeded.ids[f"vpc:{region}"]]}, {"Name": "group-name", "Values": ["default"]}])
    return {"subnets": [seeded.ids[f"subnet:{region}"]], "securityGroups": [groups["SecurityGroups"][0]["GroupId"]]}


def seed_runtimes_gateways_memory(client: Any, seeded: Any, vpc: dict[str, Any]) -> None:
    role, key = seeded.ids["role:acme-bedrock-agent-role"], seeded.ids["kms:data"]
    east, west = client(SERVICE, PRIMARY), client(SERVICE, SECONDARY)
    artifact = {"containerConfiguration": {"containerUri": IMAGE}}
    east.create_agent_runtime(agentRuntimeName="acme_support_runtime", agentRuntimeArtifact=artifact, roleArn=role,
                              networkConfiguration={"networkMode": "VPC",
                                                    "networkModeConfig": vpc})
    # Misconfiguration: the west copy runs with direct internet access.
    west.create_agent_runtime(agentRuntimeName="acme_support_runtime_west", agentRuntimeArtifact=artifact,
                              roleArn=role, networkConfiguration={"networkMode": "PUBLIC"})

    east.create_gateway(name="acme-support-tools", roleArn=role, protocolType="MCP", authorizerType="CUSTOM_JWT",
                        authorizerConfiguration={"customJWTAuthorizer": {
                            "discoveryUrl": "https://login.acme.example/.well-known/openid-configuration",
                            "allowedClients": ["acme-support-chat"]}}, kmsKeyArn=key)
    # Misconfiguration: no inbound authorizer and an AWS owned key.
    west.create_gateway(name="acme-support-tools-west", roleArn=role, protocolType="MCP", authorizerType="NONE")

    east.create_memory(name="acme_support_memory", eventExpiryDuration=30, encryptionKeyArn=key,
                       memoryExecutionRoleArn=role)
    west.create_memory(name="acme_support_memory_west", eventExpiryDuration=365)  # Misconfiguration: no CMK


def _tool_summary(kind: str, region: str, tool_id: str, name: str) -> dict[str, Any]:
    arn = f"arn:aws:bedrock-agentcore:{region}:{ACCOUNT}:{kind}-custom/{tool_id}"
    field = "browser" if kind == "browser" else "codeInterpreter"
    return {f"{field}Id": tool_id, f"{field}Arn": arn, "name": name, "status": "READY",
            "createdAt": NOW, "lastUpdatedAt": NOW}


def seed_tools(sim: Any, seeded: Any, vpc: dict[str, Any]) -> None:
    role = seeded.ids["role:acme-bedrock-agent-role"]
    browsers = {
        PRIMARY: ("acme_order_lookup-a1b2c3d4e5", {
            "networkConfiguration": {"networkMode": "VPC", "vpcConfig": vpc},
            "recording": {"enabled": True, "s3Location": {"bucket": "acme-bedrock-invocation-logs",
                                                          "prefix": "agentcore-browser/"}}}),
        # Misconfiguration: open internet and nothing recorded.
        SECONDARY: ("acme_web_research-f6g7h8i9j0", {"networkConfiguration": {"networkMode": "PUBLIC"},
                                                     "recording": {"enabled": False}}),
    }
    for region, (tool_id, settings) in browsers.items():
        summary = _tool_summary("browser", region, tool_id, tool_id.split("-")[0])
        sim.put(SERVICE, "ListBrowsers", {"browserSummaries": [summary]}, region=region)
        sim.put(SERVICE, "GetBrowser", {**summary, "executionRoleArn": role, **settings},
                region=region, browserId=tool_id)
        seeded.ids[f"agentcore-browser:{region}"] = tool_id

    interpreters = {PRIMARY: ("acme_analysis-k1l2m3n4o5", "SANDBOX"),
                    SECONDARY: ("acme_analysis_west-p6q7r8s9t0", "PUBLIC")}  # Misconfiguration: internet access
    for region, (tool_id, mode) in interpreters.items():
        summary = _tool_summary("code-interpreter", region, tool_id, tool_id.split("-")[0])
        sim.put(SERVICE, "ListCodeInterpreters", {"codeInterpreterSummaries": [summary]}, region=region)
        sim.put(SERVICE, "GetCodeInterpreter", {**summary, "executionRoleArn": role,
                                                "networkConfiguration": {"networkMode": mode}},
                region=region, codeInterpreterId=tool_id)
        seeded.ids[f"agentcore-code-interpreter:{region}"] = tool_id


def seed(client: Any, sim: Any, seeded: Any) -> None:
    vpc = _vpc_config(client, seeded, PRIMARY)
    seed_runtimes_gateways_memory(client, seeded, vpc)
    seed_tools(sim, seeded, vpc)
