"""A small simulation layer in front of moto, for the AWS operations moto lacks.

moto answers most of what posture reads; some operations it does not implement
(Access Analyzer, Bedrock guardrails, agent action groups, ...). This WSGI
middleware recognises an operation from the request the way AWS would (signing
service and region from the SigV4 credential scope, then the operation from
botocore's own model of the service: X-Amz-Target, the query Action, or the HTTP
method and URI template) and, for the operations it was given, answers from its own
state. Everything else passes through to moto untouched.

It can also answer any operation, moto-backed or not, with an error (AccessDenied,
throttling, 500s): tests use that to prove a check reports ERROR, never PASS, on
evidence it could not read. `deny_region` refuses every request to one region, whatever
the service, as an organization's region-deny SCP does.

Nothing in `checks/` or the engine knows this exists: a scan only sees an endpoint.
"""

from __future__ import annotations

import io
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, unquote

import botocore.session
from botocore.model import OperationModel, ServiceModel

from posture.demo.shapes import SimulatedShapeError, check_answer, check_error, not_found

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
ANY_REGION = "*"
SCP_DENY = ("User: arn:aws:sts::123456789012:assumed-role/posture-scan/posture is not authorized to perform this "
            "operation with an explicit deny in a service control policy")


@dataclass(frozen=True)
class Route:
    service: str
    operation: OperationModel
    method: str
    segments: tuple[str, ...]  # literal, "{name}" or "{name+}"
    query_keys: tuple[str, ...]

    @property
    def specificity(self) -> tuple[int, int]:
        literal = sum(1 for s in self.segments if not s.startswith("{"))
        return (len(self.query_keys), literal)

    def match(self, method: str, path: str, query: dict[str, list[str]]) -> dict[str, str] | None:
        if method != self.method or any(k not in query for k in self.query_keys):
            return None
        parts = [unquote(p) for p in path.strip("/").split("/")] if path.strip("/") else []
        params: dict[str, str] = {}
        for i, segment in enumerate(self.segments):
            if segment.endswith("+}"):
                params[segment[1:-2]] = "/".join(parts[i:])
                return params
            if i >= len(parts):
                return None
            if segment.startswith("{"):
                params[segment[1:-1]] = parts[i]
            elif segment != parts[i]:
                return None
        return params if len(parts) == len(self.segments) else None


def _route(service: str, op: OperationModel) -> Route:
    uri = op.http.get("requestUri", "/")
    path, _, query = uri.partition("?")
    keys = tuple(k.split("=")[0] for k in query.split("&") if k)
    segments = tuple(s for s in path.strip("/").split("/") if s)
    return Route(service, op, op.http.get("method", "POST"), segments, keys)


@dataclass(frozen=True)
class Fault:
    code: str
    message: str
    status: int
    times: int | None  # None: every time
    delay: float = 0.0  # seconds to wait before answering (a slow or hung service)


