"""Splitting a scan over machines: each shard scans a deterministic part of the
(account, region) units, and `posture merge` joins the parts.

A unit's shard is a hash of "account/region", so each shard decides alone, with no
coordinator, and a unit's shard does not change when accounts join or leave the
organisation between the start of one shard and another. A global check runs in the
shard that owns its account's home region; an account that cannot be reached is
reported by the shard that owns "account/global".

`--shard I/N` counts from 1. Schedulers number their array tasks from 0 and say so
in an environment variable; `--shard-count N` reads the first one that is set.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass

from posture.core.errors import UsageError

# Read in this order; all are 0-based.
INDEX_VARIABLES = ("POSTURE_SHARD_INDEX", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX")


@dataclass(frozen=True)
class Shard:
    index: int = 1  # 1-based
    count: int = 1

    def owns(self, account_id: str, region: str) -> bool:
        if self.count == 1:
            return True
        digest = hashlib.sha256(f"{account_id}/{region}".encode()).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1

    @property
    def label(self) -> str | None:
        return None if self.count == 1 else f"{self.index}/{self.count}"


def parse_shard(text: str) -> tuple[int, int]:
    index, sep, count = text.partition("/")
    if not sep or not index.strip().isdigit() or not count.strip().isdigit():
        raise UsageError(f"--shard {text!r} is not I/N (for example 2/8)")
    i, n = int(index), int(count)
    if n < 1 or not 1 <= i <= n:
        raise UsageError(f"--shard {text!r}: I must be between 1 and N")
    return i, n


def resolve_shard(
    shard: str | None, shard_count: int | None, environ: Mapping[str, str] | None = None
) -> tuple[int, int]:
    """(index, count) from `--shard I/N`, or `--shard-count N` plus a scheduler's index variable."""
    if shard is not None and shard_count is not None:
        raise UsageError("give either --shard I/N or --shard-count N, not both")
    if shard is not None:  # an empty --shard (an unset variable in a job manifest) is an error, not "all"
        return parse_shard(shard)
    if shard_count is None:
        return 1, 1
    if shard_count < 1:
        raise UsageError("--shard-count must be at least 1")
    env = os.environ if environ is None else environ
    for name in INDEX_VARIABLES:
        value = env.get(name)
        if value is None or value == "":
            continue
        if not value.isdigit() or int(value) >= shard_count:
            raise UsageError(f"{name}={value!r} is not an index below --shard-count {shard_count}")
        return int(value) + 1, shard_count
    raise UsageError(f"--shard-count needs one of {', '.join(INDEX_VARIABLES)} set (0-based index)")
