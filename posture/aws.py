"""The only code that talks to AWS.

An `AwsContext` serves one (account, region). Every read goes through `call` or
`paginate`: the result (or the error) is memoised per (operation, parameters), so a
read that several checks need is made once, and every request sent is counted.
Concurrent callers of the same read wait for the one in flight instead of repeating it.

Read-only is enforced here, not trusted: every client this module builds refuses, before
anything is sent, an operation that is not a read (`read_only_guard`). Security Hub's
import is allowed only on a context opened with `push=True`.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from botocore.model import ListShape, MapShape, Shape, StructureShape

DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "Forbidden",
        "AuthFailure",
    }
)
THROTTLE_CODES = frozenset(
    {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown"}
)
CREDENTIAL_CODES = {
    "ExpiredToken": "have expired; renew them",
    "ExpiredTokenException": "have expired; renew them",
    "RequestExpired": "were used with a request that expired; check the machine's clock",
    "InvalidClientTokenId": "are not valid (unknown access key or session token)",
    "UnrecognizedClientException": "are not valid (unknown access key or session token)",
    "InvalidAccessKeyId": "are not valid (unknown access key)",
    "SignatureDoesNotMatch": "were rejected (the secret key does not match the access key)",
    "IncompleteSignature": "were rejected (incomplete signature)",
}
UNAVAILABLE_CODES = frozenset(
    {"404", "500", "502", "503", "504", "NotImplemented", "InternalFailure", "InternalError", "InternalServerError",
     "InternalServerException", "ServiceUnavailable", "ServiceUnavailableException", "ServiceFailure"}
)

# -- the read-only guard -------------------------------------------------------------------
# An operation is a read when its name starts with one of these words ...
READ_PREFIXES = ("Describe", "Get", "List", "BatchGet", "BatchDescribe", "Search", "Lookup", "Head")
# ... or it is one of these reads with another name (botocore service name:API operation).
READ_OPERATIONS = frozenset(
    {
        "sts:AssumeRole",  # an organization scan reads each member account through a role
        "iam:SimulatePrincipalPolicy",
        "iam:SimulateCustomPolicy",
    }
)
# Reads by name that hand out secrets, credentials or data content: a posture scanner
# needs none of them, so they are refused like writes.
REFUSED_READS = frozenset(
    {
        "secretsmanager:GetSecretValue",
        "secretsmanager:BatchGetSecretValue",
        "s3:GetObject",
        "s3:GetObjectTorrent",
        "ecr:GetAuthorizationToken",
        "ecr-public:GetAuthorizationToken",
        "codeartifact:GetAuthorizationToken",
        "sts:GetSessionToken",
        "sts:GetFederationToken",
        "cognito-identity:GetCredentialsForIdentity",
        "cognito-identity:GetOpenIdToken",
        "sso:GetRoleCredentials",
        "redshift:GetClusterCredentials",
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "kinesis:GetRecords",
        "logs:GetLogEvents",
        "kms:GetParametersForImport",
    }
)
# Parameter reads return values, and a value may be a secret (even a plain String one): only
# AWS's own public parameters (/aws/service/..., e.g. the latest AMI ids) may be read, undecrypted.
DECRYPTING_READS = frozenset({"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
                              "ssm:GetParameterHistory"})
PUBLIC_PARAMETERS = "/aws/service/"
# What a context opened for pushing findings may also call.
PUSH_OPERATIONS = frozenset({"securityhub:BatchImportFindings", "securityhub:GetFindings"})


class WriteRefused(Exception):
    """posture refused to send an operation that is not a read (a bug in a check or a sink)."""

    def __init__(self, action: str, why: str) -> None:
        super().__init__(f"posture is read-only and refused to call {action}: {why}")
        self.action = action


def is_read(service: str, operation: str, params: Mapping[str, Any] | None = None, *, push: bool = False) -> bool:
    """Whether the guard lets `service` (botocore name) `operation` (API name) through."""
    key = f"{service}:{operation}"
    if push and key in PUSH_OPERATIONS:
        return True
    if key in REFUSED_READS:
        return False
    if key in DECRYPTING_READS:
        given = dict(params or {})
        names = [given.get("Name"), given.get("Path"), *(given.get("Names") or [])]
        named = [str(n) for n in names if n is not None]
        return bool(named) and not given.get("WithDecryption") and all(
            n.startswith(PUBLIC_PARAMETERS) for n in named)
    return key in READ_OPERATIONS or operation.startswith(READ_PREFIXES)


def read_only_guard(client: BaseClient, *, push: bool = False) -> BaseClient:
    """Make `client` refuse, before anything is sent, every operation that is not a read.

    `push=True` also lets Security Hub's BatchImportFindings through (for `--securityhub`/`push`).
    """
    service = client.meta.service_model.service_name

    def refuse_writes(model: Any, params: Mapping[str, Any], **_: Any) -> None:
        if is_read(service, model.name, params, push=push):
            return
        action = f"{model.service_model.signing_name}:{model.name}"
        if f"{service}:{model.name}" in REFUSED_READS | DECRYPTING_READS:
            why = "it would read secret values, credentials or data content, which a posture scan never needs"
        elif f"{service}:{model.name}" in PUSH_OPERATIONS:
            why = "findings are sent to Security Hub only when pushing was asked for"
        else:
            why = "it is not a read operation"
        raise WriteRefused(action, why)

    client.meta.events.register(f"before-parameter-build.{client.meta.service_model.service_id.hyphenize()}",
                                refuse_writes, unique_id="posture-read-only-guard")
    return client


# -- debug logs without secrets --------------------------------------------------------------
class _RedactWire(logging.Filter):
    """botocore's debug logs carry whole response bodies (a Lambda's environment values, a
    stage's variables) and signed headers (the session token): keep the line, drop the data."""

    PREFIXES = ("Response headers", "Response body", "Sending http request", "CanonicalRequest",
                "StringToSign", "String to sign", "Signature", "Making request for")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(self.PREFIXES) and record.args:
            record.args = tuple("<redacted by posture>" for _ in record.args) if isinstance(record.args, tuple) \
                else ("<redacted by posture>",)
        return True


