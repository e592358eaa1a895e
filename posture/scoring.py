"""Scores per area (overall, trust boundary, CSF function, OWASP risk) and the
defense-in-depth matrix.

score    = 100 × Σ weight(PASS) / Σ weight(PASS + FAIL) over the area's findings
coverage = evaluated / (evaluated + ERROR): what share of the area could be read
An area with nothing evaluated is "not assessed" (score None), never 100. Muted
findings stay out of both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from posture import reference
from posture.models import Finding, Status, TrustBoundary


class AreaScore(BaseModel):
    model_config = ConfigDict(frozen=True)

    area: str
    name: str
    score: float | None
    assessed: bool
    passed: int
    failed: int
    errors: int
    coverage: float | None


class Layer(StrEnum):
    HOLDS = "holds"  # mapped controls evaluated in this boundary, all pass
    PARTIAL = "partial"  # some pass, some fail
    FAILS = "fails"  # evaluated, none pass
    ERROR = "error"  # only unreadable evidence
    ABSENT = "absent"  # nothing mapped here was evaluated


class RiskDefense(BaseModel):
    model_config = ConfigDict(frozen=True)

    risk: str
    name: str
    layers: dict[str, Layer]
    layers_holding: int
    layers_present: int
    called_out: bool  # held by one layer or none


class Scores(BaseModel):
    model_config = ConfigDict(frozen=True)

    overall: AreaScore
    boundaries: dict[str, AreaScore]
    csf_functions: dict[str, AreaScore]
    owasp_llm: dict[str, AreaScore]


def score_area(area: str, name: str, findings: Iterable[Finding]) -> AreaScore:
    passed = failed = errors = 0
    pass_weight = total_weight = 0
    for f in findings:
        if f.muted:
            continue
        if f.status is Status.ERROR:
            errors += 1
            continue
        total_weight += f.severity.weight
        if f.status is Status.PASS:
            passed += 1
            pass_weight += f.severity.weight
        else:
            failed += 1
    evaluated = passed + failed
    return AreaScore(
        area=area,
        name=name,
        score=round(100 * pass_weight / total_weight, 1) if total_weight else None,
        assessed=evaluated > 0,
        passed=passed,
        failed=failed,
        errors=errors,
        coverage=round(evaluated / (evaluated + errors), 3) if evaluated + errors else None,
    )


def _by(
    findings: list[Finding], names: dict[str, str], key: Callable[[Finding], Iterable[str]]
) -> dict[str, AreaScore]:
    return {
        area: score_area(area, name, [f for f in findings if area in key(f)]) for area, name in names.items()
    }


def score(findings: list[Finding]) -> Scores:
    return Scores(
        overall=score_area("overall", "Overall", findings),
        boundaries=_by(findings, {b.value: b.label for b in TrustBoundary}, lambda f: f.boundaries),
        csf_functions=_by(findings, reference.csf_functions(), lambda f: [s.split(".")[0] for s in f.csf]),
        owasp_llm=_by(findings, reference.owasp_risks("2025"), lambda f: f.owasp_llm),
    )


def layer_state(findings: Iterable[Finding]) -> Layer:
    statuses = [f.status for f in findings if not f.muted]
    passed, failed = Status.PASS in statuses, Status.FAIL in statuses
    if passed and failed:
        return Layer.PARTIAL
    if passed:
        return Layer.HOLDS
    if failed:
        return Layer.FAILS
    return Layer.ERROR if statuses else Layer.ABSENT


def defense_in_depth(findings: list[Finding]) -> list[RiskDefense]:
    """For each OWASP 2025 risk, the state of each trust boundary's layer of controls."""
    matrix = []
    for risk, name in reference.owasp_risks("2025").items():
        mapped = [f for f in findings if risk in f.owasp_llm]
        layers = {b.value: layer_state(f for f in mapped if b in f.boundaries) for b in TrustBoundary}
        holding = sum(1 for state in layers.values() if state is Layer.HOLDS)
        present = sum(1 for state in layers.values() if state is not Layer.ABSENT)
        matrix.append(
            RiskDefense(
                risk=risk,
                name=name,
                layers=layers,
                layers_holding=holding,
                layers_present=present,
                called_out=holding <= 1,
            )
        )
    return matrix
