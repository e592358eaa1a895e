"""Writing outputs: atomically, so a crash never leaves half a report for ticketing to read."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from posture.core.errors import UsageError


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
    temp: str | None = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())  # on disk before the rename makes it visible
        os.replace(temp, target)
        temp = None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        if temp is not None:  # a failed write leaves neither half a report nor a stray temporary file
            Path(temp).unlink(missing_ok=True)
