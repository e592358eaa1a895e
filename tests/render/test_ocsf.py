"""OCSF output: Compliance Finding events (class 2003), validated against the OCSF 1.5.0 classes
(py-ocsf-models, see tests/validators.py) and against the schema built from the reference."""

from __future__ import annotations

import json
from datetime import timedelta

import jsonschema
import pytest

from posture.core import reference
from posture.render import RENDERERS
from posture.render.ocsf import json_schema
from tests.support.reporting import T0, make_finding, make_report
from tests.support.validators import assert_valid_ocsf, ocsf_problems

FACTS = reference.load("asff_required_fields")["ocsf"]


def _events(findings):  # type: ignore[no-untyped-def]
    return json.loads(RENDERERS["ocsf"](make_report(findings)))


def test_schema_is_built_from_the_reference_facts() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for item in FACTS["finding_base_required"]:
        assert item.split(" ")[0] in schema["required"]
    assert schema["properties"]["class_uid"] == {"const": 2003}
    assert schema["properties"]["compliance"]["required"] == FACTS["compliance_object"]["recommended"]


@pytest.mark.parametrize("status", ["PASS", "FAIL", "ERROR"])
def test_every_event_is_valid(status: str) -> None:
    [event] = _events([make_finding(status=status)])
    jsonschema.validate(event, json_schema())
    assert_valid_ocsf([event])
    assert event["class_uid"] == 2003 and event["category_uid"] == 2
    assert event["type_uid"] == event["class_uid"] * 100 + event["activity_id"]
    assert event["compliance"]["status"] == {"PASS": "Pass", "FAIL": "Fail", "ERROR": "Warning"}[status]


def test_event_fields() -> None:
    f = make_finding("k1", arn="arn:aws:kms:us-east-1:123456789012:key/k1", severity="high")
    [event] = _events([f])
    assert event["finding_info"]["uid"] == f.id
    assert event["severity_id"] == 4 and event["severity"] == "High"
    assert event["status"] == "New" and event["activity_name"] == "Create"
    assert event["compliance"]["control"] == "kms.cmk_rotation_enabled"
    assert "PR.DS-01" in event["compliance"]["requirements"] and "LLM02:2025" in event["compliance"]["requirements"]
    assert event["resources"][0]["uid"] == "arn:aws:kms:us-east-1:123456789012:key/k1"
    assert event["cloud"]["account"]["uid"] == "123456789012"
    assert event["remediation"]["desc"].startswith("aws kms enable-key-rotation")
    assert event["time"] == int(T0.timestamp() * 1000)


def test_history_and_suppression_show_in_the_event() -> None:
    seen = make_finding("k1", first_seen=T0 - timedelta(days=5), last_seen=T0)
    muted = make_finding("k2", muted=True, mute_reason="accepted")
    events = {e["resources"][0]["name"]: e for e in _events([seen, muted])}
    assert events["k1"]["activity_name"] == "Update" and events["k1"]["type_uid"] == 200302
    assert events["k1"]["finding_info"]["first_seen_time"] == int((T0 - timedelta(days=5)).timestamp() * 1000)
    assert events["k2"]["status"] == "Suppressed" and events["k2"]["unmapped"]["mute_reason"] == "accepted"
    for event in events.values():
        jsonschema.validate(event, json_schema())
    assert_valid_ocsf(list(events.values()))


def test_a_broken_event_fails_the_schema() -> None:
    [event] = _events([make_finding()])
    event["class_uid"] = 2004
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event, json_schema())
    del event["compliance"]
    event["class_uid"] = 2003
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event, json_schema())


def test_resource_owner_is_a_user_with_a_name_and_uid() -> None:
    # Was a user holding only an account: OCSF needs at least one of name/uid.
    [event] = _events([make_finding(arn="arn:aws:kms:us-east-1:123456789012:key/r1")])
    owner = event["resources"][0]["owner"]
    assert owner["uid"] == "arn:aws:iam::123456789012:root" and owner["name"] == "123456789012"
    assert owner["account"]["uid"] == "123456789012"
    assert ocsf_problems(event) == []


def test_the_cloud_profile_is_declared() -> None:
    [event] = _events([make_finding()])
    assert "cloud" in event and "cloud" in event["metadata"]["profiles"]
    event["metadata"]["profiles"] = []
    assert any("'cloud' profile" in p for p in ocsf_problems(event))


def test_no_deprecated_status_detail() -> None:
    [event] = _events([make_finding(message="rotation is off")])
    assert "status_detail" not in event["compliance"]
    assert event["compliance"]["status_details"] == ["rotation is off"]
    event["compliance"]["status_detail"] = "rotation is off"
    assert any("deprecated" in p for p in ocsf_problems(event))


def test_global_findings_leave_region_out_and_docs_are_referenced() -> None:
    url = "https://docs.aws.amazon.com/kms/latest/developerguide/kms-security.html"
    [event] = _events([make_finding(region="global", remediation_url=url)])
    assert "region" not in event["cloud"] and "region" not in event["resources"][0]
    assert event["remediation"]["references"] == [url]
    assert_valid_ocsf([event])


@pytest.mark.parametrize("breakage", [
    lambda e: e.pop("finding_info"),
    lambda e: e.update(severity_id="high"),
    lambda e: e["resources"][0].update(owner={"account": {"uid": "1"}}),
    lambda e: e["compliance"].update(bogus=1),
    lambda e: e["cloud"].update(region=None),
    lambda e: e["metadata"].update(version="1.1.0"),
])
def test_the_ocsf_validator_fails_broken_events(breakage) -> None:  # type: ignore[no-untyped-def]
    [event] = _events([make_finding()])
    assert ocsf_problems(event) == []
    breakage(event)
    assert ocsf_problems(event) != []


def _scan_events(aws, registry, **faults) -> list[dict]:  # type: ignore[no-untyped-def]
    from posture.core.config import ScanConfig
    from posture.core.runner import scan
    from posture.demo.seed import REGIONS
    from posture.report.model import build_report

    for (service, operation), (code, status) in faults.get("faults", {}).items():
        aws.simulation.fail(service, operation, code, status=status)
    report = build_report(scan(ScanConfig(regions=REGIONS, max_attempts=1), registry))
    return json.loads(RENDERERS["ocsf"](report)), report


@pytest.mark.xdist_group("demo")
def test_every_event_of_the_demo_scan_is_valid(demo_account, registry) -> None:  # type: ignore[no-untyped-def]
    events, report = _scan_events(demo_account, registry)
    assert len(events) == len(report.findings) > 300
    assert_valid_ocsf(events)


@pytest.mark.xdist_group("demo")
def test_every_event_of_a_fault_scan_is_valid(demo_account, registry) -> None:  # type: ignore[no-untyped-def]
    faults = {("bedrock", "GetModelInvocationLoggingConfiguration"): ("AccessDeniedException", 403),
              ("sagemaker", "ListNotebookInstances"): ("InternalFailure", 500),
              ("kms", "ListKeys"): ("ThrottlingException", 400),
              ("s3", "ListBuckets"): ("AccessDenied", 403)}
    events, report = _scan_events(demo_account, registry, faults=faults)
    assert sum(f.status == "ERROR" for f in report.findings) >= 10
    assert_valid_ocsf(events)
