"""AWS IAM reads: the account's roles, users and groups with their inline and attached policies (the account
authorization details), managed policy documents, the account summary, users' Bedrock API keys
(service-specific credentials) and service last-accessed reports.

The one reader of the account authorization details. IAM is read once: GetAccountAuthorizationDetails with
every entity and policy filter (`DETAILS_FILTER`) gives the roles, users and groups with their inline policies
and attachments, and every attached managed policy with its versions; each check and judging module reads it
here, so one request serves them all.

A managed policy's document (`managed_policy_document`) falls back as follows:
1. its default version as the authorization details give it;
2. else GetPolicy then GetPolicyVersion of the default version (a policy attached after the details were
   listed, or one they leave out);
3. no document (IAM answers NoSuchEntity): for an AWS managed policy whose effect is known
   (`KNOWN_AWS_POLICIES`: moto loads AWS managed policies only on request), that known document;
   else None (the caller says the policy could not be read: nothing is guessed);
every other failure raises.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from posture.api import CheckContext, Kind, Read, Service

IAM = Service("iam")
DETAILS_FILTER = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]


def _details(path: str = "") -> Read:
    """GetAccountAuthorizationDetails with every filter: the whole answer, or the list at `path`."""
    return IAM.read("GetAccountAuthorizationDetails", path=path, paginate=True, params={"Filter": DETAILS_FILTER})


AUTHORIZATION_DETAILS = _details()
ROLE_DETAILS = _details("RoleDetailList")
USER_DETAILS = _details("UserDetailList")
GROUP_DETAILS = _details("GroupDetailList")
POLICY_DETAILS = _details("Policies")
# A managed policy that does not exist: NoSuchEntity, answered as None.
GET_POLICY = IAM.read("GetPolicy", path="Policy", param="PolicyArn", absent=["NoSuchEntity"])
GET_POLICY_VERSION = IAM.read("GetPolicyVersion", path="PolicyVersion", param="PolicyArn", absent=["NoSuchEntity"])
# A role that does not exist: NoSuchEntity, answered as None.
GET_ROLE = IAM.read("GetRole", path="Role", param="RoleName", absent={"NoSuchEntity"}, default=None)
ACCOUNT_SUMMARY = IAM.read("GetAccountSummary", path="SummaryMap", default={})
BEDROCK_SERVICE = "bedrock.amazonaws.com"
# A user's long-term Bedrock API keys: the service-specific credentials for Bedrock.
BEDROCK_API_KEYS = IAM.read("ListServiceSpecificCredentials", path="ServiceSpecificCredentials", param="UserName",
                            params={"ServiceName": BEDROCK_SERVICE}, default=[])
START_LAST_ACCESSED = IAM.read("GenerateServiceLastAccessedDetails", path="JobId", param="Arn",
                               params={"Granularity": "SERVICE_LEVEL"})
GET_LAST_ACCESSED = IAM.read("GetServiceLastAccessedDetails", param="JobId")

ROLE = Kind("role", list=ROLE_DETAILS, id="RoleName", arn="Arn", scope="global")
USER = Kind("user", list=USER_DETAILS, id="UserName", arn="Arn", details=(BEDROCK_API_KEYS,), scope="global")
GROUP = Kind("group", list=GROUP_DETAILS, id="GroupName", arn="Arn", scope="global")
MANAGED_POLICY = Kind("managed policy", list=POLICY_DETAILS, id="Arn", arn="Arn",
                      details=(GET_POLICY, GET_POLICY_VERSION), scope="global")

# AWS managed policies whose effect is known without reading them: moto loads AWS managed policies only on
# request, and a real account may deny GetPolicyVersion on them.
KNOWN_AWS_POLICIES: dict[str, list[dict[str, Any]]] = {
    "AdministratorAccess": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    "IAMFullAccess": [{"Effect": "Allow", "Action": ["iam:*", "organizations:Describe*", "organizations:List*"],
                       "Resource": "*"}],
    "PowerUserAccess": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"],
                         "Resource": "*"}],
    "AmazonS3FullAccess": [{"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}],
    # The statements of AmazonBedrockFullAccess (v11) that the access checks judge.
    "AmazonBedrockFullAccess": [
        {"Sid": "BedrockAll", "Effect": "Allow", "Action": ["bedrock:*"], "Resource": "*"},
        {"Sid": "MarketplaceOperationsFromBedrockFor3pModels", "Effect": "Allow",
         "Action": ["aws-marketplace:Subscribe", "aws-marketplace:ViewSubscriptions", "aws-marketplace:Unsubscribe"],
         "Resource": "*", "Condition": {"StringEquals": {"aws:CalledViaLast": "bedrock.amazonaws.com"}}},
    ],
}


# -- the account authorization details -------------------------------------------------------------
def authorization_details(ctx: CheckContext) -> dict[str, Any]:
    return dict(AUTHORIZATION_DETAILS(ctx))


def roles(ctx: CheckContext) -> list[dict[str, Any]]:
    return ROLE.all(ctx)


def users(ctx: CheckContext) -> list[dict[str, Any]]:
    return USER.all(ctx)


def groups(ctx: CheckContext) -> dict[str, dict[str, Any]]:
    """The account's groups by name."""
    return {g["GroupName"]: g for g in GROUP.all(ctx)}


