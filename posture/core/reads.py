"""AWS reads declared as data: what a check reads, and so which IAM actions it needs.

A read module (`checks/_read/<service>.py`) declares its service once and each operation it reads:

    KMS = Service("kms")
    LIST_KEYS = KMS.read("ListKeys", path="Keys", paginate=True)
    DESCRIBE_KEY = KMS.read("DescribeKey", path="KeyMetadata", param="KeyId")

and resource kinds, the way Cloud Custodian's TypeInfo does: the list read, the identifier, the ARN
field, the detail reads and the resource's policy document (`Kind`). A `Read` is called with the
check's context (`DESCRIBE_KEY(ctx, key_id)`), so every request still goes through the context
(memoised, counted, read-only). A check names what it reads (`reads=[kms.KEY]`) and its IAM
permissions follow from that (`actions`); tests/core/test_permissions.py records every operation the
catalogue sends and proves it covered.

The engine knows no service: the service, its IAM prefix and the operations come from the read modules.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast

from botocore import xform_name

if TYPE_CHECKING:
    from posture.core.context import CheckContext

T = TypeVar("T")
R = TypeVar("R")
_MISSING: Any = object()


def snake(operation: str) -> str:
    """The boto3 method of an API operation, by botocore's own rule (`ListWebACLs` -> `list_web_acls`)."""
    return str(xform_name(operation))


@dataclass(frozen=True)
class Service:
    """One AWS service as boto3 names its client, and the prefix of its IAM actions.

    `per_method`: the service's management API is authorized per HTTP method (API Gateway:
    `apigateway:GET`), not per operation."""

    client: str
    iam: str = ""
    per_method: bool = False

    @property
    def prefix(self) -> str:
        return self.iam or self.client

    def read(self, operation: str, *, path: str = "", param: str = "", params: Mapping[str, Any] | None = None,
             paginate: bool = False, action: str = "", absent: Iterable[str] = (), default: Any = _MISSING,
             method: str = "GET") -> Read:
        """Declare one read of this service (see `Read`)."""
        return Read(self, operation, path=path, param=param, params=dict(params or {}), paginate=paginate,
                    action=action, absent=frozenset(absent), default=default, http_method=method)


@dataclass(frozen=True)
class Read:
    """One API operation read as data.

    - `path`: the member of the answer to return ("" for the whole answer);
    - `param`: the request member that names the resource, for a detail read (`KeyId`);
    - `params`: fixed request members;
    - `paginate`: read every page (botocore merges them);
    - `action`: the IAM action when it is not `<prefix>:<operation>` (s3 ListBuckets is
      s3:ListAllMyBuckets);
    - `absent`, `default`: error codes by which AWS says "nothing configured" (S3's
      NoSuchBucketPolicy), answered as `default` instead of raising; every other failure raises.
    """

    service: Service
    operation: str
    path: str = ""
    param: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    paginate: bool = False
    action: str = ""
    absent: frozenset[str] = frozenset()
    default: Any = _MISSING
    http_method: str = "GET"

    @property
    def method(self) -> str:
        return snake(self.operation)

    @property
    def iam_action(self) -> str:
        if self.action:
            return self.action
        if self.service.per_method:
            return f"{self.service.prefix}:{self.http_method}"
        return f"{self.service.prefix}:{self.operation}"

    @property
    def actions(self) -> tuple[str, ...]:
        return (self.iam_action,)

    def answer(self, ctx: CheckContext, resource_id: str | None = None, **params: Any) -> dict[str, Any]:
        """The whole answer, read through the context (memoised and counted there)."""
        request = {**self.params, **params}
        if self.param and resource_id is not None:
            request[self.param] = resource_id
        read = ctx.paginate if self.paginate else ctx.call
        return read(self.service.client, self.method, **request)

    def __call__(self, ctx: CheckContext, resource_id: str | None = None, **params: Any) -> Any:
        """The member at `path` of the answer (for a list read without the member: an empty list);
        an `absent` error code gives `default`."""
        if self.absent:
            from posture.aws.errors import AwsReadError

            try:
                found = self.answer(ctx, resource_id, **params)
            except AwsReadError as exc:
                if exc.code in self.absent:
                    return None if self.default is _MISSING else self.default
                raise
        else:
            found = self.answer(ctx, resource_id, **params)
        if not self.path:
            return found
        value = found
        for part in self.path.split("."):
            value = value.get(part, _MISSING) if isinstance(value, Mapping) else _MISSING
            if value is _MISSING:
                if self.paginate:
                    return []
                if self.default is not _MISSING:
                    return self.default
                raise KeyError(self.path)
        return value


