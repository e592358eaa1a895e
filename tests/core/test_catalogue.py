"""What the catalogue as a whole promises (issue: the GenAI control catalogue)."""

from collections import defaultdict

from posture.core import reference
from posture.core.models import TrustBoundary


def test_at_least_100_checks_with_complete_metadata(registry):
    assert len(registry) >= 100
    for c in registry:
        m = c.meta
        assert m.title and m.description and m.rationale and m.remediation and m.permissions, m.id


def test_every_boundary_and_csf_function_has_checks(registry):
    boundaries = {b for c in registry for b in c.meta.boundaries}
    assert boundaries == set(TrustBoundary)
    functions = {f for c in registry for f in c.meta.csf_functions}
    assert functions == set(reference.csf_functions())


def test_every_owasp_2025_risk_a_control_addresses_has_two_boundaries(registry):
    layers: dict[str, set[str]] = defaultdict(set)
    for c in registry:
        for risk in c.meta.owasp_llm:
            if risk.endswith(":2025"):
                layers[risk].update(c.meta.boundaries)
    thin = {risk: sorted(b) for risk, b in layers.items() if len(b) < 2}
    assert thin == {}
    assert set(layers) == set(reference.owasp_risks("2025"))  # every risk has at least one AWS control
