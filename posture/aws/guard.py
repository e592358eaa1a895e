"""The read-only guard: every client posture builds refuses, before anything is sent, an
operation that is not a read. Security Hub's import is allowed only on a client made for pushing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.client import BaseClient

# An operation is a read when its name starts with one of these words ...
READ_PREFIXES = ("Describe", "Get", "List", "BatchGet", "BatchDescribe", "Search", "Lookup", "Head")
# ... or it is one of these reads with another name (botocore service name:API operation).
READ_OPERATIONS = frozenset(
    {
        "sts:AssumeRole",  # an organization scan reads each member account through a role
        "iam:SimulatePrincipalPolicy",
        "iam:SimulateCustomPolicy",
        # Starts IAM's service last-accessed report (AWS's access level: Read); it changes no resource.
        # iam.ai_access_unused reads the report with GetServiceLastAccessedDetails.
        "iam:GenerateServiceLastAccessedDetails",
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