@dataclass(frozen=True)
class Principal:
    """A role or user of the account, with its entry of the authorization details."""

    kind: str  # "role" or "user"
    name: str
    arn: str
    detail: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"


def principals(ctx: CheckContext) -> list[Principal]:
    """Every role and user of the account; service-linked roles (AWS's own) are left out."""
    found = [Principal("role", r["RoleName"], r["Arn"], r) for r in roles(ctx)
             if not str(r.get("Path", "/")).startswith("/aws-service-role/")]
    found += [Principal("user", u["UserName"], u["Arn"], u) for u in users(ctx)]
    return found


def role_trust(ctx: CheckContext, arn: str) -> Any | None:
    """The trust policy of the role `arn` names, or None when there is no such role (read by name: a role
    created after the authorization details were listed is found too)."""
    role = GET_ROLE(ctx, arn.rsplit("/", 1)[-1])
    return None if role is None else role.get("AssumeRolePolicyDocument")


# -- managed policies --------------------------------------------------------------------------------
def managed_policy_documents(ctx: CheckContext) -> dict[str, Any]:
    """Managed policy ARN -> its default version's document, as the authorization details give them."""
    found = {}
    for policy in MANAGED_POLICY.all(ctx):
        for version in policy.get("PolicyVersionList", []):
            if version.get("IsDefaultVersion"):
                found[policy["Arn"]] = version.get("Document")
    return found


def managed_policy_document(ctx: CheckContext, arn: str) -> Any | None:
    """A managed policy's default document; None when IAM has no such policy (see the module docstring for
    where it is read from)."""
    known = managed_policy_documents(ctx)
    document = known[arn] if arn in known else _default_document(ctx, arn)
    name = arn.rsplit("/", 1)[-1]
    if document is None and arn.split(":")[4] == "aws" and name in KNOWN_AWS_POLICIES:
        return {"Version": "2012-10-17", "Statement": KNOWN_AWS_POLICIES[name]}
    return document


def _default_document(ctx: CheckContext, arn: str) -> Any | None:
    """The document of the policy's default version, read directly; None when IAM has no such policy."""
    policy = GET_POLICY(ctx, arn)
    version = None if policy is None else GET_POLICY_VERSION(ctx, arn, VersionId=policy["DefaultVersionId"])
    return None if version is None else version["Document"]


# -- the account and its users' credentials ----------------------------------------------------------
def account_summary(ctx: CheckContext) -> dict[str, int]:
    return dict(ACCOUNT_SUMMARY(ctx))


def bedrock_api_keys(ctx: CheckContext, user_name: str) -> list[dict[str, Any]]:
    """The user's service-specific credentials for Bedrock (long-term Bedrock API keys)."""
    return list(BEDROCK_API_KEYS(ctx, user_name))


# -- service last-accessed reports -----------------------------------------------------------------
POLL_ATTEMPTS = 5


class JobPending(Exception):
    """The last-accessed job did not complete within the bounded number of polls."""


def start_last_accessed(ctx: CheckContext, arn: str) -> str:
    """The id of the principal's service-level last-accessed job (started once per scan)."""
    return str(START_LAST_ACCESSED(ctx, arn))


def last_accessed(ctx: CheckContext, arn: str, attempts: int = POLL_ATTEMPTS) -> dict[str, Any]:
    """The service-level last-accessed report of a principal: one generation job, polled at most `attempts`
    times (each poll asks for one fewer item, so the memoised reads stay distinct requests). A job still
    running after that raises JobPending; a FAILED job raises it too, with IAM's reason."""
    job = start_last_accessed(ctx, arn)
    for attempt in range(attempts):
        answer = GET_LAST_ACCESSED(ctx, job, MaxItems=1000 - attempt)
        status = answer.get("JobStatus")
        if status == "COMPLETED":
            return dict(answer)
        if status == "FAILED":
            raise JobPending(f"IAM's last-accessed job failed: {(answer.get('Error') or {}).get('Message')}")
        if attempt + 1 < attempts:
            time.sleep(float(ctx.setting("last_accessed_poll_seconds", 1.0)))
    raise JobPending(f"IAM's last-accessed job was still IN_PROGRESS after {attempts} polls")
