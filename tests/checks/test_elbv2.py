from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
VC = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


def alb(aws, name="chat-alb", scheme="internet-facing", lb_type="application"):
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{z}")
               ["Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
    return aws.client("elbv2").create_load_balancer(Name=name, Subnets=subnets, Scheme=scheme,
                                                    Type=lb_type)["LoadBalancers"][0]["LoadBalancerArn"]


def listener(aws, lb, protocol, action):
    extra = {}
    if protocol == "HTTPS":
        cert = aws.client("acm").request_certificate(DomainName="chat.acme.example")["CertificateArn"]
        extra = {"Certificates": [{"CertificateArn": cert}]}
    aws.client("elbv2").create_listener(LoadBalancerArn=lb, Protocol=protocol,
                                        Port=443 if protocol == "HTTPS" else 80, DefaultActions=[action], **extra)


REDIRECT = {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
FIXED = {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200", "ContentType": "text/plain"}}


# -- WAF -------------------------------------------------------------------------------------------

def test_alb_with_web_acl_passes(aws, run_check):
    lb = alb(aws)
    waf = aws.client("wafv2")
    acl = waf.create_web_acl(Name="alb-acl", Scope="REGIONAL", DefaultAction={"Allow": {}},
                             VisibilityConfig=VC)["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=lb)
    finding = expect(run_check("elbv2.alb_waf_attached"), "chat-alb", Status.PASS)
    assert finding.evidence["web_acl"] == "alb-acl"


def test_alb_without_web_acl_fails(aws, run_check):
    lb = alb(aws)
    finding = expect(run_check("elbv2.alb_waf_attached"), "chat-alb", Status.FAIL)
    assert finding.resource_arn == lb


def test_internal_alb_is_out_of_scope(aws, run_check):
    alb(aws, scheme="internal")
    assert run_check("elbv2.alb_waf_attached") == []


def test_alb_waf_access_denied_is_error(aws, run_check):
    alb(aws)
    aws.simulation.fail("wafv2", "GetWebACLForResource", "AccessDeniedException")
    finding = expect(run_check("elbv2.alb_waf_attached"), "chat-alb", Status.ERROR)
    assert "wafv2:GetWebACLForResource" in finding.message


# -- HTTPS redirect --------------------------------------------------------------------------------

def test_http_listener_redirecting_to_https_passes(aws, run_check):
    lb = alb(aws)
    listener(aws, lb, "HTTP", REDIRECT)
    listener(aws, lb, "HTTPS", FIXED)
    finding = expect(run_check("elbv2.alb_http_redirects_to_https"), "chat-alb", Status.PASS)
    assert finding.evidence["listeners"] == 2


def test_plain_http_listener_fails(aws, run_check):
    lb = alb(aws)
    listener(aws, lb, "HTTP", FIXED)
    finding = expect(run_check("elbv2.alb_http_redirects_to_https"), "chat-alb", Status.FAIL)
    assert finding.evidence["plain_http_listeners"] == ["HTTP:80"]


def test_listeners_access_denied_is_error(aws, run_check):
    alb(aws)
    aws.simulation.fail("elbv2", "DescribeListeners", "AccessDenied", status=403)
    expect(run_check("elbv2.alb_http_redirects_to_https"), "chat-alb", Status.ERROR)


def test_load_balancers_access_denied_is_error(aws, run_check):
    alb(aws)
    aws.simulation.fail("elbv2", "DescribeLoadBalancers", "AccessDenied", status=403)
    expect(run_check("elbv2.alb_waf_attached"), ACCOUNT, Status.ERROR)
