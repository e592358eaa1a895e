"""Bedrock as callers reach it, for tests: guardrails with DRAFT and numbered versions, agents with
aliases routing to published versions, flows, enforced guardrails (the simulation answers what moto lacks)."""

from __future__ import annotations

import copy
from typing import Any

from posture.demo.seeds.model import detect_only as detect_only  # the demo's own, reused by the tests

ACCOUNT = "123456789012"
NOW = "2026-11-01T00:00:00Z"
HARM = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")
MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"


def guardrail_arn(gid: str, region: str = "us-east-1") -> str:
    return f"arn:aws:bedrock:{region}:{ACCOUNT}:guardrail/{gid}"


def strong_guardrail(gid: str, key: str | None = None, version: str = "DRAFT") -> dict[str, Any]:
    """Filters as AWS answers them when created with defaults: no action or enabled keys at all."""
    detail: dict[str, Any] = {
        "name": gid, "guardrailId": gid, "guardrailArn": guardrail_arn(gid), "version": version,
        "status": "READY", "createdAt": NOW, "updatedAt": NOW,
        "blockedInputMessaging": "no", "blockedOutputsMessaging": "no",
        "contentPolicy": {"filters": [
            *({"type": t, "inputStrength": "HIGH", "outputStrength": "HIGH"} for t in HARM),
            {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"}]},
        "sensitiveInformationPolicy": {"piiEntities": [{"type": "EMAIL", "action": "ANONYMIZE"}], "regexes": []},
        "contextualGroundingPolicy": {"filters": [{"type": "GROUNDING", "threshold": 0.75},
                                                  {"type": "RELEVANCE", "threshold": 0.5}]},
    }
    if key:
        detail["kmsKeyArn"] = key
    return detail


def weak_guardrail(gid: str, version: str = "DRAFT") -> dict[str, Any]:
    detail = strong_guardrail(gid, None, version)
    detail["contentPolicy"] = {"filters": [
        {"type": "HATE", "inputStrength": "HIGH", "outputStrength": "NONE"},
        {"type": "PROMPT_ATTACK", "inputStrength": "NONE", "outputStrength": "NONE"}]}
    detail["sensitiveInformationPolicy"] = {"piiEntities": [{"type": "EMAIL", "action": "NONE"}]}
    del detail["contextualGroundingPolicy"]
    return detail


def without_prompt_attack(detail: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(detail)
    changed["contentPolicy"]["filters"] = [f for f in changed["contentPolicy"]["filters"]
                                           if f["type"] != "PROMPT_ATTACK"]
    return changed


def put_guardrail(aws: Any, draft: dict[str, Any], versions: dict[str, dict[str, Any]] | None = None,
                  region: str = "us-east-1") -> str:
    gid = draft["guardrailId"]
    aws.simulation.put("bedrock", "ListGuardrails", {"guardrails": [
        {"id": gid, "arn": draft["guardrailArn"], "status": "READY", "name": gid, "version": "DRAFT",
         "createdAt": NOW, "updatedAt": NOW}]}, region=region)
    aws.simulation.put("bedrock", "GetGuardrail", draft, region=region, guardrailIdentifier=gid)
    for version, detail in (versions or {}).items():
        aws.simulation.put("bedrock", "GetGuardrail", {**detail, "version": version}, region=region,
                           guardrailIdentifier=gid, guardrailVersion=version)
    return gid


def attach(gid: str, version: str = "1") -> dict[str, Any]:
    return {"guardrailConfiguration": {"guardrailIdentifier": gid, "guardrailVersion": version}}


def make_agent(aws: Any, name: str = "support", region: str = "us-east-1", *,
               versions: dict[str, dict[str, Any]] | None = None,
               aliases: list[tuple[str, str, list[str]]] | None = None, **draft: Any) -> str:
    """An agent created in moto; GetAgent (its DRAFT), GetAgentVersion for each of `versions` and the
    alias listing (alias id, name, versions it routes to) are answered by the simulation."""
    created = aws.client("bedrock-agent", region).create_agent(
        agentName=name, foundationModel=MODEL, agentResourceRoleArn=f"arn:aws:iam::{ACCOUNT}:role/agent",
    )["agent"]
    agent_id = created["agentId"]
    base = {"agentId": agent_id, "agentName": name, "agentArn": created["agentArn"], "agentStatus": "PREPARED",
            "idleSessionTTLInSeconds": 600, "agentResourceRoleArn": f"arn:aws:iam::{ACCOUNT}:role/agent",
            "foundationModel": MODEL, "createdAt": NOW, "updatedAt": NOW}
    aws.simulation.put("bedrock-agent", "GetAgent", {"agent": {**base, "agentVersion": "DRAFT", **draft}},
                       region=region, agentId=agent_id)
    for version, settings in (versions or {}).items():
        aws.simulation.put("bedrock-agent", "GetAgentVersion", {"agentVersion": {
            **base, "version": version, **settings}}, region=region, agentId=agent_id, agentVersion=version)
    if aliases is not None:
        aws.simulation.put("bedrock-agent", "ListAgentAliases", {"agentAliasSummaries": [
            {"agentAliasId": alias_id, "agentAliasName": alias_name, "agentAliasStatus": "PREPARED",
             "routingConfiguration": [{"agentVersion": v} for v in routed], "createdAt": NOW, "updatedAt": NOW}
            for alias_id, alias_name, routed in aliases]}, region=region, agentId=agent_id)
    return agent_id
