"""`make audit`: pip-audit over the locked runtime set, and a verdict that is never a silent "clean".

    python deploy/audit.py requirements.lock [pip-audit flags...]

pip-audit reports a package its vulnerability service did not answer for as *skipped* and still prints
"No known vulnerabilities found" with exit 0. Here every package must have been audited: a skipped package,
or a service that cannot be reached, ends in one line saying what could not be audited, and exit 2.
Exit 0: every locked package audited, none vulnerable; 1: known vulnerabilities (listed); 2: could not audit.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COULD_NOT_AUDIT = 2


@dataclass(frozen=True)
class Verdict:
    code: int
    lines: tuple[str, ...]


def judge(result: dict[str, Any]) -> Verdict:
    """The verdict on pip-audit's JSON output (`--format json`)."""
    dependencies = result.get("dependencies") or []
    if not dependencies:
        return Verdict(COULD_NOT_AUDIT, ("audit: could not audit: pip-audit reported no dependency at all",))
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if skipped:
        names = ", ".join(str(d.get("name")) for d in skipped[:5]) + (", ..." if len(skipped) > 5 else "")
        return Verdict(COULD_NOT_AUDIT, (
            f"audit: could not audit {len(skipped)} of {len(dependencies)} locked packages ({names}): "
            f"{skipped[0]['skip_reason']}. This is not a clean result.",))
    vulnerable = [d for d in dependencies if d.get("vulns")]
    if vulnerable:
        lines = [f"audit: {sum(len(d['vulns']) for d in vulnerable)} known vulnerabilities in "
                 f"{len(vulnerable)} of {len(dependencies)} locked packages:"]
        for d in vulnerable:
            for v in d["vulns"]:
                fixed = ", ".join(v.get("fix_versions") or []) or "no fixed version"
                lines.append(f"  {d['name']} {d.get('version')}: {v.get('id')} (fixed in {fixed})")
        return Verdict(1, tuple(lines))
    return Verdict(0, (f"audit: {len(dependencies)} locked packages audited, no known vulnerabilities",))


def run(lock: Path, extra: list[str]) -> Verdict:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "--requirement", str(lock), "--require-hashes",
                   "--disable-pip", "--format", "json", "--progress-spinner", "off", "--output", str(out), *extra]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            return Verdict(COULD_NOT_AUDIT, ("audit: could not audit: pip-audit did not finish in 600 s",))
        try:
            result = json.loads(out.read_text("utf-8"))
        except (OSError, ValueError):
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return Verdict(COULD_NOT_AUDIT, (
                f"audit: could not audit: pip-audit exited {done.returncode} without a result "
                f"(the vulnerability service may be unreachable): {last}",))
    verdict = judge(result)
    if verdict.code == 0 and done.returncode != 0:
        return Verdict(COULD_NOT_AUDIT, (f"audit: could not audit: pip-audit exited {done.returncode}",))
    return verdict


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    verdict = run(Path(argv[0]), argv[1:])
    print("\n".join(verdict.lines), file=sys.stderr if verdict.code else sys.stdout)
    return verdict.code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
