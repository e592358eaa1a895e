"""Errors that end a run with one line for the person who ran it."""


class PostureError(Exception):
    """Base: the message is shown as is, on one line."""

    exit_code = 1


class UsageError(PostureError):
    """The input was wrong (flags, files): exit 2."""

    exit_code = 2


class ScanError(PostureError):
    """The scan could not run at all (no credentials, nothing reachable): exit 1."""

    exit_code = 1
