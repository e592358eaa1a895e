"""Amazon Cognito reads: user pools (cognito-idp), their settings and MFA configuration, and identity pools
(cognito-identity) with the roles they hand out."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

COGNITO_IDP = Service("cognito-idp")
COGNITO_IDENTITY = Service("cognito-identity")
# MaxResults is required by both list operations (60 is the most either allows).
LIST_USER_POOLS = COGNITO_IDP.read("ListUserPools", path="UserPools", params={"MaxResults": 60}, paginate=True)
DESCRIBE_USER_POOL = COGNITO_IDP.read("DescribeUserPool", path="UserPool", param="UserPoolId")
# The pool's MFA setting and factors, from the MFA API itself (it names the factors, which DescribeUserPool
# does not).
USER_POOL_MFA = COGNITO_IDP.read("GetUserPoolMfaConfig", param="UserPoolId")
USER_POOL = Kind("user pool", list=LIST_USER_POOLS, id="Id", details=(DESCRIBE_USER_POOL, USER_POOL_MFA))
LIST_IDENTITY_POOLS = COGNITO_IDENTITY.read("ListIdentityPools", path="IdentityPools", params={"MaxResults": 60},
                                            paginate=True)
DESCRIBE_IDENTITY_POOL = COGNITO_IDENTITY.read("DescribeIdentityPool", param="IdentityPoolId")
IDENTITY_POOL_ROLES = COGNITO_IDENTITY.read("GetIdentityPoolRoles", param="IdentityPoolId")
IDENTITY_POOL = Kind("identity pool", list=LIST_IDENTITY_POOLS, id="IdentityPoolId",
                     details=(DESCRIBE_IDENTITY_POOL, IDENTITY_POOL_ROLES))


def user_pools(ctx: CheckContext) -> list[dict[str, Any]]:
    return USER_POOL.all(ctx)


def user_pool(ctx: CheckContext, pool_id: str) -> dict[str, Any]:
    return dict(DESCRIBE_USER_POOL(ctx, pool_id))


def mfa_config(ctx: CheckContext, pool_id: str) -> dict[str, Any]:
    return dict(USER_POOL_MFA(ctx, pool_id))


def pool_arn(ctx: CheckContext, pool_id: str) -> str:
    return ctx.arn("cognito-idp", f"userpool/{pool_id}")


def identity_pools(ctx: CheckContext) -> list[dict[str, Any]]:
    return IDENTITY_POOL.all(ctx)


def identity_pool(ctx: CheckContext, pool_id: str) -> dict[str, Any]:
    return dict(DESCRIBE_IDENTITY_POOL(ctx, pool_id))


def identity_pool_roles(ctx: CheckContext, pool_id: str) -> dict[str, str]:
    """Role ARN by kind ("authenticated", "unauthenticated") of the identities the pool gives credentials."""
    return dict(IDENTITY_POOL_ROLES(ctx, pool_id).get("Roles") or {})


def identity_pool_arn(ctx: CheckContext, pool_id: str) -> str:
    return ctx.arn("cognito-identity", f"identitypool/{pool_id}")
