"""The AWS operations posture reads that moto does not implement, answered by the
simulation layer. Defaults are what a fresh account answers: nothing configured. A default of None
is "no such resource": answered with the not-found error botocore models for the operation
(`posture.demo.shapes.not_found`)."""

from __future__ import annotations

from posture.demo.simulation import Simulation

# (service, operation, answer of an account where nothing was configured)
MOTO_GAPS: tuple[tuple[str, str, object], ...] = (
    ("accessanalyzer", "ListAnalyzers", {"analyzers": []}),
    ("accessanalyzer", "ListFindingsV2", {"findings": []}),
    ("securityhub", "GetEnabledStandards", {"StandardsSubscriptions": []}),
    # moto lists no account before Inspector is enabled; AWS lists it as DISABLED.
    ("inspector2", "BatchGetAccountStatus", {"accounts": [{"accountId": "123456789012", "state": {"status": "DISABLED"},
        "resourceState": {t: {"status": "DISABLED"} for t in ("ec2", "ecr", "lambda", "lambdaCode")}}],
        "failedAccounts": []}),
    ("detective", "ListGraphs", {"GraphList": []}),
    ("securitylake", "ListDataLakes", {"dataLakes": []}),
    ("bedrock", "ListGuardrails", {"guardrails": []}),
    ("bedrock", "GetGuardrail", None),
    ("bedrock", "ListImportedModels", {"modelSummaries": []}),
    ("bedrock", "GetImportedModel", None),
    # moto invents the custom-model KMS key ARN: list and get are answered here, consistently.
    ("bedrock", "ListCustomModels", {"modelSummaries": []}),
    ("bedrock", "GetCustomModel", None),
    # moto drops an agent's guardrailConfiguration: GetAgent is answered here (put one per agentId).
    ("bedrock-agent", "GetAgent", None),
    ("bedrock-agent", "ListPrompts", {"promptSummaries": []}),
    ("bedrock-agent", "GetPrompt", None),
    ("sagemaker", "ListMonitoringSchedules", {"MonitoringScheduleSummaries": []}),
    # moto lacks schedules' Describe, feature group and inference experiment lists, and drops a feature
    # group's OnlineStoreConfig: answered here (one JSON-protocol answer per region, not per resource).
    ("sagemaker", "DescribeMonitoringSchedule", None),
    ("sagemaker", "ListFeatureGroups", {"FeatureGroupSummaries": []}),
    ("sagemaker", "DescribeFeatureGroup", None),
    ("sagemaker", "ListInferenceExperiments", {"InferenceExperiments": []}),
    ("sagemaker", "DescribeInferenceExperiment", None),
    # moto lists no lifecycle configurations (it creates and describes notebook ones), has no Studio
    # lifecycle configurations and no model package group policies (None: the group has none; the model lists
    # no error for it, so the simulation's documented fallback, ValidationException, answers).
    ("sagemaker", "ListNotebookInstanceLifecycleConfigs", {"NotebookInstanceLifecycleConfigs": []}),
    ("sagemaker", "ListStudioLifecycleConfigs", {"StudioLifecycleConfigs": []}),
    ("sagemaker", "DescribeStudioLifecycleConfig", None),
    ("sagemaker", "GetModelPackageGroupPolicy", None),
    ("bedrock-agent", "ListDataSources", {"dataSourceSummaries": []}),
    ("bedrock-agent", "GetDataSource", None),
    ("bedrock-agent", "ListAgentActionGroups", {"actionGroupSummaries": []}),
    ("bedrock-agent", "ListAgentKnowledgeBases", {"agentKnowledgeBaseSummaries": []}),
    ("bedrock-agent", "ListAgentAliases", {"agentAliasSummaries": []}),
    ("bedrock-agent", "GetAgentActionGroup", None),
    # Published agent versions (what aliases route to), flows and their aliases and versions.
    ("bedrock-agent", "GetAgentVersion", None),
    ("bedrock-agent", "ListFlows", {"flowSummaries": []}),
    ("bedrock-agent", "GetFlow", None),
    ("bedrock-agent", "ListFlowAliases", {"flowAliasSummaries": []}),
    ("bedrock-agent", "GetFlowVersion", None),
    ("bedrock", "ListEnforcedGuardrailsConfiguration", {"guardrailsConfig": []}),
    # moto has no service-specific credentials (long-term Bedrock API keys) and no last-accessed jobs:
    # answered here as IAM does (XML), put per UserName+ServiceName and per JobId.
    ("iam", "ListServiceSpecificCredentials", {"ServiceSpecificCredentials": []}),
    ("iam", "GenerateServiceLastAccessedDetails", {"JobId": "00000000-0000-4000-8000-000000000000"}),
    ("iam", "GetServiceLastAccessedDetails", {"JobStatus": "COMPLETED", "JobType": "SERVICE_LEVEL",
                                              "JobCreationDate": "2026-11-01T00:00:00Z",
                                              "JobCompletionDate": "2026-11-01T00:00:01Z",
                                              "ServicesLastAccessed": []}),
    # Model access: the foundation models of a region, their availability, inference profiles, provisioned throughput.
    ("bedrock", "ListFoundationModels", {"modelSummaries": []}),
    ("bedrock", "GetFoundationModelAvailability", None),
    ("bedrock", "ListInferenceProfiles", {"inferenceProfileSummaries": []}),
    ("bedrock", "ListProvisionedModelThroughputs", {"provisionedModelSummaries": []}),
    # moto lacks effective policies; None (EffectivePolicyNotFoundException): no policy of the type applies.
    ("organizations", "DescribeEffectivePolicy", None),
    ("network-firewall", "DescribeFirewallPolicy", None),
    # moto reports a Macie session before Macie was ever enabled; None: no session (ResourceNotFoundException).
    ("macie2", "GetMacieSession", None),
    ("macie2", "GetAutomatedDiscoveryConfiguration", {"status": "DISABLED"}),
    ("backup", "ListBackupSelections", {"BackupSelectionsList": []}),
    ("backup", "GetBackupSelection", None),
    # moto has AgentCore runtimes, gateways and memories, but no browser or code-interpreter tools.
    ("bedrock-agentcore-control", "ListBrowsers", {"browserSummaries": []}),
    ("bedrock-agentcore-control", "GetBrowser", None),
    ("bedrock-agentcore-control", "ListCodeInterpreters", {"codeInterpreterSummaries": []}),
    ("bedrock-agentcore-control", "GetCodeInterpreter", None),
    # Knowledge-base ingestion jobs (put one answer per knowledgeBaseId and dataSourceId).
    ("bedrock-agent", "ListIngestionJobs", {"ingestionJobSummaries": []}),
    # moto creates OpenSearch Serverless collections only in some policy orders and invents their key:
    # collections are answered here (a JSON-protocol answer: one per region, listing its collections).
    ("opensearchserverless", "BatchGetCollection", {"collectionDetails": [], "collectionErrorDetails": []}),
    # Nor its data access policies (one answer per region: the JSON protocol has no URI parameters).
    ("opensearchserverless", "ListAccessPolicies", {"accessPolicySummaries": []}),
    ("opensearchserverless", "GetAccessPolicy", None),
    # moto has no Amazon Q Business.
    ("qbusiness", "ListApplications", {"applications": []}),
    ("qbusiness", "GetApplication", None),
    # moto has no CloudWatch Logs data protection: {} is a log group without a policy of its own.
    ("logs", "GetDataProtectionPolicy", {}),
    ("logs", "DescribeAccountPolicies", {"accountPolicies": []}),
    # moto has identity pools but not their roles; GuardDuty Malware Protection for S3 plans.
    ("cognito-identity", "GetIdentityPoolRoles", {"Roles": {}}),
    ("guardduty", "ListMalwareProtectionPlans", {"malwareProtectionPlans": []}),  # rest-json: wire names
    ("guardduty", "GetMalwareProtectionPlan", None),
    # Nor AgentCore Identity's token vault or resource policies: none yet is ResourceNotFoundException.
    ("bedrock-agentcore-control", "GetTokenVault", None),
    ("bedrock-agentcore-control", "GetResourcePolicy", None),
    # Nor Bedrock guardrails' and knowledge bases' resource policies: none yet.
    ("bedrock", "GetResourcePolicy", None),
    ("bedrock-agent", "GetResourcePolicy", None),
    # moto raises NotImplementedError for LookupEvents: an empty event history.
    ("cloudtrail", "LookupEvents", {"Events": []}),
)


def simulate_moto_gaps(simulation: Simulation) -> None:
    for service, operation, default in MOTO_GAPS:
        simulation.simulate(service, operation, default)
