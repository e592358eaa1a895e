"""Simulated answers checked against botocore's model of the operation, strictly.

The scanner tolerates what AWS may omit (`posture.aws.shapes`); an answer we *simulate* is held to the
model: every member it has must exist in the output shape (no invented keys), have the modelled type,
take one of the modelled enum values (a string member with an enum), and every required member must
be there. Our belief about an AWS answer is so checked against someone else's statement of it, and a
wrong belief fails the test (or the demo seed) that wrote it, where it was written.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

_TYPES: dict[str, tuple[type, ...]] = {
    "structure": (dict,), "map": (dict,), "list": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "long": (int,), "float": (int, float), "double": (int, float),
    "timestamp": (datetime, str, int, float), "blob": (bytes, str),
}
# Members the model marks required that AWS is known to leave out, with why we believe so. Kept short: each
# entry is a belief about AWS the model contradicts, so it needs a reason a reviewer can check.
OPTIONAL_IN_PRACTICE: dict[tuple[str, str], frozenset[str]] = {
    # Inspector's State: "the error code explaining why the account failed to enable Amazon Inspector" (the
    # model's own words); the enum has no value for "no failure", and moto and published CLI outputs of
    # enabled accounts give `{"status": "ENABLED"}` alone.
    ("inspector2", "State"): frozenset({"errorCode", "errorMessage"}),
}
# Members a REST answer carries outside its body (headers, the status code): never in a simulated body.
_OUTSIDE_BODY = frozenset({"header", "headers", "statusCode"})


class SimulatedShapeError(ValueError):
    """A simulated answer that botocore's model says AWS would never give."""


def problems(value: Any, shape: Shape | None, path: str = "", *, wire: bool = False, service: str = "") -> list[str]:
    """Every way `value` departs from `shape` (empty: it fits). `wire`: members are named as on the wire
    (a JSON answer: `malwareProtectionPlans`), not as botocore names them (`MalwareProtectionPlans`).
    `service`: where the shape comes from, for the members AWS leaves out though the model requires them."""
    where = path or "the answer"
    if shape is None:
        return [] if value in (None, {}) else [f"{where}: the operation has no output, the answer has one"]
    if getattr(shape, "is_document_type", False):
        return []  # any JSON value
    expected = _TYPES.get(shape.type_name)
    if expected is None:
        return []
    if value is None:
        return [f"{where} is null"]
    if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
        return [f"{where} is {type(value).__name__}, not {shape.type_name}"]
    found: list[str] = []
    enum = shape.metadata.get("enum") if shape.type_name == "string" else None
    if enum and value not in enum:
        found.append(f"{where} is {value!r}, not one of the modelled values ({', '.join(enum[:6])}...)")
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        members = {(m.serialization.get("name", n) if wire else n): (n, m) for n, m in shape.members.items()}
        for name, item in value.items():
            if name not in members:
                found.append(f"{path + '.' if path else ''}{name} is not a member of {shape.name}")
            else:
                found.extend(problems(item, members[name][1], f"{path}.{name}" if path else name, wire=wire,
                                      service=service))
        optional = OPTIONAL_IN_PRACTICE.get((service, shape.name), frozenset())
        for name, (member_name, member) in members.items():
            if member_name in shape.required_members and name not in value and member_name not in optional \
                    and member.serialization.get("location") not in _OUTSIDE_BODY:
                found.append(f"{path + '.' if path else ''}{name} is required by {shape.name} and missing")
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(problems(item, shape.member, f"{where}[{i}]", wire=wire, service=service))
    elif isinstance(shape, MapShape) and isinstance(value, dict):
        for key, item in value.items():
            found.extend(problems(item, shape.value, f"{where}[{key!r}]", wire=wire, service=service))
    return found


def check_answer(operation: OperationModel, answer: Any) -> None:
    """Raise SimulatedShapeError when `answer` is not an answer `operation` can give."""
    wire = operation.service_model.resolved_protocol in ("json", "rest-json")  # served as JSON, as given
    found = problems(answer, operation.output_shape, wire=wire, service=operation.service_model.service_name)
    if found:
        name = f"{operation.service_model.service_name}.{operation.name}"
        shown = "; ".join(found[:5]) + (f"; and {len(found) - 5} more" if len(found) > 5 else "")
        raise SimulatedShapeError(f"simulated {name} answer does not fit botocore's model: {shown}")


def check_error(operation: OperationModel, code: str) -> None:
    """Raise SimulatedShapeError when `code` is not an error `operation` models, nor one every operation
    of AWS may answer (access denied, throttling, a service fault)."""
    modelled = {e.name for e in operation.error_shapes} | {
        e.metadata.get("error", {}).get("code", e.name) for e in operation.error_shapes}
    if code not in modelled and code not in COMMON_ERRORS:
        name = f"{operation.service_model.service_name}.{operation.name}"
        raise SimulatedShapeError(f"{name} does not answer {code}: it models {', '.join(sorted(modelled)) or 'none'}")


_NOT_FOUND = re.compile(r"NotFound|NoSuch|Nonexistent|NotInUse")
# Where the model lists no not-found error, the simulation answers the error every operation may answer for a
# request it cannot serve (AWS's common ValidationException), saying what was not found.
FALLBACK_NOT_FOUND = ("ValidationException", 400)


def not_found(operation: OperationModel) -> tuple[str, int, bool]:
    """(code, HTTP status, modelled) of the error `operation` answers for a resource that does not exist.

    The modelled error whose name says not found (NoSuchEntity, ResourceNotFound, ..., or Organizations'
    AWSOrganizationsNotInUseException: no organization at all); of several, the one that names what the
    operation reads (DescribeEffectivePolicy: EffectivePolicyNotFoundException, not TargetNotFoundException),
    else a generic resource one, else any not-found before "not in use". Its status as modelled, else 400 (the status of
    an AWS client error). `modelled` False: the model lists none, and the answer is FALLBACK_NOT_FOUND."""
    candidates = [e for e in operation.error_shapes if _NOT_FOUND.search(e.name)]
    if not candidates:
        return (*FALLBACK_NOT_FOUND, False)
    noun = re.sub(r"^(Get|Describe|List|BatchGet)", "", operation.name)
    candidates.sort(key=lambda e: (not e.name.startswith(noun), not e.name.startswith(("ResourceNotFound", "NoSuch")),
                                   "NotInUse" in e.name))
    error = candidates[0].metadata.get("error", {})
    return str(error.get("code", candidates[0].name)), int(error.get("httpStatusCode", 400)), True


# Errors any operation may answer, whatever its model lists (AWS's common errors).
COMMON_ERRORS = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Throttling", "ThrottlingException",
    "TooManyRequestsException", "RequestLimitExceeded", "SlowDown", "InternalFailure", "InternalError",
    "InternalServerError", "InternalServerException", "ServiceUnavailable", "ServiceUnavailableException",
    "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException",
    "SignatureDoesNotMatch", "IncompleteSignature", "RequestExpired", "ValidationException", "AuthFailure",
    "OptInRequired", "InvalidAction", "MissingAuthenticationToken", "NotAuthorized",
})
