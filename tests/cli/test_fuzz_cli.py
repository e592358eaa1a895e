"""Bad input, fuzzed: every wrong argument or file ends in one line, exit 2, nothing written.

Hypothesis generates CLI arguments (unknown regions, check ids, services, severities,
shard specs, worker counts), report files for `diff`, `merge` and `push` (random bytes,
random JSON, valid reports broken one field at a time, reports truncated by a crash),
config files and suppression files. For each: exit code 2, exactly one line on stderr
that starts with `posture: error:`, no traceback, nothing on stdout, and no file
created (no report, no temporary file, no history store). The AWS side is the local
server, so a bad input caught only after contacting AWS still ends in exit 2.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posture.cli.main import cli
from posture.core import configfile
from posture.core.errors import UsageError
from posture.core.models import Severity, Status
from posture.core.registry import Registry
from posture.core.shard import parse_shard
from posture.report import suppressions
from tests.support.reporting import make_finding, make_report

# The example count comes from the Hypothesis profile loaded in tests/conftest.py (ci or full).
FUZZ = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
REGISTRY = Registry.load(plugins=False)
CHECK_IDS = {c.meta.id for c in REGISTRY}
SERVICES = set(REGISTRY.services)
KNOWN_REGIONS = {"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"}
SEVERITIES = {s.value for s in Severity}

# Values a person might type: printable text, no leading dash (that would be the next option).
word = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=24).filter(
    lambda s: not s.startswith("-") and s.strip() == s and s != "")


def _bad_shard(text: str) -> bool:
    try:
        parse_shard(text)
    except UsageError:
        return True
    return False


BAD_ARGS = st.one_of(
    word.filter(lambda r: r not in KNOWN_REGIONS and "amazonaws" not in r).map(lambda r: ["--region", r]),
    word.filter(lambda c: c not in CHECK_IDS).map(lambda c: ["--check", c]),
    word.filter(lambda c: c not in CHECK_IDS).map(lambda c: ["--exclude-check", c]),
    word.filter(lambda s: s not in SERVICES).map(lambda s: ["--service", s]),
    word.filter(lambda s: s.lower() not in SEVERITIES).map(lambda s: ["--fail-on", s]),
    st.one_of(word, st.sampled_from(["0/3", "4/3", "1/0", "a/b", "1/", "/2", "2/1", "1//2", "1/2/3"])).filter(
        _bad_shard).map(lambda s: ["--shard", s]),
    st.integers(max_value=0).map(lambda n: ["--shard-count", str(n)]),
    st.one_of(st.integers(max_value=0), st.integers(min_value=257)).map(lambda n: ["--workers", str(n)]),
    st.one_of(st.integers(max_value=0), st.integers(min_value=21)).map(lambda n: ["--max-attempts", str(n)]),
    word.filter(lambda s: not s.lstrip("+-").isdigit()).map(lambda s: ["--workers", s]),
    st.just(["--shard", "1/2", "--shard-count", "2"]),
    st.sampled_from(["", " "]).map(lambda s: ["--shard", s]),
    st.just(["--no-such-option"]),
)
# Good company for the bad argument (options given once win by position, so none of those here).
GOOD_ARGS = st.sampled_from([[], ["--region", "us-east-1"], ["--check", sorted(CHECK_IDS)[0]], ["--quiet"],
                             ["--service", sorted(SERVICES)[0]], ["--no-history"]])
CASES: dict[str, int] = {}


def count(name: str) -> None:
    CASES[name] = CASES.get(name, 0) + 1


@contextmanager
def workspace() -> Iterator[Path]:
    """A fresh directory (cwd, history store, outputs) per example."""
    with tempfile.TemporaryDirectory(prefix="posture-fuzz-") as tmp:
        root = Path(tmp)
        (root / "state").mkdir()
        old = os.getcwd()
        os.chdir(root)
        try:
            yield root
        finally:
            os.chdir(old)


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def invoke(root: Path, args: list[str]) -> None:
    """Run the CLI; assert the one-line usage error and that nothing was written."""
    before = files(root)
    result = CliRunner().invoke(cli, args, env={"XDG_STATE_HOME": str(root / "state")}, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{args}: {type(result.exception).__name__}: {result.exception}")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2, (args, result.exit_code, result.output)
    assert len(lines) == 1 and lines[0].startswith("posture: error: "), (args, result.stderr)
    assert "Traceback" not in result.output
    assert result.stdout.strip() == "", (args, result.stdout)
    assert files(root) == before, f"{args} wrote {sorted(files(root) - before)}"


# -- scan arguments --------------------------------------------------------------------------
@FUZZ
@given(bad=BAD_ARGS, good=GOOD_ARGS, more=st.lists(BAD_ARGS, max_size=2), data=st.data())
def test_scan_rejects_bad_arguments(local_env: None, bad: list[str], good: list[str], more: list[list[str]],
                                    data: st.DataObject) -> None:
    count("scan arguments")
    parts = [bad, good, *more]
    order = data.draw(st.permutations(parts))
    with workspace() as root:
        # One check in one region: should a bad input slip through, the scan it starts stays short.
        base = ["--json", "out.json", "--check", sorted(CHECK_IDS)[0], "--region", "us-east-1"]
        invoke(root, ["scan", *base, *[a for p in order for a in p]])


@FUZZ
@given(check=word.filter(lambda c: c not in CHECK_IDS))
def test_explain_rejects_unknown_check(check: str) -> None:
    count("explain check ids")
    with workspace() as root:
        invoke(root, ["explain", check])


# -- report files: diff, merge, push -----------------------------------------------------------
def valid_report() -> dict[str, Any]:
    findings = [make_finding("key-1", Status.FAIL), make_finding("key-2", Status.PASS, region="us-west-2")]
    return json.loads(make_report(findings).model_dump_json())


VALID = valid_report()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
NOT_TEXT = [None, 7, [], {}, True, -1.5]
# Per field of a finding, values of a type (or enum) the report's model does not allow.
WRONG: dict[str, list[Any]] = {
    **{f: NOT_TEXT for f in ("id", "check_id", "account_id", "region", "resource_id", "message")},
    "severity": ["MAYBE", *NOT_TEXT], "status": ["MAYBE", "pass", *NOT_TEXT],
    "boundaries": ["MAYBE", ["nowhere"], 7, {}], "evidence": ["MAYBE", 7, [], {"k": {"nested": 1}}],
}


def broken_report(draw: Any) -> bytes:
    how = draw(st.sampled_from(["drop", "finding", "truncate", "findings"]))
    report = json.loads(json.dumps(VALID))
    if how == "drop":
        del report[draw(st.sampled_from(["tool", "scan", "summary", "findings"]))]
    elif how == "finding":
        field = draw(st.sampled_from(sorted(WRONG)))
        value = draw(st.sampled_from(WRONG[field]))
        report["findings"][draw(st.integers(0, 1))][field] = value
    elif how == "findings":
        report["findings"] = draw(st.sampled_from([None, {}, "x", 3]))
    text = json.dumps(report)
    if how == "truncate":
        text = text[: draw(st.integers(0, len(text) - 1))]  # what a crash mid-write would leave
    return text.encode()


@st.composite
def report_files(draw: Any) -> bytes:
    kind = draw(st.sampled_from(["bytes", "json", "broken"]))
    if kind == "bytes":
        return bytes(draw(st.binary(max_size=200)))
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    return broken_report(draw)


@FUZZ
@given(content=report_files(), first=st.booleans())
def test_diff_rejects_bad_reports(content: bytes, first: bool) -> None:
    count("diff report files")
    with workspace() as root:
        (root / "bad.json").write_bytes(content)
        (root / "good.json").write_text(json.dumps(VALID))
        pair = ["bad.json", "good.json"] if first else ["good.json", "bad.json"]
        invoke(root, ["diff", *pair, "--json", "diff.json"])


@FUZZ
@given(content=report_files())
def test_merge_rejects_bad_reports(content: bytes) -> None:
    count("merge report files")
    with workspace() as root:
        (root / "bad.json").write_bytes(content)
        (root / "good.json").write_text(json.dumps(VALID))
        invoke(root, ["merge", "good.json", "bad.json", "--json", "merged.json", "--csv", "merged.csv",
                      "--no-history"])


@FUZZ
@given(content=report_files())
def test_push_rejects_bad_reports(local_env: None, content: bytes) -> None:
    count("push report files")
    with workspace() as root:
        (root / "bad.json").write_bytes(content)
        invoke(root, ["push", "bad.json"])


def test_a_valid_report_is_accepted() -> None:
    """The fuzzing above is not vacuous: the unbroken report goes through diff."""
    with workspace() as root:
        (root / "a.json").write_text(json.dumps(VALID))
        result = CliRunner().invoke(cli, ["diff", "a.json", "a.json", "--json", "d.json"])
        assert result.exit_code == 0, result.output
        assert (root / "d.json").exists()


def test_missing_report_file() -> None:
    with workspace() as root:
        invoke(root, ["diff", "nope.json", "nope2.json"])
        invoke(root, ["merge", "nope.json", "--json", "m.json", "--no-history"])


# -- config files and suppression files --------------------------------------------------------
toml_scalar = st.one_of(st.integers(-5, 5).map(str), st.booleans().map(lambda b: str(b).lower()),
                        st.text(st.characters(codec="ascii", blacklist_categories=("Cc",)), max_size=8).map(
                            json.dumps), st.just("[1, 2]"), st.just("{a = 1}"))
bare_key = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)


@st.composite
def bad_config(draw: Any) -> str:
    kind = draw(st.sampled_from(["unknown_key", "unknown_section", "bad_type", "bad_toml", "bad_value"]))
    if kind == "unknown_key":
        section = draw(st.sampled_from(["scan", *configfile.SECTIONS]))
        known = set(configfile.scan_keys()) if section == "scan" else set(configfile.SECTIONS[section])
        key = draw(bare_key.filter(lambda k: k not in known))
        return f'[output]\njson = "out.json"\n\n[{section}]\n{key} = {draw(toml_scalar)}\n'
    if kind == "unknown_section":
        name = draw(bare_key.filter(lambda k: k not in {"scan", *configfile.SECTIONS}))
        return f"[{name}]\nx = 1\n"
    if kind == "bad_type":
        key, value = draw(st.sampled_from([("regions", "5"), ("workers", '"many"'), ("checks", "true"),
                                           ("max_attempts", "[1]"), ("fail_on", "3"), ("profile", "[]")]))
        return f'[output]\njson = "out.json"\n\n[scan]\n{key} = {value}\n'
    if kind == "bad_value":
        key, value = draw(st.sampled_from([("fail_on", '"catastrophic"'), ("workers", "0"), ("max_attempts", "99"),
                                           ("checks", '["no.such_check"]'), ("regions", '["mars-north-1"]')]))
        return f'[output]\njson = "out.json"\n\n[scan]\n{key} = {value}\n'
    return draw(st.sampled_from(["[scan\n", "regions = [\n", "= 1\n", "[scan]\nregions = ['a',,]\n",
                                 "[scan]\nworkers = 1\nworkers = 2\n", "\x00"])) + draw(st.text(max_size=10))


@FUZZ
@given(text=bad_config())
def test_scan_rejects_bad_config_files(local_env: None, text: str) -> None:
    count("config files")
    with workspace() as root:
        (root / "posture.toml").write_text(text)
        invoke(root, ["scan", "--config", "posture.toml"])


@FUZZ
@given(text=st.text(max_size=300))
def test_config_loader_never_crashes(text: str) -> None:
    """Any text at all: a config, or one UsageError line (never another exception)."""
    count("config loader (any text)")
    with workspace() as root:
        (root / "c.toml").write_text(text)
        try:
            configfile.load(root / "c.toml")
        except UsageError as exc:
            assert "\n" not in str(exc)


@st.composite
def bad_rules(draw: Any) -> str:
    kind = draw(st.sampled_from(["no_reason", "unknown_key", "bad_expiry", "bad_type", "not_tables", "bad_toml"]))
    check = draw(st.sampled_from(['"kms.*"', '"s3.ai_bucket_versioning_enabled"']))
    if kind == "no_reason":
        return f"[[suppress]]\ncheck = {check}\n"
    if kind == "unknown_key":
        key = draw(bare_key.filter(lambda k: k not in suppressions.KEYS))
        return f'[[suppress]]\ncheck = {check}\nreason = "accepted"\n{key} = {draw(toml_scalar)}\n'
    if kind == "bad_expiry":
        value = draw(st.sampled_from(['"tomorrow"', '"2026-13-01"', "12", '"01/02/2027"', "true"]))
        return f'[[suppress]]\ncheck = {check}\nreason = "accepted"\nexpires = {value}\n'
    if kind == "bad_type":
        key, value = draw(st.sampled_from([("check", "3"), ("reason", "[]"), ("region", "{a = 1}"),
                                           ("reason", '""')]))
        base = {"check": check, "reason": '"accepted"'}
        base[key] = value
        return "[[suppress]]\n" + "".join(f"{k} = {v}\n" for k, v in base.items())
    if kind == "not_tables":
        return draw(st.sampled_from(['suppress = "all"\n', "suppress = 3\n", "[suppress]\ncheck = 'x'\n",
                                     "[other]\nx = 1\n"]))
    return draw(st.sampled_from(["[[suppress]\n", "[[suppress]]\ncheck = \n", "reason = 'a\n"]))


@FUZZ
@given(text=bad_rules())
def test_scan_rejects_bad_suppression_files(local_env: None, text: str) -> None:
    count("suppression files")
    with workspace() as root:
        (root / "rules.toml").write_text(text)
        invoke(root, ["scan", "--suppressions", "rules.toml", "--json", "out.json"])


@FUZZ
@given(text=st.text(max_size=300))
def test_suppression_loader_never_crashes(text: str) -> None:
    count("suppression loader (any text)")
    with workspace() as root:
        (root / "r.toml").write_text(text)
        try:
            suppressions.load(root / "r.toml")
        except UsageError as exc:
            assert "\n" not in str(exc)


# -- the AWS environment, for every subcommand -------------------------------------------------
BAD_ENDPOINTS = st.one_of(
    st.sampled_from(["localhost:4566", "127.0.0.1:4566", "http//localhost", "://x", "http://", "not a url",
                     "localhost", "http:// spaced .com"]),
    word.filter(lambda u: "://" not in u),
)
BAD_ENVIRONMENT = st.one_of(
    BAD_ENDPOINTS.map(lambda u: {"AWS_ENDPOINT_URL": u}),
    word.filter(lambda p: p.isprintable()).map(lambda p: {"AWS_PROFILE": p}),
    st.sampled_from(["[default\nregion = us-east-1\n", "region = us-east-1\n", "[default]\n= x\n",
                     "[profile a]\n[profile a]\n", "\x00\x01", "[default]\nregion\n"]).map(
        lambda text: {"AWS_CONFIG_FILE": text}),
    st.one_of(st.sampled_from(["mars-north-1", "us east 1", "US-EAST-1!", "../etc", "a" * 80]), word).map(
        lambda r: {"AWS_DEFAULT_REGION": r}),
)
# Every subcommand; the ones that talk to AWS end in one error line, the others do not care.
AWS_COMMANDS = {"scan": ["scan", "--check", "kms.cmk_rotation_enabled", "--region", "us-east-1", "--json", "out.json",
                         "--max-attempts", "1"],
                "push": ["push", "good.json", "--max-attempts", "1"],
                "merge --securityhub": ["merge", "good.json", "--securityhub", "--no-history", "--quiet"]}
LOCAL_COMMANDS = {"checks": ["checks"], "explain": ["explain", "kms.cmk_rotation_enabled"], "schema": ["schema"],
                  "iam-policy": ["iam-policy"], "diff": ["diff", "good.json", "good.json"],
                  "merge": ["merge", "good.json", "--no-history", "--quiet"], "version": ["--version"]}


def _environment(root: Path, values: dict[str, str]) -> dict[str, str]:
    env = {"XDG_STATE_HOME": str(root / "state")}
    for key, value in values.items():
        if key == "AWS_CONFIG_FILE":
            (root / "aws-config").write_text(value)
            value = str(root / "aws-config")
        env[key] = value
    return env


@FUZZ
@given(values=BAD_ENVIRONMENT, command=st.sampled_from(sorted(AWS_COMMANDS)))
def test_bad_aws_environment_is_one_line_for_aws_commands(values: dict[str, str], command: str) -> None:
    count("AWS environment, AWS commands")
    with workspace() as root:
        (root / "good.json").write_text(json.dumps(VALID))
        env = _environment(root, values)
        before = files(root)
        result = CliRunner().invoke(cli, AWS_COMMANDS[command], env=env, catch_exceptions=True)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{command} {values}: {type(result.exception).__name__}: {result.exception}")
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.exit_code in (1, 2), (command, values, result.exit_code, result.output)
        assert any(line.startswith("posture: error: ") for line in lines), (command, values, result.stderr)
        assert len([line for line in lines if line.startswith("posture: error: ")]) <= 2, result.stderr
        assert "Traceback" not in result.output
        assert not (files(root) - before - {"state"}) - {"state/posture"}, f"{command} wrote {files(root) - before}"
        assert not (root / "out.json").exists()


@FUZZ
@given(values=BAD_ENVIRONMENT, command=st.sampled_from(sorted(LOCAL_COMMANDS)))
def test_bad_aws_environment_does_not_matter_to_local_commands(values: dict[str, str], command: str) -> None:
    count("AWS environment, local commands")
    with workspace() as root:
        (root / "good.json").write_text(json.dumps(VALID))
        result = CliRunner().invoke(cli, LOCAL_COMMANDS[command], env=_environment(root, values),
                                    catch_exceptions=True)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{command} {values}: {type(result.exception).__name__}: {result.exception}")
        assert result.exit_code == 0, (command, values, result.output)
        assert "Traceback" not in result.output


@pytest.fixture
def local_env(_local_aws: Any) -> None:
    """The local AWS (session-wide, not reset: these inputs must fail before anything is read)."""


def test_the_fuzzing_budget_is_spent() -> None:
    """A property run that stops early (a filter rejecting everything, a budget of one) proves little: the
    loaders' properties each run the loaded profile's whole budget of examples, and every one is counted."""
    budget = settings.default.max_examples
    for prop, name in ((test_config_loader_never_crashes, "config loader (any text)"),
                       (test_suppression_loader_never_crashes, "suppression loader (any text)")):
        before = CASES.get(name, 0)
        prop()
        assert CASES[name] - before == budget, (name, CASES[name] - before, budget)
    print(f"\nfuzzed cases: {sum(CASES.values())} {CASES}")


@pytest.mark.parametrize("crash", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_crash_mid_write_leaves_the_old_report(monkeypatch: pytest.MonkeyPatch, crash: BaseException) -> None:
    """Reports are written to a temporary file and renamed: a crash leaves the previous one whole."""
    from posture.sinks import files as output

    with workspace() as root:
        (root / "report.json").write_text('{"old": true}')

        def fail(fd: int) -> None:
            raise crash

        monkeypatch.setattr(output.os, "fsync", fail)
        with pytest.raises((output.WriteError, KeyboardInterrupt)):  # a failed write is exit 1, not a usage error
            output.write_text("report.json", json.dumps(VALID))
        assert (root / "report.json").read_text() == '{"old": true}'
        assert files(root) == {"state", "report.json"}, "a temporary file was left behind"
