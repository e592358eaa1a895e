"""The fault matrix: every registered check, under every way the AWS side fails.

One clean scan of the seeded demo account records, per check and per resource it
judged, the AWS reads it made. Then, per AWS service the catalogue reads and per fault,
one scan of the checks that read that service (plus a few that do not, as bystanders)
runs while every operation of that service fails. For every check and fault:

- never PASS on evidence it did not read: a resource that passed cleanly and depends on
  the failing service is ERROR (or its check has an account-level ERROR), and nothing
  that did not pass cleanly passes under the fault;
- every new ERROR gives a reason a person understands, on one line;
- checks that do not read the service give exactly their clean findings;
- the scan completes; throttling that clears after retries ends in the clean result.

The matrix is built from the registry and the recorded reads, so it grows with the
catalogue. Backoff sleeps are switched off (not timed: the retries still happen). In a faulted
scan the reads of the services that are not faulted get the clean scan's answers without going
to the local AWS again (the same answers; no check changes an answer it reads, which
test_concurrency proves): the faulted services' reads are the ones sent.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import botocore.retries.adaptive
import botocore.retries.standard
import botocore.session
import pytest
from botocore import xform_name
from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from botocore.utils import CLIENT_NAME_TO_HYPHENIZED_SERVICE_ID_OVERRIDES

import posture.aws.context
from posture.aws.context import AwsContext
from posture.aws.errors import AwsReadError
from posture.core.config import ScanConfig
from posture.core.context import CheckContext
from posture.core.models import Finding, Status
from posture.core.registry import Check, Registry, check
from posture.core.runner import scan
from posture.demo.seed import DEMO_SETTINGS, REGIONS
from tests.support.demo import seeded_demo

# Full scans of the demo account: `make test` runs them, `-m "not slow"` skips; one worker runs the
# group, so the demo account is seeded once for it (tests/conftest.py seeded_demo).
pytestmark = pytest.mark.slow
# Two halves of the matrix, each on one worker (each builds the clean matrix once): read_timeout waits
# on timeouts, so its half holds fewer faults.
HALVES = {"read_timeout": 2, "denied": 2, "denied_details": 2, "throttled": 2, "http_503": 2}

Key = tuple[str, str, str]  # (check id, region, resource id)
Read = tuple[str, str]  # (botocore service name, API operation name)
SENTINEL = "posture-fault-page-2"
BYSTANDERS = 3
# Opt-in checks switched on, so the matrix reaches them too (cloudtrail.llmjacking_indicators reads the
# event history only with a lookback).
FAULTS = ("denied", "denied_details", "throttled_then_ok", "throttled", "http_500_details", "http_503",
          "read_timeout", "refused", "page_2_error", "wrong_shape", "missing_fields")
# These fail only the reads of one resource (operations that need an id) while the listings
# work: a check that swallowed a failed detail read would judge the listed resource anyway.
DETAILS_ONLY = ("denied_details", "http_500_details", "missing_fields")
# What a person reads in the ERROR of each fault (the wording of posture.aws.errors.explain_error).
REASONS = {
    "denied": "access denied", "denied_details": "access denied", "throttled": "throttled",
    "http_500_details": "did not answer",
    "http_503": "did not answer", "read_timeout": "timed out", "refused": "could not be reached",
    "page_2_error": "did not answer", "wrong_shape": "unexpected shape",
}
_BOTOCORE = botocore.session.get_session()
MATRIX_SIZE: dict[str, int] = {}


def key(f: Finding) -> Key:
    return (f.check_id, f.region, f.resource_id)


def needs_id(read: Read) -> bool:
    """Whether the operation reads one resource (it has required parameters) rather than a list."""
    shape = _BOTOCORE.get_service_model(read[0]).operation_model(read[1]).input_shape
    return bool(shape is not None and shape.required_members)


def api_name(service: str, operation: str) -> str:
    """The API name ("ListKeys") of a python operation name ("list_keys")."""
    model = _BOTOCORE.get_service_model(service)
    return next((n for n in model.operation_names if xform_name(n) == operation), operation)


# -- recording what each check reads, per resource ----------------------------------------
@dataclass
class Reads:
    by_check: dict[str, dict[tuple[str, str] | None, set[Read]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, ctx: CheckContext, service: str, operation: str) -> None:
        scope = ctx._scopes[-1].resource if ctx._scopes else None
        where = (scope.region, scope.id) if scope else None
        with self.lock:
            self.by_check[ctx.meta.id][where].add((service, api_name(service, operation)))

    def of(self, k: Key) -> set[Read]:
        """What the verdict on `k` rests on: the check's reads outside any resource, and in it."""
        check = self.by_check.get(k[0], {})
        return set(check.get(None, set())) | set(check.get((k[1], k[2]), set()))

    def in_resource(self, k: Key) -> set[Read]:
        """What the check read inside the resource's own scope (not to find it)."""
        return set(self.by_check.get(k[0], {}).get((k[1], k[2]), set()))

    def all_of(self, check_id: str) -> set[Read]:
        return set().union(*self.by_check.get(check_id, {}).values())


