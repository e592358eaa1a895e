"""Suppressions: muted, with a reason, out of scores and --fail-on; expired rules listed; bad files named."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from posture.aws.sessions import open_session
from posture.core.errors import UsageError
from posture.core.models import Severity, Status
from posture.report import suppressions
from posture.report.model import failing_at_or_above
from posture.sinks.pipeline import apply_suppressions
from tests.support.reporting import make_finding, make_report

TODAY = date(2026, 11, 26)
RULES = """
# accepted risks
[[suppress]]
check = "kms.*"
region = "us-west-2"
reason = "west is a sandbox"

[[suppress]]
check = "s3.ai_bucket_versioning_enabled"
resource = "acme-scratch-*"
account = "123456789012"
reason = "scratch data, rebuilt nightly"
expires = 2027-01-31

[[suppress]]
check = "s3.*"
resource = "acme-old-*"
reason = "was accepted until the migration"
expires = 2026-11-01

[[suppress]]
check = "sagemaker.*"
tags = { env = "sandbox" }
reason = "sandbox notebooks"
"""


def _rules(tmp_path: Path, text: str = RULES) -> suppressions.RuleSet:
    path = tmp_path / "suppressions.toml"
    path.write_text(text)
    return suppressions.load(path)


def test_rules_mute_matching_findings_with_the_reason(tmp_path: Path) -> None:
    rules = _rules(tmp_path)
    findings = [
        make_finding("k-west", region="us-west-2", severity="high"),
        make_finding("k-east", region="us-east-1", severity="high"),
        make_finding("acme-scratch-1", check_id="s3.ai_bucket_versioning_enabled", region="global"),
        make_finding("acme-scratch-2", check_id="s3.ai_bucket_versioning_enabled", account="210987654321"),
        make_finding("acme-old-1", check_id="s3.ai_bucket_versioning_enabled"),
    ]
    report = apply_suppressions(make_report(findings), rules, today=TODAY)
    muted = {f.resource_id: f for f in report.findings if f.muted}
    assert set(muted) == {"k-west", "acme-scratch-1"}
    assert muted["k-west"].mute_reason.startswith("west is a sandbox (")  # type: ignore[union-attr]
    assert muted["k-west"].status is Status.FAIL  # status kept
    assert report.suppressions is not None and report.suppressions.muted == 2
    # Expired rules stop applying and are listed, with their line.
    assert [(r.line, r.check) for r in report.suppressions.expired] == [(15, "s3.*")]
    assert any(f.resource_id == "acme-old-1" and not f.muted for f in report.findings)


def test_muted_findings_leave_scores_and_fail_on(tmp_path: Path) -> None:
    rules = _rules(tmp_path)
    findings = [make_finding("k-west", region="us-west-2", severity="high"), make_finding("ok", status="PASS")]
    before = make_report(findings)
    after = apply_suppressions(before, rules, today=TODAY)
    assert failing_at_or_above(before, Severity.HIGH) == 1
    assert failing_at_or_above(after, Severity.HIGH) == 0
    assert before.summary.scores.overall.score == 37.5 and after.summary.scores.overall.score == 100.0
    assert after.summary.muted == 1 and len(after.findings) == 2  # still in every output


def test_tag_rules_match_the_resource_tags(tmp_path: Path) -> None:
    rules = _rules(tmp_path)
    tagged = make_finding("nb-1", check_id="sagemaker.notebook_cmk", arn="arn:nb-1")
    other = make_finding("nb-2", check_id="sagemaker.notebook_cmk", arn="arn:nb-2")
    tags = {"arn:nb-1": {"env": "sandbox"}, "arn:nb-2": {"env": "prod"}}
    report = apply_suppressions(make_report([tagged, other]), rules, today=TODAY,
                                tags_of=lambda f: tags.get(f.resource_arn or "", {}))
    assert [f.resource_id for f in report.findings if f.muted] == ["nb-1"]
    # Without tags, a tag rule matches nothing.
    assert not any(f.muted for f in apply_suppressions(make_report([tagged]), rules, today=TODAY).findings)


def test_tags_are_read_with_the_tagging_api(aws: Any, tmp_path: Path) -> None:

    from posture.sinks.pipeline import tag_lookup

    s3 = aws.client("s3")
    s3.create_bucket(Bucket="acme-tagged")
    s3.put_bucket_tagging(Bucket="acme-tagged", Tagging={"TagSet": [{"Key": "env", "Value": "sandbox"}]})
    finding = make_finding("acme-tagged", arn="arn:aws:s3:::acme-tagged", region="global",
                           check_id="s3.ai_bucket_versioning_enabled")
    tags_of = tag_lookup(open_session(), make_report([finding]))
    assert tags_of(finding) == {"env": "sandbox"}


@pytest.mark.parametrize("text, message", [
    ('[[suppress]]\ncheck = "kms.*"\n', "suppressions.toml:1: a suppression rule needs a non-empty 'reason'"),
    ('[[suppress]]\ncheck = "kms.*"\nreason = "x"\n\n[[suppress]]\nreason = "y"\n',
     "suppressions.toml:5: a suppression rule needs 'check'"),
    ('[[suppress]]\ncheck = "kms.*"\nreason = "x"\nregoin = "us-east-1"\n',
     "suppressions.toml:4: unknown key 'regoin'"),
    ('[[suppress]]\ncheck = "kms.*"\nreason = "x"\nexpires = "soon"\n',
     "suppressions.toml:4: 'expires' must be a date"),
    ('[[suppress]]\ncheck = "kms.*"\nreason = "x"\naccount = "12"\n',
     "suppressions.toml:4: 'account' must be a 12-digit account id"),
    ('[[suppress]]\ncheck = "kms.*"\nreason = x\n', "suppressions.toml:3: not valid TOML"),
    ('[suppres]\ncheck = "kms.*"\n', "suppressions.toml:1: unknown key 'suppres'"),
])
def test_bad_rule_file_is_one_line_naming_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError) as error:
        _rules(tmp_path, text)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_scan_with_bad_rules_exits_2_before_scanning(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from posture.cli.main import cli

    (tmp_path / "s.toml").write_text('[[suppress]]\ncheck = "kms.*"\n')
    result = CliRunner().invoke(cli, ["scan", "--suppressions", str(tmp_path / "s.toml"), "--no-history"])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("posture: error: ")
    assert "s.toml:1: a suppression rule needs a non-empty 'reason'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_scan_applies_rules_lists_expired_ones_and_reads_tags(aws: Any, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from posture.cli.main import cli

    kms = aws.client("kms", "us-east-1")
    sandbox = kms.create_key(Description="sandbox", Tags=[{"TagKey": "env", "TagValue": "sandbox"}])["KeyMetadata"]
    prod = kms.create_key(Description="prod", Tags=[{"TagKey": "env", "TagValue": "prod"}])["KeyMetadata"]
    rules = tmp_path / "s.toml"
    rules.write_text('[[suppress]]\ncheck = "kms.*"\ntags = { env = "sandbox" }\nreason = "sandbox keys"\n\n'
                     '[[suppress]]\ncheck = "kms.*"\nreason = "was accepted"\nexpires = 2020-01-01\n')
    out = tmp_path / "r.json"
    result = CliRunner().invoke(cli, ["scan", "--region", "us-east-1", "--check", "kms.cmk_rotation_enabled",
                                      "--suppressions", str(rules), "--no-history", "--quiet", "--json", str(out),
                                      "--html", str(tmp_path / "r.html"), "--fail-on", "medium"])
    assert result.exit_code == 3, result.output  # the prod key still fails
    assert "s.toml:6 (kms.*) expired on 2020-01-01 and no longer applies" in result.stderr
    report = json.loads(out.read_text())
    muted = {f["resource_id"]: f["muted"] for f in report["findings"]}
    assert muted == {sandbox["KeyId"]: True, prod["KeyId"]: False}
    assert report["suppressions"]["expired"] == [{"line": 6, "check": "kms.*", "reason": "was accepted",
                                                 "expires": "2020-01-01"}]
    html = (tmp_path / "r.html").read_text()
    assert "Expired suppression rules" in html and "line 6" in html
