"""Scores computed by hand against DESIGN.md's formula."""

import pytest

from posture.core.scoring import Layer, defense_in_depth, score, score_area
from tests.support.factories import finding


def test_weighted_score_and_coverage():
    # PASS critical (10) + PASS low (1); FAIL high (5) + FAIL medium (3); one ERROR.
    findings = [finding("PASS", "critical", resource="a"), finding("PASS", "low", resource="b"),
                finding("FAIL", "high", resource="c"), finding("FAIL", "medium", resource="d"),
                finding("ERROR", "high", resource="e")]
    area = score_area("overall", "Overall", findings)
    assert area.score == pytest.approx(100 * 11 / 19, abs=0.05)  # 57.9
    assert (area.passed, area.failed, area.errors) == (2, 2, 1)
    assert area.coverage == pytest.approx(4 / 5)


def test_area_with_only_errors_is_not_assessed_never_100():
    area = score_area("x", "X", [finding("ERROR", "high")])
    assert area.score is None and not area.assessed
    assert area.coverage == 0


def test_area_without_findings_is_not_assessed():
    area = score_area("x", "X", [])
    assert area.score is None and area.coverage is None and not area.assessed


def test_muted_findings_leave_the_score():
    findings = [finding("PASS", "high", resource="a"), finding("FAIL", "critical", resource="b", muted=True)]
    assert score_area("x", "X", findings).score == 100.0


def test_informational_findings_weigh_nothing():
    findings = [finding("FAIL", "informational", resource="a"), finding("PASS", "low", resource="b")]
    assert score_area("x", "X", findings).score == 100.0


def test_scores_per_boundary_csf_function_and_owasp_risk():
    findings = [
        finding("PASS", "high", boundaries=("model",), csf=("PR.PS-04",), owasp=("LLM01", "LLM01:2025"), resource="a"),
        finding("FAIL", "high", boundaries=("model", "data"), csf=("DE.CM-09",), owasp=("LLM01", "LLM01:2025"),
                resource="b"),
    ]
    scores = score(findings)
    assert scores.boundaries["model"].score == 50.0
    assert scores.boundaries["data"].score == 0.0
    assert scores.boundaries["user_interface"].score is None
    assert scores.csf_functions["PR"].score == 100.0
    assert scores.csf_functions["DE"].score == 0.0
    assert scores.csf_functions["GV"].assessed is False
    assert scores.owasp_llm["LLM01:2025"].score == 50.0
    assert set(scores.csf_functions) == {"GV", "ID", "PR", "DE", "RS", "RC"}


def test_defense_in_depth_counts_layers_that_hold():
    risk_ids = ("LLM01", "LLM01:2025")
    findings = [
        finding("PASS", boundaries=("user_interface",), owasp=risk_ids, resource="a"),
        # model: one control passes on one resource, fails on another -> partial
        finding("PASS", boundaries=("model",), owasp=risk_ids, resource="b", check_id="x.one"),
        finding("FAIL", boundaries=("model",), owasp=risk_ids, resource="c", check_id="x.one"),
        finding("ERROR", boundaries=("data",), owasp=risk_ids, resource="d"),
        # application: one control fails, another passes everywhere -> the layer holds
        finding("FAIL", boundaries=("application",), owasp=risk_ids, resource="e", check_id="x.two"),
        finding("PASS", boundaries=("application",), owasp=risk_ids, resource="f", check_id="x.three"),
        finding("PASS", boundaries=("application",), owasp=risk_ids, resource="g", check_id="x.three"),
        finding("FAIL", boundaries=("organizational",), owasp=risk_ids, resource="h"),
    ]
    risk = next(d for d in defense_in_depth(findings) if d.risk == "LLM01:2025")
    assert risk.layers == {"user_interface": Layer.HOLDS, "application": Layer.HOLDS, "model": Layer.PARTIAL,
                           "data": Layer.ERROR, "organizational": Layer.FAILS}
    assert risk.controls_passing["application"] == 1 and risk.controls_present["application"] == 2
    assert risk.layers_holding == 2 and risk.layers_present == 5
    assert not risk.called_out
    unmapped = next(d for d in defense_in_depth(findings) if d.risk == "LLM09:2025")
    assert unmapped.layers_holding == 0 and unmapped.called_out


def test_a_risk_held_by_one_layer_is_called_out():
    findings = [finding("PASS", boundaries=("model",), owasp=("LLM01", "LLM01:2025"))]
    risk = next(d for d in defense_in_depth(findings) if d.risk == "LLM01:2025")
    assert risk.layers_holding == 1 and risk.called_out
