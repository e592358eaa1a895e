"""Bedrock agents judged as they run: the guardrail an agent version names.

The agents, their aliases, the versions those route to and their action groups are read by
checks/_read/bedrock_agent.py; what a version names is judged here, for the agent checks and the
guardrail coverage alike.
"""

from __future__ import annotations

from typing import Any

from posture.checks._read.bedrock import DRAFT


def guardrail_of(version: dict[str, Any]) -> tuple[str, str] | None:
    """(guardrail identifier, guardrail version) a version names, or None (the key is absent then)."""
    config = version.get("guardrailConfiguration") or {}
    if not config.get("guardrailIdentifier"):
        return None
    return str(config["guardrailIdentifier"]), str(config.get("guardrailVersion") or DRAFT)
