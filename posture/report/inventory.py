"""The report's GenAI inventory: assets from the collectors and the scoping-matrix scope
they show. The engine only aggregates; what counts as which scope is the collectors' call."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict, Field

from posture.core.models import SCOPING_MATRIX, Asset


class Inventory(BaseModel):
    model_config = ConfigDict(frozen=True)

    assets: list[Asset]
    counts: dict[str, int] = Field(description="assets per kind")
    scoping_scope: int | None = Field(description="highest Scoping Matrix scope evidenced (3, 4 or 5)")
    scoping_label: str | None
    scoping_evidence: list[str] = Field(description="the assets that set the scope")
    errors: list[str] = Field(default_factory=list, description="collectors that could not read, with the reason")


def build_inventory(assets: list[Asset], errors: list[str]) -> Inventory:
    assets = sorted(assets, key=lambda a: (a.kind, a.account_id, a.region, a.id))
    scopes = [a.scoping_scope for a in assets if a.scoping_scope is not None]
    top = max(scopes) if scopes else None
    evidence = [f"{a.kind} {a.id} ({a.region}): {a.evidence}" for a in assets if top and a.scoping_scope == top]
    return Inventory(
        assets=assets,
        counts=dict(sorted(Counter(a.kind for a in assets).items())),
        scoping_scope=top,
        scoping_label=SCOPING_MATRIX.get(top) if top else None,
        scoping_evidence=evidence,
        errors=sorted(errors),
    )
