"""Answers of an unexpected shape: every page of every answer is checked against botocore's
model before a check judges it, so a wrong type is an ERROR, never a verdict."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

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
    if expected is None or getattr(shape, "is_document_type", False):
        return None  # blobs, documents (any JSON value: a list too, as OpenSearch Serverless policies), streams
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
