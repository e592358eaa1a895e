"""AWS Certificate Manager reads: the region's certificates and their details."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

ACM = Service("acm")
# ListCertificates returns only RSA_1024 and RSA_2048 certificates unless asked for every key type.
KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]
LIST_CERTIFICATES = ACM.read("ListCertificates", path="CertificateSummaryList",
                             params={"Includes": {"keyTypes": KEY_TYPES}}, paginate=True)
DESCRIBE_CERTIFICATE = ACM.read("DescribeCertificate", path="Certificate", param="CertificateArn")
CERTIFICATE = Kind("certificate", list=LIST_CERTIFICATES, id="CertificateArn", arn="CertificateArn",
                   details=(DESCRIBE_CERTIFICATE,))


def certificates(ctx: CheckContext) -> list[dict[str, Any]]:
    return CERTIFICATE.all(ctx)


def certificate(ctx: CheckContext, arn: str) -> dict[str, Any]:
    return dict(DESCRIBE_CERTIFICATE(ctx, arn))
