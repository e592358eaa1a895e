"""What a check sees: reads through the shared `AwsContext`, and a place to put verdicts.

A check opens a resource scope, reads, and says PASS or FAIL:

    for key in customer_keys(ctx):
        with ctx.resource(key.id, arn=key.arn):
            if rotation_enabled(ctx, key.id):
                ctx.passed("rotation is enabled")
            else:
                ctx.failed("rotation is disabled")

A read that fails inside the scope raises; the scope records an ERROR for that
resource with the reason and the check goes on with the next one. A scope that ends
with no verdict is an ERROR too: nothing is silently dropped.

A check that reads every scanned region (a global check, or a regional one that looks for
what other regions use) reads them with `each_region`: a region whose read fails is a gap,
reported as one ERROR in that region (`report_region_gaps`), and the check judges what the
other regions answered. A region closed by policy so changes nothing outside it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from posture.aws.context import AwsContext, offered_in
from posture.aws.errors import AwsReadError
from posture.aws.regions import account_home
from posture.core.models import (
    GLOBAL_REGION,
    Asset,
    CheckMeta,
    EvidenceValue,
    Finding,
    InventoryMeta,
    Scope,
    Status,
    finding_id,
)

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Resource:
    id: str
    arn: str | None
    region: str
    type: str


@dataclass
class _Scope:
    resource: Resource
    decided: bool = False


class SettingError(ValueError):
    """A check setting from the config file has the wrong type: said as it is, the user can fix it."""


def error_reason(exc: BaseException) -> str:
    """A reason a person can act on, without internals or secrets."""
    if isinstance(exc, AwsReadError | SettingError):
        return str(exc)
    if isinstance(exc, KeyError):
        # Usually an AWS answer without a field the check reads: say which field, never a value.
        return (f"the AWS answer lacked the field {str(exc.args[0])[:80]!r} that the check reads; "
                "if AWS answered correctly, this is a bug in the check")
    return f"the check failed unexpectedly ({type(exc).__name__}); this is a bug in the check"


@dataclass(frozen=True)
class RegionGap:
    """A read of one service in one region that failed while a check read every scanned region."""

    region: str
    service: str
    what: str  # "CloudTrail trails"
    reason: str

    @property
    def message(self) -> str:
        return f"{self.what} in {self.region} could not be read: {self.reason}"


@dataclass
class ScanArea:
    """The (account, regions) a check runs within; lets a global check read regional data."""

    regions: tuple[str, ...]
    contexts: Mapping[str, AwsContext]
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # check-id prefix -> settings
    # The scan's pool for a check's per-resource reads (`CheckContext.fan_out`); None: one after another.
    pool: Executor | None = None


_fanning = threading.local()  # set in a pool thread while it runs one fanned-out read


@dataclass
class CheckContext:
    meta: CheckMeta | InventoryMeta
    aws: AwsContext
    area: ScanArea
    findings: list[Finding] = field(default_factory=list)
    _scopes: list[_Scope] = field(default_factory=list)
    # Finding id -> the exception its ERROR stands for (a read that failed in the resource's scope):
    # the runner settles failures by the error's attributes, never by the words of the finding.
    causes: dict[str, BaseException] = field(default_factory=dict)

    # -- reading -------------------------------------------------------------------------
    @property
    def account_id(self) -> str:
        return self.aws.account_id

    @property
    def partition(self) -> str:
        return self.aws.partition

    @property
    def region(self) -> str:
        """The region API calls go to (for a global check, the account's home region)."""
        return self.aws.region

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region scanned in this account."""
        return self.area.regions

    def setting(self, name: str, default: T) -> T:
        """This check's setting `name` (posture.toml `[checks.<id prefix>]`), else `default`; a value
        of another type than the default's is a SettingError (an ERROR that names the key)."""
        prefix = self.meta.id.split(".")[0]
        value = self.area.settings.get(prefix, {}).get(name, default)
        wanted = type(default)
        if wanted is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not wanted and not (wanted is list and isinstance(value, list)):
            raise SettingError(f"setting checks.{prefix}.{name} must be a {wanted.__name__} "
                               f"(posture.toml), not {type(value).__name__}")
        return value  # type: ignore[return-value]

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        return self.aws.call(service, operation, **params)

    def paginate(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        return self.aws.paginate(service, operation, **params)

    def fan_out(self, read: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """`read(item)` for each item, side by side over the scan's read pool, in the items' order.
        Every read ends before the first failure (in item order) is raised, as a loop would raise it.
        A read that itself fans out runs its items one after another (no pool thread waits on the pool)."""
        chosen = list(items)
        pool = self.area.pool
        if pool is None or len(chosen) < 2 or getattr(_fanning, "active", False):
            return [read(item) for item in chosen]

        def one(item: T) -> R:
            _fanning.active = True
            try:
                return read(item)
            finally:
                _fanning.active = False

        futures = [pool.submit(one, item) for item in chosen]
        wait(futures)
        return [f.result() for f in futures]

    def in_region(self, region: str) -> CheckContext:
        """The same check reading another scanned region (verdicts land in one list)."""
        other = CheckContext(self.meta, self.area.contexts[region], self.area, self.findings, self._scopes,
                             self.causes)
        return other

    def home(self) -> CheckContext:
        """The same check reading through the account's home region: where a global service (IAM,
        Organizations) is read once for every region, as the global checks read it."""
        return self.in_region(account_home(self.partition, self.regions)) if self.regions else self

    def each_region(self, service: str, what: str, read: Callable[[CheckContext], T]
                    ) -> tuple[dict[str, T], list[RegionGap]]:
        """`read` in every scanned region that offers `service`: what each region answered, and a
        gap for each region whose read failed (instead of one exception for the whole check). A
        check judges what it read and reports the gaps (`report_region_gaps`), so a region closed
        by policy costs the findings of that region, not the check's verdicts elsewhere."""
        found: dict[str, T] = {}
        gaps: list[RegionGap] = []
        for region in self.regions:
            if not self.offers(service, region):
                continue
            try:
                found[region] = read(self.in_region(region))
            except AwsReadError as exc:
                gaps.append(RegionGap(region, service, what, exc.reason))
        return found, gaps

    def report_region_gaps(self, gaps: list[RegionGap]) -> None:
        """One ERROR per gap, in the gap's region (named after the region that read it, so the units of a
        regional check do not report the same gap twice)."""
        for gap in gaps:
            resource_id = f"not-read/{gap.service}" + (f"/from-{self.region}" if self.meta.scope is Scope.REGIONAL
                                                      else "")
            with self.resource(resource_id, arn=f"arn:{self.partition}:iam::{self.account_id}:root",
                               region=gap.region, type="AwsAccount"):
                self.error(gap.message, {"unread_services": [gap.service]})

    def offers(self, service: str, region: str) -> bool:
        """Whether `service` is offered in `region` (a global check reading regional data asks this)."""
        offered = offered_in(self.aws.session, service, self.partition)
        return offered is None or region in offered

    def arn(self, service: str, resource: str, *, region: str | None = None, account: bool = True) -> str:
        region_part = self.region if region is None else region
        return f"arn:{self.partition}:{service}:{region_part}:{self.account_id if account else ''}:{resource}"

    # -- verdicts ------------------------------------------------------------------------
    @contextmanager
    def resource(
        self, resource_id: str, *, arn: str | None = None, region: str | None = None, type: str | None = None
    ) -> Iterator[Resource]:
        """Evaluate one resource; a failed read here becomes ERROR for this resource only."""
        if region is None:
            region = self.region if self.meta.scope is Scope.REGIONAL else GLOBAL_REGION
        scope = _Scope(Resource(resource_id, arn, region, type or self.meta.resource_type))
        self._scopes.append(scope)
        try:
            yield scope.resource
        except Exception as exc:
            if not scope.decided:
                self._record(scope, Status.ERROR, error_reason(exc), {}, cause=exc)
            else:
                raise
        finally:
            self._scopes.remove(scope)
        if not scope.decided:
            self._record(scope, Status.ERROR, "the check reached no verdict for this resource", {})

    def account_resource(self) -> Any:
        """Scope for a finding about the account itself in this region (a service is off, …)."""
        root = f"arn:{self.partition}:iam::{self.account_id}:root"
        return self.resource(self.account_id, arn=root, type="AwsAccount")

    def skip(self) -> None:
        """This resource is out of the check's scope (e.g. an AWS managed key for a CMK check)."""
        self._current().decided = True

    def passed(self, message: str, evidence: Mapping[str, EvidenceValue] | None = None) -> None:
        self._record(self._current(), Status.PASS, message, evidence or {})

    def failed(self, message: str, evidence: Mapping[str, EvidenceValue] | None = None) -> None:
        self._record(self._current(), Status.FAIL, message, evidence or {})

    def error(self, message: str, evidence: Mapping[str, EvidenceValue] | None = None) -> None:
        """The evidence could not be judged (e.g. an answer of a shape the check does not know)."""
        self._record(self._current(), Status.ERROR, message, evidence or {})

    # -- inventory -----------------------------------------------------------------------
    def asset(self, kind: str, asset_id: str, *, arn: str | None = None, scoping_scope: int | None = None,
              evidence: str = "", region: str | None = None) -> Asset:
        """An AI asset of this account (for inventory collectors)."""
        return Asset(kind=kind, account_id=self.account_id, region=region or self.region, id=asset_id, arn=arn,
                     scoping_scope=scoping_scope, evidence=evidence)

    def _current(self) -> _Scope:
        if not self._scopes:
            raise RuntimeError("a verdict needs a resource: use `with ctx.resource(...)`")
        return self._scopes[-1]

    def _record(self, scope: _Scope, status: Status, message: str, evidence: Mapping[str, Any],
                cause: BaseException | None = None) -> None:
        if scope.decided:
            raise RuntimeError(f"a second verdict for {scope.resource.id}")
        scope.decided = True
        if not isinstance(self.meta, CheckMeta):
            raise RuntimeError(f"{self.meta.id} is an inventory collector: it lists assets, it gives no verdict")
        finding = make_finding(self.meta, self.aws, scope.resource, status, message, evidence)
        self.findings.append(finding)
        if cause is not None:
            self.causes[finding.id] = cause


def make_finding(
    meta: CheckMeta,
    aws: AwsContext,
    resource: Resource,
    status: Status,
    message: str,
    evidence: Mapping[str, Any],
) -> Finding:
    return Finding(
        id=finding_id(meta.id, aws.partition, aws.account_id, resource.region, resource.id),
        check_id=meta.id,
        title=meta.title,
        severity=meta.severity,
        status=status,
        partition=aws.partition,
        account_id=aws.account_id,
        region=resource.region,
        resource_id=resource.id,
        resource_arn=resource.arn,
        resource_type=resource.type,
        message=message,
        evidence=dict(evidence),
        remediation=meta.remediation,
        remediation_url=meta.docs_url,
        boundaries=meta.boundaries,
        csf=meta.csf,
        owasp_llm=meta.owasp_llm,
        securityhub_controls=meta.securityhub_controls,
        atlas=meta.atlas,
        nist_ai_rmf=meta.nist_ai_rmf,
        iso42001=meta.iso42001,
        owasp_agentic=meta.owasp_agentic,
        eu_ai_act=meta.eu_ai_act,
    )
