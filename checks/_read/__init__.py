"""The read layer: per AWS service, one module that declares what posture reads of it, as data.

Each module names its service once (`Service`), its reads (`Service.read`) and resource kinds
(`Kind`: list read, identifier, ARN, detail reads, policy document), and small fetch helpers that
return plain records. Checks and the shared judging modules read AWS only through this package; a
read module imports only other read modules and `posture.api`, never a check or a judging module
(tests/test_layout.py proves it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress

from posture.api import CheckContext


def read_ahead(ctx: CheckContext, ids: Iterable[str], *reads: Callable[[CheckContext, str], object]) -> None:
    """Make `reads` of every resource id side by side (`ctx.fan_out`), before a loop that judges the resources
    one by one (or code that is not moved yet) reads them in turn. The context keeps every answer and every
    failure, so the loop finds each read already made and a failure is raised where the loop reads it, as
    before (an ERROR for that resource, or for the check)."""

    def one(resource_id: str) -> None:
        with suppress(Exception):  # kept by the context: raised again where the loop reads it
            for read in reads:
                read(ctx, resource_id)

    ctx.fan_out(one, list(dict.fromkeys(ids)))
