"""AWS Lambda reads: the region's functions, their URL configuration and resource policies."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

LAMBDA = Service("lambda")
LIST_FUNCTIONS = LAMBDA.read("ListFunctions", path="Functions", paginate=True)
# A function with no URL, or no resource policy: ResourceNotFoundException, answered as None.
FUNCTION_URL = LAMBDA.read("GetFunctionUrlConfig", param="FunctionName", absent=["ResourceNotFoundException"])
FUNCTION_POLICY = LAMBDA.read("GetPolicy", path="Policy", param="FunctionName", absent=["ResourceNotFoundException"])
FUNCTION = Kind("function", list=LIST_FUNCTIONS, id="FunctionName", arn="FunctionArn", details=(FUNCTION_URL,),
                policy=FUNCTION_POLICY)


def functions(ctx: CheckContext) -> list[dict[str, Any]]:
    return FUNCTION.all(ctx)


def function_url(ctx: CheckContext, name: str) -> dict[str, Any] | None:
    """The function's URL configuration (of its unqualified version); None when it has none."""
    found = FUNCTION_URL(ctx, name)
    return None if found is None else dict(found)


def resource_policy(ctx: CheckContext, name: str, qualifier: str | None = None) -> Any | None:
    """The resource policy (as Lambda returns it) of the function, or of one of its aliases or versions
    (`name:qualifier`, whose policy is its own); None when there is none."""
    return FUNCTION_POLICY(ctx, f"{name}:{qualifier}" if qualifier else name)