class Simulation:
    """State for the simulated operations, and faults to inject; safe to use from tests."""

    def __init__(self) -> None:
        self._botocore = botocore.session.get_session()
        # Its own loader, not the scanner's: botocore edits some loaded models when it builds a
        # client (S3 drops `/{Bucket}` from its URIs), and routes are matched on the models as published.
        self._models: dict[str, ServiceModel] = {}
        self._route_cache: dict[str, list[Route]] = {}
        self._answers: dict[tuple[str, str, str, str], Any] = {}
        self._defaults: dict[tuple[str, str], Any] = {}
        self._faults: dict[tuple[str, str, str], Fault] = {}
        self._denied_regions: dict[str, str] = {}  # region -> the message of its denial
        self._lock = threading.Lock()
        self.requests: list[tuple[str, str, str]] = []  # (service, operation, region) of simulated answers
        # Simulated answers and errors that botocore's model says AWS would not give (posture.demo.shapes):
        # refused where they are given, unless POSTURE_SIMULATION_SHAPES=record (only count them, to measure).
        self.strict = os.environ.get("POSTURE_SIMULATION_SHAPES", "strict") != "record"
        self.violations: list[str] = []

    # -- configuring -------------------------------------------------------------------
    def model(self, service: str) -> ServiceModel:
        if service not in self._models:
            self._models[service] = self._botocore.get_service_model(service)
        return self._models[service]

    def simulate(self, service: str, operation: str, default: Any) -> None:
        """Answer `operation` from this layer; `default` is the answer where nothing was put."""
        model = self.model(service).operation_model(operation)  # a typo fails here, not at request time
        if default is not None:
            self.validate(model, default)
        with self._lock:
            self._defaults[(service, operation)] = default

    def forget(self, service: str, operation: str) -> None:
        """Stop answering `operation` (a test that simulated an operation moto implements hands it back)."""
        with self._lock:
            self._defaults.pop((service, operation), None)
            for key in [k for k in self._answers if k[:2] == (service, operation)]:
                del self._answers[key]

    def put(self, service: str, operation: str, answer: Any, *, region: str = ANY_REGION, off_model: str = "",
            **params: str) -> None:
        """The answer for `operation` in `region` (for the request whose URI parameters equal `params`).

        `off_model`: why this answer is deliberately one botocore's model says AWS never gives (a test of how
        the scanner copes with a malformed answer); only then is it not held to the model."""
        if (service, operation) not in self._defaults:
            raise KeyError(f"{service}.{operation} is not simulated; call simulate() first")
        if answer is not None and not off_model:
            self.validate(self.model(service).operation_model(operation), answer)
        with self._lock:
            self._answers[(service, operation, region, _key(params))] = answer

    def fail(self, service: str, operation: str, code: str, message: str = "", *, status: int = 400,
             region: str = ANY_REGION, times: int | None = None) -> None:
        """Answer `operation` with an AWS error (`times` times, or always)."""
        self.validate_error(self.model(service).operation_model(operation), code)
        with self._lock:
            self._faults[(service, operation, region)] = Fault(code, message or code, status, times)

    def slow(self, service: str, operation: str, seconds: float, *, region: str = ANY_REGION,
             times: int | None = None) -> None:
        """Answer `operation` normally, but only after `seconds` (a read timeout when longer than the client's)."""
        self.model(service).operation_model(operation)
        with self._lock:
            self._faults[(service, operation, region)] = Fault("", "", 200, times, seconds)

    def deny_region(self, region: str, message: str = SCP_DENY) -> None:
        """Refuse every request to `region`, of every service (moto's or simulated), as an
        organization's region-deny SCP does: AccessDenied with an explicit deny."""
        with self._lock:
            self._denied_regions[region] = message

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._denied_regions.clear()

    def reset(self) -> None:
        with self._lock:
            self._answers.clear()
            self._faults.clear()
            self._denied_regions.clear()
            self.requests.clear()

    def validate(self, operation: OperationModel, answer: Any) -> None:
        """Hold a simulated answer to botocore's model (posture.demo.shapes); `self.strict` False only
        records the problems (to measure them), True raises where the answer was given."""
        try:
            check_answer(operation, answer)
        except SimulatedShapeError as exc:
            self.violations.append(str(exc))
            if self.strict:
                raise

    def validate_error(self, operation: OperationModel, code: str) -> None:
        try:
            check_error(operation, code)
        except SimulatedShapeError as exc:
            self.violations.append(str(exc))
            if self.strict:
                raise

    # -- serving -----------------------------------------------------------------------
    def middleware(self, app: WsgiApp) -> WsgiApp:
        def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            scope = CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
            if scope is None:
                return app(environ, start_response)
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            region, signing_name = scope.groups()
            with self._lock:
                region_denied = self._denied_regions.get(region)
            if region_denied is not None:
                protocol = _protocol_of(signing_name, environ, body)
                code = {"ec2": "UnauthorizedOperation", "query": "AccessDenied", "rest-xml": "AccessDenied"}.get(
                    protocol, "AccessDeniedException")
                status = 400 if protocol in ("ec2", "json") else 403
                return _error(start_response, protocol, Fault(code, region_denied, status, None))
            found = self._identify(signing_name, environ, body)
            if found is None:
                return app(environ, start_response)
            service, op, params = found
            fault = self._take_fault(service, op.name, region)
            if fault is not None and fault.delay:
                time.sleep(fault.delay)
            if fault is not None and fault.code:
                return _error(start_response, self.model(service).resolved_protocol, fault)
            simulated, answer = self._answer(service, op.name, region, params)
            if not simulated:
                return app(environ, start_response)
            if answer is None:  # no such resource: the not-found error AWS models for the operation
                code, status, _ = not_found(op)
                missing = Fault(code, f"{op.name}: the resource was not found", status, None)
                return _error(start_response, self.model(service).resolved_protocol, missing)
            with self._lock:
                self.requests.append((service, op.name, region))
            if self.model(service).resolved_protocol in ("query", "ec2"):
                payload, content_type = _xml_answer(service, op.name, answer), "text/xml"
            else:
                payload, content_type = json.dumps(answer, default=_json_default).encode(), "application/json"
            start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(payload)))])
            return [payload]

        return serve

    def _services_signed_as(self, signing_name: str) -> list[str]:
        with self._lock:
            names = {s for s, _ in self._defaults} | {s for s, _, _ in self._faults}
        return [s for s in names if self.model(s).signing_name == signing_name]

    def _identify(self, signing_name: str, environ: dict[str, Any], body: bytes
                  ) -> tuple[str, OperationModel, dict[str, str]] | None:
        for service in self._services_signed_as(signing_name):
            model = self.model(service)
            protocol = model.resolved_protocol  # the protocol botocore speaks (it may prefer JSON to CBOR)
            if protocol == "json":
                target = environ.get("HTTP_X_AMZ_TARGET", "")
                name = target.rsplit(".", 1)[-1]
                if name in model.operation_names:
                    return service, model.operation_model(name), {}
            elif protocol in ("query", "ec2"):
                form = parse_qs(body.decode(errors="replace"))
                action = form.get("Action", [""])[0]
                if action in model.operation_names:
                    operation = model.operation_model(action)
                    return service, operation, _form_params(operation, form)
            else:
                query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
                for route in self._routes(service):
                    params = route.match(environ["REQUEST_METHOD"], _raw_path(environ), query)
                    if params is not None:
                        return service, route.operation, {**params, **_query_params(route.operation, query)}
        return None

    def _routes(self, service: str) -> list[Route]:
        """The REST routes of a service's operations, most specific first (built once per service)."""
        routes = self._route_cache.get(service)
        if routes is None:
            model = self.model(service)
            routes = sorted((_route(service, model.operation_model(n)) for n in model.operation_names),
                            key=lambda r: r.specificity, reverse=True)
            self._route_cache[service] = routes
        return routes

    def _take_fault(self, service: str, operation: str, region: str) -> Fault | None:
        with self._lock:
            for key in ((service, operation, region), (service, operation, ANY_REGION)):
                fault = self._faults.get(key)
                if fault is None:
                    continue
                if fault.times is not None:
                    if fault.times <= 1:
                        del self._faults[key]
                    else:
                        self._faults[key] = replace(fault, times=fault.times - 1)
                return fault
        return None

    def _answer(self, service: str, operation: str, region: str, params: dict[str, str]) -> tuple[bool, Any]:
        """(whether this layer serves the operation, its answer; None: no such resource)."""
        with self._lock:
            if (service, operation) not in self._defaults:
                return False, None
            # Most specific first: path and query parameters, path parameters only, none.
            path_only = {k: v for k, v in params.items() if not k.startswith(QUERY)}
            full = {k.removeprefix(QUERY): v for k, v in params.items()}
            keys = list(dict.fromkeys([(service, operation, r, _key(p)) for p in (full, path_only)
                                       for r in (region, ANY_REGION)]))
            keys += [(service, operation, region, ""), (service, operation, ANY_REGION, "")]
            for key in keys:
                if key in self._answers:
                    return True, self._answers[key]
            return True, self._defaults[(service, operation)]


