"""The Security Hub sink: import findings with BatchImportFindings, resolve what was fixed.

Per (account, region) hub:
1. DescribeHub: a region where Security Hub is not enabled is an error for that region.
2. GetFindings with an exact filter (this product's ProductArn, our GeneratorIds,
   RecordState ACTIVE), re-checked client-side: what this product imported earlier.
   Their FirstObservedAt/CreatedAt are kept, never reset to "now".
3. BatchImportFindings of every current finding, in calls of at most 100 findings and
   6 MB, paced under the service's rate limit; FailedFindings with a retryable code are
   sent again with backoff; every other failure is reported.
4. Earlier findings whose resource is gone are re-imported with RecordState ARCHIVED;
   earlier FAILED findings that now pass were just re-imported with Compliance PASSED.
BatchImportFindings accepts only the caller's own account for the default product, so
each account's findings go through a session of that account.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from posture.aws.errors import explain_error
from posture.aws.guard import read_only_guard
from posture.aws.regions import account_home
from posture.core.models import Finding, Status
from posture.render.asff import archived, hub_region, product_arn, to_asff

MAX_FINDINGS_PER_CALL = 100
MAX_BYTES_PER_CALL = 6 * 1024 * 1024 - 64 * 1024  # 6 MB, less room for the request envelope
MAX_FILTER_VALUES = 10
HUB_WORKERS = 8  # (account, region) hubs served at once
# Requests per second per account and region (the service's documented rates).
RATES = {"BatchImportFindings": 10.0, "GetFindings": 3.0}
RETRYABLE = frozenset({"ThrottlingException", "TooManyRequestsException", "InternalException", "InternalFailure",
                       "ServiceUnavailable", "ServiceUnavailableException", "LimitExceededException"})
NOT_ENABLED = frozenset({"InvalidAccessException", "ResourceNotFoundException"})

SessionFor = Callable[[str], boto3.Session]
# (account, hub region, check id) -> whether the scan evaluated that unit without ERROR: only
# then may an earlier finding the scan no longer shows be archived as gone.
InScope = Callable[[str, str, str], bool]
Sleep = Callable[[float], None]
Clock = Callable[[], float]


@dataclass(frozen=True)
class Failure:
    account_id: str
    region: str
    finding_id: str | None  # None: the whole region failed
    code: str
    message: str

    def line(self) -> str:
        where = f"{self.account_id}/{self.region}"
        what = f"finding {self.finding_id}" if self.finding_id else "region"
        return f"{where}: {what}: {self.code}: {self.message}"


@dataclass
class HubResult:
    account_id: str
    region: str
    imported: int = 0
    resolved: int = 0
    archived: int = 0
    failed: int = 0


@dataclass
class PushResult:
    hubs: list[HubResult] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return sum(h.imported for h in self.hubs)

    @property
    def resolved(self) -> int:
        return sum(h.resolved for h in self.hubs)

    @property
    def archived(self) -> int:
        return sum(h.archived for h in self.hubs)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        state = "Security Hub push complete" if self.ok else "Security Hub push FAILED"
        regions = sorted({h.region for h in self.hubs})
        text = (f"{state}: {self.imported} findings imported, {self.resolved} resolved "
                f"({self.archived} archived as gone) in {', '.join(regions) or 'no region'}")
        if not self.ok:
            text += f"; {len(self.failures)} failures"
        return text


class RateLimiter:
    """Paces requests per (account, region, operation) under the service's rate."""

    def __init__(self, clock: Clock = time.monotonic, sleep: Sleep = time.sleep) -> None:
        self._clock, self._sleep = clock, sleep
        self._next: dict[tuple[str, str, str], float] = {}
        self._lock = threading.Lock()

    def wait(self, account_id: str, region: str, operation: str) -> None:
        key = (account_id, region, operation)
        with self._lock:
            now = self._clock()
            at = max(now, self._next.get(key, now))
            self._next[key] = at + 1.0 / RATES[operation]
        if at > now:
            self._sleep(at - now)


