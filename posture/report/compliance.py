"""The per-requirement view of a framework: for each requirement, the checks that give evidence
for it and what they found in this scan, and "manual evidence needed" where no check maps to it
(governance processes no API can show), so an auditor sees the whole framework.

The frameworks and their requirement ids come from the packaged reference data; which check maps
to which requirement comes from the checks' metadata. Nothing here knows a service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from posture.core import reference
from posture.core.models import CheckMeta, Finding, Status

RequirementStatus = Literal["fail", "error", "pass", "muted", "no_findings", "not_assessed", "manual"]
STATUS_TEXT: dict[str, str] = {
    "fail": "failing",
    "error": "could not be judged (ERROR)",
    "pass": "passing",
    "muted": "only muted findings",
    "no_findings": "mapped checks ran and found nothing to judge",
    "not_assessed": "mapped checks were not selected in this scan",
    "manual": "manual evidence needed (no check maps here)",
}


@dataclass(frozen=True)
class Requirement:
    id: str
    title: str
    group: str  # the function, objective, tactic or chapter it belongs to


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    version: str
    field: str  # the CheckMeta field holding this framework's ids
    requirements: tuple[Requirement, ...]
    note: str = ""


# Display names and versions (the reference file's own are long: they cite the publication).
_SHORT = {
    "nist_ai_rmf_1_0": ("NIST AI RMF", "1.0"),
    "mitre_atlas": ("MITRE ATLAS", "5.6.0"),
    "iso_iec_42001_2023": ("ISO/IEC 42001 Annex A", "2023"),
    "eu_ai_act": ("EU AI Act", "Regulation (EU) 2024/1689"),
    "owasp_agentic_top10_2026": ("OWASP Top 10 for Agentic Applications", "2026"),
}


def _ai(key: str, field: str, requirements: Iterable[Requirement], note: str = "") -> Framework:
    name, version = _SHORT[key]
    return Framework(key, name, version, field, tuple(requirements), note)


def _atlas() -> Framework:
    data = reference.ai_framework("mitre_atlas")
    tactics = {t["id"]: t["name"] for t in data["tactics"]}
    techniques = [Requirement(t["id"], str(t.get("display_name") or t["name"]),
                              ", ".join(tactics.get(x, x) for x in t.get("tactics", [])) or "technique")
                  for t in data["techniques"]]
    mitigations = [Requirement(m["id"], str(m["name"]), "Mitigation") for m in data["mitigations"]]
    return _ai("mitre_atlas", "atlas", [*techniques, *mitigations],
               "techniques a check mitigates, and mitigations a check is evidence of")


def _nist_ai_rmf() -> Framework:
    items = reference.ai_framework("nist_ai_rmf_1_0")["items"]
    return _ai("nist_ai_rmf_1_0", "nist_ai_rmf",
               [Requirement(i["id"], str(i["title"]), str(i["function"])) for i in items],
               "titles are posture's paraphrase: NIST gives subcategories no short titles")


def _iso42001() -> Framework:
    data = reference.ai_framework("iso_iec_42001_2023")
    objectives = {o["id"]: o["title"] for o in data["objectives"]}
    return _ai("iso_iec_42001_2023", "iso42001",
               [Requirement(i["id"], str(i["title"]), f"{i['objective']} {objectives.get(i['objective'], '')}".strip())
                for i in data["items"]])


def _eu_ai_act() -> Framework:
    items = [i for i in reference.ai_framework("eu_ai_act")["items"] if i.get("posture_relevant")]
    return _ai("eu_ai_act", "eu_ai_act",
               [Requirement(i["id"], str(i["title"]), f"Chapter {i['chapter']}") for i in items],
               "the articles with obligations on providers or deployers of AI systems")


def _owasp_agentic() -> Framework:
    items = reference.ai_framework("owasp_agentic_top10_2026")["items"]
    return _ai("owasp_agentic_top10_2026", "owasp_agentic",
               [Requirement(i["id"], str(i["name"]), "Agentic risk") for i in items])


def _csf() -> Framework:
    data = reference.load("nist_csf_2")
    requirements = [Requirement(s["id"], str(s.get("short_title") or c["name"]),
                                f"{f['id']} {f['name']}")
                    for f in data["functions"] for c in f["categories"] for s in c["subcategories"]]
    return Framework("nist_csf_2_0", "NIST CSF", "2.0", "csf", tuple(requirements))


def _owasp_llm(version: str, key: str) -> Framework:
    risks = reference.owasp_risks(version)
    return Framework(key, "OWASP Top 10 for LLM Applications", version.replace("_", " "), "owasp_llm",
                     tuple(Requirement(i, name, "LLM risk") for i, name in risks.items()))


def _owasp_llm_2025() -> Framework:
    return _owasp_llm("2025", "owasp_llm_2025")


def _owasp_llm_2023() -> Framework:
    return _owasp_llm("2023_v1.1", "owasp_llm_2023")


_BUILDERS: dict[str, Callable[[], Framework]] = {
    "nist_ai_rmf_1_0": _nist_ai_rmf,
    "mitre_atlas": _atlas,
    "iso_iec_42001_2023": _iso42001,
    "eu_ai_act": _eu_ai_act,
    "owasp_agentic_top10_2026": _owasp_agentic,
    "nist_csf_2_0": _csf,
    "owasp_llm_2025": _owasp_llm_2025,
    "owasp_llm_2023": _owasp_llm_2023,
}
FRAMEWORK_KEYS: tuple[str, ...] = reference.COMPLIANCE_FRAMEWORKS
assert set(FRAMEWORK_KEYS) == set(_BUILDERS), "a framework key without its builder"


@cache
def framework(key: str) -> Framework:
    """One framework by key; KeyError names the known keys."""
    try:
        return _BUILDERS[key]()
    except KeyError:
        raise KeyError(f"unknown framework {key!r} (known: {', '.join(FRAMEWORK_KEYS)})") from None


def mapped_ids(meta: CheckMeta, fw: Framework) -> tuple[str, ...]:
    return tuple(getattr(meta, fw.field))


class CheckEvidence(BaseModel):
    """What one mapped check found in this scan (zeros when it was not selected)."""

    model_config = ConfigDict(frozen=True)
    check_id: str
    selected: bool
    passed: int = 0
    failed: int = 0
    errors: int = 0
    muted: int = 0


class RequirementView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    title: str
    group: str
    status: RequirementStatus = Field(description="fail, error, pass, muted (only muted findings), no_findings "
                                      "(checks ran, nothing to judge), not_assessed (checks not selected), "
                                      "manual (no check maps here: manual evidence needed)")
    passed: int
    failed: int
    errors: int
    muted: int
    checks: list[CheckEvidence]


class FrameworkView(BaseModel):
    model_config = ConfigDict(frozen=True)
    key: str
    name: str
    version: str
    note: str = ""
    requirements: list[RequirementView]
    by_status: dict[str, int] = Field(description="Requirements per status")
    with_evidence: int = Field(description="Requirements with at least one finding of a mapped check")
    mapped: int = Field(description="Requirements at least one check of the catalogue maps to")


def _status(passed: int, failed: int, errors: int, muted: int, selected: bool, mapped: bool) -> RequirementStatus:
    if not mapped:
        return "manual"
    if failed:
        return "fail"
    if errors:
        return "error"
    if passed:
        return "pass"
    if muted:
        return "muted"
    return "no_findings" if selected else "not_assessed"


def build_view(key: str, catalogue: Iterable[CheckMeta], findings: Iterable[Finding],
               selected: Iterable[str]) -> FrameworkView:
    """The view of one framework: `catalogue` is every check known (so a requirement names the checks
    that map to it even when they were not selected), `selected` the check ids this scan ran."""
    fw = framework(key)
    chosen = set(selected)
    counts: dict[str, list[int]] = {}
    for f in findings:
        c = counts.setdefault(f.check_id, [0, 0, 0, 0])
        if f.muted:
            c[3] += 1
        else:
            c[{Status.PASS: 0, Status.FAIL: 1, Status.ERROR: 2}[f.status]] += 1
    by_requirement: dict[str, list[CheckEvidence]] = {}
    for meta in catalogue:
        for rid in mapped_ids(meta, fw):
            p, fl, e, m = counts.get(meta.id, (0, 0, 0, 0))
            by_requirement.setdefault(rid, []).append(CheckEvidence(
                check_id=meta.id, selected=meta.id in chosen, passed=p, failed=fl, errors=e, muted=m))
    views = []
    for req in fw.requirements:
        evidence = by_requirement.get(req.id, [])
        p, fl, e, m = (sum(getattr(c, k) for c in evidence) for k in ("passed", "failed", "errors", "muted"))
        views.append(RequirementView(
            id=req.id, title=req.title, group=req.group, passed=p, failed=fl, errors=e, muted=m, checks=evidence,
            status=_status(p, fl, e, m, any(c.selected for c in evidence), bool(evidence))))
    by_status: dict[str, int] = {}
    for v in views:
        by_status[v.status] = by_status.get(v.status, 0) + 1
    return FrameworkView(
        key=fw.key, name=fw.name, version=fw.version, note=fw.note, requirements=views, by_status=by_status,
        with_evidence=sum(1 for v in views if v.passed or v.failed or v.errors or v.muted),
        mapped=sum(1 for v in views if v.checks))


def build_views(keys: Iterable[str], catalogue: Iterable[CheckMeta], findings: Iterable[Finding],
                selected: Iterable[str]) -> list[FrameworkView]:
    metas, found, chosen = list(catalogue), list(findings), list(selected)
    return [build_view(k, metas, found, chosen) for k in dict.fromkeys(keys)]
