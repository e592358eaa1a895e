"""The only code that talks to AWS.

An `AwsContext` serves one (account, region). Every read goes through `call` or
`paginate`: the result (or the error) is memoised per (operation, parameters), so a
read that several checks need is made once, and every request sent is counted.
Concurrent callers of the same read wait for the one in flight instead of repeating it.

Each context also remembers how every service answered it (answered, explicitly denied as
`AwsReadError.explicit_deny` says, failed otherwise): `closed()` names the services the
(account, region) is closed to by policy, which the runner reports once per (region, service)
as not assessed instead of as the ERRORs of every check that read them.

Read-only is enforced here, not trusted: every client this module builds refuses, before
anything is sent, an operation that is not a read (`read_only_guard`). Security Hub's
import is allowed only on a context opened with `push=True`.
"""


from __future__ import annotations

import ipaddress
import json
import threading
import urllib.request
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.client import BaseClient
from botocore.config import Config

from posture.aws.errors import AwsReadError, explain_error
from posture.aws.guard import read_only_guard
from posture.aws.redact import redact_wire_logs
from posture.aws.shapes import check_shape


@dataclass
class CallLog:
    """Requests sent to AWS in a scan, shared by every context (thread-safe)."""

    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, key: str) -> None:
        with self.lock:
            self.counts[key] += 1

    @property
    def total(self) -> int:
        with self.lock:
            return sum(self.counts.values())


CONNECT_TIMEOUT, READ_TIMEOUT = 10.0, 30.0  # seconds; module values so tests can shorten them


def client_config(max_attempts: int) -> Config:
    # Without proxy variables in the environment, say so once: botocore would otherwise scan the
    # whole environment for them again for every client it makes. With any, botocore decides
    # per endpoint as usual (NO_PROXY included).
    proxies: dict[str, str] | None = {} if not urllib.request.getproxies() else None
    return Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        user_agent_extra="posture",
        proxies=proxies,
    )