def batches(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Calls of at most 100 findings and 6 MB."""
    batch: list[dict[str, Any]] = []
    size = 0
    for item in items:
        item_size = len(json.dumps(item, separators=(",", ":")).encode())
        if batch and (len(batch) == MAX_FINDINGS_PER_CALL or size + item_size > MAX_BYTES_PER_CALL):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item_size
    if batch:
        yield batch


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _code(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code") or "ClientError")
    return type(exc).__name__


class Hub:
    """One account's Security Hub in one region."""

    def __init__(self, session: boto3.Session, account_id: str, partition: str, region: str,
                 limiter: RateLimiter, sleep: Sleep, max_attempts: int) -> None:
        self.account_id, self.region = account_id, region
        self.product_arn = product_arn(partition, region, account_id)
        # The read-only guard, opened for the push: reads, GetFindings and BatchImportFindings only.
        self.client = read_only_guard(session.client("securityhub", region_name=region, config=Config(
            retries={"mode": "standard", "max_attempts": max_attempts}, user_agent_extra="posture")), push=True)
        self._limiter, self._sleep, self._attempts = limiter, sleep, max_attempts

    def _call(self, operation: str, method: str, **params: Any) -> dict[str, Any]:
        self._limiter.wait(self.account_id, self.region, operation)
        result: dict[str, Any] = getattr(self.client, method)(**params)
        return result

    def earlier_findings(self, generator_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """ACTIVE findings this product imported earlier for these generators (exact match, twice)."""
        wanted = sorted(set(generator_ids))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), MAX_FILTER_VALUES):
            chunk = wanted[start:start + MAX_FILTER_VALUES]
            filters = {
                "ProductArn": [{"Value": self.product_arn, "Comparison": "EQUALS"}],
                "GeneratorId": [{"Value": g, "Comparison": "EQUALS"} for g in chunk],
                "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
            }
            token: str | None = None
            while True:
                params: dict[str, Any] = {"Filters": filters, "MaxResults": 100}
                if token:
                    params["NextToken"] = token
                page = self._call("GetFindings", "get_findings", **params)
                for item in page.get("Findings", []):
                    # The filter is exact on the service; checked again here so that a hub (or a
                    # stand-in) that ignored it can never make us resolve another product's finding.
                    if (item.get("ProductArn") == self.product_arn and item.get("GeneratorId") in chunk
                            and item.get("RecordState", "ACTIVE") == "ACTIVE"
                            and item.get("AwsAccountId") == self.account_id):
                        found[str(item["Id"])] = item
                token = page.get("NextToken")
                if not token:
                    break
        return found

    def import_findings(self, items: list[dict[str, Any]]) -> tuple[set[str], list[Failure]]:
        """Import `items`; return the ids that went in and a failure for each that did not."""
        done: set[str] = set()
        failures: list[Failure] = []
        for batch in batches(items):
            pending = batch
            for attempt in range(self._attempts):
                try:
                    answer = self._call("BatchImportFindings", "batch_import_findings", Findings=pending)
                except (ClientError, BotoCoreError) as exc:
                    code = _code(exc)
                    if code in RETRYABLE and attempt + 1 < self._attempts:
                        self._sleep(min(0.5 * 2**attempt, 8.0))
                        continue
                    reason = explain_error("securityhub:BatchImportFindings", exc).reason
                    failures += [Failure(self.account_id, self.region, str(i["Id"]), code, reason) for i in pending]
                    break
                failed = {str(f.get("Id")): f for f in answer.get("FailedFindings", [])}
                done |= {str(i["Id"]) for i in pending if str(i["Id"]) not in failed}
                retry = [i for i in pending if str(i["Id"]) in failed
                         and failed[str(i["Id"])].get("ErrorCode") in RETRYABLE]
                final = [f for f in failed.values() if f.get("ErrorCode") not in RETRYABLE]
                if retry and attempt + 1 >= self._attempts:
                    final += [failed[str(i["Id"])] for i in retry]
                    retry = []
                failures += [Failure(self.account_id, self.region, str(f.get("Id")), str(f.get("ErrorCode")),
                                     str(f.get("ErrorMessage") or "")) for f in final]
                if not retry:
                    break
                pending = retry
                self._sleep(min(0.5 * 2**attempt, 8.0))
        return done, failures


