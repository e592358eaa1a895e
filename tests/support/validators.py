"""Every output the tests write, checked by its consumer's own validator.

- ASFF: botocore's `securityhub` service model, `BatchImportFindings` input shape, through
  botocore's ParamValidator: what the SDK itself refuses before a request is sent.
- OCSF 1.5.0: py-ocsf-models' `ComplianceFinding` (the pydantic models of the OCSF classes
  that Prowler ships to PyPI; offline, no schema download), plus the 1.5.0 rules those models
  do not encode: every attribute must be one the schema has (no unknown keys outside
  `unmapped`), attributes of a profile need that profile in `metadata.profiles`, deprecated
  attributes are not used, and a user names at least one of `name`/`uid`.
- JSON: the JSON Schema that `posture schema` prints.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

import jsonschema
import pydantic
from py_ocsf_models import OCSF_VERSION as MODELS_OCSF_VERSION
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from py_ocsf_models.objects.cloud import Cloud

from posture.render.ocsf import OCSF_VERSION
from posture.report.model import json_schema as report_schema

# OCSF 1.5.0 attributes our events use that py-ocsf-models 0.10 does not model (checked
# against the 1.5.0 schema compiled with ocsf-lib; the set stays small and named).
OCSF_EXTRA_ATTRIBUTES = {
    ("compliance", "status"),          # string_t, sibling of status_id
    ("compliance", "status_details"),  # string_t[], replaces the deprecated status_detail (1.4.0)
    ("remediation", "references"),     # string_t[]
}
# Attributes that belong to a profile (path from the event, list items as []) -> the profile.
# Top-level attributes a profile adds to the class, where py-ocsf-models has the object's model.
OCSF_PROFILE_MODELS: dict[str, type[pydantic.BaseModel]] = {"cloud": Cloud}
OCSF_PROFILE_ATTRIBUTES = {
    "cloud": "cloud", "api": "cloud", "resources[].cloud_partition": "cloud", "resources[].region": "cloud",
    "resources[].zone": "cloud", "device": "host", "actor": "host", "time_dt": "datetime",
}
# Deprecated in 1.5.0 among the objects a Compliance Finding carries (from the compiled 1.5.0 schema).
OCSF_DEPRECATED = {
    "compliance.status_detail", "compliance.compliance_references", "compliance.compliance_standards",
    "finding_info.product_uid", "cloud.project_uid", "remediation.kb_articles", "resource", "ticket",
    "metadata.extension", "resources[].data_classification",
}


@functools.cache
def _asff_input_shape() -> Any:
    import botocore.session

    model = botocore.session.get_session().get_service_model("securityhub")
    return model.operation_model("BatchImportFindings").input_shape


def asff_problems(findings: Sequence[Mapping[str, Any]]) -> list[str]:
    """botocore's verdict on `findings` as one BatchImportFindings call (empty: valid)."""
    from botocore.exceptions import ParamValidationError
    from botocore.validate import ParamValidator

    problems: list[str] = []
    for start in range(0, max(len(findings), 1), 100):  # the API takes 1..100 findings a call
        batch = list(findings[start:start + 100])
        report = ParamValidator().validate({"Findings": batch}, _asff_input_shape())
        if report.has_errors():
            try:
                raise ParamValidationError(report=report.generate_report())
            except ParamValidationError as exc:
                problems.append(str(exc))
    return problems


def assert_valid_asff(findings: Sequence[Mapping[str, Any]]) -> None:
    assert findings, "no ASFF findings to validate"
    assert asff_problems(findings) == []


def _model_fields(annotation: Any) -> type[pydantic.BaseModel] | None:
    """The pydantic model inside Optional[...] / list[...], if any."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, typing.List):  # noqa: UP006
        for arg in typing.get_args(annotation):
            found = _model_fields(arg)
            if found is not None:
                return found
    return None


def _walk(model: type[pydantic.BaseModel], value: Any, path: str, problems: list[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _walk(model, item, path + "[]", problems)
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        where = f"{path}.{key}" if path else key
        field = model.model_fields.get(key)
        if field is None and not path and key in OCSF_PROFILE_MODELS:
            if item is None:
                problems.append(f"{where}: null (leave an attribute out instead)")
            else:
                OCSF_PROFILE_MODELS[key].model_validate(item)
                _walk(OCSF_PROFILE_MODELS[key], item, where, problems)
            continue
        if field is None:
            if (path.removesuffix("[]").split(".")[-1], key) not in OCSF_EXTRA_ATTRIBUTES:
                problems.append(f"{where}: not an attribute of OCSF {model.__name__}")
            continue
        if item is None:
            problems.append(f"{where}: null (leave an attribute out instead)")
        if key == "unmapped":
            continue
        sub = _model_fields(field.annotation)
        if sub is not None:
            _walk(sub, item, where, problems)


def _paths(value: Any, path: str = "") -> list[str]:
    if isinstance(value, list):
        return [p for item in value for p in _paths(item, path + "[]")]
    if not isinstance(value, dict):
        return []
    out = []
    for key, item in value.items():
        where = f"{path}.{key}" if path else key
        out.append(where)
        if key != "unmapped":
            out += _paths(item, where)
    return out


def ocsf_problems(event: Mapping[str, Any]) -> list[str]:
    """Why `event` is not a valid OCSF 1.5.0 Compliance Finding (empty: valid)."""
    problems: list[str] = []
    try:
        ComplianceFinding.model_validate(event)
        _walk(ComplianceFinding, event, "", problems)
    except pydantic.ValidationError as exc:
        problems += [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    metadata = event.get("metadata") or {}
    if metadata.get("version") != OCSF_VERSION:
        problems.append(f"metadata.version {metadata.get('version')!r} is not the pinned {OCSF_VERSION}")
    declared = set(metadata.get("profiles") or ())
    for path in _paths(event):
        profile = OCSF_PROFILE_ATTRIBUTES.get(path)
        if profile is not None and profile not in declared:
            problems.append(f"{path}: attribute of the {profile!r} profile, not declared in metadata.profiles")
        if path in OCSF_DEPRECATED:
            problems.append(f"{path}: deprecated")
    for i, resource in enumerate(event.get("resources") or ()):
        owner = resource.get("owner")
        if owner is not None and not (owner.get("name") or owner.get("uid")):
            problems.append(f"resources[{i}].owner: a user needs at least one of name, uid")
    return problems


def assert_valid_ocsf(events: Sequence[Mapping[str, Any]]) -> None:
    assert events, "no OCSF events to validate"
    assert MODELS_OCSF_VERSION == OCSF_VERSION, "py-ocsf-models models another OCSF version than we pin"
    bad = {i: p for i, e in enumerate(events) if (p := ocsf_problems(e))}
    assert bad == {}, f"{len(bad)} of {len(events)} OCSF events are invalid: {next(iter(bad.values()))}"


def assert_valid_report(report: Mapping[str, Any]) -> None:
    jsonschema.validate(report, report_schema())