@contextmanager
def recording(reads: Reads) -> Iterator[None]:
    originals = {name: getattr(CheckContext, name) for name in ("call", "paginate")}

    def wrap(name: str) -> Callable[..., Any]:
        def read(self: CheckContext, service: str, operation: str, **params: Any) -> Any:
            reads.record(self, service, operation)
            return originals[name](self, service, operation, **params)
        return read

    with pytest.MonkeyPatch.context() as mp:
        for name in originals:
            mp.setattr(CheckContext, name, wrap(name))
        yield


Answers = dict[tuple[str, str, Any], Any]  # (account, region, read key) -> the clean scan's answer


@contextmanager
def replaying(answers: Answers, *, record: bool, faulted: frozenset[str] = frozenset()) -> Iterator[None]:
    """Record every answer a scan's contexts get (`record`), or give the recorded answers again for
    reads of any service not in `faulted` (memoised in the context as a read from AWS would be)."""
    original = AwsContext._once

    def once(self: AwsContext, key: Any, read: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        where = (self.account_id, self.region, key)
        if record:
            result = original(self, key, read)
            answers.setdefault(where, result)
            return result
        if key[1] not in faulted and where in answers:
            return original(self, key, lambda: answers[where])
        return original(self, key, read)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(AwsContext, "_once", once)
        yield


@contextmanager
def client_hooks(install: Callable[[BaseClient], None]) -> Iterator[None]:
    """Run `install` on every client the scan's contexts build (the AWS side, seen from botocore)."""
    original = AwsContext.client

    def client(self: AwsContext, service: str) -> BaseClient:
        made = original(self, service)
        install(made)
        return made

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(AwsContext, "client", client)
        yield


# -- the faults ------------------------------------------------------------------------------
def protocol(service: str) -> str:
    return str(_BOTOCORE.get_service_model(service).protocol)


def denied_code(service: str) -> str:
    return {"ec2": "UnauthorizedOperation", "query": "AccessDenied", "rest-xml": "AccessDenied"}.get(
        protocol(service), "AccessDeniedException")


def throttle_code(service: str) -> tuple[str, int]:
    return {"ec2": ("RequestLimitExceeded", 400), "query": ("Throttling", 400),
            "rest-xml": ("SlowDown", 503)}.get(protocol(service), ("ThrottlingException", 400))


def endpoint_variable(service: str) -> str:
    hyphenized = CLIENT_NAME_TO_HYPHENIZED_SERVICE_ID_OVERRIDES.get(service, service)
    return "AWS_ENDPOINT_URL_" + hyphenized.replace("-", "_").upper()


def mangle(value: Any) -> Any:
    """A value of another type than the one AWS sends."""
    if isinstance(value, list):
        return {"unexpected": "shape"}
    return ["unexpected", "shape"]


class ShapeHooks:
    """Answers of the faulted reads changed after botocore parsed them (types mangled, or fields
    dropped). `changed` keeps the reads whose answer the fault really altered: an answer with no
    member (S3's location of a us-east-1 bucket) cannot come in a wrong shape."""

    def __init__(self, ops: set[Read], how: str) -> None:
        self.ops, self.how = ops, how
        self.changed: set[Read] = set()
        self.lock = threading.Lock()

    def install(self, client: BaseClient) -> None:
        service = client.meta.service_model.service_name
        sid = client.meta.service_model.service_id.hyphenize()

        def change(parsed: dict[str, Any], model: Any, **_: Any) -> None:
            if "Error" in parsed:
                return
            names = [k for k in parsed if k != "ResponseMetadata"]
            for name in names:
                if self.how == "missing_fields":
                    # AWS leaves out an empty list, so a missing list means "none": drop the rest.
                    if not isinstance(parsed[name], list):
                        del parsed[name]
                else:
                    parsed[name] = mangle(parsed[name])
            if names:
                with self.lock:
                    self.changed.add((service, model.name))

        for s, op in self.ops:
            if s == service:
                client.meta.events.register_first(f"after-call.{sid}.{op}", change, unique_id=f"fault-{self.how}-{op}")


@dataclass
class PageTwo:
    """Page 1 of every paginated read says there is more; asking for page 2 fails (500)."""

    ops: set[Read]
    offered: set[Read] = field(default_factory=set)  # reads whose page 1 carried a token
    asked: set[Read] = field(default_factory=set)  # reads whose page 2 was requested
    lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def tokens(service: str, op: str) -> tuple[list[str], list[str], str | None] | None:
        try:
            config = _BOTOCORE.get_paginator_model(service).get_paginator(op)
        except Exception:  # no paginator for this operation
            return None
        listify = lambda v: v if isinstance(v, list) else [v]  # noqa: E731
        inputs = listify(config["input_token"])
        outputs = [o.split("||")[0].strip() for o in listify(config["output_token"])]
        if any(not o.isidentifier() for o in outputs):
            return None
        return inputs, outputs, config.get("more_results")

    def install(self, client: BaseClient) -> None:
        service = client.meta.service_model.service_name
        sid = client.meta.service_model.service_id.hyphenize()
        for s, op in self.ops:
            tokens = self.tokens(s, op) if s == service else None
            if tokens is None:
                continue
            inputs, outputs, more = tokens
            read = (s, op)

            def mark(params: dict[str, Any], context: dict[str, Any], read: Read = read,
                     inputs: list[str] = inputs, **_: Any) -> None:
                if any(params.get(t) == SENTINEL for t in inputs):
                    context["posture_page_2"] = True
                    with self.lock:
                        self.asked.add(read)

            def fail(context: dict[str, Any], **_: Any) -> Any:
                if context.get("posture_page_2"):
                    error = {"Error": {"Code": "InternalFailure", "Message": "page 2 failed"},
                             "ResponseMetadata": {"HTTPStatusCode": 500}}
                    return AWSResponse("http://127.0.0.1/", 500, {}, None), error  # type: ignore[arg-type]
                return None

            def more_pages(parsed: dict[str, Any], context: dict[str, Any], read: Read = read,
                           outputs: list[str] = outputs, more: str | None = more, **_: Any) -> None:
                if "Error" in parsed or context.get("posture_page_2") or any(parsed.get(o) for o in outputs):
                    return
                for o in outputs:
                    parsed[o] = SENTINEL
                if more:
                    parsed[more] = True
                with self.lock:
                    self.offered.add(read)

            client.meta.events.register(f"before-parameter-build.{sid}.{op}", mark, unique_id=f"p2-mark-{op}")
            client.meta.events.register(f"before-call.{sid}.{op}", fail, unique_id=f"p2-fail-{op}")
            client.meta.events.register_first(f"after-call.{sid}.{op}", more_pages, unique_id=f"p2-more-{op}")


# -- the matrix ------------------------------------------------------------------------------
@dataclass
class Matrix:
    aws: Any
    registry: Registry
    clean: dict[Key, Finding]
    reads: Reads
    answers: Answers = field(default_factory=dict)

    @property
    def checks(self) -> list[str]:
        """The registered checks that read AWS (not the scan's inventory collectors, which read too)."""
        return [c.meta.id for c in self.registry if c.meta.id in self.reads.by_check]

    @property
    def services(self) -> list[str]:
        found = {s for c in self.checks for s, _ in self.reads.all_of(c)}
        return sorted(found - {"sts"})  # sts answers the scan's own identity: faulting it stops the scan (tested apart)

    def ops(self, service: str) -> set[str]:
        return {op for c in self.checks for s, op in self.reads.all_of(c) if s == service}

    def readers(self, service: str) -> list[str]:
        return sorted(c for c in self.checks if any(s == service for s, _ in self.reads.all_of(c)))

    def groups(self) -> list[list[str]]:
        """Services faulted together: no check reads two services of one group, so every ERROR
        is still owed to exactly one failing service, with far fewer scans than one per service."""
        groups: list[tuple[list[str], set[str]]] = []
        for service in sorted(self.services, key=lambda s: (-len(self.readers(s)), s)):
            readers = set(self.readers(service))
            for members, taken in groups:
                if not readers & taken:
                    members.append(service)
                    taken |= readers
                    break
            else:
                groups.append(([service], readers))
        return [sorted(members) for members, _ in groups]

    def scan(self, check_ids: list[str], max_attempts: int = 2, faulted: frozenset[str] = frozenset()) -> list[Finding]:
        config = ScanConfig(checks=tuple(check_ids), regions=REGIONS, max_attempts=max_attempts, workers=8,
                            check_settings=DEMO_SETTINGS)
        with replaying(self.answers, record=False, faulted=faulted):
            return scan(config, self.registry).findings


@pytest.fixture(scope="module")
def matrix(_local_aws: Any, registry: Registry) -> Iterator[Matrix]:
    with pytest.MonkeyPatch.context() as mp:
        # Retries happen as configured; only their sleeping is switched off, to keep the matrix fast.
        mp.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
        mp.setattr(botocore.retries.adaptive.ClientRateLimiter, "on_sending_request", lambda self, **kw: None)
        seeded_demo(_local_aws)
        reads, answers = Reads(), {}
        with recording(reads), replaying(answers, record=True):
            # The opt-in checks' settings, as the demo's posture.toml would give them: every check reads.
            findings = scan(ScanConfig(regions=REGIONS, max_attempts=2, workers=8, check_settings=DEMO_SETTINGS),
                            registry).findings
        clean = {key(f): f for f in findings}
        assert len(clean) == len(findings), "two findings share a (check, region, resource)"
        assert any(f.status is Status.PASS for f in findings) and any(f.status is Status.FAIL for f in findings)
        yield Matrix(_local_aws, registry, clean, reads, answers)
        _local_aws.simulation.clear_faults()


def judge(m: Matrix, fault: str, service: str, depends: set[Read], findings: list[Finding],
          readers: list[str], bystanders: list[str]) -> list[str]:
    """The problems of one faulted scan (empty: it told the truth)."""
    problems: list[str] = []
    under = {key(f): f for f in findings}
    errored = {f.check_id for f in findings if f.status is Status.ERROR}
    # A source of the AI scope (checks/_scope.py) or a region (CheckContext.each_region) that failed is one
    # ERROR of the check naming the services it reads; what the others found is judged on its own reads.
    gapped: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        if f.status is Status.ERROR and f.resource_id.startswith(("ai-scope/", "not-read/")):
            gapped[f.check_id] |= set(f.evidence.get("unread_services") or [])  # type: ignore[arg-type]
    reason = REASONS.get(fault)
    for k, f in under.items():
        clean = m.clean.get(k)
        rests = m.reads.of(k) & depends
        found_elsewhere = bool(rests) and not m.reads.in_resource(k) & depends and {
            s for s, _ in rests} <= gapped.get(k[0], set())
        if f.status is Status.PASS and (clean is None or clean.status is not Status.PASS):
            problems.append(f"{k}: PASS under {fault} of {service}, {clean.status if clean else 'absent'} cleanly")
        elif f.status is Status.PASS and fault != "missing_fields" and rests and not found_elsewhere:
            problems.append(f"{k}: PASS under {fault} of {service} though it rests on {sorted(rests)}")
        if f.status is Status.ERROR and (clean is None or clean.status is not Status.ERROR):
            if "\n" in f.message or "Traceback" in f.message or len(f.message) > 600:
                problems.append(f"{k}: ERROR reason is not one plain line: {f.message!r}")
            elif reason and reason not in f.message:
                problems.append(f"{k}: ERROR under {fault} of {service} does not say why: {f.message!r}")
    if fault in REASONS:
        for k, clean in m.clean.items():
            if clean.check_id not in readers or clean.status is not Status.PASS or not m.reads.of(k) & depends:
                continue
            f = under.get(k)
            if (f is not None and f.status is Status.ERROR) or (f is None and clean.check_id in errored):
                continue
            rests = m.reads.of(k) & depends
            if f is not None and f.status is clean.status and not m.reads.in_resource(k) & depends and {
                    s for s, _ in rests} <= gapped.get(k[0], set()):
                continue  # found by a scope source that answered; the failed one is its own ERROR
            problems.append(f"{k}: PASS cleanly, {f.status if f else 'absent without an ERROR'} under {fault} "
                            f"of {service} (rests on {sorted(m.reads.of(k) & depends)})")
    for check_id in bystanders:
        mine = sorted((k, f.status, f.message) for k, f in under.items() if k[0] == check_id)
        theirs = sorted((k, f.status, f.message) for k, f in m.clean.items() if k[0] == check_id)
        if mine != theirs:
            problems.append(f"bystander {check_id} changed under {fault} of {service}")
    return problems


def run_fault(m: Matrix, fault: str, services: list[str], mp: pytest.MonkeyPatch) -> list[str]:
    """One scan with every read of `services` failing as `fault` says; its problems."""
    sim = m.aws.simulation
    depends = {(s, op) for s in services for op in m.ops(s)}
    if fault in DETAILS_ONLY:
        depends = {r for r in depends if needs_id(r)}
        if not depends:
            return []
    readers = sorted({c for s in services for c in m.readers(s)})
    bystanders = [c.meta.id for c in m.registry if c.meta.id not in readers][:BYSTANDERS]
    install: Callable[[BaseClient], None] | None = None
    page_two: PageTwo | None = None
    shapes: ShapeHooks | None = None
    max_attempts = 2
    for service, op in depends:
        rest = protocol(service) in ("rest-json", "rest-xml", "query")
        if fault in ("denied", "denied_details"):
            sim.fail(service, op, denied_code(service), status=403 if rest else 400)
        elif fault in ("throttled", "throttled_then_ok"):
            code, status = throttle_code(service)
            sim.fail(service, op, code, status=status, times=2 if fault == "throttled_then_ok" else None)
        elif fault == "http_500_details":
            sim.fail(service, op, "InternalFailure", status=500)
        elif fault == "http_503":
            sim.fail(service, op, "ServiceUnavailable", status=503)
        elif fault == "read_timeout":
            sim.slow(service, op, 1.2)
    if fault == "throttled_then_ok":
        max_attempts = 3  # two throttled answers, then the real one
    elif fault == "read_timeout":
        mp.setattr(posture.aws.context, "READ_TIMEOUT", 0.4)
        # One attempt: retrying a read is botocore's part (the throttling faults prove posture's
        # retries); what is proven here is that a read that never answers is an ERROR saying so.
        max_attempts = 1
    elif fault == "refused":
        for service in services:
            mp.setenv(endpoint_variable(service), "http://127.0.0.1:9")  # nothing listens there
    elif fault in ("wrong_shape", "missing_fields"):
        shapes = ShapeHooks(depends, fault)
        install = shapes.install
    elif fault == "page_2_error":
        page_two = PageTwo(depends)
        install = page_two.install
    try:
        if install is not None:
            with client_hooks(install):
                findings = m.scan(readers + bystanders, max_attempts, frozenset(services))
        else:
            findings = m.scan(readers + bystanders, max_attempts, frozenset(services))
    finally:
        sim.clear_faults()
        mp.undo()
    MATRIX_SIZE[fault] = MATRIX_SIZE.get(fault, 0) + sum(len(m.readers(s)) for s in services)
    where = "+".join(services)
    if fault == "throttled_then_ok":
        wanted = {k: f.status for k, f in m.clean.items() if k[0] in readers + bystanders}
        got = {key(f): f.status for f in findings}
        return [] if got == wanted else [f"throttling that cleared changed findings ({where}): "
                                         f"{sorted(set(got.items()) ^ set(wanted.items()))[:5]}"]
    if shapes is not None and fault == "wrong_shape":
        depends = set(shapes.changed)  # a read whose answer had nothing to mangle was not faulted
    if page_two is not None:
        depends = set(page_two.offered)
        ignored = page_two.offered - page_two.asked
        if ignored:
            return [f"{sorted(ignored)} answered 'more pages follow' and no check asked for them"]
    return judge(m, fault, where, depends, findings, readers, bystanders)


@pytest.mark.parametrize("fault", [pytest.param(f, marks=pytest.mark.xdist_group(f"faults-{HALVES.get(f, 1)}"))
                                   for f in FAULTS])
def test_fault_matrix(matrix: Matrix, fault: str) -> None:
    problems: list[str] = []
    mp = pytest.MonkeyPatch()
    only = os.environ.get("POSTURE_FAULT_SERVICES")  # to study some services: POSTURE_FAULT_SERVICES=s3,kms
    groups = [[s] for s in only.split(",")] if only else matrix.groups()
    for services in groups:
        problems += run_fault(matrix, fault, services, mp)
    assert not problems, f"{len(problems)} problems under {fault}:\n" + "\n".join(problems[:40])


@pytest.mark.xdist_group("faults-1")
def test_matrix_covers_the_catalogue(matrix: Matrix) -> None:
    """Every registered check is in the matrix: it read AWS in the clean scan."""
    silent = [c.meta.id for c in matrix.registry if c.meta.id not in matrix.reads.by_check]
    assert not silent, f"checks that read nothing from AWS, so no fault can reach them: {silent}"
    checks = len(matrix.registry)
    assert sorted(s for g in matrix.groups() for s in g) == matrix.services
    print(f"\nfault matrix: {checks} checks x {len(FAULTS)} faults = {checks * len(FAULTS)} (check, fault) pairs; "
          f"{len(matrix.services)} services in {len(matrix.groups())} groups -> {len(matrix.groups()) * len(FAULTS)} "
          f"faulted scans")


@pytest.mark.xdist_group("faults-1")
def test_the_matrix_catches_a_check_that_swallows_a_failed_read(matrix: Matrix) -> None:
    """The harness itself: a check that turns a denied read into PASS must be caught."""

    @check(
        id="kms.posture_test_liar", title="A check that swallows a failed read",
        description="Passes a key whose rotation status it could not read.",
        rationale="Exists only to prove the fault matrix catches a false pass.",
        remediation="Never catch a failed read broadly; let it become ERROR.",
        service="kms", scope="regional", resource_type="AwsKmsKey", severity="low", securityhub_controls=["KMS.4"],
        boundaries=["data"], csf=["PR.DS-01"], owasp_llm=["LLM06", "LLM02:2025"],
        atlas=["AML.T0035"], nist_ai_rmf=["MEASURE 2.7"], iso42001=["A.7.2"],
        permissions=["kms:ListKeys", "kms:GetKeyRotationStatus"],
    )
    def liar(ctx: CheckContext) -> None:
        for k in ctx.paginate("kms", "list_keys").get("Keys", []):
            with ctx.resource(k["KeyId"]):
                try:
                    enabled = ctx.call("kms", "get_key_rotation_status", KeyId=k["KeyId"])["KeyRotationEnabled"]
                except AwsReadError:
                    enabled = True  # the bug this harness exists to catch
                if enabled:
                    ctx.passed("rotation is enabled")
                else:
                    ctx.failed("rotation is disabled")

    registry = Registry([Check(liar.__posture_check__, liar, __name__)])  # type: ignore[attr-defined]
    reads = Reads()
    with recording(reads):
        clean = {key(f): f for f in scan(ScanConfig(regions=REGIONS, max_attempts=2), registry).findings}
    assert any(f.status is Status.PASS for f in clean.values())
    lab = Matrix(matrix.aws, registry, clean, reads)
    problems = run_fault(lab, "denied_details", ["kms"], pytest.MonkeyPatch())
    assert problems and all("kms.posture_test_liar" in p for p in problems), problems
