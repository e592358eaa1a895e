"""The check registry.

`@check(...)` validates a check's metadata and marks the function; it registers
nothing globally. `Registry.load()` imports every module of the built-in `checks`
package, then the modules named by the `posture.checks` entry-point group, and
collects the marked functions. Built-ins load first and win an id collision; the
plugin that lost is reported, loudly.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

from posture.core.context import CheckContext
from posture.core.models import Asset, CheckMeta, InventoryMeta, securityhub_control_url
from posture.core.reads import actions_of
from posture.core.reference import framework_field

ENTRY_POINT_GROUP = "posture.checks"
CheckFunction = Callable[[CheckContext], None]
CollectorFunction = Callable[[CheckContext], Iterable[Asset]]


@dataclass(frozen=True)
class Check:
    meta: CheckMeta
    run: CheckFunction
    origin: str  # the module that defined it


@dataclass(frozen=True)
class Collector:
    """An inventory collector: lists AI assets (`ctx.asset(...)`), judges nothing."""

    meta: InventoryMeta
    run: CollectorFunction
    origin: str


class RegistryError(Exception):
    pass


MAPPED_FIELDS = ("csf", "owasp_llm", "securityhub_controls", "atlas", "nist_ai_rmf", "iso42001", "owasp_agentic",
                 "eu_ai_act")


def resolve(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Check metadata as written (`maps`, `reads`) in CheckMeta's fields: each framework id of `maps`
    goes to the field of the framework that defines it, and the IAM permissions follow from `reads`
    (added to any `permissions` written out, as a third-party check may). `service_docs` is the page a
    finding links when the check names no Security Hub control with a page of its own."""
    resolved = dict(metadata)
    mapped: dict[str, list[str]] = {name: list(resolved.pop(name, ()) or ()) for name in MAPPED_FIELDS}
    for framework_id in resolved.pop("maps", ()) or ():
        mapped[framework_field(framework_id)].append(framework_id)
    for name, ids in mapped.items():
        if ids or name in metadata:
            resolved[name] = sorted(dict.fromkeys(ids))
    service_docs = resolved.pop("service_docs", None)
    if service_docs and not resolved.get("docs_url") and not any(
            securityhub_control_url(c) for c in resolved.get("securityhub_controls", ())):
        resolved["docs_url"] = service_docs  # else the page of its first Security Hub control
    reads = resolved.pop("reads", ()) or ()
    resolved["permissions"] = sorted({*resolved.get("permissions", ()), *actions_of(reads)})
    return resolved


def check(**metadata: Any) -> Callable[[CheckFunction], CheckFunction]:
    """Declare a check: `@check(id=..., title=..., ...)` over `def fn(ctx) -> None`.

    `maps` lists the framework ids the check maps to, of any framework (CSF `PR.DS-01`, OWASP LLM
    `LLM06` and `LLM02:2025`, Security Hub `KMS.4`, ATLAS `AML.T0035`, NIST AI RMF `MEASURE 2.7`,
    ISO/IEC 42001 `A.6.2.6`, OWASP Agentic, EU AI Act); `reads` the reads it makes (posture.core.reads),
    from which its IAM permissions follow."""
    meta = CheckMeta(**resolve(metadata))  # invalid metadata fails here, when the module is imported

    def mark(fn: CheckFunction) -> CheckFunction:
        fn.__posture_check__ = meta  # type: ignore[attr-defined]
        return fn

    return mark


class Family:
    """The metadata a module's checks share, stated once: `check = Family(service="kms", ...)` at the top
    of the module, then `@check(id=..., ...)` over each check, which states only what differs. `maps`
    and `reads` add to the family's; every other field replaces the family's value."""

    def __init__(self, **defaults: Any) -> None:
        self.defaults = defaults

    def __call__(self, **metadata: Any) -> Callable[[CheckFunction], CheckFunction]:
        merged = {**self.defaults, **metadata}
        for name in ("maps", "reads"):
            merged[name] = [*self.defaults.get(name, ()), *metadata.get(name, ())]
        return check(**merged)


