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

from posture.core import reference
from posture.core.models import Finding, Status, TrustBoundary


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
    HOLDS = "holds"  # at least one mapped control passes on every resource it judged here
    PARTIAL = "partial"  # no control passes everywhere, but some resources pass
    FAILS = "fails"  # controls were evaluated, nothing passes
    ERROR = "error"  # only unreadable evidence
    ABSENT = "absent"  # no mapped control was evaluated in this boundary


class RiskDefense(BaseModel):
    model_config = ConfigDict(frozen=True)

    risk: str
    name: str
    layers: dict[str, Layer]
    controls_passing: dict[str, int]  # per boundary: mapped checks that pass on every resource they judged
    controls_present: dict[str, int]  # per boundary: mapped checks with at least one finding
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


def layer_state(findings: Iterable[Finding]) -> tuple[Layer, int, int]:
    """(state, controls passing, controls present) of one boundary's layer for one risk.

    A layer holds when a mapped control passes there (DESIGN.md): a check whose every
    evaluated, unmuted finding in the boundary is PASS."""
    by_check: dict[str, list[Status]] = {}
    for f in findings:
        if not f.muted:
            by_check.setdefault(f.check_id, []).append(f.status)
    passing = sum(1 for statuses in by_check.values()
                  if Status.PASS in statuses and Status.FAIL not in statuses)
    statuses = {s for ss in by_check.values() for s in ss}
    if passing:
        state = Layer.HOLDS
    elif Status.PASS in statuses:
        state = Layer.PARTIAL
    elif Status.FAIL in statuses:
        state = Layer.FAILS
    else:
        state = Layer.ERROR if statuses else Layer.ABSENT
    return state, passing, len(by_check)


def defense_in_depth(findings: list[Finding]) -> list[RiskDefense]:
    """For each OWASP 2025 risk, the state of each trust boundary's layer of controls."""
    matrix = []
    for risk, name in reference.owasp_risks("2025").items():
        mapped = [f for f in findings if risk in f.owasp_llm]
        cells = {b.value: layer_state(f for f in mapped if b in f.boundaries) for b in TrustBoundary}
        layers = {b: cell[0] for b, cell in cells.items()}
        holding = sum(1 for state in layers.values() if state is Layer.HOLDS)
        present = sum(1 for state in layers.values() if state is not Layer.ABSENT)
        matrix.append(
            RiskDefense(
                risk=risk,
                name=name,
                layers=layers,
                controls_passing={b: cell[1] for b, cell in cells.items()},
                controls_present={b: cell[2] for b, cell in cells.items()},
                layers_holding=holding,
                layers_present=present,
                called_out=holding <= 1,
            )
        )
    return matrix
