"""Report sections: a check that declares one gets its findings as a table in JSON, table and HTML;
the engine knows no column. Check settings: posture.toml [checks.<prefix>] reaches ctx.setting."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path

import jsonschema
import pytest

from posture.core import configfile
from posture.core.errors import UsageError
from posture.core.models import Finding, Status
from posture.render import html, table
from posture.report.merge import merge_reports
from posture.report.model import Report, build_sections, json_schema, merge_sections
from tests.support.factories import finding, meta

SECTION = {"title": "Guardrail coverage of every path to a model",
           "columns": ["path", "guardrail", "blocking_filters", "verdict"]}


def covered(resource: str, status: str, **evidence: object) -> Finding:
    return finding(status, resource=resource).model_copy(update={"evidence": evidence})


def section_findings() -> list[Finding]:
    return [covered("role/app", "FAIL", path="role app", guardrail=None, blocking_filters=[],
                    verdict="UNGUARDED: no guardrail applies"),
            covered("agent/live", "PASS", path="agent a alias live (version 2)", guardrail=["gr1:2"],
                    blocking_filters=["PROMPT_ATTACK", "HATE"], verdict="guarded")]


def sections() -> list:
    return build_sections([meta(section=SECTION), meta(id="demo.other_control")], section_findings())


def test_a_sectioned_check_becomes_one_table_with_its_evidence_columns():
    (built,) = sections()
    assert built.title == SECTION["title"] and built.columns == SECTION["columns"]
    assert [(r.status, r.resource_id, r.cells) for r in built.rows] == [
        (Status.FAIL, "role/app", ["role app", "-", "-", "UNGUARDED: no guardrail applies"]),
        (Status.PASS, "agent/live", ["agent a alias live (version 2)", "gr1:2", "PROMPT_ATTACK, HATE", "guarded"])]


def report_with_sections(example_report: Report) -> Report:
    return example_report.model_copy(update={"sections": sections()})


@pytest.fixture
def example_report() -> Report:
    from datetime import datetime

    from posture.report.model import ScanInfo, Tool, summarize
    now = datetime(2026, 12, 1, tzinfo=UTC)
    findings = [finding("FAIL", resource="role/app")]
    return Report(tool=Tool(version="t"), scan=ScanInfo(
        id="s", started_at=now, finished_at=now, duration_seconds=0, partition="aws", accounts=["123456789012"],
        regions=["us-east-1"], checks_selected=1, units_run=1, api_calls=0), summary=summarize(findings),
        findings=findings)


def test_sections_are_in_the_schema_valid_json(example_report: Report):
    document = json.loads(report_with_sections(example_report).model_dump_json())
    jsonschema.validate(document, json_schema())
    assert document["sections"][0]["rows"][0]["cells"][3] == "UNGUARDED: no guardrail applies"
    assert "sections" in json_schema()["properties"]


def test_sections_are_in_the_table_and_the_html(example_report: Report):
    report = report_with_sections(example_report)
    text = table.render(report, table.View(verbose=True, width=200))  # the whole table; the summary names it
    assert SECTION["title"] in text and "UNGUARDED: no guardrail applies" in text and "PROMPT_ATTACK, HATE" in text
    summary = table.render(report)
    assert SECTION["title"] in summary and "1 FAIL" in summary and "UNGUARDED: no guardrail applies" not in summary
    page = html.render(report)
    assert f"<h2>{SECTION['title']}</h2>" in page and ">PROMPT_<wbr>ATTACK,<wbr> HATE</td>" in page  # break points


def rows(section: object) -> list[tuple[Status, str, list[str]]]:
    return [(r.status, r.resource_id, r.cells) for r in section.rows]  # type: ignore[attr-defined]


def test_merging_shards_joins_their_sections_once(example_report: Report):
    (whole,) = sections()
    (twice,) = merge_sections([[whole], [whole]])
    assert (twice.title, twice.columns, rows(twice)) == (whole.title, whole.columns, rows(whole))  # each row once
    # Shards with different rows (one shared): the first shard's rows, then the second's new ones, in order.
    metas = [meta(section=SECTION)]
    extra = covered("flow/f", "FAIL", path="flow f alias prod", guardrail=None, blocking_filters=[],
                    verdict="UNGUARDED: the flow has no guardrail node")
    shared = section_findings()[0]
    (first,) = build_sections(metas, [shared])
    (second,) = build_sections(metas, [shared, extra])
    (joined,) = merge_sections([[first], [second]])
    assert rows(joined) == [
        (Status.FAIL, "role/app", ["role app", "-", "-", "UNGUARDED: no guardrail applies"]),
        (Status.FAIL, "flow/f", ["flow f alias prod", "-", "-", "UNGUARDED: the flow has no guardrail node"])]
    report = report_with_sections(example_report)
    shard = [report.model_copy(update={"scan": report.scan.model_copy(update={"shard": f"{i}/2", "id": f"s{i}"})})
             for i in (1, 2)]
    (merged,) = merge_reports(shard).sections
    assert (merged.title, merged.columns, rows(merged)) == (whole.title, whole.columns, rows(whole))


# -- check settings --------------------------------------------------------------------------
def test_check_settings_load_from_a_checks_table(tmp_path: Path):
    path = tmp_path / "posture.toml"
    path.write_text('[scan]\nregions = ["us-east-1"]\n\n[checks.bedrock]\nprompt_attack_min_strength = "MEDIUM"\n'
                    "grounding_min_threshold = 0.5\n")
    loaded = configfile.load(path)
    assert loaded.scan["check_settings"] == {"bedrock": {"prompt_attack_min_strength": "MEDIUM",
                                                         "grounding_min_threshold": 0.5}}
    assert loaded.scan["regions"] == ["us-east-1"]


def test_a_check_setting_of_a_table_type_is_an_error_naming_its_line(tmp_path: Path):
    path = tmp_path / "posture.toml"
    path.write_text('[checks.bedrock]\nprompt_attack_min_strength = "HIGH"\nnested = { a = 1 }\n')
    with pytest.raises(UsageError, match=r"posture.toml:3: checks.bedrock.nested must be"):
        configfile.load(path)
