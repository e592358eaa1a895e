"""Bedrock agents judged as they run: the guardrail an agent version names.

The agents, their aliases, the versions those route to and their action groups are read by
checks/_read/bedrock_agent.py; the names below it re-exports are what other check modules still import
from here.
"""

from __future__ import annotations

from typing import Any

from posture.checks._read.bedrock import DRAFT
from posture.checks._read.bedrock_agent import AGENT_TOOL_READS
from posture.checks._read.bedrock_agent import agents as agents  # re-export until the importers move
from posture.checks._read.bedrock_agent import function_arn as function_arn  # re-export until the importers move
from posture.checks._read.bedrock_agent import tool_executors as tool_executors  # re-export until the importers move
from posture.checks._read.bedrock_agent import tool_functions as tool_functions  # re-export until the importers move

# IAM actions of tool_executors / tool_functions, for the check modules that still list permissions.
AGENT_TOOL_PERMISSIONS = AGENT_TOOL_READS.actions  # re-export until the importers move


def guardrail_of(version: dict[str, Any]) -> tuple[str, str] | None:
    """(guardrail identifier, guardrail version) a version names, or None (the key is absent then)."""
    config = version.get("guardrailConfiguration") or {}
    if not config.get("guardrailIdentifier"):
        return None
    return str(config["guardrailIdentifier"]), str(config.get("guardrailVersion") or DRAFT)