_REDACTED_LOGGERS = ("botocore.parsers", "botocore.endpoint", "botocore.auth")


def redact_wire_logs() -> None:
    """Install the redaction on botocore's wire loggers (idempotent)."""
    for name in _REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactWire) for f in logger.filters):
            logger.addFilter(_RedactWire())


class AwsReadError(Exception):
    """A read that did not give an answer; the reason is safe to show a person."""

    def __init__(self, action: str, reason: str, code: str | None = None, message: str = "") -> None:
        super().__init__(f"{action}: {reason}")
        self.action = action
        self.reason = reason
        self.code = code
        # AWS's own error message: some services tell "not configured" apart only by it
        # (Macie answers AccessDeniedException "Macie is not enabled").
        self.message = message

    @property
    def denied(self) -> bool:
        return self.code in DENIED_CODES


# Tokens shaped like credentials: provider API keys, access keys, tokens, JWTs, and
# `password=...`-style pairs. Matched as whole whitespace-delimited words.
SECRET_SHAPES = re.compile(
    r"\S*(?:sk-|sk_live_|rk_live_|ghp_|gho_|github_pat_|xox[abprs]-|hf_|glpat-|AKIA|ASIA|AIza|eyJ)[A-Za-z0-9]\S*"
    r"|(?i:password|passwd|secret|token|api[_-]?key)\s*[=:]\s*\S+"
)


def redact_secrets(text: str) -> str:
    """`text` with every credential-shaped word replaced (for messages that leave posture)."""
    return SECRET_SHAPES.sub("<redacted>", text)


