"""Per-resource reads side by side, each failure kept for the resource it belongs to.

`ctx.fan_out` raises the first failure for the whole batch, as a loop over the items outside any
resource scope would. Where a check reads each resource's details inside that resource's scope (a
failed read is an ERROR for that resource alone, the others are still judged), `settle` reads them
side by side and hands back one `Outcome` per item: `Outcome.get()`, called inside the resource's
scope, answers or raises there, as the read itself would have.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from posture.api import CheckContext

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What one read answered, or how it failed."""

    value: R | None = None
    error: Exception | None = None

    def get(self) -> R:
        """The answer; the read's own exception when it failed."""
        if self.error is not None:
            raise self.error
        return cast(R, self.value)


def settle(ctx: CheckContext, read: Callable[[T], R], items: Iterable[T]) -> list[Outcome[R]]:
    """`read` of each item over the scan's read pool, in the items' order, failures kept per item."""

    def one(item: T) -> Outcome[R]:
        try:
            return Outcome(read(item))
        except Exception as exc:  # raised again by Outcome.get, in the item's resource scope
            return Outcome(error=exc)

    return ctx.fan_out(one, items)
