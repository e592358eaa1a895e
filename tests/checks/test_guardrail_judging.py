"""Judging Bedrock as it runs, on plain records (no AWS): filters as they act, alias routing,
versions in use, direct callers through the shared policy evaluator, enforced coverage."""

from __future__ import annotations

import pytest

from posture.checks import _agents, _coverage, _guardrails
from posture.checks._guardrails import Thresholds
from posture.checks._read import bedrock, bedrock_agent
from tests.support.bedrock_world import detect_only, strong_guardrail, weak_guardrail, without_prompt_attack

DEFAULT = Thresholds()


# -- filters: absent keys are the defaults (BLOCK, enabled) ----------------------------------
def test_a_filter_with_no_action_or_enabled_keys_blocks():
    flt = {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"}
    given = _guardrails.side(flt, "input")
    assert (given.action, given.enabled, given.blocks, given.detect_only) == ("BLOCK", True, True, False)


@pytest.mark.parametrize("flt,state", [
    ({"inputStrength": "HIGH", "inputAction": "NONE"}, "detect-only (action NONE)"),
    ({"inputStrength": "HIGH", "inputEnabled": False}, "off"),
    ({"inputStrength": "NONE"}, "strength NONE"),
    ({"inputStrength": "MEDIUM", "inputAction": "BLOCK", "inputEnabled": True}, "blocks at MEDIUM"),
])
def test_filter_states(flt, state):
    assert _guardrails.side(flt, "input").state() == state


def test_prompt_attack_default_guardrail_passes_and_detect_only_fails():
    assert _guardrails.judge_prompt_attack(strong_guardrail("g"), DEFAULT).ok
    verdict = _guardrails.judge_prompt_attack(detect_only(strong_guardrail("g")), DEFAULT)
    assert not verdict.ok
    assert "detect-only (action NONE)" in verdict.message
    assert verdict.evidence["filter_state"] == "detect-only (action NONE)"


def test_prompt_attack_missing_or_below_threshold_fails():
    assert not _guardrails.judge_prompt_attack(without_prompt_attack(strong_guardrail("g")), DEFAULT).ok
    medium = strong_guardrail("g")
    medium["contentPolicy"]["filters"][-1]["inputStrength"] = "MEDIUM"
    assert not _guardrails.judge_prompt_attack(medium, DEFAULT).ok
    assert _guardrails.judge_prompt_attack(medium, Thresholds(prompt_attack="MEDIUM")).ok


def test_harm_threshold_is_medium_or_above_by_default():
    low = strong_guardrail("g")
    for flt in low["contentPolicy"]["filters"]:
        if flt["type"] == "HATE":
            flt["inputStrength"] = "LOW"
    verdict = _guardrails.judge_harm(low, DEFAULT)
    assert not verdict.ok and verdict.evidence["below_strength"] == ["HATE input"]
    assert _guardrails.judge_harm(low, Thresholds(harm="LOW")).ok
    assert _guardrails.judge_harm(strong_guardrail("g"), DEFAULT).ok
    assert "detect-only" in _guardrails.judge_harm(detect_only(strong_guardrail("g")), DEFAULT).message


@pytest.mark.parametrize("change,ok", [
    ({}, True),
    ({"action": "NONE"}, False),
    ({"enabled": False}, False),
    ({"threshold": 0}, False),
    ({"action": "BLOCK", "enabled": True}, True),
])
def test_grounding_needs_blocking_grounding_and_relevance(change, ok):
    detail = strong_guardrail("g")
    detail["contextualGroundingPolicy"]["filters"][0].update(change)
    assert _guardrails.judge_grounding(detail, DEFAULT).ok is ok


def test_grounding_threshold_from_config():
    assert not _guardrails.judge_grounding(strong_guardrail("g"), Thresholds(grounding=0.8)).ok
    missing_relevance = strong_guardrail("g")
    missing_relevance["contextualGroundingPolicy"]["filters"].pop()
    assert not _guardrails.judge_grounding(missing_relevance, DEFAULT).ok


@pytest.mark.parametrize("entity,blocks", [
    ({"type": "EMAIL", "action": "ANONYMIZE"}, True),
    ({"type": "EMAIL", "action": "BLOCK"}, True),
    ({"type": "EMAIL", "action": "NONE"}, False),
    ({"type": "EMAIL", "action": "NONE", "outputAction": "ANONYMIZE"}, True),
    ({"type": "EMAIL", "action": "BLOCK", "inputEnabled": False, "outputEnabled": False}, False),
])
def test_pii_actions_fall_back_to_action(entity, blocks):
    assert _guardrails.judge_pii({"sensitiveInformationPolicy": {"piiEntities": [entity]}}).ok is blocks


def test_blocking_filters_of_a_detect_only_version_are_none():
    assert "PROMPT_ATTACK" in _guardrails.blocking_filters(strong_guardrail("g"))
    assert _guardrails.blocking_filters(detect_only(strong_guardrail("g"))) == []
    assert _guardrails.blocking_filters(weak_guardrail("g")) == ["HATE"]


@pytest.mark.parametrize("identifier,expected", [
    ("gr1", ("gr1", None)),
    ("arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1", ("gr1", None)),
    ("arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1:3", ("gr1", "3")),
])
def test_guardrail_identifiers(identifier, expected):
    assert bedrock.parse_identifier(identifier) == expected


# -- alias routing ---------------------------------------------------------------------------
def test_alias_routes_to_every_version_it_names_and_test_alias_to_draft():
    assert bedrock_agent.routed_versions({"routingConfiguration": [{"agentVersion": "2"}, {"agentVersion": "3"}]}) == \
        ["2", "3"]
    assert bedrock_agent.routed_versions({"agentAliasId": "TSTALIASID", "routingConfiguration": [
        {"agentVersion": "DRAFT"}]}) == ["DRAFT"]
    assert bedrock_agent.routed_versions({"agentAliasId": "TSTALIASID"}) == ["DRAFT"]
    assert bedrock_agent.routed_versions({"agentAliasId": "LIVE", "routingConfiguration": []}) == []


def test_guardrail_of_a_version_absent_key_is_none():
    assert _agents.guardrail_of({}) is None
    assert _agents.guardrail_of({"guardrailConfiguration": {"guardrailIdentifier": "g", "guardrailVersion": "2"}}) \
        == ("g", "2")


def test_versions_in_use_are_those_paths_name():
    found = _coverage.Coverage(paths=[
        _coverage.Path("agent alias", "A/L", None, "agent a alias live (version 2)", ["*"],
                       guardrails=[_coverage.ref("g", "2")]),
        _coverage.Path("direct caller", "arn:role", None, "role app", ["*"],
                       guardrails=[_coverage.ref("arn:aws:bedrock:us-east-1:1:guardrail/g:2")])],
        enforced=[_coverage.Enforced(_coverage.ref("h", "1"), "account")])
    uses = {r.label: users for r, users in found.uses().items()}
    assert uses == {"h:1": ["enforced for the account"],
                    "g:2": ["agent a alias live (version 2)", "role app"]}
    assert "g:DRAFT" not in uses  # DRAFT counts only where something uses it


# -- direct callers (through the shared policy evaluator) ------------------------------------
INVOKE = {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}
GUARDRAIL_ARN = "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1:1"


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_caller_without_condition_is_unguarded():
    verdict = _coverage.judge_caller([doc(INVOKE)], None, "us-east-1")
    assert verdict is not None and verdict.unguarded


def test_caller_required_to_name_a_guardrail_is_guarded_by_it():
    verdict = _coverage.judge_caller([doc({**INVOKE, "Condition": {
        "StringEquals": {"bedrock:GuardrailIdentifier": GUARDRAIL_ARN}}})], None, "us-east-1")
    assert verdict is not None and not verdict.unguarded and verdict.required == [GUARDRAIL_ARN]


def test_caller_with_one_unconditioned_statement_is_unguarded():
    guarded = {**INVOKE, "Condition": {"StringEquals": {"bedrock:GuardrailIdentifier": GUARDRAIL_ARN}}}
    verdict = _coverage.judge_caller([doc(guarded, {"Effect": "Allow", "Action": "bedrock:Converse",
                                                    "Resource": "*"})], None, "us-east-1")
    assert verdict is not None and verdict.unguarded


def test_caller_outside_the_region_or_without_invoke_is_not_a_caller():
    regional = {**INVOKE, "Resource": "arn:aws:bedrock:us-west-2::foundation-model/*"}
    assert _coverage.judge_caller([doc(regional)], None, "us-east-1") is None
    assert _coverage.judge_caller([doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})], None,
                                  "us-east-1") is None


