"""posture.toml: everything a scheduled scan needs; flags override; unknown keys are errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from posture.cli.main import cli
from posture.core import configfile
from posture.core.config import ScanConfig
from posture.core.errors import UsageError

GOOD = """
[scan]
regions = ["us-west-2"]
checks = ["kms.cmk_rotation_enabled"]
fail_on = "high"
max_attempts = 2

[output]
json = "out/report.json"
csv = "out/report.csv"
quiet = true

[securityhub]
enabled = false

[history]
enabled = false
path = "state/h.sqlite"

[suppressions]
file = "rules.toml"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "posture.toml"
    path.write_text(text)
    return path


def test_a_full_file_loads_with_paths_relative_to_it(tmp_path: Path) -> None:
    loaded = configfile.load(_write(tmp_path, GOOD))
    assert loaded.scan == {"regions": ["us-west-2"], "checks": ["kms.cmk_rotation_enabled"], "fail_on": "high",
                           "max_attempts": 2}
    assert loaded.options["json_path"] == str(tmp_path / "out" / "report.json")
    assert loaded.options["suppressions_path"] == str(tmp_path / "rules.toml")
    assert loaded.options["quiet"] is True and loaded.options["history_enabled"] is False


def test_every_scan_config_field_is_accepted_without_listing_it_here(tmp_path: Path) -> None:
    assert configfile.scan_keys() == list(ScanConfig.model_fields)
    lines = ["[scan]"]
    for name, info in ScanConfig.model_fields.items():
        default = info.get_default(call_default_factory=True)
        if default is None or (isinstance(default, tuple) and not default):
            continue
        lines.append(f"{name} = {json.dumps(list(default) if isinstance(default, tuple) else default)}")
    loaded = configfile.load(_write(tmp_path, "\n".join(lines) + "\n"))
    assert set(loaded.scan) == {line.split(" =")[0] for line in lines[1:]}


@pytest.mark.parametrize("text, message", [
    ('[scan]\nregions = ["us-east-1"]\nregoins = ["x"]\n', "posture.toml:3: unknown key 'regoins' in [scan]"),
    ('[scan]\nfail_on = "severe"\n', "posture.toml:2: invalid fail_on"),
    ('[output]\njson = "a.json"\npdf = "a.pdf"\n', "posture.toml:3: unknown key 'pdf' in [output]"),
    ('[outputs]\njson = "a.json"\n', "posture.toml:1: unknown section or key 'outputs'"),
    ('[securityhub]\nenabled = "yes"\n', "posture.toml:2: securityhub.enabled must be a bool"),
    ('[scan\n', "posture.toml:1: not valid TOML"),
])
def test_bad_files_are_one_line_errors_naming_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError) as error:
        configfile.load(_write(tmp_path, text))
    assert message in str(error.value) and "\n" not in str(error.value)


def test_find_prefers_the_flag_then_the_working_directory(tmp_path: Path) -> None:
    assert configfile.find(None, cwd=tmp_path) is None
    _write(tmp_path, GOOD)
    assert configfile.find(None, cwd=tmp_path) == tmp_path / "posture.toml"
    assert configfile.find("other.toml", cwd=tmp_path) == Path("other.toml")


def test_scan_reads_the_file_and_flags_override_it(aws: Any, tmp_path: Path) -> None:
    aws.client("kms", "us-east-1").create_key(Description="east")
    (tmp_path / "rules.toml").write_text('[[suppress]]\ncheck = "kms.*"\nreason = "accepted for the test"\n')
    config = _write(tmp_path, GOOD)
    assert not (tmp_path / "out").exists()
    # The file's output folder does not exist: it is made (it was exit 2 before, issue 12).
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--region", "us-east-1"])
    assert result.exit_code == 0, result.output  # the failing key is muted: no exit 3 despite fail_on
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["scan"]["regions"] == ["us-east-1"]  # the flag won over regions = ["us-west-2"]
    assert [f["check_id"] for f in report["findings"]] == ["kms.cmk_rotation_enabled"]
    assert report["findings"][0]["muted"] is True
    assert (tmp_path / "out" / "report.csv").is_file()
    assert not (tmp_path / "state").exists()  # [history] enabled = false
    assert result.stdout == ""  # quiet = true


def test_unknown_key_fails_the_scan_with_exit_2(tmp_path: Path) -> None:
    config = _write(tmp_path, "[scan]\nworkerz = 3\n")
    result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    assert result.exit_code == 2 and "posture.toml:2: unknown key 'workerz'" in result.stderr
