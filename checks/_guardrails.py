"""Bedrock guardrails as they act: one version at a time, a filter counts where it blocks.

A content filter answered with only `type` and strengths is the default: action BLOCK,
enabled (AWS omits `inputAction`, `inputEnabled`, ... then). Only an explicit `NONE`
action (detect-only: logged, never blocked) or `false` flag weakens a filter. PII
entities and regexes block with BLOCK or ANONYMIZE; their per-side actions fall back to
`action`. The minimum strengths and thresholds come from posture.toml `[checks.bedrock]`
(`prompt_attack_min_strength`, `harm_min_strength`, `grounding_min_threshold`,
`relevance_min_threshold`), read by `thresholds(ctx)`.

Judging is plain code over the GetGuardrail answer (`judge_*`), so it is tested on dicts; the guardrails
are read by checks/_read/bedrock.py (`guardrails`, `guardrail`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from posture.api import CheckContext, EvidenceValue, SettingError

STRENGTHS = ("NONE", "LOW", "MEDIUM", "HIGH")
HARM_FILTERS = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")
PII_BLOCKING = ("BLOCK", "ANONYMIZE")
DETECT_ONLY = "detect-only (action NONE)"


# -- settings --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Thresholds:
    prompt_attack: str = "HIGH"  # minimum input strength of the PROMPT_ATTACK filter
    harm: str = "MEDIUM"  # minimum input and output strength of each harm category
    grounding: float = 0.0  # the GROUNDING threshold must be above this
    relevance: float = 0.0  # the RELEVANCE threshold must be above this


def thresholds(ctx: CheckContext) -> Thresholds:
    """The thresholds posture.toml sets for this check's prefix, else the defaults."""
    default = Thresholds()
    found = Thresholds(
        prompt_attack=ctx.setting("prompt_attack_min_strength", default.prompt_attack).upper(),
        harm=ctx.setting("harm_min_strength", default.harm).upper(),
        grounding=ctx.setting("grounding_min_threshold", default.grounding),
        relevance=ctx.setting("relevance_min_threshold", default.relevance),
    )
    for key, value in (("prompt_attack_min_strength", found.prompt_attack), ("harm_min_strength", found.harm)):
        if value not in STRENGTHS[1:]:
            raise SettingError(f"setting {key} must be one of {', '.join(STRENGTHS[1:])}, not {value!r}")
    return found


def _rank(strength: str) -> int:
    return STRENGTHS.index(strength) if strength in STRENGTHS else 0


# -- judging ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Side:
    """One side (input or output) of a content filter, defaults applied."""

    strength: str
    action: str
    enabled: bool

    @property
    def blocks(self) -> bool:
        return self.enabled and self.strength != "NONE" and self.action == "BLOCK"

    @property
    def detect_only(self) -> bool:
        return self.enabled and self.strength != "NONE" and self.action == "NONE"

    def state(self) -> str:
        if not self.enabled:
            return "off"
        if self.strength == "NONE":
            return "strength NONE"
        return DETECT_ONLY if self.action == "NONE" else f"blocks at {self.strength}"


def side(flt: dict[str, Any] | None, which: str) -> Side:
    """`which` is "input" or "output"; an absent filter is strength NONE."""
    flt = flt or {}
    return Side(strength=str(flt.get(f"{which}Strength") or "NONE"), action=str(flt.get(f"{which}Action") or "BLOCK"),
                enabled=flt.get(f"{which}Enabled", True) is not False)


def content_filters(guardrail: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(f.get("type", "")): f for f in (guardrail.get("contentPolicy") or {}).get("filters", [])}


def grounding_filters(guardrail: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(f.get("type", "")): f for f in (guardrail.get("contextualGroundingPolicy") or {}).get("filters", [])}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str
    evidence: dict[str, EvidenceValue] = field(default_factory=dict)


def judge_prompt_attack(guardrail: dict[str, Any], limits: Thresholds) -> Verdict:
    attack = content_filters(guardrail).get("PROMPT_ATTACK")
    given = side(attack, "input")
    evidence: dict[str, EvidenceValue] = {
        "input_strength": given.strength if attack else None, "input_action": given.action if attack else None,
        "input_enabled": given.enabled if attack else None, "required_strength": limits.prompt_attack,
        "filter_state": given.state() if attack else "absent"}
    if attack is None or given.strength == "NONE":
        return Verdict(False, "no prompt-attack filter on input", evidence)
    if not given.enabled:
        return Verdict(False, "the prompt-attack filter is off on input", evidence)
    if given.detect_only:
        return Verdict(False, f"the prompt-attack filter is {DETECT_ONLY}: attacks are logged, never blocked",
                       evidence)
    if _rank(given.strength) < _rank(limits.prompt_attack):
        return Verdict(False, f"prompt attacks are blocked at {given.strength} strength, below the "
                              f"required {limits.prompt_attack}", evidence)
    return Verdict(True, f"prompt attacks are blocked at {given.strength} strength", evidence)


