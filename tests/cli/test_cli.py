"""The CLI's own behaviour: commands, usage errors, exit codes (click's CliRunner, no AWS)."""

import json

import jsonschema
import pytest
from click.testing import CliRunner

from posture.cli.main import cli


@pytest.fixture
def invoke():
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return run


def test_checks_lists_the_registry(invoke, registry):
    result = invoke("checks")
    assert result.exit_code == 0
    assert f"{len(registry)} checks" in result.output
    listed = json.loads(invoke("checks", "--json").output)
    assert {c["id"] for c in listed} == {c.meta.id for c in registry}
    assert all(c["boundaries"] and c["csf"] and c["owasp_llm"] for c in listed)


def test_explain_shows_rationale_and_remediation(invoke, registry):
    meta = registry.get("kms.cmk_rotation_enabled").meta
    result = invoke("explain", "kms.cmk_rotation_enabled")
    assert result.exit_code == 0
    assert meta.rationale in result.output and meta.remediation in result.output
    assert "KMS.4" in result.output


def test_explain_unknown_check_is_a_usage_error(invoke):
    result = invoke("explain", "kms.nope")
    assert result.exit_code == 2
    assert "unknown check id 'kms.nope'" in result.output


def test_schema_is_a_valid_json_schema(invoke):
    schema = json.loads(invoke("schema").output)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "findings" in schema["properties"]


@pytest.mark.parametrize("args, message", [
    (["scan", "--fail-on", "severe"], "severe"),
    (["scan", "--check", "nosuch.check"], "unknown check id"),
    (["scan", "--service", "nosuch"], "unknown service"),
    (["scan", "--workers", "0"], "workers"),
])
def test_bad_scan_input_exits_2_with_one_line(invoke, args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output


# Reads whose names do not start like one: API Gateway's GET, and the IAM access-level Read action that
# starts the last-accessed report job (it changes no resource).
READS_BY_OTHER_NAMES = {"apigateway:GET", "iam:GenerateServiceLastAccessedDetails"}


def _policy_actions(result) -> set[str]:
    policies = json.loads(result.stdout)["Policies"]
    return {a for p in policies for s in p["PolicyDocument"]["Statement"] for a in s["Action"]}


def test_iam_policy_covers_every_declared_permission(invoke, registry):
    result = invoke("iam-policy", "--securityhub")
    actions = _policy_actions(result)
    assert {p for c in [*registry, *registry.collectors] for p in c.meta.permissions} <= actions
    writes = {a for a in actions if not a.split(":")[1].startswith(("Get", "List", "Describe", "BatchGet", "Search",
                                                                     "Lookup"))
              and a not in READS_BY_OTHER_NAMES}
    assert writes == {"securityhub:BatchImportFindings"}
    # The write only when asked for: not by default, not with --no-securityhub.
    for flags in ((), ("--no-securityhub",)):
        assert "securityhub:BatchImportFindings" not in _policy_actions(invoke("iam-policy", *flags))


def test_iam_policy_says_how_many_policies_and_why(invoke):
    result = invoke("iam-policy", "--securityhub", "--org")
    printed = json.loads(result.stdout)
    count = printed["PolicyCount"]
    assert count == len(printed["Policies"]) >= 2  # the whole set is above 6,144 characters
    assert [p["PolicyName"] for p in printed["Policies"]] == [f"posture-scanner-{n}" for n in range(1, count + 1)]
    assert all(p["Characters"] <= printed["Limit"] == 6144 for p in printed["Policies"])
    assert f"posture: {count} managed policies:" in result.stderr and "6,144 per managed policy" in result.stderr
    assert "Security Hub import left out" in invoke("iam-policy").stderr
    # --part N: one document as `aws iam create-policy` takes it.
    second = json.loads(invoke("iam-policy", "--securityhub", "--org", "--part", "2").stdout)
    assert second == printed["Policies"][1]["PolicyDocument"]
    too_far = invoke("iam-policy", "--part", "9")
    assert too_far.exit_code == 2 and "--part 9: the scanner needs" in too_far.stderr


def test_cloudtrail_lookback_is_the_cloudtrail_checks_lookback_setting(invoke, monkeypatch, tmp_path):
    """--cloudtrail-lookback DAYS opts in to the CloudTrail event search, on top of posture.toml's settings."""
    import posture.core.runner

    seen = {}

    def fake_scan(config, registry, **_):
        seen["settings"] = config.check_settings
        raise SystemExit(0)

    monkeypatch.setattr(posture.core.runner, "scan", fake_scan)
    config = tmp_path / "posture.toml"
    config.write_text('[checks.cloudtrail]\nmax_events = 500\n[checks.bedrock]\nprompt_attack_min_strength = "HIGH"\n')
    invoke("scan", "--config", str(config), "--cloudtrail-lookback", "7", "--no-history")
    assert seen["settings"] == {"cloudtrail": {"max_events": 500, "lookback_days": 7},
                                "bedrock": {"prompt_attack_min_strength": "HIGH"}}
    result = invoke("scan", "--cloudtrail-lookback", "120", "--no-history")
    assert result.exit_code == 2 and "120 is not in the range 1<=x<=90" in result.output


def test_a_region_name_no_partition_has_is_a_usage_error_before_any_request(invoke):
    """Found by the CLI fuzzer: `--region 0` reached the account's identity read (exit 1) instead of
    being refused as a typo (exit 2) — with credentials that work, it was refused only after it."""
    result = invoke("scan", "--region", "0", "--check", "kms.cmk_rotation_enabled", "--no-history")
    assert result.exit_code == 2
    assert "unknown region '0': not the name of an AWS region" in result.output
