"""Where the tests find the repository's own files, wherever a test module sits."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]  # tests/support/paths.py -> the repository
SHARED_REFERENCE = REPO.parent / "shared" / "reference"  # the team's reference data, when beside the clone
