"""AWS failures as one plain sentence: the error tables and `explain_error`."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from posture.aws.guard import WriteRefused
from posture.aws.redact import redact_secrets
from posture.aws.shapes import UnexpectedShape

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
