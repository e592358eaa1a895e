"""The judging functions over answers shaped as real AWS answers are (tests/data/recorded/README.md).

Each fixture is first held to botocore's model (as the simulation holds its answers), then judged: a real
guardrail created with the console's defaults carries no inputAction/outputAction/…Enabled keys, and blocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from posture.checks import _guardrails
from posture.checks._guardrails import Thresholds
from posture.checks.bedrock import logging_problems
from posture.demo.shapes import check_answer

RECORDED = Path(__file__).parent.parent / "data" / "recorded"


def answer(name: str) -> Any:
    return json.loads((RECORDED / name).read_text())


@pytest.mark.parametrize("path", sorted(RECORDED.glob("*.json")), ids=lambda p: p.name)
def test_every_fixture_is_an_answer_botocore_models(path: Path) -> None:
    service, operation, _case, _ = path.name.split(".")
    model = botocore.session.get_session().get_service_model(service).operation_model(operation)
    check_answer(model, json.loads(path.read_text()))


def test_a_guardrail_with_the_consoles_defaults_blocks_everything_it_filters() -> None:
    guardrail = answer("bedrock.GetGuardrail.console-defaults.json")
    filters = guardrail["contentPolicy"]["filters"]
    assert not any(k.endswith(("Action", "Enabled")) for f in filters for k in f)  # as AWS records it
    assert _guardrails.judge_prompt_attack(guardrail, Thresholds()).ok
    assert _guardrails.judge_harm(guardrail, Thresholds()).ok
    assert _guardrails.blocks(guardrail)
    assert set(_guardrails.blocking_filters(guardrail)) == {f["type"] for f in filters}


def test_invocation_logging_as_recorded_is_in_force_and_never_configured_is_not() -> None:
    config = answer("bedrock.GetModelInvocationLoggingConfiguration.s3-and-cloudwatch.json")["loggingConfig"]
    assert logging_problems(config, bucket=True, group=True, role={"Statement": []}, role_trusts_bedrock=True) == []
    never = answer("bedrock.GetModelInvocationLoggingConfiguration.never-configured.json").get("loggingConfig") or {}
    assert logging_problems(never, bucket=None, group=None, role=None, role_trusts_bedrock=False) == [
        "model invocation logging is not configured"]
