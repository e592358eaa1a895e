"""AWS failures as one plain sentence and a few structured facts: the error tables and `explain_error`.

Everything above this module decides what a failure was from the attributes of `AwsReadError`
(`kind`, `denied`, `explicit_deny`), never from the words of a message. Where AWS tells a case
apart only in its message text (an explicit deny), it is read here, once, when the error is built.
"""

from __future__ import annotations

from enum import StrEnum

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
# What AWS says when a policy (an SCP, a permissions boundary, an identity or resource policy) explicitly
# denies a request: "... is not authorized to perform: ... with an explicit deny in a service control policy".
# AWS sends no code for it; this is the one place its text is read (`explain_error`).
EXPLICIT_DENY = "explicit deny"


class ErrorKind(StrEnum):
    """What kind of failure an AWS error code is (the tables above, read in one place)."""

    DENIED = "denied"  # the request was refused by IAM (explicitly or because nothing allows it)
    CREDENTIALS = "credentials"  # the credentials are expired, unknown or do not sign
    THROTTLED = "throttled"  # throttled, and the retries were exhausted
    UNAVAILABLE = "unavailable"  # the service did not answer the request (5xx, not implemented)
    OTHER = "other"  # any other answer, or no answer at all


def kind_of(code: str | None) -> ErrorKind:
    """The kind of an error code (None or an unknown code: OTHER)."""
    if code in DENIED_CODES:
        return ErrorKind.DENIED
    if code in CREDENTIAL_CODES:
        return ErrorKind.CREDENTIALS
    if code in THROTTLE_CODES:
        return ErrorKind.THROTTLED
    if code in UNAVAILABLE_CODES:
        return ErrorKind.UNAVAILABLE
    return ErrorKind.OTHER


class AwsReadError(Exception):
    """A read that did not give an answer; the reason is safe to show a person.

    What the failure was is structured: `code` (AWS's error code, or a name posture gives a failure
    without one), `kind` (from the code) and `explicit_deny` (a denial by an explicit Deny statement,
    set by `explain_error` from AWS's answer). Callers decide by these, never by `reason` or `message`.
    """

    def __init__(self, action: str, reason: str, code: str | None = None, message: str = "", *,
                 explicit_deny: bool = False) -> None:
        super().__init__(f"{action}: {reason}")
        self.action = action
        self.reason = reason
        self.code = code
        # AWS's own error message: some services tell "not configured" apart only by it
        # (Macie answers AccessDeniedException "Macie is not enabled").
        self.message = message
        self.kind = kind_of(code)
        self.explicit_deny = explicit_deny and self.kind is ErrorKind.DENIED

    @property
    def denied(self) -> bool:
        """The request was refused by IAM, explicitly or because nothing allows it."""
        return self.kind is ErrorKind.DENIED

    @property
    def namespace(self) -> str:
        """The IAM service prefix of the action that failed ("sagemaker" of "sagemaker:ListDomains")."""
        return self.action.split(":", 1)[0]

    def reworded(self, reason: str) -> AwsReadError:
        """The same failure with another reason (a caller that adds what it was doing)."""
        return AwsReadError(self.action, reason, self.code, self.message, explicit_deny=self.explicit_deny)


MAX_REASON = 200  # characters of "operation: reason", whatever AWS sent


def first_line(text: str) -> str:
    """The first line of an AWS error message, or "" when it is a markup body (an HTML error page
    from a proxy or load balancer, an XML envelope): a body is never copied into a report."""
    stripped = text.strip()
    if not stripped:
        return ""
    if stripped.startswith("<") or "<html" in stripped[:200].lower() or "<!doctype" in stripped[:200].lower():
        return ""
    line = stripped.splitlines()[0].strip()
    return redact_secrets(" ".join(line.split()))


def _fit(action: str, reason: str) -> str:
    """The reason cut so that "action: reason" is at most MAX_REASON characters."""
    room = max(20, MAX_REASON - len(action) - 2)
    return reason if len(reason) <= room else reason[: room - 1] + "…"


def _status(exc: ClientError) -> str:
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return f"HTTP {status}" if status else "no HTTP status"


