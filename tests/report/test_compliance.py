"""`--compliance`: the per-requirement view of a framework in every output, and `posture compliance`."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from posture.cli.main import cli
from posture.core import reference
from posture.core.models import CheckMeta, Status
from posture.render import RENDERERS
from posture.report.compliance import FRAMEWORK_KEYS, build_view, framework
from posture.sinks.pipeline import add_compliance, compliance_csv_path
from tests.support.reporting import make_finding, make_report
from tests.support.validators import assert_valid_report

BASE = dict(title="A check of something", description="What it looks at.", rationale="Why it matters.",
            remediation="How to fix it.", service="kms", scope="regional", resource_type="AwsKmsKey",
            docs_url="https://docs.aws.amazon.com/kms/latest/developerguide/kms-security.html",
            severity="medium", boundaries=["data"], csf=["PR.DS-01"], owasp_llm=["LLM06", "LLM02:2025"],
            atlas=["AML.T0035"], nist_ai_rmf=["GOVERN 1.1"], iso42001=["A.2.2"], permissions=["kms:ListKeys"])


def meta(check_id: str, **frameworks: list[str]) -> CheckMeta:
    return CheckMeta(**{**BASE, "id": check_id, **frameworks})


CATALOGUE = [
    meta("kms.a", nist_ai_rmf=["MEASURE 2.7"], iso42001=["A.6.2.6"]),
    meta("kms.b", nist_ai_rmf=["MEASURE 2.7", "MANAGE 2.4"]),
    meta("kms.c", nist_ai_rmf=["MANAGE 4.1"]),
    meta("kms.d", nist_ai_rmf=["MAP 4.1"]),
]


def statuses(view) -> dict[str, str]:
    return {r.id: r.status for r in view.requirements}


def test_each_requirement_gets_the_verdict_of_its_mapped_checks():
    findings = [make_finding("k1", Status.PASS, check_id="kms.a"), make_finding("k2", Status.FAIL, check_id="kms.b"),
                make_finding("k3", Status.ERROR, check_id="kms.c")]
    view = build_view("nist_ai_rmf_1_0", CATALOGUE, findings, ["kms.a", "kms.b", "kms.c"])
    got = statuses(view)
    assert got["MEASURE 2.7"] == "fail"  # one FAIL among its checks outweighs the PASS
    assert got["MANAGE 2.4"] == "fail"
    assert got["MANAGE 4.1"] == "error"
    assert got["MAP 4.1"] == "not_assessed"  # kms.d maps here but was not selected
    assert got["GOVERN 4.1"] == "manual"  # a governance process: no check can show it
    measure = next(r for r in view.requirements if r.id == "MEASURE 2.7")
    assert (measure.passed, measure.failed, measure.errors) == (1, 1, 0)
    assert [c.check_id for c in measure.checks] == ["kms.a", "kms.b"]
    assert len(view.requirements) == 72
    assert view.mapped == 4 and view.with_evidence == 3
    assert sum(view.by_status.values()) == 72


def test_a_selected_check_without_findings_is_no_findings_and_muted_fails_are_apart():
    muted = make_finding("k1", Status.FAIL, check_id="kms.a", muted=True, mute_reason="accepted")
    view = build_view("nist_ai_rmf_1_0", CATALOGUE, [muted], ["kms.a", "kms.c"])
    got = statuses(view)
    assert got["MEASURE 2.7"] == "muted"
    assert got["MANAGE 4.1"] == "no_findings"


def test_every_framework_lists_the_whole_reference_list():
    counts = {"nist_ai_rmf_1_0": 72, "iso_iec_42001_2023": 38, "owasp_agentic_top10_2026": 10,
              "owasp_llm_2025": 10, "owasp_llm_2023": 10}
    for key in FRAMEWORK_KEYS:
        view = build_view(key, [], [], [])
        assert view.by_status == {"manual": len(view.requirements)}, key
        if key in counts:
            assert len(view.requirements) == counts[key], key
    atlas = reference.ai_framework("mitre_atlas")
    assert len(framework("mitre_atlas").requirements) == len(atlas["techniques"]) + len(atlas["mitigations"])
    assert len(framework("nist_csf_2_0").requirements) == len(reference.csf_subcategories())


def test_the_view_is_in_the_table_json_csv_and_html():
    report = make_report([make_finding("k1", Status.FAIL)])
    report = add_compliance(report, ["owasp_llm_2025"], [meta("kms.cmk_rotation_enabled")])
    assert_valid_report(json.loads(RENDERERS["json"](report)))
    llm02 = next(r for r in report.compliance[0].requirements if r.id == "LLM02:2025")
    assert llm02.status == "fail" and llm02.failed == 1
    table = RENDERERS["table"](report)
    assert "OWASP Top 10 for LLM Applications 2025: 10 requirements, 1 with evidence" in table
    html = RENDERERS["html"](report)
    assert 'data-framework="owasp_llm_2025"' in html and '<span class="req fail">FAIL</span>' in html
    from posture.render import OTHER_RENDERERS

    rows = list(csv.DictReader(io.StringIO(OTHER_RENDERERS["compliance-csv"](report))))
    assert len(rows) == 10
    assert {r["requirement_id"]: r["status"] for r in rows}["LLM02:2025"] == "fail"


def test_the_compliance_csv_goes_beside_the_findings_csv(tmp_path):
    assert compliance_csv_path(str(tmp_path / "r.csv")) == str(tmp_path / "r.compliance.csv")
    assert compliance_csv_path(str(tmp_path / "out")) == str(tmp_path / "out.compliance.csv")
    assert compliance_csv_path("-") is None
    assert compliance_csv_path(str(tmp_path)) is None  # not a regular file


@pytest.fixture
def invoke():
    def run(*args, env=None):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)
    return run


def test_compliance_list_names_every_framework(invoke):
    result = invoke("compliance", "--list")
    assert result.exit_code == 0
    for key in FRAMEWORK_KEYS:
        assert key in result.output


def test_compliance_of_one_framework_shows_each_requirement_and_its_checks(invoke):
    result = invoke("compliance", "owasp_llm_2025")
    assert result.exit_code == 0
    assert "LLM01:2025" in result.output and "bedrock.guardrail_prompt_attack_filter" in result.output


def test_an_unknown_framework_is_one_usage_line(invoke):
    result = invoke("compliance", "iso27001")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "posture: error: unknown framework 'iso27001' (known: " + ", ".join(FRAMEWORK_KEYS) + ")"]
    scan = invoke("scan", "--compliance", "iso27001", "--no-history")
    assert scan.exit_code == 2 and "unknown framework 'iso27001'" in scan.output


def test_compliance_with_csv_on_stdout_is_refused_before_the_scan(invoke):
    result = invoke("scan", "--compliance", "owasp_llm_2025", "--csv", "-", "--no-history")
    assert result.exit_code == 2
    assert "needs a file path" in result.output


def test_compliance_of_a_saved_report(invoke, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(RENDERERS["json"](make_report([make_finding("k1", Status.FAIL)])))
    result = invoke("compliance", "owasp_llm_2025", "--report", str(path))
    assert result.exit_code == 0
    assert "LLM02:2025" in result.output and "FAIL" in result.output


def test_a_scan_with_compliance_writes_the_view_in_every_output(aws, invoke, tmp_path):
    aws.client("kms", "us-east-1").create_key()
    out = {k: tmp_path / f"r.{k}" for k in ("json", "csv", "html")}
    result = invoke("scan", "--check", "kms.cmk_rotation_enabled", "--region", "us-east-1", "--no-history",
                    "--compliance", "owasp_llm_2025", "--compliance", "nist_csf_2_0",
                    *(x for k, p in out.items() for x in (f"--{k}", str(p))), env=aws.environment())
    assert result.exit_code == 0, result.output
    report = json.loads(out["json"].read_text())
    assert_valid_report(report)
    assert [v["key"] for v in report["compliance"]] == ["owasp_llm_2025", "nist_csf_2_0"]
    views = {v["key"]: {r["id"]: r for r in v["requirements"]} for v in report["compliance"]}
    mapped = [r for r in views["owasp_llm_2025"].values()
              if any(c["check_id"] == "kms.cmk_rotation_enabled" for c in r["checks"])]
    assert mapped and all(r["status"] == "fail" for r in mapped)  # moto's new key does not rotate
    beside = tmp_path / "r.compliance.csv"
    rows = list(csv.DictReader(io.StringIO(beside.read_text())))
    assert {r["framework"] for r in rows} == {"owasp_llm_2025", "nist_csf_2_0"}
    assert 'data-framework="nist_csf_2_0"' in out["html"].read_text()
    assert "NIST CSF 2.0: 106 requirements" in result.output


def test_compliance_in_the_config_file_is_read_and_checked(invoke, tmp_path):
    config = tmp_path / "posture.toml"
    config.write_text('[scan]\ncompliance = ["nist_ai_rmf_2"]\n')
    result = invoke("scan", "--config", str(config), "--no-history")
    assert result.exit_code == 2
    assert "unknown framework 'nist_ai_rmf_2'" in result.output


@pytest.mark.parametrize("change, complaint", [
    ({"atlas": []}, "at least one MITRE ATLAS technique"),
    ({"atlas": ["AML.M0005"]}, "at least one MITRE ATLAS technique"),  # a mitigation alone names no risk
    ({"atlas": ["AML.T9999"]}, "unknown mitre_atlas ids"),
    ({"nist_ai_rmf": []}, "NIST AI RMF"),
    ({"iso42001": ["A.99"]}, "unknown iso_iec_42001_2023 ids"),
    ({"service": "bedrock-agent"}, "OWASP Agentic"),
    ({"owasp_agentic": ["ASI11"]}, "unknown owasp_agentic_top10_2026 ids"),
    ({"eu_ai_act": ["Art. 200"]}, "unknown eu_ai_act ids"),
])
def test_a_check_without_its_ai_mapping_does_not_register(change, complaint):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=complaint):
        CheckMeta(**{**BASE, "id": "kms.x", **change})


def test_each_finding_carries_its_checks_ai_mapping_into_asff_ocsf_and_csv(aws, run_check, registry):
    from posture.render import asff, ocsf

    aws.client("kms", "us-east-1").create_key()
    finding = run_check("kms.cmk_rotation_enabled")[0]
    meta = registry.get("kms.cmk_rotation_enabled").meta
    assert (finding.atlas, finding.nist_ai_rmf, finding.iso42001) == (meta.atlas, meta.nist_ai_rmf, meta.iso42001)
    item = json.loads(asff.render(make_report([finding])))[0]
    assert f"MITRE ATLAS {meta.atlas[0]}" in item["Compliance"]["RelatedRequirements"]
    assert item["ProductFields"]["posture/NistAiRmf"] == ",".join(meta.nist_ai_rmf)
    event = json.loads(ocsf.render(make_report([finding])))[0]
    assert set(meta.iso42001) <= set(event["compliance"]["requirements"])
    row = next(csv.DictReader(io.StringIO(RENDERERS["csv"](make_report([finding])))))
    assert row["atlas"] == ";".join(meta.atlas)