REST_XML_SIGNING_NAMES = frozenset({"s3", "cloudfront", "route53"})


def _protocol_of(signing_name: str, environ: dict[str, Any], body: bytes) -> str:
    """The protocol of a request to a service this layer was not told about, from the request itself."""
    if environ.get("HTTP_X_AMZ_TARGET"):
        return "json"
    if b"Action=" in body[:2000] and "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        return "ec2" if signing_name == "ec2" else "query"
    return "rest-xml" if signing_name in REST_XML_SIGNING_NAMES else "rest-json"


QUERY = "?"  # marks a parameter read from the query string (a put names it without the mark)
PAGING = frozenset({"maxResults", "nextToken", "MaxResults", "NextToken", "includedData"})


def _query_params(op: OperationModel, query: dict[str, list[str]]) -> dict[str, str]:
    """Query-string members of the operation's input that select a resource (a version, an id), not a page."""
    found: dict[str, str] = {}
    for name, shape in (op.input_shape.members.items() if op.input_shape else ()):
        wire = shape.serialization.get("name", name)
        if shape.serialization.get("location") == "querystring" and name not in PAGING and wire in query:
            found[QUERY + name] = query[wire][0]
    return found


def _form_params(op: OperationModel, form: dict[str, list[str]]) -> dict[str, str]:
    """Scalar members of a query-protocol request (IAM's UserName, JobId, ...) that select a resource, not a page."""
    members = op.input_shape.members if op.input_shape else {}
    return {name: form[name][0] for name, shape in members.items()
            if name not in PAGING and name not in ("Marker", "MaxItems") and shape.type_name != "list"
            and shape.type_name != "structure" and name in form}


