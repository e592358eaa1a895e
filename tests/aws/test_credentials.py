"""Credentials that do not work end a scan with one clear line and exit 1, never a report.

Run through the installed console script, the way a scheduler runs it: the message on
stderr is what a person sees in the job log, and no report file may appear (an empty or
clean-looking report is what a ticketing system would wrongly ingest).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

POSTURE = str(Path(sys.executable).parent / "posture")
DEAD_ENDPOINT = "http://127.0.0.1:9"  # nothing listens there


def run(env: dict[str, str], *args: str, tmp_path: Path) -> tuple[int, str, str, Path]:
    report = tmp_path / "report.json"
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    completed = subprocess.run(
        [POSTURE, "scan", "--region", "us-east-1", "--max-attempts", "2", "--no-history", "--quiet",
         "--json", str(report), *args],
        env={**base, "AWS_EC2_METADATA_DISABLED": "true", **env}, capture_output=True, text=True, timeout=120,
    )
    return completed.returncode, completed.stdout, completed.stderr, report


def assert_one_line_failure(result: tuple[int, str, str, Path], *words: str) -> None:
    code, stdout, stderr, report = result
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 1, (code, stdout, stderr)
    assert len(lines) == 1, stderr
    assert lines[0].startswith("posture: error: ") and "Traceback" not in stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert not report.exists(), "a report was written for a scan that could not run"
    assert stdout.strip() == ""


def empty_files(tmp_path: Path) -> dict[str, str]:
    empty = tmp_path / "empty.cfg"
    empty.write_text("")
    return {"AWS_CONFIG_FILE": str(empty), "AWS_SHARED_CREDENTIALS_FILE": str(empty),
            "AWS_DEFAULT_REGION": "us-east-1"}


def test_no_credentials(tmp_path: Path) -> None:
    env = {**empty_files(tmp_path), "AWS_ENDPOINT_URL": DEAD_ENDPOINT}
    assert_one_line_failure(run(env, tmp_path=tmp_path), "no AWS credentials")


def test_profile_that_does_not_exist(tmp_path: Path) -> None:
    env = {**empty_files(tmp_path), "AWS_ENDPOINT_URL": DEAD_ENDPOINT}
    assert_one_line_failure(run(env, "--profile", "no-such-profile", tmp_path=tmp_path), "no-such-profile",
                            "does not exist")


def test_unreachable_endpoint(tmp_path: Path) -> None:
    env = {**empty_files(tmp_path), "AWS_ENDPOINT_URL": DEAD_ENDPOINT, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing"}
    assert_one_line_failure(run(env, tmp_path=tmp_path), "could not be reached")


@pytest.mark.parametrize("code, words", [
    ("ExpiredToken", ("expired",)),
    ("InvalidClientTokenId", ("not valid",)),
    ("SignatureDoesNotMatch", ("rejected",)),
    ("AccessDenied", ("access denied",)),
])
def test_credentials_the_account_rejects(aws: Any, tmp_path: Path, code: str, words: tuple[str, ...]) -> None:
    aws.client("kms").create_key()  # an account with something in it: a report would not be empty
    aws.simulation.fail("sts", "GetCallerIdentity", code, status=403)
    env = {**aws.environment()}
    assert_one_line_failure(run(env, tmp_path=tmp_path), "cannot identify the AWS account", *words)


def test_expired_mid_scan_is_error_not_pass(aws: Any, tmp_path: Path) -> None:
    """Credentials that expire after the identity call: every read fails; the report says ERROR."""
    import json

    key = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
    aws.client("kms").enable_key_rotation(KeyId=key)
    aws.simulation.fail("kms", "ListKeys", "ExpiredTokenException", status=400)
    code, _, stderr, report = run(aws.environment(), "--check", "kms.cmk_rotation_enabled", tmp_path=tmp_path)
    assert code == 0, stderr
    findings = json.loads(report.read_text())["findings"]
    assert findings and all(f["status"] == "ERROR" for f in findings)
    assert "expired" in findings[0]["message"]
