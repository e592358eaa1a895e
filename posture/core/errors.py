"""Errors that end a run with one line for the person who ran it, and the shape of a secret
that must never appear in one (shared by posture.aws.redact and the checks that look for secrets)."""

import re

# Tokens shaped like credentials: provider API keys, access keys, tokens, JWTs, and
# `password=...`-style pairs. Matched as whole whitespace-delimited words.
SECRET_SHAPES = re.compile(
    r"\S*(?:sk-|sk_live_|rk_live_|ghp_|gho_|github_pat_|xox[abprs]-|hf_|glpat-|AKIA|ASIA|AIza|eyJ)[A-Za-z0-9]\S*"
    r"|(?i:password|passwd|secret|token|api[_-]?key)\s*[=:]\s*\S+"
)


class PostureError(Exception):
    """Base: the message is shown as is, on one line."""

    exit_code = 1


class UsageError(PostureError):
    """The input was wrong (flags, files): exit 2."""

    exit_code = 2


class ScanError(PostureError):
    """The scan could not run at all (no credentials, nothing reachable): exit 1."""

    exit_code = 1
