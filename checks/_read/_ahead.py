"""Per-resource reads made side by side before a check judges the resources one by one.

`ctx.fan_out` raises the first failure for the whole batch. Where a check reads each resource inside that
resource's scope (a failed read is an ERROR for that resource alone, the others are still judged), `ahead`
makes those reads first, side by side; the context memoises every answer and every failure, so the loop
finds each read already made, and a failure is raised where the loop reads it, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import TypeVar

from posture.api import CheckContext

T = TypeVar("T")


def ahead(ctx: CheckContext, read: Callable[[T], object], items: Iterable[T]) -> None:
    """`read(item)` of every item over the scan's read pool; answers and failures stay in the context."""

    def one(item: T) -> None:
        with suppress(Exception):  # memoised by the context: raised again where the check reads the item
            read(item)

    ctx.fan_out(one, list(items))
