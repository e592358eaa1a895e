"""Keeping secrets out of what leaves posture: botocore's wire logs and error messages."""

from __future__ import annotations

import logging

from posture.core.errors import SECRET_SHAPES


class _RedactWire(logging.Filter):
    """botocore's debug logs carry whole response bodies (a Lambda's environment values, a
    stage's variables) and signed headers (the session token): keep the line, drop the data."""

    PREFIXES = ("Response headers", "Response body", "Sending http request", "CanonicalRequest",
                "StringToSign", "String to sign", "Signature", "Making request for")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(self.PREFIXES) and record.args:
            record.args = tuple("<redacted by posture>" for _ in record.args) if isinstance(record.args, tuple) \
                else ("<redacted by posture>",)
        return True


_REDACTED_LOGGERS = ("botocore.parsers", "botocore.endpoint", "botocore.auth")


def redact_wire_logs() -> None:
    """Install the redaction on botocore's wire loggers (idempotent)."""
    for name in _REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactWire) for f in logger.filters):
            logger.addFilter(_RedactWire())


def redact_secrets(text: str) -> str:
    """`text` with every credential-shaped word replaced (for messages that leave posture)."""
    return SECRET_SHAPES.sub("<redacted>", text)
