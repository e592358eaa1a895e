"""Amazon Detective reads: the region's behavior graphs (of which this account is administrator)."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Service

DETECTIVE = Service("detective")
LIST_GRAPHS = DETECTIVE.read("ListGraphs", path="GraphList", default=[])


def graphs(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(LIST_GRAPHS(ctx))
