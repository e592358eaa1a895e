"""Writing outputs so that nothing is lost or faked.

- A regular file (or a path that does not exist yet) is written atomically: a temporary
  file beside it, fsync, rename. A crash never leaves half a report for ticketing to read.
- A symlink is followed: its target is written (atomically when it is a regular file), the
  link itself stays a link.
- Anything else that exists (a FIFO, a character device such as /dev/null or a terminal) is
  written in place: it is never replaced by a regular file.
- Every failure (no space left, I/O error, permission denied) raises WriteError: one line,
  exit 1. A write that did not reach its target never looks like a success.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from posture.core.errors import PostureError, UsageError

# File name endings of each format, for --output-directory.
EXTENSIONS = {"json": "json", "csv": "csv", "asff": "asff.json", "ocsf": "ocsf.json", "html": "html"}


class WriteError(PostureError):
    """An output could not be written: exit 1 (the scan ran, its report did not arrive)."""

    exit_code = 1


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _write_stdout(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise WriteError("cannot write to stdout: the reader closed the pipe") from None
    except OSError as exc:
        raise WriteError(f"cannot write to stdout: {_reason(exc)}") from None


def _write_in_place(path: str, shown: str, text: str) -> None:
    """A FIFO or a device: opened and written as it is, never replaced."""
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
    except OSError as exc:
        raise WriteError(f"cannot write {shown}: {_reason(exc)}") from None


def _write_atomically(target: Path, shown: str, text: str) -> None:
    directory = target.parent if str(target.parent) else Path(".")
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as exc:
        raise WriteError(f"cannot write {shown}: {_reason(exc)}") from None
    temp: str | None = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())  # on disk before the rename makes it visible
        os.chmod(temp, mode)  # the permissions the file had (or a new file's usual ones), not mkstemp's 0600
        os.replace(temp, target)
        temp = None
    except OSError as exc:
        raise WriteError(f"cannot write {shown}: {_reason(exc)}") from None
    finally:
        if temp is not None:  # a failed write leaves neither half a report nor a stray temporary file
            Path(temp).unlink(missing_ok=True)


def write_text(path: str, text: str, *, make_parents: bool = False) -> None:
    """Write `text` to `path` (`-` is stdout); see the module docstring for what each kind of
    target gets. `make_parents` creates a missing folder (config-file paths, --output-directory);
    without it a missing folder is a usage error naming it."""
    if path == "-":
        _write_stdout(text)
        return
    shown = path
    if os.path.islink(path):
        resolved = os.path.realpath(path)
        if not os.path.exists(resolved) and not Path(resolved).parent.is_dir():
            raise WriteError(f"cannot write {shown}: it is a symlink to {resolved}, whose folder does not exist")
        path = resolved
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise WriteError(f"cannot write {shown}: {_reason(exc)}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise WriteError(f"cannot write {shown}: it is a directory")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_in_place(path, shown, text)
        return
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        if not make_parents:
            raise UsageError(f"cannot write {shown}: directory {directory} does not exist")
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"cannot write {shown}: cannot create its folder {directory}: {_reason(exc)}") from None
    _write_atomically(target, shown, text)
