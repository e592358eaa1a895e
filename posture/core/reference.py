"""Framework data (OWASP LLM Top 10, NIST CSF 2.0, Security Hub controls and the AI frameworks of
`ai_frameworks.json`: NIST AI RMF, MITRE ATLAS, ISO/IEC 42001, the EU AI Act, OWASP Agentic), read from
the JSON files shipped in `posture/data/`, which are copies of the team's reference
set. Read lazily and once: nothing is loaded at import time."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> Any:
    return json.loads(resources.files("posture.data").joinpath(f"{name}.json").read_text("utf-8"))


@cache
def csf_functions() -> dict[str, str]:
    """CSF 2.0 function id -> name, in the framework's order (GV, ID, PR, DE, RS, RC)."""
    return {f["id"]: f["name"] for f in load("nist_csf_2")["functions"]}


@cache
def csf_subcategories() -> frozenset[str]:
    return frozenset(
        sub["id"]
        for function in load("nist_csf_2")["functions"]
        for category in function["categories"]
        for sub in category["subcategories"]
    )


@cache
def owasp_risks(version: str) -> dict[str, str]:
    """OWASP LLM Top 10 id -> name for one release ("2023_v1.1" or "2025")."""
    return {item["id"]: item["name"] for item in load("owasp_llm_top10")["versions"][version]["items"]}


def owasp_ids(version: str) -> frozenset[str]:
    return frozenset(owasp_risks(version))


@cache
def securityhub_control_ids() -> frozenset[str]:
    return frozenset(
        control["id"]
        for controls in load("securityhub_controls")["controls_by_service"].values()
        for control in controls
    )


@cache
def boundary_names() -> dict[str, str]:
    return {b["id"]: b["name"] for b in load("trust_boundaries")["boundaries"]}


# The frameworks `--compliance` can show requirement by requirement (posture.report.compliance).
COMPLIANCE_FRAMEWORKS: tuple[str, ...] = (
    "nist_ai_rmf_1_0", "mitre_atlas", "iso_iec_42001_2023", "eu_ai_act", "owasp_agentic_top10_2026",
    "nist_csf_2_0", "owasp_llm_2025", "owasp_llm_2023",
)

# The AI frameworks a check maps to, by the CheckMeta field that holds its ids.
AI_FRAMEWORK_FIELDS: dict[str, str] = {
    "atlas": "mitre_atlas",
    "nist_ai_rmf": "nist_ai_rmf_1_0",
    "iso42001": "iso_iec_42001_2023",
    "owasp_agentic": "owasp_agentic_top10_2026",
    "eu_ai_act": "eu_ai_act",
}


@cache
def ai_framework(key: str) -> dict[str, Any]:
    """One framework of ai_frameworks.json by its key (`nist_ai_rmf_1_0`, `mitre_atlas`, ...)."""
    return dict(load("ai_frameworks")["frameworks"][key])


@cache
def atlas_techniques() -> dict[str, str]:
    """MITRE ATLAS technique and sub-technique id -> name."""
    return {t["id"]: t.get("display_name") or t["name"] for t in ai_framework("mitre_atlas")["techniques"]}


@cache
def atlas_mitigations() -> dict[str, str]:
    return {m["id"]: m["name"] for m in ai_framework("mitre_atlas")["mitigations"]}


@cache
def ai_framework_ids(key: str) -> frozenset[str]:
    """The requirement ids a check may name for one AI framework (ATLAS: techniques and mitigations)."""
    if key == "mitre_atlas":
        return frozenset(atlas_techniques()) | frozenset(atlas_mitigations())
    return frozenset(str(item["id"]) for item in ai_framework(key)["items"])


@cache
def _framework_index() -> dict[str, str]:
    """Framework id -> the CheckMeta field that holds it; an id two frameworks define maps to ""."""
    index: dict[str, str] = {}
    sets = [("csf", csf_subcategories()), ("owasp_llm", owasp_ids("2023_v1.1") | owasp_ids("2025")),
            ("securityhub_controls", securityhub_control_ids()),
            *((name, ai_framework_ids(key)) for name, key in AI_FRAMEWORK_FIELDS.items())]
    for name, ids in sets:
        for framework_id in ids:
            index[framework_id] = "" if index.get(framework_id, name) != name else name
    return index


def framework_field(framework_id: str) -> str:
    """The CheckMeta field of a framework id (`PR.DS-01` -> csf, `AML.T0035` -> atlas); a ValueError
    for an id no framework defines, or that two define (then the check names the field)."""
    found = _framework_index().get(framework_id)
    if found is None:
        raise ValueError(f"{framework_id!r} is an id of no framework posture knows")
    if not found:
        raise ValueError(f"{framework_id!r} is an id of two frameworks: name it in its own field")
    return found
