"""The GenAI inventory: which AI assets the account has, and the Generative AI Security
Scoping Matrix scope they are evidence of.

Scopes (AWS's Generative AI Security Scoping Matrix): 3 builds on pre-trained models
(Bedrock agents, knowledge bases, guardrails, SageMaker hosting), 4 fine-tunes models
(Bedrock custom and imported models, SageMaker training jobs that start from a model
channel), 5 trains its own models (SageMaker training jobs without a model channel).
Scopes 1 and 2 (consumer and enterprise apps) leave no trace in the account's APIs.
"""

from __future__ import annotations

from collections.abc import Iterator

from posture.api import Asset, CheckContext, inventory
from posture.checks._read import bedrock, bedrock_agent, sagemaker

PRE_TRAINED, FINE_TUNED, SELF_TRAINED = 3, 4, 5


@inventory(
    id="inventory.bedrock_models",
    title="Bedrock custom models, imported models and guardrails",
    service="bedrock",
    scope="regional",
    reads=[bedrock.CUSTOM_MODEL, bedrock.IMPORTED_MODEL, bedrock.LIST_GUARDRAILS],
)
def bedrock_models(ctx: CheckContext) -> Iterator[Asset]:
    for model in bedrock.custom_models(ctx):
        kind = model.get("customizationType") or "FINE_TUNING"
        yield ctx.asset("bedrock.custom_model", model["modelName"], arn=model.get("modelArn"),
                        scoping_scope=FINE_TUNED, evidence=f"Bedrock custom model ({kind.lower()})")
    for model in bedrock.imported_models(ctx):
        yield ctx.asset("bedrock.imported_model", model["modelName"], arn=model.get("modelArn"),
                        scoping_scope=FINE_TUNED, evidence="model weights imported into Bedrock")
    for guardrail in bedrock.guardrails(ctx):
        yield ctx.asset("bedrock.guardrail", guardrail["name"], arn=guardrail.get("arn"),
                        scoping_scope=PRE_TRAINED, evidence="guardrail on foundation-model use")


@inventory(
    id="inventory.bedrock_agents",
    title="Bedrock agents and knowledge bases",
    service="bedrock-agent",
    scope="regional",
    reads=[bedrock_agent.LIST_AGENTS, bedrock_agent.LIST_KNOWLEDGE_BASES],
)
def bedrock_agents(ctx: CheckContext) -> Iterator[Asset]:
    for agent in bedrock_agent.agents(ctx):
        yield ctx.asset("bedrock.agent", agent["agentName"], arn=ctx.arn("bedrock", f"agent/{agent['agentId']}"),
                        scoping_scope=PRE_TRAINED, evidence="agent built on a foundation model")
    for kb in bedrock_agent.knowledge_bases(ctx):
        yield ctx.asset("bedrock.knowledge_base", kb["name"],
                        arn=ctx.arn("bedrock", f"knowledge-base/{kb['knowledgeBaseId']}"),
                        scoping_scope=PRE_TRAINED, evidence="RAG knowledge base for a foundation model")


@inventory(
    id="inventory.sagemaker",
    title="SageMaker domains, notebooks, models, endpoints and training jobs",
    service="sagemaker",
    scope="regional",
    reads=[sagemaker.DOMAIN, sagemaker.NOTEBOOK, sagemaker.MODEL, sagemaker.ENDPOINT.list, sagemaker.TRAINING_JOB],
)
def sagemaker_assets(ctx: CheckContext) -> Iterator[Asset]:
    for domain in sagemaker.domains(ctx):
        yield ctx.asset("sagemaker.domain", domain.get("DomainName") or domain["DomainId"],
                        arn=domain.get("DomainArn"))
    for notebook in sagemaker.notebooks(ctx):
        yield ctx.asset("sagemaker.notebook", notebook["NotebookInstanceName"],
                        arn=notebook.get("NotebookInstanceArn"))
    for model in sagemaker.models(ctx):
        yield ctx.asset("sagemaker.model", model["ModelName"], arn=model.get("ModelArn"),
                        scoping_scope=PRE_TRAINED, evidence="model hosted on SageMaker")
    for endpoint in sagemaker.endpoints(ctx):
        yield ctx.asset("sagemaker.endpoint", endpoint["EndpointName"], arn=endpoint.get("EndpointArn"),
                        scoping_scope=PRE_TRAINED, evidence="SageMaker inference endpoint")
    for job in sagemaker.training_jobs(ctx):
        channels = [c.get("ChannelName", "").lower() for c in job.get("InputDataConfig", [])]
        fine_tunes = any("model" in name for name in channels)
        yield ctx.asset(
            "sagemaker.training_job", job["TrainingJobName"], arn=job.get("TrainingJobArn"),
            scoping_scope=FINE_TUNED if fine_tunes else SELF_TRAINED,
            evidence="training job starting from a model channel" if fine_tunes
            else "training job on the account's own data, no base model channel",
        )
