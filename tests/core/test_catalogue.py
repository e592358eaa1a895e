"""What the catalogue as a whole promises (issue: the GenAI control catalogue)."""

from collections import defaultdict

import pytest

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


def test_the_gate_counts_a_status_only_where_a_test_asserts_it():
    """A finding a check merely returned proves nothing; `expect` records (check, status) once it has asserted."""
    from posture.core.models import Status
    from tests.support.catalogue import uncovered
    from tests.support.factories import finding
    from tests.support.findings import ASSERTED, expect, only

    probe = "demo.gate_probe"
    findings = [finding("FAIL", resource="a", check_id=probe), finding("ERROR", resource="b", check_id=probe)]
    try:
        only(findings, "b")  # looked at, status not asserted
        with pytest.raises(AssertionError, match="FAIL, expected PASS"):
            expect(findings, "a", Status.PASS)
        assert not {pair for pair in ASSERTED if pair[0] == probe}
        expect(findings, "a", Status.FAIL)
        assert uncovered(set(ASSERTED), [probe]) == {probe: ["ERROR", "PASS"]}
    finally:
        ASSERTED.difference_update({pair for pair in ASSERTED if pair[0] == probe})
