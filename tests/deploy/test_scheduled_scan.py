"""deploy/scheduled-scan.sh, the scheduled task's wrapper: the posture command it builds from the template's
environment, and what it uploads. `posture` and the S3 copier are stand-ins that record their arguments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.deploy import DEPLOY

STUB_POSTURE = """#!/bin/sh
printf '%s\\n' "$@" > "$STUB_LOG/posture.args"
while [ $# -gt 0 ]; do
  [ "$1" = --output-directory ] && echo '{}' > "$2/posture-111122223333-20250101T000000Z.json"
  shift
done
exit "${STUB_EXIT:-0}"
"""
STUB_COPY = """import sys, os
with open(os.path.join(os.environ["STUB_LOG"], "copies"), "a") as log:
    log.write(" ".join(sys.argv[2:]) + "\\n")
print("absent")
"""


def run(tmp_path: Path, code: int = 0, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str], list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "posture").write_text(STUB_POSTURE)
    (bin_dir / "posture").chmod(0o755)
    (tmp_path / "copy.py").write_text(STUB_COPY)
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{tmp_path / "copy.py"}" "$@"\n')
    python.chmod(0o755)
    work = tmp_path / "work"
    done = subprocess.run(["sh", str(DEPLOY / "scheduled-scan.sh")], capture_output=True, text=True, timeout=60,
                          env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHON": str(python),
                               "STUB_LOG": str(tmp_path), "STUB_EXIT": str(code), "POSTURE_WORKDIR": str(work),
                               "POSTURE_REPORTS": "s3://reports-bucket", "POSTURE_ROLE_NAME": "PostureAudit", **env})
    args_file, copies_file = tmp_path / "posture.args", tmp_path / "copies"
    args = args_file.read_text().splitlines() if args_file.exists() else []
    copies = copies_file.read_text().splitlines() if copies_file.exists() else []
    return done, args, copies


def test_the_template_parameters_become_posture_flags(tmp_path: Path) -> None:
    done, args, copies = run(tmp_path, POSTURE_EXTERNAL_ID="ext-1", POSTURE_REGIONS="us-east-1,eu-west-1",
                             POSTURE_FRAMEWORKS="nist-csf-2.0", POSTURE_FAIL_ON="high", POSTURE_SECURITYHUB="true",
                             POSTURE_SCAN_ARGS="--workers 32")
    assert done.returncode == 0, done.stderr
    work = str(tmp_path / "work")
    assert args[:4] == ["scan", "--org", "--role-name", "PostureAudit"]
    joined = " ".join(args)
    for flags in ("--external-id ext-1", "--region us-east-1 --region eu-west-1", "--compliance nist-csf-2.0",
                  "--fail-on high", "--securityhub", "--workers 32", f"--history {work}/history.sqlite",
                  f"--output-directory {work}/reports"):
        assert flags in joined
    assert copies[0] == f"fetch s3://reports-bucket/history/history.sqlite {work}/history.sqlite"
    assert copies[-1] == f"put {work}/history.sqlite s3://reports-bucket/history/history.sqlite"
    [report] = copies[1:-1]
    assert report.startswith(f"put {work}/reports/posture-111122223333-20250101T000000Z.json s3://reports-bucket/reports/")


def test_empty_parameters_add_no_flag(tmp_path: Path) -> None:
    done, args, _ = run(tmp_path, POSTURE_REGIONS="", POSTURE_FRAMEWORKS="", POSTURE_FAIL_ON="",
                        POSTURE_SECURITYHUB="false")
    assert done.returncode == 0, done.stderr
    assert not {"--region", "--compliance", "--fail-on", "--securityhub", "--external-id", ""} & set(args)


def test_failing_findings_still_upload_and_keep_exit_3(tmp_path: Path) -> None:
    done, _, copies = run(tmp_path, code=3)
    assert done.returncode == 3 and len(copies) == 3


@pytest.mark.parametrize("code", [1, 2])
def test_a_failed_scan_uploads_nothing_and_fails(tmp_path: Path, code: int) -> None:
    done, _, copies = run(tmp_path, code=code)
    assert done.returncode == code and len(copies) == 1  # only the history fetch
    assert f"failed with exit code {code}" in done.stderr