class AwsContext:
    """Memoised, counted reads for one (account, region)."""

    def __init__(
        self,
        session: boto3.Session,
        *,
        account_id: str,
        partition: str,
        region: str,
        call_log: CallLog,
        config: Config,
        push: bool = False,
    ) -> None:
        """`push=True` only for a context that sends findings to Security Hub (BatchImportFindings)."""
        self.session = session
        self.push = push
        self.account_id = account_id
        self.partition = partition
        self.region = region
        self.call_log = call_log
        self._config = config
        self._clients: dict[str, BaseClient] = {}
        self._results: dict[tuple[str, str, str, str], Future[Any]] = {}
        self._lock = threading.Lock()
        # How the reads of each service went here: answered, denied (with the first denial), or failed otherwise.
        self._answered: set[str] = set()
        self._denied: dict[str, AwsReadError] = {}
        self._failed: set[str] = set()
        redact_wire_logs()

    def client(self, service: str) -> BaseClient:
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                # boto3 sessions are not thread-safe; clients are, so create them under the lock.
                client = self.session.client(service, region_name=self.region, config=self._config)
                client.meta.events.register("before-call", self._count)
                read_only_guard(client, push=self.push)
                client.meta.events.register("after-call", check_shape, unique_id="posture-shape-check")
                if service == "s3control":
                    client.meta.events.register("before-sign.s3-control", keep_ip_endpoint)
                self._clients[service] = client
            return client

    def _count(self, model: Any, **_: Any) -> None:
        # One count per API call made (botocore's retries of it are not separate calls).
        self.call_log.record(f"{self.account_id}/{self.region}/{model.service_model.signing_name}:{model.name}")

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """One API call, made once per (service, operation, params) in this context."""
        return self._once(("call", service, operation, _freeze(params)), lambda: self._call(service, operation, params))

    def paginate(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """Every page of a paginated read, merged by botocore's paginator into one result."""
        return self._once(
            ("paginate", service, operation, _freeze(params)), lambda: self._paginate(service, operation, params)
        )

    def _call(self, service: str, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        client = self.client(service)
        try:
            result: dict[str, Any] = getattr(client, operation)(**params)
        except Exception as exc:  # every failure becomes a plain reason
            raise explain_error(_action(client, operation), exc, grant=_grant(client, operation)) from exc
        result.pop("ResponseMetadata", None)
        return result

    def _paginate(self, service: str, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        client = self.client(service)
        if not client.can_paginate(operation):
            return self._call(service, operation, params)
        try:
            result: dict[str, Any] = client.get_paginator(operation).paginate(**params).build_full_result()
        except Exception as exc:
            raise explain_error(_action(client, operation), exc, grant=_grant(client, operation)) from exc
        result.pop("ResponseMetadata", None)
        return result

    def _once(self, key: tuple[str, str, str, str], read: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        with self._lock:
            future = self._results.get(key)
            owner = future is None
            if future is None:
                future = self._results[key] = Future()
        if owner:
            try:
                future.set_result(read())
                self._outcome(key[1], None)
            except BaseException as exc:
                future.set_exception(exc)
                self._outcome(key[1], exc)
        result: dict[str, Any] = future.result()
        return result


    def _outcome(self, service: str, exc: BaseException | None) -> None:
        with self._lock:
            if exc is None:
                self._answered.add(service)
            elif isinstance(exc, AwsReadError) and exc.explicit_deny:
                self._denied.setdefault(service, exc)
            else:
                self._failed.add(service)

    def closed(self) -> dict[str, AwsReadError]:
        """Service -> its first denial, for each service this (account, region) is closed to by policy:
        reads of it were made and every one was refused by an explicit deny (an organization's
        region-deny SCP, a policy denying the region), none answered or failed otherwise. A read
        refused only because nothing allows it is a permission gap, not a closed service: the
        check that needed it reports ERROR for what depends on it."""
        with self._lock:
            return {s: exc for s, exc in self._denied.items() if s not in self._answered and s not in self._failed}


def keep_ip_endpoint(request: Any, **_: Any) -> None:
    """S3 Control's endpoint rules put the account id in front of the host. In front of an IP
    address (an endpoint URL override such as a local emulator) that makes a name no resolver
    knows, so the request goes to the address as given. Runs before signing: the signature
    covers the corrected host. AWS's own hostnames are left alone."""
    parts = urlsplit(request.url)
    label, _dot, rest = (parts.hostname or "").partition(".")
    try:
        ipaddress.ip_address(rest)
    except ValueError:
        return
    request.url = urlunsplit(parts._replace(netloc=parts.netloc.replace(f"{label}.", "", 1)))


def _freeze(params: Mapping[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, default=str)


# API operations authorized by an IAM action of another name, for the reads the catalogue makes
# (taken from AWS's service authorization reference; tests/core/test_permissions.py proves the table
# equal to posture.core.iampolicy.action_for_operation, which reads that reference).
ACTIONS_NAMED_OTHERWISE = {
    ("accessanalyzer", "ListFindingsV2"): "access-analyzer:ListFindings",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
}


def iam_action(service: str, signing_name: str, operation: str, http_method: str = "GET") -> str:
    """The IAM action a person grants so that `operation` is allowed (named in access-denied reasons)."""
    if service in ("apigateway", "apigatewayv2"):
        return f"apigateway:{http_method}"  # API Gateway's management API is authorized per HTTP method
    return ACTIONS_NAMED_OTHERWISE.get((service, operation), f"{signing_name}:{operation}")


def _action(client: BaseClient, operation: str) -> str:
    api = client.meta.method_to_api_mapping.get(operation, operation)
    return f"{client.meta.service_model.signing_name}:{api}"


def _grant(client: BaseClient, operation: str) -> str:
    api = client.meta.method_to_api_mapping.get(operation, operation)
    model = client.meta.service_model
    try:
        method = model.operation_model(api).http.get("method", "GET")
    except Exception:  # not an operation of this service: name it as given
        method = "GET"
    return iam_action(model.service_name, model.signing_name, api, method)


def offered_in(session: boto3.Session, service: str, partition: str) -> set[str] | None:
    """Regions botocore knows `service` in; None when it does not say (then: try everywhere)."""
    try:
        regions = session.get_available_regions(service, partition_name=partition)
    except Exception:
        return None
    return set(regions) or None
