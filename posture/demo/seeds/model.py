"""The model boundary of the demo account: guardrails, agents, Bedrock models and logging,
SageMaker notebooks, jobs, endpoints and domains, and the ECR repositories of model images.

us-east-1 is mostly right: a strong guardrail attached to the support agent, encrypted and
retained invocation logs, isolated training. us-west-2 was set up in a hurry: an agent
without a guardrail, a notebook with direct internet and root, and no guardrail of its own
but one enforced for every model call of the account.

Paths to a model (the guardrail coverage table): the support agent's live alias routes to a
version with the strong guardrail; the billing agent's live alias routes to version 1,
published before its guardrail was attached to DRAFT (drift), and its instruction holds a
credential; the triage flow's prompt node uses a guardrail version in detect-only mode
(every filter action NONE); an application role may call models directly with no guardrail
condition, another only with the support guardrail's version 1.
"""

from __future__ import annotations

import json
from typing import Any

ORDER = 50
ACCOUNT_ID = "123456789012"


def restore_sagemaker_fields(region: str, collection: str, name: str, **fields: Any) -> None:
    """Put back on a moto SageMaker resource the fields moto's create call dropped.

    moto's create_model always records EnableNetworkIsolation=false and create_processing_job drops
    ProcessingResources. The simulation layer cannot answer their Describe calls per resource (a
    JSON-protocol request names the resource in its body), so the fields are set on moto's
    in-process object (attribute names in snake_case), as the create call should have.
    """
    from moto.sagemaker.models import sagemaker_backends

    backend = sagemaker_backends[ACCOUNT_ID][region]
    resource = getattr(backend, collection)[name]
    for key, value in fields.items():
        setattr(resource, key, value)


def isolate_sagemaker_model(region: str, name: str) -> None:
    restore_sagemaker_fields(region, "_models", name, enable_network_isolation=True)


PRIMARY, SECONDARY = "us-east-1", "us-west-2"
NOW = "2026-11-01T00:00:00Z"
HARM_FILTERS = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")


def _image(region: str, repo: str) -> str:
    return f"{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/{repo}:1"


