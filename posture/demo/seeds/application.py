"""The application boundary of the demo account: what the agent's tools and the AI roles may do,
and the network around the AI VPCs.

us-east-1 is mostly right: the support agent's knowledge-base tool is invocable only by the agent,
reads its API key from Secrets Manager (which rotates it), and the AI VPC has private endpoints,
flow logs and a logging Network Firewall. The slips a busy team makes:
- the kb-search tool's role may iam:PassRole any role, the SageMaker role has s3:* on everything;
- a second tool ("ticketing") lets any Bedrock agent invoke it;
- a research function has a public function URL, a literal OPENAI_API_KEY and a deprecated runtime;
- the bedrock-runtime endpoint keeps the default full-access policy.
us-west-2 (hurried): an experiments role with "*" on "*", an unrotated Anthropic key, a VPC without
endpoints or flow logs whose firewall neither logs nor has rules, and an evaluation VPC with no firewall.
The root user has no MFA (moto models none) and no access keys.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

ORDER = 55  # after the model seeds (50): this module owns the support agent's action groups
ACCOUNT = "123456789012"
PRIMARY, SECONDARY = "us-east-1", "us-west-2"
# A fake key that looks real; it must never appear in a finding (the demo test checks).
FAKE_OPENAI_KEY = "sk-proj-DEMO0000000000000000notarealkey"


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def _code() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("handler.py", "def handle(event, context):\n    return {}\n")
    return archive.getvalue()


def _role(iam: Any, name: str, service: str) -> str:
    trust = _policy({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})
    return str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"])


def seed_roles(client: Any, seeded: Any) -> None:
    iam = client("iam")
    iam.put_role_policy(RoleName="acme-bedrock-agent-role", PolicyName="invoke-model", PolicyDocument=_policy(
        _allow("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.*")))
    iam.put_role_policy(RoleName="acme-bedrock-kb-role", PolicyName="read-rag", PolicyDocument=_policy(
        _allow("s3:GetObject", "arn:aws:s3:::acme-rag-documents/*"),
        _allow("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-*")))
    iam.put_role_policy(RoleName="acme-sagemaker-execution-role", PolicyName="training", PolicyDocument=_policy(
        _allow("s3:*"),  # Misconfiguration: every bucket of the account
        _allow("iam:PassRole", Condition={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}})))
    # Misconfiguration: the agent's tool may pass any role (to new compute it could create).
    iam.put_role_policy(RoleName="acme-kb-search-tool-role", PolicyName="tool", PolicyDocument=_policy(
        _allow("bedrock:Retrieve", f"arn:aws:bedrock:us-east-1:{ACCOUNT}:knowledge-base/*"),
        _allow("iam:PassRole")))
    _role(iam, "acme-ticket-tool-role", "lambda.amazonaws.com")
    iam.put_role_policy(RoleName="acme-ticket-tool-role", PolicyName="tickets", PolicyDocument=_policy(
        _allow("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:acme/*")))
    _role(iam, "acme-research-role", "lambda.amazonaws.com")
    # us-west-2 experiments: a Bedrock role someone gave administrator rights "for now".
    _role(iam, "acme-experiments-agent-role", "bedrock.amazonaws.com")
    admin = iam.create_policy(PolicyName="acme-experiments-everything", PolicyDocument=_policy(_allow("*")))
    iam.attach_role_policy(RoleName="acme-experiments-agent-role", PolicyArn=admin["Policy"]["Arn"])


def seed_functions(client: Any, sim: Any, seeded: Any) -> None:
    aws_lambda = client("lambda", PRIMARY)

    def function(name: str, role: str, runtime: str = "python3.12", **extra: Any) -> str:
        return str(aws_lambda.create_function(
            FunctionName=name, Runtime=runtime, Handler="handler.handle", Code={"ZipFile": _code()},
            Role=f"arn:aws:iam::{ACCOUNT}:role/{role}", **extra)["FunctionArn"])

    secrets = client("secretsmanager", PRIMARY)
    openai = secrets.create_secret(Name="acme/openai-api-key", SecretString=FAKE_OPENAI_KEY,
                                   Description="OpenAI key for the ticket summariser")["ARN"]
    # (no rotation function named: moto would try to run it in Docker)
    secrets.rotate_secret(SecretId=openai, RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=False)

    vpc_config = {"SubnetIds": [seeded.ids[f"subnet:{PRIMARY}"]], "SecurityGroupIds": []}
    kb_tool = function("acme-kb-search-tool", "acme-kb-search-tool-role", VpcConfig=vpc_config,
                       Environment={"Variables": {"KNOWLEDGE_BASE_ID": seeded.ids.get("kb:support", ""),
                                                  "OPENAI_API_KEY_SECRET_ARN": openai}})
    ticket_tool = function("acme-ticket-tool", "acme-ticket-tool-role", VpcConfig=vpc_config)
    agent_id = next(a["agentId"] for a in client("bedrock-agent", PRIMARY).list_agents()["agentSummaries"]
                    if a["agentName"] == "acme-support-agent")
    seeded.ids["agent:support"] = agent_id
    aws_lambda.add_permission(FunctionName="acme-kb-search-tool", StatementId="support-agent",
                              Action="lambda:InvokeFunction", Principal="bedrock.amazonaws.com",
                              SourceArn=f"arn:aws:bedrock:{PRIMARY}:{ACCOUNT}:agent/{agent_id}", SourceAccount=ACCOUNT)
    # Misconfiguration: any Bedrock agent, in any account, may invoke the ticketing tool.
    aws_lambda.add_permission(FunctionName="acme-ticket-tool", StatementId="bedrock",
                              Action="lambda:InvokeFunction", Principal="bedrock.amazonaws.com")
    groups = {"AG0KBSRCH1": ("kb-search", kb_tool), "AG0TICKET1": ("ticketing", ticket_tool)}
    sim.put("bedrock-agent", "ListAgentActionGroups", {"actionGroupSummaries": [
        {"actionGroupId": gid, "actionGroupName": name, "actionGroupState": "ENABLED",
         "updatedAt": "2026-11-01T00:00:00Z"} for gid, (name, _) in groups.items()]},
        region=PRIMARY, agentId=agent_id, agentVersion="DRAFT")
    for gid, (name, arn) in groups.items():
        sim.put("bedrock-agent", "GetAgentActionGroup", {"agentActionGroup": {
            "agentId": agent_id, "agentVersion": "DRAFT", "actionGroupId": gid, "actionGroupName": name,
            "actionGroupState": "ENABLED", "actionGroupExecutor": {"lambda": arn},
            "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z"}},
            region=PRIMARY, agentId=agent_id, agentVersion="DRAFT", actionGroupId=gid)

    # The chat API's handler: a URL only IAM-signed callers can use.
    function("acme-chat-handler", "acme-research-role")
    aws_lambda.create_function_url_config(FunctionName="acme-chat-handler", AuthType="AWS_IAM")
    # Misconfiguration: a research prototype left public, with a literal key, on a deprecated runtime.
    function("acme-research-prototype", "acme-research-role", runtime="python3.9",
             Environment={"Variables": {"OPENAI_API_KEY": FAKE_OPENAI_KEY, "MODEL": "gpt-4o-mini"}})
    aws_lambda.create_function_url_config(FunctionName="acme-research-prototype", AuthType="NONE")

    # us-west-2: a provider key nobody rotates; a database password that is no model key.
    west = client("secretsmanager", SECONDARY)
    west.create_secret(Name="acme/anthropic-api-key", SecretString="sk-ant-DEMO000notarealkey")
    west.create_secret(Name="acme/eval-db-password", SecretString="demo-not-a-password")


def _model_endpoint_policy(actions: list[str], resource: str) -> str:
    return _policy({"Effect": "Allow", "Principal": "*", "Action": actions, "Resource": resource,
                    "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}})


def seed_network(client: Any, sim: Any, seeded: Any) -> None:
    ec2 = client("ec2", PRIMARY)
    vpc, subnet = seeded.ids[f"vpc:{PRIMARY}"], seeded.ids[f"subnet:{PRIMARY}"]
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{PRIMARY}.bedrock-agent-runtime",
                            VpcEndpointType="Interface", SubnetIds=[subnet], PolicyDocument=_model_endpoint_policy(
                                ["bedrock:InvokeAgent", "bedrock:Retrieve"],
                                f"arn:aws:bedrock:{PRIMARY}:{ACCOUNT}:*"))
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{PRIMARY}.sagemaker.runtime",
                            VpcEndpointType="Interface", SubnetIds=[subnet], PolicyDocument=_model_endpoint_policy(
                                ["sagemaker:InvokeEndpoint"], f"arn:aws:sagemaker:{PRIMARY}:{ACCOUNT}:endpoint/acme-*"))
    ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL",
                         LogDestinationType="cloud-watch-logs", LogGroupName="/acme/vpc-flow-logs",
                         DeliverLogsPermissionArn=f"arn:aws:iam::{ACCOUNT}:role/acme-flow-logs")

    for region, logged, groups in ((PRIMARY, True, 2), (SECONDARY, False, 0)):
        nf = client("network-firewall", region)
        policy_arn = f"arn:aws:network-firewall:{region}:{ACCOUNT}:firewall-policy/acme-egress"
        arn = nf.create_firewall(FirewallName=f"acme-egress-{region}", FirewallPolicyArn=policy_arn,
                                 VpcId=seeded.ids[f"vpc:{region}"],
                                 SubnetMappings=[{"SubnetId": seeded.ids[f"subnet:{region}"]}])
        arn = arn["Firewall"]["FirewallArn"]
        if logged:
            nf.update_logging_configuration(FirewallArn=arn, LoggingConfiguration={"LogDestinationConfigs": [
                {"LogType": "ALERT", "LogDestinationType": "CloudWatchLogs",
                 "LogDestination": {"logGroup": "/acme/network-firewall"}}]})
        sim.put("network-firewall", "DescribeFirewallPolicy", {
            "UpdateToken": "demo", "FirewallPolicyResponse": {
                "FirewallPolicyName": "acme-egress", "FirewallPolicyArn": policy_arn,
                "FirewallPolicyId": "00000000-0000-0000-0000-00000000000" + str(groups)},
            "FirewallPolicy": {"StatelessDefaultActions": ["aws:forward_to_sfe"],
                               "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"],
                               "StatefulRuleGroupReferences": [
                                   {"ResourceArn": f"arn:aws:network-firewall:{region}:{ACCOUNT}:"
                                                   f"stateful-rulegroup/acme-allow-{i}"} for i in range(groups)]}},
            region=region)
    # us-west-2: an evaluation VPC tagged as AI, with no firewall, endpoints or flow logs.
    west = client("ec2", SECONDARY)
    eval_vpc = west.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    west.create_tags(Resources=[eval_vpc], Tags=[{"Key": "Name", "Value": "acme-eval-vpc"},
                                                 {"Key": "posture:ai-workload", "Value": "evaluation"}])
    seeded.ids[f"vpc:eval:{SECONDARY}"] = eval_vpc


def seed(client: Any, sim: Any, seeded: Any) -> None:
    seed_roles(client, seeded)
    seed_functions(client, sim, seeded)
    seed_network(client, sim, seeded)