def inventory(**metadata: Any) -> Callable[[CollectorFunction], CollectorFunction]:
    """Declare an inventory collector: `@inventory(id=..., ...)` over `def fn(ctx) -> Iterable[Asset]`."""
    meta = InventoryMeta(**resolve(metadata))

    def mark(fn: CollectorFunction) -> CollectorFunction:
        fn.__posture_inventory__ = meta  # type: ignore[attr-defined]
        return fn

    return mark


def _defined_here(value: Any, module: ModuleType) -> bool:
    return getattr(value, "__module__", None) == module.__name__


def checks_in(module: ModuleType) -> list[Check]:
    found = []
    for value in vars(module).values():
        meta = getattr(value, "__posture_check__", None)
        if isinstance(meta, CheckMeta) and _defined_here(value, module):
            found.append(Check(meta, value, module.__name__))
    return found


def collectors_in(module: ModuleType) -> list[Collector]:
    found = []
    for value in vars(module).values():
        meta = getattr(value, "__posture_inventory__", None)
        if isinstance(meta, InventoryMeta) and _defined_here(value, module):
            found.append(Collector(meta, value, module.__name__))
    return found


class Registry:
    def __init__(self, checks: Iterable[Check] = ()) -> None:
        self._checks: dict[str, Check] = {}
        self._collectors: dict[str, Collector] = {}
        self.warnings: list[str] = []
        for c in checks:
            self.add(c)

    @classmethod
    def load(cls, *, plugins: bool = True) -> Registry:
        registry = cls()
        builtin = importlib.import_module("posture.checks")  # discovery by name: the engine imports no check

        for info in sorted(pkgutil.iter_modules(builtin.__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"posture.checks.{info.name}")
            for c in checks_in(module):
                registry.add(c)
            for collector in collectors_in(module):
                registry.add_collector(collector)
        if plugins:
            for ep in entry_points(group=ENTRY_POINT_GROUP):
                try:
                    module = ep.load()
                except Exception as exc:
                    registry.warnings.append(f"plugin {ep.name!r} could not be loaded: {exc}")
                    continue
                for c in checks_in(module):
                    registry.add(c, plugin=True)
        return registry

    def add(self, c: Check, *, plugin: bool = False) -> None:
        existing = self._checks.get(c.meta.id)
        if existing is not None:
            message = f"check id {c.meta.id!r} from {c.origin} collides with {existing.origin}"
            if plugin:
                self.warnings.append(message + "; the plugin's check is ignored")
                return
            raise RegistryError(message)
        self._checks[c.meta.id] = c

    def add_collector(self, collector: Collector) -> None:
        existing = self._collectors.get(collector.meta.id)
        if existing is not None:
            raise RegistryError(f"inventory id {collector.meta.id!r} from {collector.origin} "
                                f"collides with {existing.origin}")
        self._collectors[collector.meta.id] = collector

    @property
    def collectors(self) -> list[Collector]:
        return sorted(self._collectors.values(), key=lambda c: c.meta.id)

    def __iter__(self) -> Any:
        return iter(sorted(self._checks.values(), key=lambda c: c.meta.id))

    def __len__(self) -> int:
        return len(self._checks)

    def __contains__(self, check_id: object) -> bool:
        return check_id in self._checks

    def get(self, check_id: str) -> Check:
        try:
            return self._checks[check_id]
        except KeyError:
            raise RegistryError(f"unknown check id {check_id!r} (see `posture checks`)") from None

    def select(
        self,
        *,
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
        services: Iterable[str] = (),
    ) -> list[Check]:
        """Checks chosen by id and service; an unknown id or service is an error, not a no-op."""
        include, exclude, services = list(include), list(exclude), list(services)
        for check_id in [*include, *exclude]:
            self.get(check_id)
        known_services = {c.meta.service for c in self}
        unknown = [s for s in services if s not in known_services]
        if unknown:
            raise RegistryError(f"unknown service {unknown[0]!r}; known: {', '.join(sorted(known_services))}")
        chosen = [c for c in self if (not include or c.meta.id in include)]
        if services:
            chosen = [c for c in chosen if c.meta.service in services]
        return [c for c in chosen if c.meta.id not in exclude]

    @property
    def services(self) -> list[str]:
        return sorted({c.meta.service for c in self})
