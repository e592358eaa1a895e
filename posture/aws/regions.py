"""Partitions and their home regions: where an account's global checks run and where its
global findings go (one rule, used by the runner, the Security Hub sink and ASFF)."""

from __future__ import annotations

from collections.abc import Iterable

HOME_REGIONS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}


def home_region(partition: str) -> str:
    """The partition's home region (where IAM, STS and Organizations answer first)."""
    return HOME_REGIONS.get(partition, "us-east-1")


def account_home(partition: str, regions: Iterable[str]) -> str:
    """Where global checks run and global findings go: the partition's home region when it is
    scanned, else the first scanned region."""
    scanned = sorted(regions)
    home = home_region(partition)
    return home if not scanned or home in scanned else scanned[0]
