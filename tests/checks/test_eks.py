from posture.checks.eks import enabled_log_types, missing_log_types
from posture.core.models import Status
from tests.checks.test_ec2 import ai_vpc
from tests.support.findings import expect

ACCOUNT = "123456789012"
ROLE = "arn:aws:iam::123456789012:role/eks-cluster"
AUDIT = "eks.control_plane_audit_logs"


def cluster(aws, name="models", subnets=("subnet-1",), types=(), tags=None):
    logging = {"clusterLogging": [{"types": list(types), "enabled": True}]} if types else None
    params = {"name": name, "roleArn": ROLE, "resourcesVpcConfig": {"subnetIds": list(subnets)}}
    if logging:
        params["logging"] = logging
    if tags:
        params["tags"] = tags
    return aws.client("eks").create_cluster(**params)["cluster"]["arn"]


def test_tagged_cluster_with_audit_logs_passes(aws, run_check):
    cluster(aws, types=("api", "audit", "authenticator"), tags={"posture:ai-workload": "llm"})
    finding = expect(run_check(AUDIT), "models", Status.PASS)
    assert finding.evidence["ai_workload_because"] == "tagged"


def test_cluster_in_ai_vpc_without_authenticator_logs_fails(aws, run_check):
    _vpc, subnet = ai_vpc(aws)
    cluster(aws, subnets=(subnet,), types=("audit",))
    cluster(aws, name="web")  # not tagged, not in an AI VPC: out of scope
    finding = expect(run_check(AUDIT), "models", Status.FAIL)
    assert finding.evidence["missing_log_types"] == ["authenticator"]
    assert finding.evidence["ai_workload_because"].startswith("runs in AI VPC")


def test_describe_cluster_denied_is_error(aws, run_check):
    cluster(aws, tags={"posture:ai-workload": "llm"})
    aws.simulation.fail("eks", "DescribeCluster", "AccessDeniedException", status=403)
    finding = expect(run_check(AUDIT), ACCOUNT, Status.ERROR)
    assert "eks:DescribeCluster" in finding.message


def test_log_types_count_only_when_enabled():
    detail = {"logging": {"clusterLogging": [{"types": ["audit"], "enabled": True},
                                             {"types": ["authenticator", "api"], "enabled": False}]}}
    assert enabled_log_types(detail) == ["audit"]
    assert missing_log_types(detail) == ["authenticator"]
    assert missing_log_types({}) == ["audit", "authenticator"]
    assert missing_log_types({"logging": {"clusterLogging": [{"types": ["audit", "authenticator"],
                                                                "enabled": True}]}}) == []
