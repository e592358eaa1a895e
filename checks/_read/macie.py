"""Amazon Macie reads: the region's Macie session and its automated sensitive data discovery setting."""

from __future__ import annotations

from typing import Any

from posture.api import AwsReadError, CheckContext, Service

MACIE = Service("macie2")
SESSION = MACIE.read("GetMacieSession", absent={"ResourceNotFoundException"}, default={})
AUTOMATED_DISCOVERY = MACIE.read("GetAutomatedDiscoveryConfiguration")


def macie_session(ctx: CheckContext) -> dict[str, Any]:
    """The region's Macie session ({} when Macie was never enabled there)."""
    try:
        return dict(SESSION(ctx))
    except AwsReadError as exc:
        # Macie answers a caller in a region where it is off with AccessDeniedException
        # "Macie is not enabled"; any other denial is the scanner's own missing permission.
        if exc.denied and "not enabled" in exc.message.lower():
            return {}
        raise


def automated_discovery(ctx: CheckContext) -> dict[str, Any]:
    return dict(AUTOMATED_DISCOVERY(ctx))
