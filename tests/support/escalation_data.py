"""The privilege-escalation methods as posture ships them (posture/data/escalation_methods.json), built
from cloudsplaining's `PRIVILEGE_ESCALATION_METHODS`, with their provenance.

    python -m tests.support.escalation_data        (re)writes the data file from the installed cloudsplaining

tests/deploy/test_escalation_data.py compares the shipped file with the installed package at test time.
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA_FILE = ROOT / "posture" / "data" / "escalation_methods.json"
PACKAGE = "cloudsplaining"
SOURCE_FILE = "cloudsplaining/shared/constants.py"
SOURCE_NAME = "PRIVILEGE_ESCALATION_METHODS"


def source_methods() -> dict[str, list[str]]:
    """The methods in the installed cloudsplaining, as its source has them (order kept)."""
    from cloudsplaining.shared.constants import PRIVILEGE_ESCALATION_METHODS

    return {str(name): [str(a) for a in actions] for name, actions in PRIVILEGE_ESCALATION_METHODS.items()}


def licence_text() -> str:
    dist = metadata.distribution(PACKAGE)
    for file in dist.files or ():
        if file.name.upper().startswith("LICENSE"):
            return file.read_text(encoding="utf-8").strip()
    raise LookupError(f"{PACKAGE} ships no licence file")


def build() -> dict[str, Any]:
    dist = metadata.distribution(PACKAGE)
    return {
        "provenance": {
            "package": PACKAGE,
            "version": dist.version,
            "file": SOURCE_FILE,
            "name": SOURCE_NAME,
            # The licence file's text is BSD-3-Clause (Salesforce.com); the package metadata says MIT.
            # The file's own text is what we reproduce, as BSD-3-Clause asks.
            "license": "BSD-3-Clause",
            "license_metadata": dist.metadata.get("License-Expression") or dist.metadata.get("License") or "",
            "license_text": licence_text(),
            "regenerate": "python -m tests.support.escalation_data",
        },
        "methods": source_methods(),
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    DATA_FILE.write_text(render(build()), encoding="utf-8")
    print(f"wrote {DATA_FILE.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