def test_boundary_without_invoke_removes_the_caller():
    boundary = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    assert _coverage.judge_caller([doc(INVOKE)], boundary, "us-east-1") is None


# -- enforced guardrails and paths -----------------------------------------------------------
def test_enforced_guardrail_covers_models():
    every = _coverage.Enforced(_coverage.ref("g", "1"), "account")
    assert every.covers(["*"])
    some = _coverage.Enforced(_coverage.ref("g", "1"), "account", ("ALL",), ("amazon.titan-embed-text-v2:0",))
    assert not some.covers(["*"])
    assert some.covers(["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3"])
    assert not some.covers(["amazon.titan-embed-text-v2:0"])


def test_org_policy_names_the_guardrail_of_its_region():
    content = {"bedrock": {"guardrail_inference": {"us-east-1": {"config_1": {
        "identifier": {"@@assign": GUARDRAIL_ARN}, "input_tags": {"@@assign": "honor"}}}}}}
    found = _coverage.org_policy_enforced(content, "us-east-1")
    assert [(e.guardrail.label, e.owner) for e in found] == [("gr1:1", "organization")]
    assert _coverage.org_policy_enforced(content, "eu-west-1") == []


def test_path_verdicts():
    strong, none = _coverage.ref("g", "1"), _coverage.ref("n", "1")
    details = {strong: strong_guardrail("g"), none: detect_only(strong_guardrail("n"))}
    guarded = _coverage.judge_path(_coverage.Path("agent alias", "a", None, "a", ["*"], [strong]), [], details)
    assert guarded.guarded and "PROMPT_ATTACK" in guarded.blocking_filters
    detect = _coverage.judge_path(_coverage.Path("agent alias", "a", None, "a", ["*"], [none]), [], details)
    assert not detect.guarded and "blocks nothing" in detect.reasons[0]
    bare = _coverage.Path("direct caller", "r", None, "r", ["*"], [], ["allowed without a guardrail"])
    assert not _coverage.judge_path(bare, [], details).guarded
    enforced = _coverage.judge_path(bare, [_coverage.Enforced(strong, "account")], details)
    assert enforced.guarded and enforced.applies == ["g:1 (enforced for the account)"]