def explain_error(action: str, exc: Exception, *, grant: str | None = None) -> AwsReadError:
    """Turn a botocore failure into one plain sentence (never the request, the credentials or an
    HTML/XML body): the operation, the HTTP status, the error code and the first line of AWS's
    message, at most MAX_REASON characters. `grant` is the IAM action an access-denied reason
    names when it is not the operation's own name (s3:ListBuckets is s3:ListAllMyBuckets)."""
    if isinstance(exc, WriteRefused):
        return AwsReadError(exc.action, _fit(exc.action, str(exc)), "ReadOnlyGuard")
    if isinstance(exc, UnexpectedShape):
        return AwsReadError(action, _fit(action, str(exc)), "UnexpectedShape")
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        raw_code = str(error.get("Code") or "")
        status = _status(exc)
        # An HTML page in place of an error code (a proxy's 500) is no code at all.
        code = raw_code if raw_code and first_line(raw_code) and len(raw_code) <= 64 else ""
        code = code or str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?"))
        message = first_line(str(error.get("Message") or ""))
        said = f"{status}, {code}" + (f": {message}" if message else "")
        kind = kind_of(code)
        if kind is ErrorKind.DENIED:
            reason = f"access denied ({status}, {code}); the scanner's role lacks {grant or action}"
        elif kind is ErrorKind.CREDENTIALS:
            reason = f"the AWS credentials {CREDENTIAL_CODES[code]} ({status}, {code})"
        elif kind is ErrorKind.THROTTLED:
            reason = f"throttled ({status}, {code}) and retries were exhausted"
        elif kind is ErrorKind.UNAVAILABLE:
            reason = f"the service did not answer the request ({said})"
        else:
            reason = said
        # AWS names an explicit deny only in its message, which is read here and nowhere else.
        explicit = kind is ErrorKind.DENIED and EXPLICIT_DENY in message.lower()
        return AwsReadError(action, _fit(action, reason), code, message[:MAX_REASON], explicit_deny=explicit)
    if isinstance(exc, NoCredentialsError):
        return AwsReadError(action, "no AWS credentials were found", "NoCredentials")
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        return AwsReadError(action, "the endpoint could not be reached", "EndpointConnectionError")
    if isinstance(exc, ReadTimeoutError):
        return AwsReadError(action, "the request timed out and retries were exhausted", "ReadTimeout")
    if isinstance(exc, ConnectionClosedError):
        return AwsReadError(action, "the connection was closed before an answer arrived", "ConnectionClosed")
    if type(exc).__name__ == "ResponseParserError":  # its text holds the body it could not parse
        return AwsReadError(action, "the service did not answer in AWS's format (ResponseParserError: an error "
                                    "page or a proxy's answer, not copied)", "ResponseParserError")
    problem = configuration_problem(exc)
    if problem is not None:
        return AwsReadError(action, _fit(action, problem), type(exc).__name__)
    if isinstance(exc, BotoCoreError):
        text = first_line(str(exc)) or "no detail"
        return AwsReadError(action, _fit(action, f"{type(exc).__name__}: {text}"), type(exc).__name__)
    return AwsReadError(action, f"unexpected {type(exc).__name__}", type(exc).__name__)


CONFIGURATION_ERRORS = frozenset({"InvalidConfigError", "InvalidRegionError", "UnknownCredentialError",
                                  "InvalidProxiesConfigError", "InvalidS3AddressingStyleError"})


def configuration_problem(exc: BaseException) -> str | None:
    """One line for an AWS configuration a user got wrong (endpoint, config file, profile), or
    None when `exc` is something else. botocore raises these when a session or client is made."""
    import os

    from botocore.exceptions import ConfigParseError, PartialCredentialsError, ProfileNotFound

    if isinstance(exc, ProfileNotFound):
        name = exc.kwargs.get("profile") or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
        where = os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
        return f"AWS profile {name!r} does not exist (looked in {where} and the credentials file)"
    if isinstance(exc, ConfigParseError):
        return (f"the AWS config or credentials file {exc.kwargs.get('path', '?')} is not valid INI "
                "(a [section] header, then key = value lines)")
    if isinstance(exc, PartialCredentialsError):
        return f"the AWS credentials are incomplete: {first_line(str(exc))}"
    if isinstance(exc, ValueError) and str(exc).startswith("Invalid endpoint"):
        given = str(exc).partition(":")[2].strip()
        variables = [k for k, v in os.environ.items() if k.startswith("AWS_ENDPOINT_URL") and v.strip() == given]
        source = variables[0] if variables else "the AWS endpoint setting"
        return f"{source}={given!r} is not a valid endpoint URL (give a scheme and host: http://localhost:4566)"
    if isinstance(exc, BotoCoreError) and type(exc).__name__ in CONFIGURATION_ERRORS:
        return f"invalid AWS configuration: {first_line(str(exc))[:150]}"
    return None
