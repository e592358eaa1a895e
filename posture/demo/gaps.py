"""The AWS operations posture reads that moto does not implement, answered by the
simulation layer. Defaults are what a fresh account answers: nothing configured."""

from __future__ import annotations

from posture.demo.simulation import Simulation

# (service, operation, answer of an account where nothing was configured)
MOTO_GAPS: tuple[tuple[str, str, object], ...] = (
    ("accessanalyzer", "ListAnalyzers", {"analyzers": []}),
    ("bedrock", "ListGuardrails", {"guardrails": []}),
    ("bedrock-agent", "ListDataSources", {"dataSourceSummaries": []}),
    ("bedrock-agent", "GetDataSource", None),
    ("bedrock-agent", "ListAgentActionGroups", {"actionGroupSummaries": []}),
    ("bedrock-agent", "ListAgentKnowledgeBases", {"agentKnowledgeBaseSummaries": []}),
    ("bedrock-agent", "ListAgentAliases", {"agentAliasSummaries": []}),
)


def simulate_moto_gaps(simulation: Simulation) -> None:
    for service, operation, default in MOTO_GAPS:
        simulation.simulate(service, operation, default)
