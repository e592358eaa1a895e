"""`posture.toml`: everything a scheduled scan needs, in one file. Flags override it.

    [scan]                      # any field of posture.core.config.ScanConfig
    profile = "security-audit"
    regions = ["us-east-1", "us-west-2"]
    fail_on = "high"

    [output]
    json = "reports/posture.json"   # also: asff, csv, ocsf, html, quiet
    html = "reports/posture.html"
    directory = "reports/daily"     # and formats = ["json", "html"]: dated names, one per scan

    [securityhub]
    enabled = true

    [history]
    enabled = true                  # false: like --no-history
    path = "state/history.sqlite"

    [suppressions]
    file = "suppressions.toml"

    [checks.bedrock]            # settings of the checks whose id starts with `bedrock.`
    prompt_attack_min_strength = "HIGH"

The [checks.<prefix>] tables are handed to the checks as they are (strings, numbers,
booleans, lists of strings); each check reads its own keys with a default and says
when a value is not of the default's type.

The [scan] keys are ScanConfig's own fields, read from the model, so a field added
there is accepted here with no change to this module. An unknown key is an error
naming its line; relative paths are relative to the config file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from posture.core.config import ScanConfig
from posture.core.errors import UsageError

DEFAULT_NAME = "posture.toml"
# section -> key -> (CLI parameter name, is a path)
SECTIONS: dict[str, dict[str, tuple[str, bool]]] = {
    "output": {"json": ("json_path", True), "asff": ("asff_path", True), "csv": ("csv_path", True),
               "ocsf": ("ocsf_path", True), "html": ("html_path", True), "quiet": ("quiet", False),
               "directory": ("output_directory", True), "formats": ("output_formats", False)},
    "securityhub": {"enabled": ("securityhub", False)},
    "history": {"enabled": ("history_enabled", False), "path": ("history_path", True)},
    "suppressions": {"file": ("suppressions_path", True)},
}
KINDS: dict[str, type] = {"quiet": bool, "securityhub": bool, "history_enabled": bool, "output_formats": list}


@dataclass
class FileConfig:
    path: str | None = None
    scan: dict[str, Any] = field(default_factory=dict)  # ScanConfig fields
    options: dict[str, Any] = field(default_factory=dict)  # CLI parameter names


def scan_keys() -> list[str]:
    return list(ScanConfig.model_fields)


def _line(text: str, section: str | None, key: str) -> int:
    lines = text.splitlines()
    in_section = section is None
    for i, line in enumerate(lines, 1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            if section is None and header.group(1) == key:
                return i
            in_section = header.group(1) == section
            continue
        if in_section and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return i
    return 1


def find(explicit: str | None, cwd: Path | None = None) -> Path | None:
    """--config PATH, else ./posture.toml when it exists."""
    if explicit:
        return Path(explicit)
    candidate = (cwd or Path.cwd()) / DEFAULT_NAME
    return candidate if candidate.is_file() else None


def _check_settings(name: str, text: str, tables: dict[str, Any]) -> dict[str, dict[str, Any]]:
    settings: dict[str, dict[str, Any]] = {}
    for prefix, table in tables.items():
        if not isinstance(table, dict):
            raise UsageError(f"{name}:{_line(text, None, f'checks.{prefix}')}: checks.{prefix} must be a "
                             f"[checks.{prefix}] table")
        for key, value in table.items():
            scalar = isinstance(value, str | int | float | bool)
            if not scalar and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise UsageError(f"{name}:{_line(text, f'checks.{prefix}', key)}: checks.{prefix}.{key} must be "
                                 "a string, number, boolean or list of strings")
        settings[prefix] = dict(table)
    return settings


def load(path: str | Path) -> FileConfig:
    name = str(path)
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read config file {name}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise UsageError(f"{name}:{match.group(1) if match else 1}: not valid TOML "
                         f"({str(exc).split(' (at')[0]})") from None
    base = Path(path).resolve().parent
    config = FileConfig(path=name)
    known_sections = ["scan", "checks", *SECTIONS]
    for section, values in data.items():
        if section not in known_sections:
            raise UsageError(f"{name}:{_line(text, None, section)}: unknown section or key {section!r} "
                             f"(known: {', '.join(known_sections)})")
        if not isinstance(values, dict):
            raise UsageError(f"{name}:{_line(text, None, section)}: {section!r} must be a [{section}] table")
        if section == "scan":
            unknown = [k for k in values if k not in scan_keys()]
            if unknown:
                raise UsageError(f"{name}:{_line(text, 'scan', unknown[0])}: unknown key {unknown[0]!r} in [scan] "
                                 f"(known: {', '.join(scan_keys())})")
            try:
                ScanConfig(**values)
            except ValidationError as exc:
                first = exc.errors()[0]
                key = str(first["loc"][0])
                raise UsageError(f"{name}:{_line(text, 'scan', key)}: invalid {key}: {first['msg']}") from None
            config.scan = {**config.scan, **values}
            continue
        if section == "checks":
            config.scan["check_settings"] = _check_settings(name, text, values)
            continue
        for key, value in values.items():
            spec = SECTIONS[section].get(key)
            if spec is None:
                raise UsageError(f"{name}:{_line(text, section, key)}: unknown key {key!r} in [{section}] "
                                 f"(known: {', '.join(SECTIONS[section])})")
            option, is_path = spec
            kind = KINDS.get(option, str)
            strings = not isinstance(value, list) or all(isinstance(v, str) for v in value)
            if not isinstance(value, kind) or not strings:
                raise UsageError(f"{name}:{_line(text, section, key)}: {section}.{key} must be a {kind.__name__}"
                                 + (" of strings" if kind is list else ""))
            config.options[option] = str(base / str(value)) if is_path and value != "-" else value
    return config
