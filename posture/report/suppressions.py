"""Suppression rules: a TOML file of accepted risks, each with a reason and maybe an expiry.

    [[suppress]]
    check = "s3.*"                     # glob on the check id (required)
    account = "123456789012"           # optional
    region = "us-west-2"               # optional ("global" for global findings)
    resource = "acme-sandbox-*"        # optional glob on the resource id or ARN
    tags = { env = "sandbox" }         # optional: every tag must match the resource's
    reason = "sandbox, no customer data"   # required
    expires = 2027-01-31               # optional; from that day on the rule stops applying

A suppressed finding keeps its status, carries `muted: true` and the reason, and leaves
the scores and --fail-on. Expired rules are listed in the output. A bad file is one
line of error that names the line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from posture.core.errors import UsageError
from posture.core.models import Finding
from posture.report.model import ExpiredRule

KEYS = {"check", "account", "region", "resource", "tags", "reason", "expires"}
TagsOf = Callable[[Finding], Mapping[str, str]]


@dataclass(frozen=True)
class Rule:
    line: int
    check: str
    reason: str
    account: str | None = None
    region: str | None = None
    resource: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    expires: date | None = None

    def expired(self, today: date) -> bool:
        return self.expires is not None and today >= self.expires

    def matches(self, finding: Finding, tags: Mapping[str, str]) -> bool:
        if not fnmatchcase(finding.check_id, self.check):
            return False
        if self.account is not None and finding.account_id != self.account:
            return False
        if self.region is not None and finding.region != self.region:
            return False
        if self.resource is not None and not (
            fnmatchcase(finding.resource_id, self.resource)
            or (finding.resource_arn is not None and fnmatchcase(finding.resource_arn, self.resource))
        ):
            return False
        return all(tags.get(k) == v for k, v in self.tags.items())


@dataclass(frozen=True)
class RuleSet:
    path: str
    rules: tuple[Rule, ...]

    @property
    def uses_tags(self) -> bool:
        return any(r.tags for r in self.rules)


def _rule_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), 1) if re.match(r"^\s*\[\[\s*suppress\s*\]\]", line)]


def _key_line(text: str, start: int, key: str) -> int:
    """The line of `key` in the table whose header is on line `start` (0: top level)."""
    lines = text.splitlines()
    for i in range(start, len(lines)):
        if re.match(rf"^\s*(\[+\s*)?{re.escape(key)}\s*(=|\])", lines[i]):
            return i + 1
        if start and lines[i].lstrip().startswith("["):
            break
    return start or 1


def load(path: str | Path) -> RuleSet:
    """Read and validate a rule file; any problem is a UsageError naming the line."""
    name = str(path)
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read suppressions file {name}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        where = f"{name}:{match.group(1)}" if match else name
        raise UsageError(f"{where}: not valid TOML ({str(exc).split(' (at')[0]})") from None
    unknown = sorted(set(data) - {"suppress"})
    if unknown:
        raise UsageError(f"{name}:{_key_line(text, 0, unknown[0])}: unknown key {unknown[0]!r} "
                         "(rules go in [[suppress]] tables)")
    raw = data.get("suppress", [])
    if not isinstance(raw, list):
        raise UsageError(f"{name}:{_key_line(text, 0, 'suppress')}: 'suppress' must be [[suppress]] tables")
    starts = _rule_lines(text)
    return RuleSet(name, tuple(_rule(name, text, item, starts[i] if i < len(starts) else 1)
                               for i, item in enumerate(raw)))


def _rule(name: str, text: str, item: dict[str, Any], line: int) -> Rule:
    def fail(message: str, key: str | None = None) -> UsageError:
        at = _key_line(text, line, key) if key else line
        return UsageError(f"{name}:{at}: {message}")

    unknown = sorted(set(item) - KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} in a suppression rule (known: {', '.join(sorted(KEYS))})",
                   unknown[0])
    if not isinstance(item.get("check"), str) or not item["check"].strip():
        raise fail("a suppression rule needs 'check' (a check id or glob)")
    reason = item.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise fail("a suppression rule needs a non-empty 'reason'")
    for key in ("account", "region", "resource"):
        if key in item and not isinstance(item[key], str):
            raise fail(f"'{key}' must be a string", key)
    if "account" in item and not re.fullmatch(r"\d{12}", item["account"]):
        raise fail("'account' must be a 12-digit account id", "account")
    tags = item.get("tags", {})
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        raise fail("'tags' must be a table of strings, e.g. tags = { env = \"sandbox\" }", "tags")
    expires = item.get("expires")
    if expires is not None and (not isinstance(expires, date) or hasattr(expires, "hour")):
        raise fail("'expires' must be a date, e.g. expires = 2027-01-31", "expires")
    return Rule(line=line, check=item["check"], reason=reason.strip(), account=item.get("account"),
                region=item.get("region"), resource=item.get("resource"), tags=dict(tags), expires=expires)


def apply(
    findings: list[Finding], rules: RuleSet, *, today: date, tags_of: TagsOf | None = None
) -> tuple[list[Finding], list[ExpiredRule]]:
    """Mute the findings an active rule matches (first matching rule wins); list expired rules."""
    active = [r for r in rules.rules if not r.expired(today)]
    expired = [ExpiredRule(line=r.line, check=r.check, reason=r.reason, expires=r.expires)
               for r in rules.rules if r.expired(today) and r.expires is not None]
    out = []
    for f in findings:
        tags: Mapping[str, str] = tags_of(f) if tags_of is not None and rules.uses_tags else {}
        rule = next((r for r in active if r.matches(f, tags)), None)
        if rule is not None:
            f = f.model_copy(update={"muted": True, "mute_reason": f"{rule.reason} ({rules.path}:{rule.line})"})
        out.append(f)
    return out, expired