def _xml_answer(service: str, operation: str, answer: Any) -> bytes:
    """An answer as a query-protocol (XML) response, serialized by botocore's model as AWS sends it."""
    from moto.core.serialize import get_serializer_class  # moto's serializer: the demo depends on moto anyway
    from moto.core.utils import get_service_model

    op = get_service_model(service).operation_model(operation)
    protocol = op.service_model.protocol
    body = get_serializer_class(service, protocol)(op).serialize(answer)["body"]
    return body.encode() if isinstance(body, str) else bytes(body)


def _raw_path(environ: dict[str, Any]) -> str:
    """The request path as sent, still percent-encoded: an ARN in a URI parameter keeps its `/` as %2F
    (PATH_INFO is decoded, which would split it into segments)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    return str(raw).split("?", 1)[0] if raw else str(environ.get("PATH_INFO", "/"))


def _key(params: dict[str, str]) -> str:
    return json.dumps(params, sort_keys=True) if params else ""


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _error(start_response: Callable[..., Any], protocol: str, fault: Fault) -> Iterable[bytes]:
    status = f"{fault.status} Error"
    if protocol in ("json", "rest-json"):
        body = json.dumps({"__type": fault.code, "message": fault.message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", fault.code)]
    elif protocol == "ec2":
        body = (f"<Response><Errors><Error><Code>{fault.code}</Code><Message>{fault.message}</Message>"
                f"</Error></Errors><RequestID>sim</RequestID></Response>").encode()
        headers = [("Content-Type", "text/xml")]
    elif protocol == "query":
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{fault.code}</Code><Message>{fault.message}"
                f"</Message></Error><RequestId>sim</RequestId></ErrorResponse>").encode()
        headers = [("Content-Type", "text/xml")]
    else:  # rest-xml
        body = f"<Error><Code>{fault.code}</Code><Message>{fault.message}</Message></Error>".encode()
        headers = [("Content-Type", "application/xml")]
    start_response(status, [*headers, ("Content-Length", str(len(body)))])
    return [body]