def judge_harm(guardrail: dict[str, Any], limits: Thresholds) -> Verdict:
    filters = content_filters(guardrail)
    missing, weak, detect_only, off = [], [], [], []
    for name in HARM_FILTERS:
        for which in ("input", "output"):
            given, label = side(filters.get(name), which), f"{name} {which}"
            if given.strength == "NONE":
                missing.append(label)
            elif not given.enabled:
                off.append(label)
            elif given.detect_only:
                detect_only.append(label)
            elif _rank(given.strength) < _rank(limits.harm):
                weak.append(label)
    evidence: dict[str, EvidenceValue] = {"missing_filters": missing, "below_strength": weak,
                                          "detect_only": detect_only, "disabled": off,
                                          "required_strength": limits.harm,
                                          "filter_state": DETECT_ONLY if detect_only else None}
    problems = [f"{what} for {', '.join(names)}" for what, names in (
        ("no filter", missing), (DETECT_ONLY, detect_only), ("off", off), (f"below {limits.harm}", weak)) if names]
    if problems:
        return Verdict(False, "; ".join(problems), evidence)
    return Verdict(True, f"every harm category is blocked on input and output at {limits.harm} or above",
                   {**evidence, "filters": list(HARM_FILTERS)})


def _grounding_state(flt: dict[str, Any] | None, minimum: float) -> str:
    if flt is None:
        return "absent"
    if flt.get("enabled", True) is False:
        return "off"
    if (flt.get("action") or "BLOCK") == "NONE":
        return DETECT_ONLY
    threshold = float(flt.get("threshold") or 0)
    return "blocks" if threshold > minimum else f"threshold {threshold} not above {minimum}"


def judge_grounding(guardrail: dict[str, Any], limits: Thresholds) -> Verdict:
    filters = grounding_filters(guardrail)
    states = {name: _grounding_state(filters.get(name), minimum)
              for name, minimum in (("GROUNDING", limits.grounding), ("RELEVANCE", limits.relevance))}
    evidence: dict[str, EvidenceValue] = {
        "grounding_threshold": (filters.get("GROUNDING") or {}).get("threshold"),
        "relevance_threshold": (filters.get("RELEVANCE") or {}).get("threshold"),
        "grounding_state": states["GROUNDING"], "relevance_state": states["RELEVANCE"]}
    weak = [f"{name} {state}" for name, state in states.items() if state != "blocks"]
    if weak:
        return Verdict(False, f"contextual grounding does not block: {'; '.join(weak)}", evidence)
    return Verdict(True, "ungrounded and irrelevant answers are blocked", evidence)


def _pii_blocks(item: dict[str, Any]) -> bool | None:
    """True: blocks or masks on a side; None: detect-only (NONE) on every enabled side; False: off."""
    base = item.get("action") or "BLOCK"
    actions = [(item.get(f"{w}Action") or base) for w in ("input", "output") if item.get(f"{w}Enabled", True)
               is not False]
    if any(a in PII_BLOCKING for a in actions):
        return True
    return None if actions else False


def judge_pii(guardrail: dict[str, Any]) -> Verdict:
    policy = guardrail.get("sensitiveInformationPolicy") or {}
    items = [(str(e.get("type", "?")), e) for e in policy.get("piiEntities", [])] + \
            [(str(r.get("name", "?")), r) for r in policy.get("regexes", [])]
    blocking = [name for name, item in items if _pii_blocks(item)]
    detect = [name for name, item in items if _pii_blocks(item) is None]
    evidence: dict[str, EvidenceValue] = {"blocking": blocking, "detect_only": detect}
    if blocking:
        return Verdict(True, f"{len(blocking)} PII type(s) or pattern(s) are blocked or masked", evidence)
    if detect:
        return Verdict(False, f"sensitive-information filters are {DETECT_ONLY}: {', '.join(detect)}", evidence)
    return Verdict(False, "no sensitive-information filter", evidence)


def blocking_filters(guardrail: dict[str, Any]) -> list[str]:
    """Names of the filters of this version that block (any strength): what the coverage table shows."""
    found = [name for name, flt in content_filters(guardrail).items()
             if side(flt, "input").blocks or side(flt, "output").blocks]
    policy = guardrail.get("sensitiveInformationPolicy") or {}
    found += [f"PII:{e.get('type', '?')}" for e in policy.get("piiEntities", []) if _pii_blocks(e)]
    found += [f"REGEX:{r.get('name', '?')}" for r in policy.get("regexes", []) if _pii_blocks(r)]
    found += [name for name, flt in grounding_filters(guardrail).items() if _grounding_state(flt, 0.0) == "blocks"]
    topics = (guardrail.get("topicPolicy") or {}).get("topics", [])
    found += [f"TOPIC:{t.get('name', '?')}" for t in topics if (t.get("inputAction") or "BLOCK") == "BLOCK"
              and t.get("inputEnabled", True) is not False]
    return found


def blocks(guardrail: dict[str, Any]) -> bool:
    """Whether this version blocks anything at all (a version of detect-only filters does not)."""
    return bool(blocking_filters(guardrail))
