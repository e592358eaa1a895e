"""Writing outputs: atomically, so a crash never leaves half a report for ticketing to read."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from posture.errors import UsageError


def write_text(path: str, text: str) -> None:
    """Write `text` to `path` (`-` is stdout) through a temporary file and a rename."""
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise UsageError(f"cannot write {path}: directory {directory} does not exist")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, target)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
