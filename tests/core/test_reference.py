"""Check metadata against the reference data: the packaged copy in posture/data, which must equal the team's
source of truth in ../shared/reference where that folder is beside the clone (a clone without it skips that
comparison, with its reason, and still checks every mapping against the packaged copy)."""

import json

import pytest

from posture.core.models import TrustBoundary
from tests.support.paths import REPO, SHARED_REFERENCE

SHARED = SHARED_REFERENCE
PACKAGED = REPO / "posture" / "data"


def shared(name: str):
    """The reference data the checks are mapped against (the packaged copy: equal to ../shared's, below)."""
    return json.loads((PACKAGED / f"{name}.json").read_text())


@pytest.mark.parametrize("name", ["owasp_llm_top10", "nist_csf_2", "securityhub_controls", "trust_boundaries",
                                  "asff_required_fields", "ai_frameworks"])
def test_packaged_reference_data_is_the_shared_copy(name):
    source = SHARED / f"{name}.json"
    if not source.is_file():
        pytest.skip(f"{source} is not beside this clone: the packaged copy is not compared with the team's")
    assert json.loads((PACKAGED / f"{name}.json").read_text()) == json.loads(source.read_text())


def test_every_check_maps_to_known_ids(registry):
    owasp = shared("owasp_llm_top10")["versions"]
    ids_2023 = {i["id"] for i in owasp["2023_v1.1"]["items"]}
    ids_2025 = {i["id"] for i in owasp["2025"]["items"]}
    csf = {s["id"] for f in shared("nist_csf_2")["functions"] for c in f["categories"] for s in c["subcategories"]}
    sechub = {c["id"] for cs in shared("securityhub_controls")["controls_by_service"].values() for c in cs}
    boundaries = {b["id"] for b in shared("trust_boundaries")["boundaries"]}
    assert boundaries == {b.value for b in TrustBoundary}
    for c in registry:
        m = c.meta
        assert set(m.csf) <= csf, m.id
        assert set(m.owasp_llm) <= ids_2023 | ids_2025, m.id
        assert set(m.owasp_llm) & ids_2023 and set(m.owasp_llm) & ids_2025, m.id
        assert set(m.securityhub_controls) <= sechub, m.id
        assert {b.value for b in m.boundaries} <= boundaries, m.id


def test_catalogue_page_is_current(registry):
    from posture.render.catalogue import markdown

    page = REPO / "docs" / "checks.md"
    assert page.read_text() == markdown(registry), "docs/checks.md is stale: run `make docs`"


def _ai_ids(framework: str) -> set[str]:
    entry = shared("ai_frameworks")["frameworks"][framework]
    return {i["id"] for i in entry["items"]}


def test_every_check_maps_to_the_ai_frameworks(registry):
    atlas = shared("ai_frameworks")["frameworks"]["mitre_atlas"]
    techniques = {t["id"] for t in atlas["techniques"]}
    mitigations = {m["id"] for m in atlas["mitigations"]}
    nist_ai_rmf, iso42001 = _ai_ids("nist_ai_rmf_1_0"), _ai_ids("iso_iec_42001_2023")
    agentic, eu_ai_act = _ai_ids("owasp_agentic_top10_2026"), _ai_ids("eu_ai_act")
    unmapped = []
    for c in registry:
        m = c.meta
        assert set(m.atlas) <= techniques | mitigations, m.id
        assert set(m.nist_ai_rmf) <= nist_ai_rmf and set(m.iso42001) <= iso42001, m.id
        assert set(m.owasp_agentic) <= agentic and set(m.eu_ai_act) <= eu_ai_act, m.id
        if not (set(m.atlas) & techniques and m.nist_ai_rmf and m.iso42001):
            unmapped.append(m.id)
    assert not unmapped, f"checks without an ATLAS technique, NIST AI RMF subcategory or ISO 42001 control: {unmapped}"


def test_every_agentic_check_maps_to_owasp_agentic(registry):
    agentic_services = {"bedrock-agent", "bedrock-agentcore-control"}
    checks = [c.meta for c in registry if c.meta.service in agentic_services]
    assert checks
    assert not [m.id for m in checks if not m.owasp_agentic], "agentic checks without an OWASP Agentic id"


def test_readme_counts_are_the_catalogue(registry):
    """The README's "N checks over M services" is the catalogue's, not a number typed once."""
    import re

    readme = (REPO / "README.md").read_text("utf-8")
    said = re.findall(r"(\d+) checks over (\d+) services", readme)
    assert said == [(str(len(registry)), str(len(registry.services)))], said
