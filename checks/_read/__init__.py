"""The read layer: per AWS service, one module that declares what posture reads of it, as data.

Each module names its service once (`Service`), its reads (`Service.read`) and resource kinds
(`Kind`: list read, identifier, ARN, detail reads, policy document), and small fetch helpers that
return plain records. Checks and the shared judging modules read AWS only through this package; a
read module imports only other read modules and `posture.api`, never a check or a judging module
(tests/test_layout.py proves it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from posture.api import CheckContext, ahead


def read_ahead(ctx: CheckContext, ids: Iterable[str], *reads: Callable[[CheckContext, str], object]) -> None:
    """`reads` of every resource id made side by side (`posture.api.ahead`), before a loop that judges the
    resources one by one reads them in turn: the loop finds each read made, and a failure is raised where
    the loop reads it (an ERROR for that resource, or for the check)."""
    ahead(ctx, lambda resource_id: [read(ctx, resource_id) for read in reads], list(dict.fromkeys(ids)))
