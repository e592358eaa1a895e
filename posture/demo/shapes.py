"""Simulated answers checked against botocore's model of the operation, strictly.

The scanner tolerates what AWS may omit (`posture.aws.shapes`); an answer we *simulate* is held to the
model: every member it has must exist in the output shape (no invented keys), have the modelled type,
take one of the modelled enum values (a string member with an enum), and every required member must
be there. Our belief about an AWS answer is so checked against someone else's statement of it, and a
wrong belief fails the test (or the demo seed) that wrote it, where it was written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

_TYPES: dict[str, tuple[type, ...]] = {
    "structure": (dict,), "map": (dict,), "list": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "long": (int,), "float": (int, float), "double": (int, float),
    "timestamp": (datetime, str, int, float), "blob": (bytes, str),
}
# Members a REST answer carries outside its body (headers, the status code): never in a simulated body.
_OUTSIDE_BODY = frozenset({"header", "headers", "statusCode"})


class SimulatedShapeError(ValueError):
    """A simulated answer that botocore's model says AWS would never give."""


def problems(value: Any, shape: Shape | None, path: str = "", *, wire: bool = False) -> list[str]:
    """Every way `value` departs from `shape` (empty: it fits). `wire`: members are named as on the wire
    (a JSON answer: `malwareProtectionPlans`), not as botocore names them (`MalwareProtectionPlans`)."""
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
                found.extend(problems(item, members[name][1], f"{path}.{name}" if path else name, wire=wire))
        for name, (member_name, member) in members.items():
            if member_name in shape.required_members and name not in value \
                    and member.serialization.get("location") not in _OUTSIDE_BODY:
                found.append(f"{path + '.' if path else ''}{name} is required by {shape.name} and missing")
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(problems(item, shape.member, f"{where}[{i}]", wire=wire))
    elif isinstance(shape, MapShape) and isinstance(value, dict):
        for key, item in value.items():
            found.extend(problems(item, shape.value, f"{where}[{key!r}]", wire=wire))
    return found


def check_answer(operation: OperationModel, answer: Any) -> None:
    """Raise SimulatedShapeError when `answer` is not an answer `operation` can give."""
    wire = operation.service_model.resolved_protocol in ("json", "rest-json")  # served as JSON, as given
    found = problems(answer, operation.output_shape, wire=wire)
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


# Errors any operation may answer, whatever its model lists (AWS's common errors).
COMMON_ERRORS = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Throttling", "ThrottlingException",
    "TooManyRequestsException", "RequestLimitExceeded", "SlowDown", "InternalFailure", "InternalError",
    "InternalServerError", "InternalServerException", "ServiceUnavailable", "ServiceUnavailableException",
    "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException",
    "SignatureDoesNotMatch", "IncompleteSignature", "RequestExpired", "ValidationException", "AuthFailure",
    "OptInRequired", "InvalidAction", "MissingAuthenticationToken", "NotAuthorized",
})
