"""The registry: validation at registration, discovery, selection, plugins."""

import types

import pytest
from pydantic import ValidationError

from posture.core.registry import Check, Registry, RegistryError, check, checks_in
from tests.support.factories import META, meta


def test_builtin_checks_are_discovered(registry):
    assert len(registry) >= 10
    assert "kms.cmk_rotation_enabled" in registry
    for c in registry:
        assert c.origin == f"posture.checks.{c.meta.id.split('.')[0]}" or c.origin.startswith("posture.checks.")


@pytest.mark.parametrize("field, value", [
    ("id", "NoDot"), ("id", "kms.Bad-Name"), ("csf", ["PR.AC-01"]), ("csf", []),
    ("owasp_llm", ["LLM01"]), ("owasp_llm", ["LLM01:2025"]), ("owasp_llm", ["LLM11", "LLM01:2025"]),
    ("securityhub_controls", ["KMS.999"]), ("boundaries", []), ("boundaries", ["network"]),
    ("severity", "severe"), ("permissions", []), ("permissions", ["kms ListKeys"]), ("scope", "zonal"),
])
def test_invalid_metadata_is_rejected_at_registration(field, value):
    with pytest.raises(ValidationError):
        check(**{**META, field: value})


def test_metadata_is_frozen():
    m = meta()
    with pytest.raises(ValidationError):
        m.severity = "low"


def test_selection_by_id_service_and_exclusion(registry):
    assert [c.meta.id for c in registry.select(include=["kms.cmk_rotation_enabled"])] == ["kms.cmk_rotation_enabled"]
    assert {c.meta.service for c in registry.select(services=["s3"])} == {"s3"}
    everything = registry.select()
    fewer = registry.select(exclude=["kms.cmk_rotation_enabled"])
    assert len(fewer) == len(everything) - 1


@pytest.mark.parametrize("kwargs", [{"include": ["kms.nope"]}, {"exclude": ["nope.nope"]}, {"services": ["nosuch"]}])
def test_unknown_ids_and_services_are_errors(registry, kwargs):
    with pytest.raises(RegistryError):
        registry.select(**kwargs)


def _module_with_check(name: str, check_id: str) -> types.ModuleType:
    module = types.ModuleType(name)

    def fn(ctx):
        pass

    fn.__module__ = name
    module.fn = check(**{**META, "id": check_id})(fn)
    return module


def test_plugin_losing_an_id_collision_is_reported_not_silent():
    builtin = checks_in(_module_with_check("posture.checks.demo", "demo.example_control"))
    plugin = checks_in(_module_with_check("thirdparty.demo", "demo.example_control"))
    registry = Registry(builtin)
    registry.add(plugin[0], plugin=True)
    assert registry.get("demo.example_control").origin == "posture.checks.demo"
    assert "collides" in registry.warnings[0]


def test_two_builtins_with_one_id_fail_loudly():
    first = checks_in(_module_with_check("posture.checks.a", "demo.example_control"))[0]
    second = checks_in(_module_with_check("posture.checks.b", "demo.example_control"))[0]
    with pytest.raises(RegistryError):
        Registry([first, second])


def test_plugins_load_through_the_entry_point_group(monkeypatch):
    module = _module_with_check("thirdparty.more", "thirdparty.extra_control")

    class EntryPoint:
        name = "thirdparty"

        def load(self):
            return module

    monkeypatch.setattr("posture.core.registry.entry_points",
                        lambda group: [EntryPoint()] if group == "posture.checks" else [])
    registry = Registry.load()
    assert registry.get("thirdparty.extra_control").origin == "thirdparty.more"
    assert isinstance(registry.get("thirdparty.extra_control"), Check)


def test_a_broken_plugin_is_a_warning(monkeypatch):
    class Broken:
        name = "broken"

        def load(self):
            raise ImportError("no module named broken")

    monkeypatch.setattr("posture.core.registry.entry_points", lambda group: [Broken()])
    registry = Registry.load()
    assert any("broken" in w for w in registry.warnings)
    assert "kms.cmk_rotation_enabled" in registry