def test_flow_nodes_that_call_a_model():
    definition = {"nodes": [
        {"name": "in", "type": "Input", "configuration": {"input": {}}},
        {"name": "ask", "type": "Prompt", "configuration": {"prompt": {
            "sourceConfiguration": {"inline": {"modelId": "m1"}},
            "guardrailConfiguration": {"guardrailIdentifier": "g", "guardrailVersion": "1"}}}},
        {"name": "search", "type": "KnowledgeBase", "configuration": {"knowledgeBase": {"knowledgeBaseId": "kb"}}},
        {"name": "answer", "type": "KnowledgeBase", "configuration": {"knowledgeBase": {
            "knowledgeBaseId": "kb", "modelId": "m2"}}}]}
    assert [(n, m, bool(g)) for n, m, g in _coverage.model_nodes(definition)] == [
        ("ask", "m1", True), ("answer", "m2", False)]  # retrieval only ("search") calls no model


@pytest.mark.parametrize("identifier,expected", [
    ("arn:aws:bedrock:us-east-1:1:guardrail/g:3", ("arn:aws:bedrock:us-east-1:1:guardrail/g", "3")),
    ("arn:aws:bedrock:us-east-1:1:guardrail/g:*", ("arn:aws:bedrock:us-east-1:1:guardrail/g", "*")),
    ("arn:aws:bedrock:us-east-1:1:guardrail/g", ("arn:aws:bedrock:us-east-1:1:guardrail/g", "")),
    ("g", ("g", "")),
])
def test_required_identifier_versions(identifier, expected):
    assert _coverage.split_version(identifier) == expected


def test_a_deny_without_the_named_guardrail_guards_an_open_allow():
    deny = {"Effect": "Deny", "Action": "bedrock:InvokeModel", "Resource": "*",
            "Condition": {"StringNotEquals": {"bedrock:GuardrailIdentifier": GUARDRAIL_ARN}}}
    verdict = _coverage.judge_caller([doc(INVOKE, deny)], None, "us-east-1")
    assert verdict is not None and not verdict.unguarded and verdict.required == [GUARDRAIL_ARN]
