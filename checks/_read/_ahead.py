"""Reading ahead: the per-resource reads of a loop made side by side, before the loop judges them.

A check that judges each resource in its own scope reads that resource's details inside the scope, so a
failed read is that resource's ERROR. `read_ahead` makes the same reads first, over the scan's read pool
(`CheckContext.fan_out`), and keeps nothing: the context memoises every answer and every failure, so the
loop then gets each answer at once, and each failure raised again in its own resource's scope, exactly as
a loop reading one resource at a time would. Only for reads the context memoises (a `Read`, or a helper
made of them), never for one that polls.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from posture.api import CheckContext

T = TypeVar("T")


def read_ahead(ctx: CheckContext, read: Callable[[T], object], items: Iterable[T]) -> None:
    """`read(item)` of every item side by side, for the memo; a failure is left for the loop to raise."""

    def quietly(item: T) -> None:
        with contextlib.suppress(Exception):  # memoised: raised again where the loop reads the item
            read(item)

    ctx.fan_out(quietly, items)