def _guardrail(region: str, gid: str, name: str, *, strong: bool, key: str | None) -> dict[str, Any]:
    arn = f"arn:aws:bedrock:{region}:{ACCOUNT_ID}:guardrail/{gid}"
    detail: dict[str, Any] = {
        "name": name, "guardrailId": gid, "guardrailArn": arn, "version": "DRAFT", "status": "READY",
        "createdAt": NOW, "updatedAt": NOW, "blockedInputMessaging": "Sorry, I can't help with that.",
        "blockedOutputsMessaging": "Sorry, I can't answer that.",
    }
    if strong:
        detail["contentPolicy"] = {"filters": [
            *({"type": t, "inputStrength": "HIGH", "outputStrength": "HIGH"} for t in HARM_FILTERS),
            {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"}]}
        detail["sensitiveInformationPolicy"] = {"piiEntities": [
            {"type": t, "action": "ANONYMIZE"} for t in ("EMAIL", "PHONE", "NAME", "CREDIT_DEBIT_CARD_NUMBER")]}
        detail["contextualGroundingPolicy"] = {"filters": [
            {"type": "GROUNDING", "threshold": 0.75}, {"type": "RELEVANCE", "threshold": 0.5}]}
    else:  # a first try nobody revisited: one content filter, no prompt-attack, PII or grounding filter
        detail["contentPolicy"] = {"filters": [{"type": "HATE", "inputStrength": "LOW", "outputStrength": "LOW"}]}
    if key:
        detail["kmsKeyArn"] = key
    return detail


def detect_only(detail: dict[str, Any]) -> dict[str, Any]:
    """The same guardrail with every filter's action NONE: it detects and logs, and blocks nothing."""
    changed: dict[str, Any] = json.loads(json.dumps(detail))
    for flt in changed.get("contentPolicy", {}).get("filters", []):
        flt["inputAction"] = flt["outputAction"] = "NONE"
    for entity in changed.get("sensitiveInformationPolicy", {}).get("piiEntities", []):
        entity["action"] = "NONE"
    for flt in changed.get("contextualGroundingPolicy", {}).get("filters", []):
        flt["action"] = "NONE"
    return changed


def seed_guardrails_and_agents(client: Any, sim: Any, seeded: Any) -> None:
    key, role = seeded.ids["kms:data"], seeded.ids["role:acme-bedrock-agent-role"]
    strong = _guardrail(PRIMARY, "gr0support01", "acme-support-guardrail", strong=True, key=key)
    legacy = _guardrail(PRIMARY, "gr0legacy001", "acme-legacy-guardrail", strong=False, key=None)
    monitor = _guardrail(PRIMARY, "gr0monitor01", "acme-monitor-guardrail", strong=True, key=key)
    sim.put("bedrock", "ListGuardrails", {"guardrails": [
        {"id": g["guardrailId"], "arn": g["guardrailArn"], "status": "READY", "name": g["name"],
         "version": "DRAFT", "createdAt": NOW, "updatedAt": NOW} for g in (strong, legacy, monitor)]}, region=PRIMARY)
    for g in (strong, legacy, monitor):
        sim.put("bedrock", "GetGuardrail", g, region=PRIMARY, guardrailIdentifier=g["guardrailId"])
    # Published versions: the support guardrail's version 1 is its DRAFT; the monitor guardrail's version 1
    # was published in detect-only mode (every filter's action NONE: it logs and blocks nothing).
    sim.put("bedrock", "GetGuardrail", {**strong, "version": "1"}, region=PRIMARY,
            guardrailIdentifier=strong["guardrailId"], guardrailVersion="1")
    sim.put("bedrock", "GetGuardrail", detect_only({**monitor, "version": "1"}), region=PRIMARY,
            guardrailIdentifier=monitor["guardrailId"], guardrailVersion="1")
    seeded.ids["guardrail:support"] = strong["guardrailId"]
    # us-west-2 has no guardrail of its own; seed_paths_to_models enforces one for the account there.

    # The support agent (created by the core seed): the strong guardrail attached, a CMK, short sessions.
    # A second agent in us-west-2, copied in a hurry: no guardrail, no CMK, hour-long sessions.
    west = client("bedrock-agent", SECONDARY).create_agent(
        agentName="acme-support-agent-west", foundationModel="anthropic.claude-3-5-sonnet-20240620-v1:0",
        agentResourceRoleArn=role, instruction="You are Acme's support assistant for the west coast.",
    )["agent"]
    seeded.ids["agent:west"] = west["agentId"]
    for region, settings in ((PRIMARY, {"guardrailConfiguration": {
            "guardrailIdentifier": strong["guardrailId"], "guardrailVersion": "1"},
            "customerEncryptionKeyArn": key, "idleSessionTTLInSeconds": 600}),
            (SECONDARY, {"idleSessionTTLInSeconds": 3600})):
        # moto drops guardrailConfiguration, so GetAgent is answered by the simulation for every agent.
        for summary in client("bedrock-agent", region).list_agents()["agentSummaries"]:
            agent_id = summary["agentId"]
            sim.put("bedrock-agent", "GetAgent", {"agent": {
                "agentId": agent_id, "agentName": summary["agentName"],
                "agentArn": f"arn:aws:bedrock:{region}:{ACCOUNT_ID}:agent/{agent_id}", "agentVersion": "DRAFT",
                "agentStatus": "PREPARED", "agentResourceRoleArn": role, "createdAt": NOW, "updatedAt": NOW,
                "foundationModel": "anthropic.claude-3-5-sonnet-20240620-v1:0", **settings}},
                region=region, agentId=agent_id)
            if region == PRIMARY:
                seeded.ids.setdefault("agent:support", agent_id)


def seed_bedrock_resources(client: Any, sim: Any, seeded: Any) -> None:
    key = seeded.ids["kms:data"]
    # A second knowledge base whose data source is encrypted with the CMK (the core one's is not).
    kb = client("bedrock-agent", PRIMARY).create_knowledge_base(
        name="acme-policies-kb", roleArn=seeded.ids["role:acme-bedrock-kb-role"],
        knowledgeBaseConfiguration={"type": "VECTOR", "vectorKnowledgeBaseConfiguration": {
            "embeddingModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"}},
        storageConfiguration={"type": "OPENSEARCH_SERVERLESS", "opensearchServerlessConfiguration": {
            "collectionArn": f"arn:aws:aoss:us-east-1:{ACCOUNT_ID}:collection/acme-kb",
            "vectorIndexName": "acme-policies-index",
            "fieldMapping": {"vectorField": "v", "textField": "t", "metadataField": "m"}}},
    )["knowledgeBase"]["knowledgeBaseId"]
    seeded.ids["kb:policies"] = kb
    source = {"knowledgeBaseId": kb, "dataSourceId": "DS0000002", "name": "policies", "status": "AVAILABLE",
              "updatedAt": NOW}
    sim.put("bedrock-agent", "ListDataSources", {"dataSourceSummaries": [source]}, region=PRIMARY, knowledgeBaseId=kb)
    sim.put("bedrock-agent", "GetDataSource", {"dataSource": {
        **source, "createdAt": NOW, "serverSideEncryptionConfiguration": {"kmsKeyArn": key},
        "dataSourceConfiguration": {"type": "S3", "s3Configuration": {
            "bucketArn": "arn:aws:s3:::acme-rag-documents", "inclusionPrefixes": ["policies/"]}}}},
        region=PRIMARY, knowledgeBaseId=kb, dataSourceId="DS0000002")

    # Managed prompts: the system prompt under the CMK, an escalation draft without one.
    prompts = [("PRMT000001", "acme-support-system", key), ("PRMT000002", "acme-escalation-draft", None)]
    sim.put("bedrock-agent", "ListPrompts", {"promptSummaries": [
        {"id": pid, "arn": f"arn:aws:bedrock:{PRIMARY}:{ACCOUNT_ID}:prompt/{pid}", "name": name, "version": "DRAFT",
         "createdAt": NOW, "updatedAt": NOW} for pid, name, _ in prompts]}, region=PRIMARY)
    for pid, name, prompt_key in prompts:
        sim.put("bedrock-agent", "GetPrompt", {
            "id": pid, "arn": f"arn:aws:bedrock:{PRIMARY}:{ACCOUNT_ID}:prompt/{pid}", "name": name,
            "version": "DRAFT", "variants": [], "createdAt": NOW, "updatedAt": NOW,
            **({"customerEncryptionKeyArn": prompt_key} if prompt_key else {})}, region=PRIMARY, promptIdentifier=pid)

    # Custom and imported models: under the CMK in us-east-1, with AWS owned keys in us-west-2.
    for region, model_key, suffix in ((PRIMARY, key, ""), (SECONDARY, None, "-west")):
        name = f"acme-support-ft{suffix}"
        arn = f"arn:aws:bedrock:{region}:{ACCOUNT_ID}:custom-model/amazon.titan-text-express-v1:0:8k/{name}"
        base = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"
        sim.put("bedrock", "ListCustomModels", {"modelSummaries": [
            {"modelArn": arn, "modelName": name, "creationTime": NOW, "baseModelArn": base,
             "baseModelName": "Titan Text Express"}]}, region=region)
        sim.put("bedrock", "GetCustomModel", {
            "modelArn": arn, "modelName": name, "creationTime": NOW, "baseModelArn": base,
            "trainingDataConfig": {"s3Uri": f"s3://acme-llm-training-data/bedrock{suffix}/"},
            "outputDataConfig": {"s3Uri": f"s3://acme-llm-model-artifacts/bedrock{suffix}/"},
            **({"modelKmsKeyArn": model_key} if model_key else {})}, region=region, modelIdentifier=name)
        imported = f"acme-llama-import{suffix}"
        imported_arn = f"arn:aws:bedrock:{region}:{ACCOUNT_ID}:imported-model/{imported}"
        sim.put("bedrock", "ListImportedModels", {"modelSummaries": [
            {"modelArn": imported_arn, "modelName": imported, "creationTime": NOW}]}, region=region)
        sim.put("bedrock", "GetImportedModel", {
            "modelArn": imported_arn, "modelName": imported, "creationTime": NOW, "modelArchitecture": "llama3",
            **({"modelKmsKeyArn": model_key} if model_key else {})}, region=region, modelIdentifier=imported)


def seed_invocation_logging(client: Any, sim: Any, seeded: Any) -> None:
    role = seeded.ids["role:acme-bedrock-agent-role"]
    # us-east-1 adds a CloudWatch destination: KMS-encrypted, kept a year.
    logs = client("logs", PRIMARY)
    logs.create_log_group(logGroupName="/acme/bedrock/invocations", kmsKeyId=seeded.ids["kms:data"])
    logs.put_retention_policy(logGroupName="/acme/bedrock/invocations", retentionInDays=365)
    bedrock = client("bedrock", PRIMARY)
    config = bedrock.get_model_invocation_logging_configuration()["loggingConfig"]
    bedrock.put_model_invocation_logging_configuration(loggingConfig={
        **config, "cloudWatchConfig": {"logGroupName": "/acme/bedrock/invocations", "roleArn": role}})
    # us-west-2 logs to a group with no key and no retention, and text delivery was switched off.
    client("logs", SECONDARY).create_log_group(logGroupName="/acme/bedrock/invocations-west")
    client("bedrock", SECONDARY).put_model_invocation_logging_configuration(loggingConfig={
        "cloudWatchConfig": {"logGroupName": "/acme/bedrock/invocations-west", "roleArn": role},
        "textDataDeliveryEnabled": False})


def seed_sagemaker(client: Any, sim: Any, seeded: Any) -> None:
    key, role = seeded.ids["kms:data"], seeded.ids["role:acme-sagemaker-execution-role"]
    east, west = client("sagemaker", PRIMARY), client("sagemaker", SECONDARY)
    vpc = {"SecurityGroupIds": ["sg-12345678"], "Subnets": [seeded.ids[f"subnet:{PRIMARY}"]]}

    # Notebooks: a locked-down one in us-east-1; a quick one in us-west-2 with internet and root.
    east.create_notebook_instance(
        NotebookInstanceName="acme-secure-research", InstanceType="ml.t3.medium", RoleArn=role,
        SubnetId=seeded.ids[f"subnet:{PRIMARY}"], SecurityGroupIds=["sg-12345678"], DirectInternetAccess="Disabled",
        RootAccess="Disabled", KmsKeyId=key)
    west.create_notebook_instance(
        NotebookInstanceName="acme-quick-experiments", InstanceType="ml.t3.medium", RoleArn=role,
        DirectInternetAccess="Enabled", RootAccess="Enabled")

    # Models: v2 of the support model is isolated and in the VPC; the us-west-2 copy is neither.
    east.create_model(ModelName="acme-support-model-v2", ExecutionRoleArn=role, VpcConfig=vpc,
                      EnableNetworkIsolation=True,
                      PrimaryContainer={"Image": _image(PRIMARY, "acme-serve"),
                                        "ModelDataUrl": "s3://acme-llm-model-artifacts/support/model.tar.gz"})
    isolate_sagemaker_model(PRIMARY, "acme-support-model-v2")
    west.create_model(ModelName="acme-support-model-west", ExecutionRoleArn=role,
                      PrimaryContainer={"Image": _image(SECONDARY, "acme-west-serve"),
                                        "ModelDataUrl": "s3://acme-llm-model-artifacts/support/model.tar.gz"})

    # Endpoints: the production endpoint is monitored; a data-capturing v2 configuration is ready for it.
    capture = {"EnableCapture": True, "InitialSamplingPercentage": 100,
               "DestinationS3Uri": "s3://acme-llm-model-artifacts/capture/", "KmsKeyId": key,
               "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]}
    east.create_endpoint_config(EndpointConfigName="acme-support-prod-v2", KmsKeyId=key, DataCaptureConfig=capture,
                                ProductionVariants=[{"VariantName": "main", "ModelName": "acme-support-model-v2",
                                                     "InitialInstanceCount": 2, "InstanceType": "ml.g4dn.xlarge"}])
    sim.put("sagemaker", "ListMonitoringSchedules", {"MonitoringScheduleSummaries": [{
        "MonitoringScheduleName": "acme-support-data-quality",
        "MonitoringScheduleArn":
            f"arn:aws:sagemaker:{PRIMARY}:{ACCOUNT_ID}:monitoring-schedule/acme-support-data-quality",
        "CreationTime": NOW, "LastModifiedTime": NOW, "MonitoringScheduleStatus": "Scheduled",
        "EndpointName": "acme-support", "MonitoringType": "DataQuality"}]}, region=PRIMARY)
    # us-west-2: one instance, no monitor.
    west.create_endpoint_config(EndpointConfigName="acme-support-west", ProductionVariants=[
        {"VariantName": "main", "ModelName": "acme-support-model-west", "InitialInstanceCount": 1,
         "InstanceType": "ml.g4dn.xlarge"}])
    west.create_endpoint(EndpointName="acme-support-west", EndpointConfigName="acme-support-west")

    # Training: a hardened v2 fine-tune in us-east-1; a quick job in us-west-2 with nothing set.
    east.create_training_job(
        TrainingJobName="acme-support-finetune-v2", RoleArn=role,
        AlgorithmSpecification={"TrainingImage": _image(PRIMARY, "acme-train"), "TrainingInputMode": "File"},
        InputDataConfig=[{"ChannelName": "train", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": "s3://acme-llm-training-data/support/"}}}],
        OutputDataConfig={"S3OutputPath": "s3://acme-llm-model-artifacts/support-v2/", "KmsKeyId": key},
        ResourceConfig={"InstanceType": "ml.g5.2xlarge", "InstanceCount": 2, "VolumeSizeInGB": 50,
                        "VolumeKmsKeyId": key},
        StoppingCondition={"MaxRuntimeInSeconds": 86400}, VpcConfig=vpc, EnableNetworkIsolation=True,
        EnableInterContainerTrafficEncryption=True)
    west.create_training_job(
        TrainingJobName="acme-west-quick-train", RoleArn=role,
        AlgorithmSpecification={"TrainingImage": _image(SECONDARY, "acme-west-serve"), "TrainingInputMode": "File"},
        InputDataConfig=[{"ChannelName": "train", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": "s3://acme-llm-training-data/west/"}}}],
        OutputDataConfig={"S3OutputPath": "s3://acme-llm-model-artifacts/west/"},
        ResourceConfig={"InstanceType": "ml.g5.2xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
        StoppingCondition={"MaxRuntimeInSeconds": 86400})

    # Processing: RAG evaluation isolated and encrypted; west data prep neither.
    jobs = ((east, PRIMARY, "acme-rag-eval", True), (west, SECONDARY, "acme-data-prep-west", False))
    for sm, region, name, good in jobs:
        cluster = {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 10,
                   **({"VolumeKmsKeyId": key} if good else {})}
        sm.create_processing_job(
            ProcessingJobName=name, RoleArn=role, ProcessingResources={"ClusterConfig": cluster},
            AppSpecification={"ImageUri": _image(region, "acme-train" if good else "acme-west-serve")},
            NetworkConfig={"EnableNetworkIsolation": good},
            ProcessingOutputConfig={"Outputs": [{"OutputName": "report", "S3Output": {
                "S3Uri": f"s3://acme-llm-model-artifacts/{name}/", "LocalPath": "/opt/ml/processing/output",
                "S3UploadMode": "EndOfJob"}}], **({"KmsKeyId": key} if good else {})})
        restore_sagemaker_fields(region, "processing_jobs", name, processing_resources={"ClusterConfig": cluster})

    # Studio: VPC-only with the CMK in us-east-1; public internet, AWS owned key in us-west-2.
    east.create_domain(DomainName="acme-studio", AuthMode="IAM", DefaultUserSettings={"ExecutionRole": role},
                       SubnetIds=[seeded.ids[f"subnet:{PRIMARY}"]], VpcId=seeded.ids[f"vpc:{PRIMARY}"],
                       AppNetworkAccessType="VpcOnly", KmsKeyId=key)
    west.create_domain(DomainName="acme-studio-west", AuthMode="IAM", DefaultUserSettings={"ExecutionRole": role},
                       SubnetIds=[seeded.ids[f"subnet:{SECONDARY}"]], VpcId=seeded.ids[f"vpc:{SECONDARY}"],
                       AppNetworkAccessType="PublicInternetOnly")


def seed_ecr(client: Any, sim: Any, seeded: Any) -> None:
    # The serving image repository is hardened; the training one and the us-west-2 one are defaults.
    client("ecr", PRIMARY).create_repository(
        repositoryName="acme-serve", imageTagMutability="IMMUTABLE", imageScanningConfiguration={"scanOnPush": True},
        encryptionConfiguration={"encryptionType": "KMS", "kmsKey": seeded.ids["kms:data"]})
    client("ecr", PRIMARY).create_repository(repositoryName="acme-train")
    client("ecr", SECONDARY).create_repository(repositoryName="acme-west-serve")


def _alias(alias_id: str, name: str, version: str) -> dict[str, Any]:
    return {"agentAliasId": alias_id, "agentAliasName": name, "agentAliasStatus": "PREPARED",
            "routingConfiguration": [{"agentVersion": version}], "createdAt": NOW, "updatedAt": NOW}


def seed_paths_to_models(client: Any, sim: Any, seeded: Any) -> None:
    """Agent aliases and versions, a flow, direct model callers and an enforced guardrail."""
    support, gid = seeded.ids["agent:support"], seeded.ids["guardrail:support"]
    role, model = seeded.ids["role:acme-bedrock-agent-role"], "anthropic.claude-3-5-sonnet-20240620-v1:0"
    guardrail = {"guardrailIdentifier": gid, "guardrailVersion": "1"}

    def version(agent_id: str, name: str, number: str, region: str = PRIMARY, **settings: Any) -> None:
        sim.put("bedrock-agent", "GetAgentVersion", {"agentVersion": {
            "agentId": agent_id, "agentName": name,
            "agentArn": f"arn:aws:bedrock:{region}:{ACCOUNT_ID}:agent/{agent_id}",
            "version": number, "agentStatus": "PREPARED", "agentResourceRoleArn": role, "foundationModel": model,
            "idleSessionTTLInSeconds": 600, "createdAt": NOW, "updatedAt": NOW, **settings}},
            region=region, agentId=agent_id, agentVersion=number)

    # The support agent: its live alias routes to version 2, published with the strong guardrail.
    version(support, "acme-support-agent", "2", guardrailConfiguration=guardrail,
            instruction="You are Acme's support assistant.")
    sim.put("bedrock-agent", "ListAgentAliases", {"agentAliasSummaries": [
        _alias("TSTALIASID", "AgentTestAlias", "DRAFT"), _alias("SUPPORTLV1", "live", "2")]},
        region=PRIMARY, agentId=support)
    # Drift: the billing agent's DRAFT got the guardrail after version 1 was published; live routes to 1.
    # Its published instruction holds a credential (a demo value, shaped like a provider key).
    billing = client("bedrock-agent", PRIMARY).create_agent(
        agentName="acme-billing-agent", foundationModel=model, agentResourceRoleArn=role,
        instruction="You answer billing questions for Acme customers.")["agent"]["agentId"]
    seeded.ids["agent:billing"] = billing
    sim.put("bedrock-agent", "GetAgent", {"agent": {
        "agentId": billing, "agentName": "acme-billing-agent", "agentVersion": "DRAFT",
        "agentArn": f"arn:aws:bedrock:{PRIMARY}:{ACCOUNT_ID}:agent/{billing}", "agentStatus": "PREPARED",
        "agentResourceRoleArn": role, "foundationModel": model, "customerEncryptionKeyArn": seeded.ids["kms:data"],
        "idleSessionTTLInSeconds": 600, "instruction": "You answer billing questions.",
        "guardrailConfiguration": guardrail, "createdAt": NOW, "updatedAt": NOW}}, region=PRIMARY, agentId=billing)
    version(billing, "acme-billing-agent", "1",
            instruction="You answer billing questions. Call the billing API with api_key=sk-DEMO-billing-notreal0")
    sim.put("bedrock-agent", "ListAgentAliases", {"agentAliasSummaries": [
        _alias("TSTALIASID", "AgentTestAlias", "DRAFT"), _alias("BILLINGLV1", "live", "1")]},
        region=PRIMARY, agentId=billing)

    # The triage flow: its prod alias routes to version 1, whose prompt node uses the detect-only guardrail.
    flow_arn = f"arn:aws:bedrock:{PRIMARY}:{ACCOUNT_ID}:flow/FLOWTRIAGE"
    sim.put("bedrock-agent", "ListFlows", {"flowSummaries": [
        {"id": "FLOWTRIAGE", "arn": flow_arn, "name": "acme-triage-flow", "status": "Prepared", "version": "DRAFT",
         "createdAt": NOW, "updatedAt": NOW}]}, region=PRIMARY)
    sim.put("bedrock-agent", "ListFlowAliases", {"flowAliasSummaries": [
        {"id": "FLOWPROD01", "name": "prod", "flowId": "FLOWTRIAGE", "arn": f"{flow_arn}/alias/FLOWPROD01",
         "routingConfiguration": [{"flowVersion": "1"}], "createdAt": NOW, "updatedAt": NOW}]},
        region=PRIMARY, flowIdentifier="FLOWTRIAGE")
    sim.put("bedrock-agent", "GetFlowVersion", {
        "id": "FLOWTRIAGE", "name": "acme-triage-flow", "arn": flow_arn, "status": "Prepared", "version": "1",
        "executionRoleArn": role, "createdAt": NOW, "definition": {"nodes": [
            {"name": "FlowInput", "type": "Input", "configuration": {"input": {}}},
            {"name": "classify", "type": "Prompt", "configuration": {"prompt": {
                "sourceConfiguration": {"inline": {"modelId": model, "templateType": "TEXT",
                                                   "templateConfiguration": {"text": {"text": "{{ticket}}"}}}},
                "guardrailConfiguration": {"guardrailIdentifier": "gr0monitor01", "guardrailVersion": "1"}}}}]}},
        region=PRIMARY, flowIdentifier="FLOWTRIAGE", flowVersion="1")

    # Direct model callers: the chat app may call any model with no guardrail; the guarded app only with
    # the support guardrail's version 1 (and only in us-east-1).
    iam = client("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    allow = {"Effect": "Allow", "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream",
                                           "bedrock:Converse", "bedrock:ConverseStream"], "Resource": "*"}
    guarded = {**allow, "Resource": f"arn:aws:bedrock:{PRIMARY}::foundation-model/*", "Condition": {
        "StringEquals": {"bedrock:GuardrailIdentifier": f"arn:aws:bedrock:{PRIMARY}:{ACCOUNT_ID}:guardrail/{gid}:1"}}}
    for name, statement in (("acme-chat-app-role", allow), ("acme-guarded-app-role", guarded)):
        seeded.ids[f"role:{name}"] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        iam.put_role_policy(RoleName=name, PolicyName="invoke-models", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [statement]}))

    # us-west-2: a guardrail enforced on every model call of the account (ListEnforcedGuardrailsConfiguration).
    west = _guardrail(SECONDARY, "gr0westenf01", "acme-west-enforced-guardrail", strong=True, key=None)
    sim.put("bedrock", "ListGuardrails", {"guardrails": [
        {"id": west["guardrailId"], "arn": west["guardrailArn"], "status": "READY", "name": west["name"],
         "version": "DRAFT", "createdAt": NOW, "updatedAt": NOW}]}, region=SECONDARY)
    sim.put("bedrock", "GetGuardrail", west, region=SECONDARY, guardrailIdentifier=west["guardrailId"])
    sim.put("bedrock", "GetGuardrail", {**west, "version": "1"}, region=SECONDARY,
            guardrailIdentifier=west["guardrailId"], guardrailVersion="1")
    sim.put("bedrock", "ListEnforcedGuardrailsConfiguration", {"guardrailsConfig": [
        {"configId": "acme-west-all-models", "guardrailArn": west["guardrailArn"], "guardrailId": west["guardrailId"],
         "guardrailVersion": "1", "owner": "ACCOUNT", "createdAt": NOW, "createdBy": "security-team",
         "updatedAt": NOW, "updatedBy": "security-team"}]}, region=SECONDARY)


def seed(client: Any, sim: Any, seeded: Any) -> None:
    for part in (seed_guardrails_and_agents, seed_bedrock_resources, seed_invocation_logging, seed_sagemaker,
                 seed_ecr, seed_paths_to_models):
        part(client, sim, seeded)
