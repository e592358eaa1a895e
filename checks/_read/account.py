"""AWS Account Management reads: the account's alternate contacts."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Service

ACCOUNT = Service("account")
# No contact of the type set: ResourceNotFoundException, answered as None.
ALTERNATE_CONTACT = ACCOUNT.read("GetAlternateContact", path="AlternateContact", param="AlternateContactType",
                                 absent=["ResourceNotFoundException"])


def security_contact(ctx: CheckContext) -> dict[str, Any] | None:
    """The SECURITY alternate contact, or None when none was set."""
    contact = ALTERNATE_CONTACT(ctx, "SECURITY")
    return None if contact is None else dict(contact)