@dataclass(frozen=True)
class Kind:
    """A kind of resource of one service, declared as data (Cloud Custodian's TypeInfo):

    - `list`: the read that lists them (its `path` is where the records are);
    - `id`, `arn`: the fields of a listed record that name it;
    - `details`: the per-resource reads (each takes the resource id, see `Read.param`);
    - `policy`: the read of its resource policy document, where it has one;
    - `scope`: regional resources are listed in each region, global ones once per account.
    """

    name: str
    list: Read
    id: str
    arn: str = ""
    details: Sequence[Read] = ()
    policy: Read | None = None
    scope: Literal["regional", "global"] = "regional"

    @property
    def reads(self) -> tuple[Read, ...]:
        return (self.list, *self.details, *((self.policy,) if self.policy else ()))

    @cached_property
    def actions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for r in self.reads for a in r.actions))

    def all(self, ctx: CheckContext) -> builtins.list[dict[str, Any]]:
        """Every resource of this kind in the context's region (global kinds: in the account)."""
        return list(self.list(ctx) or [])


@dataclass(frozen=True)
class Reads:
    """Several reads named as one (what a shared helper reads, for the checks that call it)."""

    parts: tuple[Read | Kind | Reads, ...]

    def __init__(self, *parts: Read | Kind | Reads) -> None:
        object.__setattr__(self, "parts", tuple(parts))

    @cached_property
    def actions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for p in self.parts for a in p.actions))


ReadSpec = Read | Kind | Reads


def actions_of(reads: Iterable[ReadSpec]) -> tuple[str, ...]:
    """The IAM actions that allow `reads`, each once, sorted."""
    return tuple(sorted({a for r in reads for a in r.actions}))


def fan_out(ctx: CheckContext, read: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """`read` of each item, in the items' order, over the scan's read pool (per-resource detail reads
    of one check run side by side, not one after another). The first failure is raised after every
    read has ended, as a sequential loop would raise it."""
    return ctx.fan_out(read, items)


# -- per-resource reads, each failure kept for its resource ------------------------------------------
# A check judges resources one by one, each in its own scope: a failed read is that resource's ERROR and
# the others are still judged. `fan_out` would raise the first failure for the whole batch; these keep
# each failure with the resource it belongs to.


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What one read answered, or the exception it failed with."""

    value: R | None = None
    error: Exception | None = None

    def get(self) -> R:
        """The answer; the read's failure is raised here (inside a resource's scope: its ERROR)."""
        if self.error is not None:
            raise self.error
        return cast(R, self.value)


def each(ctx: CheckContext, read: Callable[[T], R], items: Iterable[T]) -> list[Outcome[R]]:
    """`read` of each item side by side, in the items' order; each failure kept in its item's outcome."""

    def one(item: T) -> Outcome[R]:
        try:
            return Outcome(read(item))
        except Exception as exc:  # raised again by Outcome.get, in the item's resource scope
            return Outcome(error=exc)

    return ctx.fan_out(one, items)


def ahead(ctx: CheckContext, read: Callable[[T], object], items: Iterable[T]) -> None:
    """`read(item)` of every item side by side, before a loop that reads them again one by one: the context
    memoises every answer and every failure, so the loop finds each read made, and a failure is raised
    where the loop reads it, as before."""

    def one(item: T) -> None:
        with suppress(Exception):  # memoised by the context: raised again where the check reads the item
            read(item)

    ctx.fan_out(one, list(items))


@dataclass(frozen=True)
class Detailed:
    """One listed resource of a Kind: its list entry, its id and ARN, and its detail read's outcome."""

    summary: dict[str, Any]
    id: str
    arn: str | None
    outcome: Outcome[dict[str, Any]]

    def detail(self) -> dict[str, Any]:
        """The detail read's answer; its failure is raised here (inside the resource's scope: its ERROR)."""
        return self.outcome.get()


def detailed(ctx: CheckContext, kind: Kind, listed: Iterable[dict[str, Any]] | None = None) -> list[Detailed]:
    """Each resource of `kind` in the region (or each of `listed`, list entries of the kind) with its first
    detail read (`kind.details[0]`, which takes the resource id), the resources read side by side."""
    summaries = kind.all(ctx) if listed is None else list(listed)
    read = kind.details[0]
    outcomes = each(ctx, lambda s: dict(read(ctx, s[kind.id])), summaries)
    return [Detailed(s, str(s[kind.id]), s.get(kind.arn) if kind.arn else None, o)
            for s, o in zip(summaries, outcomes, strict=True)]
