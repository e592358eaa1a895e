from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from posture.core.models import Status
from tests.support.findings import expect, only

ACCOUNT = "123456789012"


def imported(aws, *, days_left=200, key=None, domain="chat.acme.example"):
    """Import a self-signed certificate valid for `days_left` more days; returns its id."""
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=30))
            .not_valid_after(now + timedelta(days=days_left)).sign(key, hashes.SHA256()))
    arn = aws.client("acm").import_certificate(
        Certificate=cert.public_bytes(serialization.Encoding.PEM),
        PrivateKey=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                     serialization.NoEncryption()))["CertificateArn"]
    return arn.rsplit("/", 1)[-1]


# -- expiry ----------------------------------------------------------------------------------------

def test_certificate_valid_for_long_passes(aws, run_check):
    cert = imported(aws, days_left=200)
    finding = expect(run_check("acm.certificate_not_expiring"), cert, Status.PASS)
    assert finding.evidence["days_left"] >= 198


def test_certificate_expiring_soon_fails(aws, run_check):
    cert = imported(aws, days_left=10)
    finding = expect(run_check("acm.certificate_not_expiring"), cert, Status.FAIL)
    assert finding.evidence["type"] == "IMPORTED"


def test_amazon_issued_certificate_is_judged(aws, run_check):
    arn = aws.client("acm").request_certificate(DomainName="api.acme.example", ValidationMethod="DNS")
    assert only(run_check("acm.certificate_not_expiring"), arn["CertificateArn"].rsplit("/", 1)[-1]).status \
        is Status.PASS


def test_expiry_access_denied_is_error(aws, run_check):
    cert = imported(aws)
    aws.simulation.fail("acm", "DescribeCertificate", "AccessDeniedException")
    finding = expect(run_check("acm.certificate_not_expiring"), cert, Status.ERROR)
    assert "acm:DescribeCertificate" in finding.message


# -- key strength ----------------------------------------------------------------------------------

def test_rsa_2048_and_ec_keys_pass(aws, run_check):
    rsa_cert = imported(aws)
    ec_cert = imported(aws, key=ec.generate_private_key(ec.SECP384R1()), domain="edge.acme.example")
    findings = run_check("acm.certificate_key_strong")
    expect(findings, rsa_cert, Status.PASS)
    ec_finding = expect(findings, ec_cert, Status.PASS)
    assert ec_finding.evidence["key_algorithm"] == "EC_secp384r1"


def test_rsa_1024_key_fails(aws, run_check):
    cert = imported(aws, key=rsa.generate_private_key(public_exponent=65537, key_size=1024))
    finding = expect(run_check("acm.certificate_key_strong"), cert, Status.FAIL)
    assert finding.evidence["key_algorithm"] == "RSA_1024"


def test_key_strength_access_denied_is_error(aws, run_check):
    imported(aws)
    aws.simulation.fail("acm", "ListCertificates", "AccessDeniedException")
    expect(run_check("acm.certificate_key_strong"), ACCOUNT, Status.ERROR)
