"""The image recipe: pinned base, `posture` as entrypoint, non-root, writes only under /var/lib/posture,
dependencies from the lock. (Building it needs docker, which this machine has not: `make image` says so.)"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

from tests.support.deploy import DEPLOY, ROOT

DOCKERFILE = (DEPLOY / "Dockerfile").read_text("utf-8")


def instructions(name: str) -> list[str]:
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in text.splitlines() if line.split(None, 1)[:1] == [name]]


def test_every_base_image_is_pinned_by_digest() -> None:
    [default] = re.findall(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, re.M)
    assert re.fullmatch(r"python:[\w.-]+@sha256:[0-9a-f]{64}", default)
    for base in instructions("FROM"):
        image = base.split()[0]
        assert image in ("${PYTHON_IMAGE}", "runtime"), f"FROM {image} is not the pinned base or a stage"


def test_the_entrypoint_is_posture_with_a_scheduled_scan_command() -> None:
    *_, entrypoint = instructions("ENTRYPOINT")
    *_, command = instructions("CMD")
    assert json.loads(entrypoint) == ["posture"]
    args = json.loads(command)
    assert args[:2] == ["scan", "--org"] and "--output-directory" in args
    written = [a for a in args if a.startswith("/")]
    assert written and all(a.startswith("/var/lib/posture/") for a in written)


def test_it_runs_as_a_non_root_user_and_writes_only_its_volume() -> None:
    users = instructions("USER")
    assert users and all(u.split(":")[0] not in ("0", "root") for u in users)
    env = " ".join(instructions("ENV"))
    for variable in ("HOME", "XDG_STATE_HOME", "TMPDIR"):
        assert f"{variable}=/var/lib/posture" in env
    assert "PYTHONDONTWRITEBYTECODE=1" in env


def test_dependencies_come_from_the_lock_with_hashes() -> None:
    runs = " ".join(instructions("RUN"))
    assert "--require-hashes" in runs and "-r requirements.lock" in runs
    assert "pip install --no-deps" in runs
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text("utf-8")
    for copied in ("requirements.lock", "pyproject.toml", "LICENSE", "deploy/scheduled-scan.sh"):
        assert f"!{copied}" in ignored
    for source in instructions("COPY"):
        if source.startswith("--from"):
            continue
        for path in source.split()[:-1]:
            if not path.startswith("--"):
                assert (ROOT / path).exists(), f"COPY {path}: missing"


def test_make_image_says_in_one_line_when_docker_is_missing() -> None:
    if shutil.which("docker"):
        return  # a machine with docker builds the image instead
    done = subprocess.run(["make", "-s", "image"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if not line.startswith("make:")]
    assert lines == ["make image: docker is not installed on this machine (the image needs docker with BuildKit)"]
