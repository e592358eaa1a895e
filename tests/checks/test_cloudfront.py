from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
CUSTOM_CERT = {"CloudFrontDefaultCertificate": False, "SSLSupportMethod": "sni-only",
               "ACMCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/chat",
               "MinimumProtocolVersion": "TLSv1.2_2021"}


def distribution(aws, *, policy="redirect-to-https", web_acl="", certificate=None, behaviors=()):
    config = {
        "CallerReference": f"ref-{policy}-{web_acl}-{len(behaviors)}", "Comment": "chat", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "api", "DomainName": "abc.execute-api.us-east-1.amazonaws.com",
                                              "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                                                     "OriginProtocolPolicy": "https-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "api", "ViewerProtocolPolicy": policy, "MinTTL": 0},
        "WebACLId": web_acl,
        "ViewerCertificate": certificate or CUSTOM_CERT,
    }
    if behaviors:
        config["CacheBehaviors"] = {"Quantity": len(behaviors), "Items": [
            {"PathPattern": path, "TargetOriginId": "api", "ViewerProtocolPolicy": p, "MinTTL": 0}
            for path, p in behaviors]}
    return aws.client("cloudfront").create_distribution(DistributionConfig=config)["Distribution"]["Id"]


# -- WAF -------------------------------------------------------------------------------------------

def test_distribution_with_web_acl_passes(aws, run_check):
    dist = distribution(aws, web_acl="arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/abc")
    finding = expect(run_check("cloudfront.distribution_waf_attached"), dist, Status.PASS)
    assert finding.region == "global"
    assert finding.evidence["web_acl"] == "edge"


def test_distribution_without_web_acl_fails(aws, run_check):
    dist = distribution(aws)
    finding = expect(run_check("cloudfront.distribution_waf_attached"), dist, Status.FAIL)
    assert finding.resource_arn.endswith(f"distribution/{dist}")


def test_distribution_waf_access_denied_is_error(aws, run_check):
    distribution(aws)
    aws.simulation.fail("cloudfront", "ListDistributions", "AccessDenied", status=403)
    finding = expect(run_check("cloudfront.distribution_waf_attached"), ACCOUNT, Status.ERROR)
    assert "cloudfront:ListDistributions" in finding.message


# -- viewer TLS ------------------------------------------------------------------------------------

def test_https_with_tls12_passes(aws, run_check):
    dist = distribution(aws)
    finding = expect(run_check("cloudfront.viewer_https_tls12"), dist, Status.PASS)
    assert finding.evidence["minimum_protocol_version"] == "TLSv1.2_2021"


def test_behaviour_allowing_http_fails(aws, run_check):
    dist = distribution(aws, behaviors=[("/api/*", "allow-all")])
    finding = expect(run_check("cloudfront.viewer_https_tls12"), dist, Status.FAIL)
    assert finding.evidence["http_allowed_paths"] == ["/api/*"]


def test_default_certificate_allows_old_tls_and_fails(aws, run_check):
    dist = distribution(aws, certificate={"CloudFrontDefaultCertificate": True})
    finding = expect(run_check("cloudfront.viewer_https_tls12"), dist, Status.FAIL)
    assert finding.evidence["default_certificate"] is True


def test_viewer_tls_access_denied_is_error(aws, run_check):
    distribution(aws)
    aws.simulation.fail("cloudfront", "ListDistributions", "AccessDenied", status=403)
    expect(run_check("cloudfront.viewer_https_tls12"), ACCOUNT, Status.ERROR)
