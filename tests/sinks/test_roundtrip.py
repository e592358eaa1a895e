
"""Done-when of issue 4, end to end against the demo account on the local moto server:
`posture scan --securityhub` imports every finding; after one resource is fixed a second
scan resolves exactly that finding and keeps FirstObservedAt of the others; `posture diff`
shows the fix as resolved."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from posture.cli.main import cli
from posture.demo.seed import REGIONS, seed_account
from posture.render.asff import validate
from posture.sinks import securityhub

pytestmark = pytest.mark.slow  # full scans of the demo account: `make test` runs them, `-m "not slow"` skips


def _hub(aws: Any) -> dict[str, dict[str, Any]]:
    found = {}
    for region in REGIONS:
        for page in aws.client("securityhub", region).get_paginator("get_findings").paginate():
            found.update({f["Id"]: f for f in page["Findings"]})
    return found


def _counts(stderr: str) -> tuple[int, int]:
    match = re.search(r"Security Hub push complete: (\d+) findings imported, (\d+) resolved", stderr)
    assert match, stderr
    return int(match.group(1)), int(match.group(2))


def test_security_hub_round_trip_on_the_demo_account(aws: Any, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # The pacing under Security Hub's rates is proven in test_securityhub.py; here it would only sleep.
    monkeypatch.setattr(securityhub, "RATES", {op: 1000.0 for op in securityhub.RATES})
    seeded = seed_account(aws.client, aws.simulation)
    for region in REGIONS:
        aws.client("securityhub", region).enable_security_hub()
    runner = CliRunner()
    scan = ["scan", *(a for r in REGIONS for a in ("--region", r)), "--securityhub",
            "--history", str(tmp_path / "history.sqlite"), "--asff", str(tmp_path / "findings.asff.json")]

    first = runner.invoke(cli, [*scan, "--json", str(tmp_path / "one.json")])
    assert first.exit_code == 0, first.output
    one = json.loads((tmp_path / "one.json").read_text())
    ids = [f["id"] for f in one["findings"]]
    assert len(ids) == len(set(ids)) > 20  # unique over the whole demo account
    imported, resolved = _counts(first.stderr)
    assert (imported, resolved) == (len(ids), 0)
    hub = _hub(aws)
    assert set(ids) <= set(hub)  # every finding imported
    assert all(validate(item) == [] for item in json.loads((tmp_path / "findings.asff.json").read_text()))
    status = {"PASS": "PASSED", "FAIL": "FAILED", "ERROR": "NOT_AVAILABLE"}
    assert all(hub[f["id"]]["Compliance"]["Status"] == status[f["status"]] for f in one["findings"])
    before = {fid: hub[fid]["FirstObservedAt"] for fid in ids}

    # Fix one resource: the model-artifacts key gets rotation.
    target = next(f for f in one["findings"] if f["check_id"] == "kms.cmk_rotation_enabled"
                  and f["resource_arn"] == seeded.ids["kms:artifacts"])
    assert target["status"] == "FAIL"
    aws.client("kms", "us-east-1").enable_key_rotation(KeyId=seeded.ids["kms:artifacts"])

    second = runner.invoke(cli, [*scan, "--json", str(tmp_path / "two.json")])
    assert second.exit_code == 0, second.output
    two = json.loads((tmp_path / "two.json").read_text())
    imported, resolved = _counts(second.stderr)
    assert (imported, resolved) == (len(two["findings"]), 1)
    hub = _hub(aws)
    assert hub[target["id"]]["Compliance"]["Status"] == "PASSED"
    changed = [fid for fid in ids if hub[fid]["Compliance"]["Status"] != status[
        next(f["status"] for f in one["findings"] if f["id"] == fid)]]
    assert changed == [target["id"]]  # exactly that finding
    assert {fid: hub[fid]["FirstObservedAt"] for fid in ids} == before  # kept, not reset to now
    assert all(hub[fid]["UpdatedAt"] > hub[fid]["FirstObservedAt"] for fid in ids)
    # The JSON report carries the same first/last seen from history.
    firsts = {f["id"]: f["first_seen"] for f in two["findings"]}
    assert firsts == {f["id"]: f["first_seen"] for f in one["findings"]}
    assert two["history"]["previous_scan_id"] == one["scan"]["id"]

    for args in ([str(tmp_path / "one.json"), str(tmp_path / "two.json")],
                 ["--history", str(tmp_path / "history.sqlite")]):
        shown = runner.invoke(cli, ["diff", *args, "--json", "-"])
        assert shown.exit_code == 0, shown.output
        document = json.loads(shown.stdout)
        assert document["counts"] == {"new": 0, "regressed": 0, "resolved": 1, "not_reassessed": 0,
                                      "out_of_scope": 0, "unchanged": document["counts"]["unchanged"]}
        [fixed] = [e for e in document["entries"] if e["change"] == "resolved"]
        assert fixed["id"] == target["id"] and (fixed["old_status"], fixed["new_status"]) == ("FAIL", "PASS")
