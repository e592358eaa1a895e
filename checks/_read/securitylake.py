"""Amazon Security Lake reads: the data lakes of the region."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Service

SECURITYLAKE = Service("securitylake")
LIST_DATA_LAKES = SECURITYLAKE.read("ListDataLakes", path="dataLakes", default=[])  # with regions


def data_lakes(ctx: CheckContext) -> list[dict[str, Any]]:
    """The data lakes Security Lake lists for the context's region."""
    return list(LIST_DATA_LAKES(ctx, regions=[ctx.region]))