def explain_error(action: str, exc: Exception) -> AwsReadError:
    """Turn a botocore failure into one plain sentence (never the request or credentials)."""
    if isinstance(exc, WriteRefused):
        return AwsReadError(exc.action, str(exc), "ReadOnlyGuard")
    if isinstance(exc, UnexpectedShape):
        return AwsReadError(action, str(exc), "UnexpectedShape")
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?"))
        # One line, whatever AWS sent, with anything shaped like a credential masked: an error
        # message can quote a value back (a parameter, a variable) and reasons end up in reports.
        message = redact_secrets(" ".join(str(error.get("Message") or "").split()))
        if code in DENIED_CODES:
            reason = f"access denied ({code}); the scanner's role lacks {action}"
        elif code in CREDENTIAL_CODES:
            reason = f"the AWS credentials {CREDENTIAL_CODES[code]} ({code})"
        elif code in THROTTLE_CODES:
            reason = f"throttled ({code}) and retries were exhausted"
        elif code in UNAVAILABLE_CODES:
            reason = f"the service did not answer the request ({code}{': ' + message if message else ''})"
        else:
            reason = f"{code}{': ' + message if message else ''}"
        return AwsReadError(action, reason[:500], code, message[:500])
    if isinstance(exc, NoCredentialsError):
        return AwsReadError(action, "no AWS credentials were found", "NoCredentials")
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        return AwsReadError(action, "the endpoint could not be reached", "EndpointConnectionError")
    if isinstance(exc, ReadTimeoutError):
        return AwsReadError(action, "the request timed out and retries were exhausted", "ReadTimeout")
    if isinstance(exc, ConnectionClosedError):
        return AwsReadError(action, "the connection was closed before an answer arrived", "ConnectionClosed")
    if isinstance(exc, BotoCoreError):
        return AwsReadError(action, f"{type(exc).__name__}: {exc}"[:500], type(exc).__name__)
    return AwsReadError(action, f"unexpected {type(exc).__name__}", type(exc).__name__)


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
    return Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        user_agent_extra="posture",
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
            raise explain_error(_action(client, operation), exc) from exc
        result.pop("ResponseMetadata", None)
        return result

    def _paginate(self, service: str, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        client = self.client(service)
        if not client.can_paginate(operation):
            return self._call(service, operation, params)
        try:
            result: dict[str, Any] = client.get_paginator(operation).paginate(**params).build_full_result()
        except Exception as exc:
            raise explain_error(_action(client, operation), exc) from exc
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
            except BaseException as exc:
                future.set_exception(exc)
        result: dict[str, Any] = future.result()
        return result


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


# -- answers of an unexpected shape ------------------------------------------------------------
_SHAPE_TYPES: dict[str, tuple[type, ...]] = {
    # botocore decodes IAM's URL-encoded policy documents into dicts: a string member may be one.
    "structure": (dict,), "map": (dict,), "list": (list,), "string": (str, dict), "boolean": (bool,),
    "integer": (int,), "long": (int,), "float": (int, float), "double": (int, float),
    "timestamp": (datetime, str, int, float),
}


def shape_problem(value: Any, shape: Shape | None, path: str = "") -> str | None:
    """Where `value` does not have the type botocore's model gives it (None: it does).

    A check judges plain dicts; an answer whose `Enabled` is a dict or whose list is a
    string would be judged as whatever its truthiness says. Missing members are not a
    problem here (AWS omits empty ones); only present members of the wrong type are.
    """
    if shape is None or value is None:
        return None
    expected = _SHAPE_TYPES.get(shape.type_name)
    if expected is None:  # blobs, documents, streams: any value
        return None
    if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
        return f"{path or 'the answer'} is {type(value).__name__}, not {shape.type_name}"
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                problem = shape_problem(value[name], member, f"{path}.{name}" if path else name)
                if problem:
                    return problem
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for i, item in enumerate(value):
            problem = shape_problem(item, shape.member, f"{path}[{i}]")
            if problem:
                return problem
    elif isinstance(shape, MapShape) and isinstance(value, dict):
        for key, item in value.items():
            problem = shape_problem(item, shape.value, f"{path}[{key!r}]")
            if problem:
                return problem
    return None


class UnexpectedShape(Exception):
    """AWS answered with a member of another type than its model gives it."""

    def __init__(self, action: str, problem: str) -> None:
        super().__init__(f"the answer had an unexpected shape ({problem})")
        self.action = action


def check_shape(http_response: Any, parsed: Mapping[str, Any], model: Any, **_: Any) -> None:
    """botocore `after-call` hook: every page of every answer is checked before anyone judges it."""
    if getattr(http_response, "status_code", 200) >= 300 or "Error" in parsed:
        return
    answer = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
    problem = shape_problem(answer, model.output_shape)
    if problem:
        raise UnexpectedShape(f"{model.service_model.signing_name}:{model.name}", problem)


def _freeze(params: Mapping[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, default=str)


def _action(client: BaseClient, operation: str) -> str:
    api = client.meta.method_to_api_mapping.get(operation, operation)
    return f"{client.meta.service_model.signing_name}:{api}"


def offered_in(session: boto3.Session, service: str, partition: str) -> set[str] | None:
    """Regions botocore knows `service` in; None when it does not say (then: try everywhere)."""
    try:
        regions = session.get_available_regions(service, partition_name=partition)
    except Exception:
        return None
    return set(regions) or None
