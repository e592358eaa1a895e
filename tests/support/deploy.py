"""Helpers for the deployment tests: the templates parsed as CloudFormation reads them, deploy/ modules."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CLOUDFORMATION = DEPLOY / "cloudformation"
TEMPLATES = sorted(CLOUDFORMATION.glob("*.yaml"))


def deploy_module(relative: str) -> ModuleType:
    """A script of deploy/ (not a package of the wheel) loaded as a module."""
    path = DEPLOY / relative
    spec = importlib.util.spec_from_file_location(f"deploy_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def template(name: str) -> dict[str, Any]:
    """A template as CloudFormation parses it (short-form intrinsics become Ref / Fn::*)."""
    from cfnlint.decode import cfn_yaml

    return _plain(cfn_yaml.loads((CLOUDFORMATION / name).read_text("utf-8")))


def template_text(text: str) -> dict[str, Any]:
    from cfnlint.decode import cfn_yaml

    return _plain(cfn_yaml.loads(text))


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def resources(parsed: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in parsed["Resources"].items() if r["Type"] == kind}


def compact_size(document: Any) -> int:
    """Characters IAM counts in a policy: the document without white space."""
    return len(json.dumps(document, separators=(",", ":")))