def push(
    findings: list[Finding],
    *,
    partition: str,
    accounts: Iterable[str],
    regions: Iterable[str],
    check_ids: Iterable[str],
    session_for: SessionFor,
    now: datetime,
    first_seen: Mapping[str, datetime] | None = None,
    max_attempts: int = 5,
    sleep: Sleep = time.sleep,
    clock: Clock = time.monotonic,
    in_scope: InScope | None = None,
) -> PushResult:
    """Import `findings` into each account's hub in each region and resolve what was fixed."""
    regions = sorted(set(regions))
    home = account_home(partition, regions)
    limiter = RateLimiter(clock, sleep)
    generators = sorted(set(check_ids) | {f.check_id for f in findings})
    groups: dict[tuple[str, str], list[Finding]] = {(a, r): [] for a in accounts for r in regions}
    for f in findings:
        groups.setdefault((f.account_id, hub_region(f, home)), []).append(f)
    result = PushResult()
    hubs: list[tuple[Hub, list[Finding]]] = []
    sessions: dict[str, boto3.Session | None] = {}
    # Sessions and clients are made here, one at a time (boto3 sessions are not thread-safe) ...
    for (account_id, region), group in sorted(groups.items()):
        if account_id not in sessions:
            try:
                sessions[account_id] = session_for(account_id)
            except HubError as exc:
                sessions[account_id] = None
                result.failures.append(exc.failure)  # once per account, not once per region
        session = sessions[account_id]
        if session is not None:
            hubs.append((Hub(session, account_id, partition, region, limiter, sleep, max_attempts), group))

    def one(hub: Hub, group: list[Finding]) -> tuple[HubResult | None, list[Failure]]:
        try:
            return _push_hub(hub, group, generators, home, now, first_seen or {}, in_scope)
        except (ClientError, BotoCoreError) as exc:
            reason = explain_error("securityhub", exc).reason
            return None, [Failure(hub.account_id, hub.region, None, _code(exc), reason)]
        except HubError as exc:
            return None, [exc.failure]

    # ... and the hubs are served in parallel, each paced by its own rate limit.
    with ThreadPoolExecutor(max_workers=max(1, min(HUB_WORKERS, len(hubs))), thread_name_prefix="sechub") as pool:
        for hub_result, failures in pool.map(lambda pair: one(*pair), hubs):
            if hub_result is not None:
                result.hubs.append(hub_result)
            result.failures += failures
    return result


class HubError(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.line())
        self.failure = failure


def _push_hub(hub: Hub, group: list[Finding], generators: list[str], home: str, now: datetime,
              first_seen: Mapping[str, datetime], in_scope: InScope | None = None) -> tuple[HubResult, list[Failure]]:
    try:
        hub.client.describe_hub()
    except ClientError as exc:
        code = _code(exc)
        if code in NOT_ENABLED:
            raise HubError(Failure(hub.account_id, hub.region, None, code,
                                   "Security Hub is not enabled in this account and region "
                                   "(enable it: aws securityhub enable-security-hub)")) from None
        raise
    earlier = hub.earlier_findings(generators)
    items = []
    for f in group:
        before = earlier.get(f.id, {})
        seen = [t for t in (_parse_time(before.get("FirstObservedAt")), _parse_time(before.get("CreatedAt")),
                            first_seen.get(f.id), f.first_seen) if t is not None]
        items.append(to_asff(f, home=home, now=now, first_seen=min(seen) if seen else None))
    current = {f.id: f for f in group}
    # A check that could not read everything here (ERROR) has not shown its resources are gone.
    unsure = {f.check_id for f in group if f.status is Status.ERROR}
    # ... and neither has a scan that did not look there (another shard, region, account or check).
    gone = [archived(item, now) for fid, item in sorted(earlier.items())
            if fid not in current and item.get("GeneratorId") not in unsure
            and (in_scope is None or in_scope(hub.account_id, hub.region, str(item.get("GeneratorId"))))]
    done, failures = hub.import_findings(items + gone)
    fixed = [fid for fid, item in earlier.items() if fid in current and current[fid].status is Status.PASS
             and item.get("Compliance", {}).get("Status") != "PASSED"]
    archived_ok = [item["Id"] for item in gone if item["Id"] in done]
    return HubResult(
        account_id=hub.account_id,
        region=hub.region,
        imported=sum(1 for f in group if f.id in done),
        resolved=sum(1 for fid in fixed if fid in done) + len(archived_ok),
        archived=len(archived_ok),
        failed=len(failures),
    ), failures

