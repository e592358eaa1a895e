"""The read layer: per AWS service, one module that declares what posture reads of it, as data.

Each module names its service once (`Service`), its reads (`Service.read`) and resource kinds
(`Kind`: list read, identifier, ARN, detail reads, policy document), and small fetch helpers that
return plain records. Checks and the shared judging modules read AWS only through this package; a
read module imports only other read modules and `posture.api`, never a check or a judging module
(tests/test_layout.py proves it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from posture.api import CheckContext, Read, ahead


def read_ahead(ctx: CheckContext, ids: Iterable[str], *reads: Callable[[CheckContext, str], object]) -> None:
    """`reads` of every resource id made side by side (`posture.api.ahead`), before a loop that judges the
    resources one by one reads them in turn: the loop finds each read made, and a failure is raised where
    the loop reads it (an ERROR for that resource, or for the check)."""
    ahead(ctx, lambda resource_id: [read(ctx, resource_id) for read in reads], list(dict.fromkeys(ids)))


def every_page(ctx: CheckContext, read: Read, token: str, **params: Any) -> list[Any]:
    """The records at `read.path` of every page of a list operation botocore has no paginator for (so
    `paginate=True` would read its first page only), following the answer's `token` member (`NextToken`,
    `nextToken`). Each page is its own request through the context (memoised and counted there)."""
    found: list[Any] = []
    seen: set[str] = set()
    while True:
        answer = read.answer(ctx, **params)
        found.extend(answer.get(read.path) or [])
        next_token = answer.get(token)
        if not next_token or next_token in seen:  # a service that repeats its token has no more pages
            return found
        seen.add(str(next_token))
        params = {**params, token: next_token}
