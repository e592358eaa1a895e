"""AWS Account Management: who AWS tells when the account is attacked."""

from __future__ import annotations

from posture.api import CheckContext, Family
from posture.checks._read import account
from posture.checks._read.account import security_contact

check = Family(
    service="account",
    scope="global",
    resource_type="AwsAccount",
    boundaries=["organizational"],
    service_docs="https://docs.aws.amazon.com/accounts/latest/reference/security.html",
    maps=["GV.RR-02", "RS.CO-02", "LLM10", "LLM10:2025", "Account.1", "AML.T0012", "AML.T0055", "GOVERN 4.3",
        "MANAGE 4.3", "A.8.4"],
    reads=[account.ALTERNATE_CONTACT],
)


@check(
    id="account.security_contact_configured",
    title="The account names a security contact",
    description="The account has a SECURITY alternate contact (name, e-mail, phone).",
    rationale=(
        "AWS writes to the security contact when it sees the account's keys exposed or its resources used "
        "for abuse, such as stolen credentials invoking models at the account's expense (LLM-jacking). "
        "Without one, the notice goes to the root e-mail, often an unread mailbox."
    ),
    remediation="`aws account put-alternate-contact --alternate-contact-type SECURITY --name <team> --email-address "
                "<security-email> --phone-number <phone-number> --title <title>`.",
    severity="medium",
)
def security_contact_configured(ctx: CheckContext) -> None:
    with ctx.account_resource():
        contact = security_contact(ctx)
        if contact is None:
            ctx.failed("no security contact is set")
        else:
            # The contact's name and title only: e-mail and phone are personal data.
            ctx.passed(f"security contact {contact.get('Name', '?')} is set", {"title": contact.get("Title")})
