"""What a failed read was is structured (issue 16, item 4): `AwsReadError.kind`, `.denied` and
`.explicit_deny` are set once, in posture.aws, from AWS's code (and, for an explicit deny, the one
phrase AWS gives it in its message); everything above decides by them, never by message words."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from posture.aws.context import AwsContext, CallLog, client_config
from posture.aws.errors import (
    CREDENTIAL_CODES,
    DENIED_CODES,
    MAX_REASON,
    THROTTLE_CODES,
    UNAVAILABLE_CODES,
    AwsReadError,
    ErrorKind,
    explain_error,
    kind_of,
)

SCP_DENY = ("User: arn:aws:sts::123456789012:assumed-role/PostureAudit/posture is not authorized to perform: "
            "sagemaker:ListDomains with an explicit deny in a service control policy")
IMPLICIT_DENY = ("User: arn:aws:sts::123456789012:assumed-role/PostureAudit/posture is not authorized to perform: "
                 "sagemaker:ListDomains because no identity-based policy allows the sagemaker:ListDomains action")


def client_error(code: str, message: str, status: int = 400) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "ListDomains")


@pytest.mark.parametrize(("codes", "kind"), [(DENIED_CODES, ErrorKind.DENIED),
                                             (CREDENTIAL_CODES, ErrorKind.CREDENTIALS),
                                             (THROTTLE_CODES, ErrorKind.THROTTLED),
                                             (UNAVAILABLE_CODES, ErrorKind.UNAVAILABLE)])
def test_every_code_of_a_table_has_its_kind(codes: Any, kind: ErrorKind) -> None:
    assert {kind_of(code) for code in codes} == {kind}
    assert kind_of("ValidationException") is kind_of(None) is ErrorKind.OTHER


def test_an_explicit_deny_is_read_from_awss_answer_once() -> None:
    error = explain_error("sagemaker:ListDomains", client_error("AccessDeniedException", SCP_DENY))
    assert error.kind is ErrorKind.DENIED and error.denied and error.explicit_deny


def test_a_deny_because_nothing_allows_is_not_explicit() -> None:
    error = explain_error("sagemaker:ListDomains", client_error("AccessDeniedException", IMPLICIT_DENY))
    assert error.denied and not error.explicit_deny


@pytest.mark.parametrize("message", ["access denied by the corporate proxy", "an explicit deny was expected",
                                     "Access Denied"])
def test_words_of_a_message_whose_code_is_no_denial_decide_nothing(message: str) -> None:
    error = explain_error("sagemaker:ListDomains", client_error("ValidationException", message))
    assert error.kind is ErrorKind.OTHER and not error.denied and not error.explicit_deny
    assert not AwsReadError("s3:ListBuckets", "access denied", "SlowDown", "explicit deny").denied


def test_an_explicit_deny_far_into_a_long_message_is_still_explicit() -> None:
    # A long role path puts AWS's "explicit deny" past the 200 characters of the message kept for the report.
    long = SCP_DENY.replace("PostureAudit", "org/security/audit/" + "p" * 180)
    error = explain_error("sagemaker:ListDomains", client_error("AccessDeniedException", long))
    assert len(error.message) <= MAX_REASON and "explicit deny" not in error.message
    assert error.explicit_deny


def test_a_reworded_error_keeps_what_it_was() -> None:
    error = explain_error("sts:AssumeRole", client_error("AccessDenied", SCP_DENY.replace("sagemaker:ListDomains",
                                                                                         "sts:AssumeRole"), 403))
    again = error.reworded(f"cannot assume the role: {error.reason}")
    assert (again.action, again.code, again.kind, again.explicit_deny, again.message) == \
        (error.action, error.code, error.kind, True, error.message)
    assert str(again) == f"sts:AssumeRole: cannot assume the role: {error.reason}"
    assert again.namespace == "sts"


def test_only_a_denial_can_be_explicit() -> None:
    assert not AwsReadError("sagemaker:ListDomains", "throttled", "Throttling", explicit_deny=True).explicit_deny


def stubbed_context(code: str, message: str) -> AwsContext:
    """A context whose SageMaker answers every ListDomains with `code` (no request leaves the process)."""
    session = boto3.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name="eu-west-1")
    aws = AwsContext(session, account_id="123456789012", partition="aws", region="eu-west-1", call_log=CallLog(),
                     config=client_config(1))
    stubber = Stubber(aws.client("sagemaker"))
    stubber.add_client_error("list_domains", service_error_code=code, service_message=message, http_status_code=400)
    stubber.activate()
    return aws


def test_a_context_is_closed_to_a_service_by_the_flag() -> None:
    aws = stubbed_context("AccessDeniedException", SCP_DENY)
    with pytest.raises(AwsReadError) as raised:
        aws.call("sagemaker", "list_domains")
    assert raised.value.explicit_deny
    assert set(aws.closed()) == {"sagemaker"}


@pytest.mark.parametrize(("code", "message"), [("AccessDeniedException", IMPLICIT_DENY),
                                               ("ValidationException", "explicit deny: access denied")])
def test_a_context_is_not_closed_by_a_denial_without_the_flag(code: str, message: str) -> None:
    aws = stubbed_context(code, message)
    with pytest.raises(AwsReadError):
        aws.call("sagemaker", "list_domains")
    assert aws.closed() == {}
