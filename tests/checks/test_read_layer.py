"""The read layer (checks/_read/) is data: every declared read must be an operation AWS has, called by its
boto3 method, paginated only where botocore can paginate it; and every service is declared once.

Checked against botocore's own service models (no AWS, no moto): a misspelt operation, a method name
that is not the one boto3 derives, or `paginate=True` on an operation without a paginator would otherwise
fail only when a scan reaches the read, in the account that has the resource.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient

from posture.api import Kind, Read, Reads, Service
from posture.checks import _read


def read_modules() -> list[ModuleType]:
    return [importlib.import_module(f"{_read.__name__}.{info.name}") for info in pkgutil.iter_modules(_read.__path__)]


def reads_in(value: Any, seen: set[int] | None = None) -> Iterator[Read]:
    """Every Read inside a module-level value: a Read, the reads of a Kind or Reads, or of a dict, list or tuple
    of them (`sagemaker.JOB_DEFINITIONS`)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, Read):
        yield value
    elif isinstance(value, Kind):
        yield from value.reads
    elif isinstance(value, Reads):
        for part in value.parts:
            yield from reads_in(part, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from reads_in(item, seen)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from reads_in(item, seen)


def declared_reads() -> list[tuple[str, Read]]:
    """(module, read) for every read a read module holds, each once."""
    found: dict[tuple[str, str, str, str], tuple[str, Read]] = {}
    for module in read_modules():
        for value in vars(module).values():
            for read in reads_in(value):
                key = (read.service.client, read.operation, read.path, repr(sorted(read.params.items())))
                found.setdefault(key, (module.__name__.rsplit(".", 1)[-1], read))
    return sorted(found.values(), key=lambda pair: (pair[0], pair[1].service.client, pair[1].operation))


@cache
def client(name: str) -> BaseClient:
    """A client of the service (never sends a request: only its model and method names are read)."""
    return boto3.client(name, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


READS = declared_reads()


def test_the_read_layer_declares_reads() -> None:
    assert len(READS) > 100
    assert {module for module, _ in READS} >= {"s3", "iam", "bedrock", "bedrock_agent", "sagemaker", "kms"}


@pytest.mark.parametrize(("module", "read"), READS,
                         ids=[f"{m}:{r.service.client}.{r.operation}:{r.path or '-'}" for m, r in READS])
def test_every_read_is_an_operation_of_its_service(module: str, read: Read) -> None:
    found = client(read.service.client)
    assert read.operation in found.meta.service_model.operation_names, \
        f"_read/{module}.py: {read.service.client} has no operation {read.operation}"
    assert found.meta.method_to_api_mapping.get(read.method) == read.operation, \
        f"_read/{module}.py: boto3 calls {read.operation} by another name than {read.method}"
    if read.paginate:
        assert found.can_paginate(read.method), \
            f"_read/{module}.py: {read.service.client}.{read.method} has no botocore paginator (paginate=True)"


def service_declarations(module: ModuleType) -> list[str]:
    """The client names of the Services a module declares (each `Service(...)` call in its source)."""
    tree = ast.parse(Path(str(module.__file__)).read_text("utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
             and n.func.id == "Service"]
    names = {t.id for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
             and isinstance(n.value.func, ast.Name) and n.value.func.id == "Service"
             for t in n.targets if isinstance(t, ast.Name)}
    assert len(calls) == len(names), f"{module.__name__}: a Service is declared other than as a module constant"
    services = [getattr(module, name) for name in sorted(names)]
    assert all(isinstance(s, Service) for s in services)
    return [s.client for s in services]


def test_every_service_is_declared_in_one_read_module() -> None:
    where: dict[str, list[str]] = {}
    for module in read_modules():
        for name in service_declarations(module):
            where.setdefault(name, []).append(module.__name__.rsplit(".", 1)[-1])
    twice = {name: modules for name, modules in where.items() if len(modules) > 1}
    assert not twice, f"services declared in more than one read module: {twice}"
    undeclared = sorted({r.service.client for _, r in READS} - set(where))
    assert not undeclared, f"reads of services no read module declares: {undeclared}"


def test_every_client_is_a_botocore_service() -> None:
    available = set(boto3.session.Session().get_available_services())
    assert {r.service.client for _, r in READS} <= available


class Pages:
    """A context whose `call` answers three pages by `nextToken` (what `every_page` follows)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        self.requests.append(params)
        page = int(params.get("nextToken") or 0)
        return {"items": [f"item-{page}"], **({"nextToken": str(page + 1)} if page < 2 else {})}


def test_every_page_follows_the_token_to_the_last_page() -> None:
    from posture.checks._read import every_page

    read = Service("opensearchserverless").read("ListSecurityPolicies", path="items")
    ctx = Pages()
    assert every_page(ctx, read, "nextToken", type="data") == ["item-0", "item-1", "item-2"]  # type: ignore[arg-type]
    assert ctx.requests == [{"type": "data"}, {"type": "data", "nextToken": "1"}, {"type": "data", "nextToken": "2"}]
