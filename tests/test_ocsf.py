"""OCSF output: Compliance Finding events (class 2003), validated against a schema from the reference."""

from __future__ import annotations

import json
from datetime import timedelta

import jsonschema
import pytest

from posture.core import reference
from posture.render import RENDERERS
from posture.render.ocsf import json_schema
from tests.reporting_helpers import T0, make_finding, make_report

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


def test_a_broken_event_fails_the_schema() -> None:
    [event] = _events([make_finding()])
    event["class_uid"] = 2004
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event, json_schema())
    del event["compliance"]
    event["class_uid"] = 2003
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event, json_schema())
