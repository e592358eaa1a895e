"""Per-resource reads made side by side, each failure kept for the resource it belongs to.

A check that judges resources one by one reads each resource's detail inside that resource's scope, so
a failed read is that resource's ERROR and the others are still judged. `each` makes those reads over
the scan's read pool first, keeping each answer or failure (`Outcome`); the check then takes the
outcome inside the resource's scope (`Outcome.result()`), where a failure raises as the read would have.
`detailed` does this for the first detail read of a `Kind`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from posture.api import CheckContext, Kind

T = TypeVar("T")
ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What one read answered, or the exception it failed with."""

    value: T | None = None
    error: Exception | None = None

    def result(self) -> T:
        """The answer; the read's failure is raised here (inside a resource's scope: its ERROR)."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


def each(ctx: CheckContext, read: Callable[[ItemT], T], items: Iterable[ItemT]) -> list[Outcome[T]]:
    """`read` of each item, side by side, in the items' order; a failure is kept in its item's outcome."""

    def one(item: ItemT) -> Outcome[T]:
        try:
            return Outcome(read(item))
        except Exception as exc:  # kept for the resource's scope, which raises it there
            return Outcome(error=exc)

    return ctx.fan_out(one, items)


@dataclass(frozen=True)
class Detailed:
    """One listed resource of a Kind: its list entry, its id and ARN, and its detail read."""

    summary: dict[str, Any]
    id: str
    arn: str | None
    outcome: Outcome[dict[str, Any]]

    def detail(self) -> dict[str, Any]:
        """The detail read's answer; its failure is raised here (inside the resource's scope: its ERROR)."""
        return self.outcome.result()


def detailed(ctx: CheckContext, kind: Kind, listed: Iterable[dict[str, Any]] | None = None) -> list[Detailed]:
    """Each resource of `kind` in the region (or each of `listed`, list entries of the kind) with its first
    detail read (`kind.details[0]`, which takes the resource id), the resources read side by side."""
    summaries = kind.all(ctx) if listed is None else list(listed)
    read = kind.details[0]
    outcomes = each(ctx, lambda s: dict(read(ctx, s[kind.id])), summaries)
    return [Detailed(s, str(s[kind.id]), s.get(kind.arn) if kind.arn else None, o)
            for s, o in zip(summaries, outcomes, strict=True)]
