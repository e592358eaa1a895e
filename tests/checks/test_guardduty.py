import pytest

from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
FEATURE_CHECKS = [
    ("guardduty.s3_protection_enabled", "S3_DATA_EVENTS"),
    ("guardduty.malware_protection_enabled", "EBS_MALWARE_PROTECTION"),
    ("guardduty.rds_protection_enabled", "RDS_LOGIN_EVENTS"),
    ("guardduty.eks_protection_enabled", "EKS_AUDIT_LOGS"),
    ("guardduty.lambda_protection_enabled", "LAMBDA_NETWORK_LOGS"),
]


def detector(aws, enable=True, features=(), disabled=None):
    """A detector with `features` on and the rest of FEATURE_CHECKS (or `disabled`) listed as off."""
    off = [f for _, f in FEATURE_CHECKS if f not in features] if disabled is None else list(disabled)
    return aws.client("guardduty").create_detector(
        Enable=enable, Features=[{"Name": f, "Status": "ENABLED"} for f in features]
        + [{"Name": f, "Status": "DISABLED"} for f in off])["DetectorId"]


def test_enabled_detector_passes(aws, run_check):
    detector(aws)
    expect(run_check("guardduty.detector_enabled"), ACCOUNT, Status.PASS)


def test_suspended_detector_fails(aws, run_check):
    detector(aws, enable=False)
    expect(run_check("guardduty.detector_enabled"), ACCOUNT, Status.FAIL)


def test_no_detector_fails(aws, run_check):
    expect(run_check("guardduty.detector_enabled"), ACCOUNT, Status.FAIL)


def test_detector_listing_denied_is_error(aws, run_check):
    aws.simulation.fail("guardduty", "ListDetectors", "AccessDeniedException", status=403)
    expect(run_check("guardduty.detector_enabled"), ACCOUNT, Status.ERROR)


@pytest.mark.parametrize(("check_id", "feature"), FEATURE_CHECKS)
def test_feature_enabled_passes(aws, run_check, check_id, feature):
    detector_id = detector(aws, features=[feature])
    expect(run_check(check_id), detector_id, Status.PASS)


@pytest.mark.parametrize(("check_id", "feature"), FEATURE_CHECKS)
def test_feature_off_fails(aws, run_check, check_id, feature):
    others = [f for _, f in FEATURE_CHECKS if f != feature]
    detector_id = detector(aws, features=others)
    finding = expect(run_check(check_id), detector_id, Status.FAIL)
    assert finding.evidence[feature.lower()] == "DISABLED"


@pytest.mark.parametrize(("check_id", "feature"), FEATURE_CHECKS)
def test_feature_missing_from_the_answer_is_not_offered_not_disabled(aws, run_check, check_id, feature):
    """Regression (issue 9): a feature the region does not offer was reported DISABLED (a FAIL)."""
    others = [f for _, f in FEATURE_CHECKS if f != feature]
    detector_id = detector(aws, features=others, disabled=())
    finding = expect(run_check(check_id), detector_id, Status.ERROR)
    assert "not offered in this region" in finding.message
    assert finding.evidence[feature.lower()] == "NOT_OFFERED"


@pytest.mark.parametrize(("check_id", "feature"), FEATURE_CHECKS)
def test_feature_on_suspended_detector_fails(aws, run_check, check_id, feature):
    detector_id = detector(aws, enable=False, features=[feature])
    expect(run_check(check_id), detector_id, Status.FAIL)


@pytest.mark.parametrize(("check_id", "feature"), FEATURE_CHECKS)
def test_no_detector_is_account_fail(aws, run_check, check_id, feature):
    expect(run_check(check_id), ACCOUNT, Status.FAIL)


@pytest.mark.parametrize(("check_id", "feature"), FEATURE_CHECKS)
def test_get_detector_denied_is_error(aws, run_check, check_id, feature):
    detector(aws, features=[feature])
    aws.simulation.fail("guardduty", "GetDetector", "AccessDeniedException", status=403)
    finding = expect(run_check(check_id), ACCOUNT, Status.ERROR)
    assert "guardduty:GetDetector" in finding.message


# -- Runtime Monitoring where AI workloads run -------------------------------------------------------
RUNTIME = "guardduty.runtime_monitoring_ai_workloads"


def runtime_feature(status="ENABLED", **agents):
    return {"Name": "RUNTIME_MONITORING", "Status": status,
            "AdditionalConfiguration": [{"Name": n, "Status": s} for n, s in agents.items()]}


def ai_cluster(aws):
    aws.client("eks").create_cluster(name="models", roleArn=f"arn:aws:iam::{ACCOUNT}:role/eks",
                                     resourcesVpcConfig={"subnetIds": ["subnet-1"]},
                                     tags={"posture:ai-workload": "llm"})


def test_runtime_monitoring_with_eks_agent_passes(aws, run_check):
    ai_cluster(aws)
    detector_id = aws.client("guardduty").create_detector(
        Enable=True, Features=[runtime_feature(EKS_ADDON_MANAGEMENT="ENABLED")])["DetectorId"]
    finding = expect(run_check(RUNTIME), detector_id, Status.PASS)
    assert finding.evidence["workloads"] == ["eks:models"]


def test_instance_in_ai_vpc_without_managed_ec2_agent_fails(aws, run_check):
    from tests.checks.test_ec2 import ai_vpc

    _vpc, subnet = ai_vpc(aws)
    instance = aws.client("ec2").run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=subnet,
                                               InstanceType="g5.xlarge")["Instances"][0]["InstanceId"]
    detector_id = aws.client("guardduty").create_detector(Enable=True, Features=[
        runtime_feature(EKS_ADDON_MANAGEMENT="ENABLED", EC2_AGENT_MANAGEMENT="DISABLED")])["DetectorId"]
    finding = expect(run_check(RUNTIME), detector_id, Status.FAIL)
    assert "EC2_AGENT_MANAGEMENT" in finding.message and f"ec2:{instance}" in finding.message


def test_runtime_detector_read_denied_is_error(aws, run_check):
    ai_cluster(aws)
    detector_id = aws.client("guardduty").create_detector(Enable=True, Features=[runtime_feature()])["DetectorId"]
    aws.simulation.fail("guardduty", "GetDetector", "AccessDeniedException", status=403)
    finding = expect(run_check(RUNTIME), ACCOUNT, Status.ERROR)
    assert "guardduty:GetDetector" in finding.message
    assert detector_id  # the detector exists; its answer could not be read


def test_region_without_ai_workloads_gives_no_finding(aws, run_check):
    aws.client("guardduty").create_detector(Enable=True, Features=[runtime_feature("DISABLED")])
    assert run_check(RUNTIME) == []


def test_runtime_monitoring_judging():
    from posture.checks.guardduty import judge_runtime_monitoring

    eks = {"EKS_ADDON_MANAGEMENT": ["eks:models"]}
    both = {**eks, "EC2_AGENT_MANAGEMENT": ["ec2:i-1"]}

    def detector_with(*features, status="ENABLED"):
        return {"Status": status, "Features": list(features)}

    full = runtime_feature(EKS_ADDON_MANAGEMENT="ENABLED", EC2_AGENT_MANAGEMENT="ENABLED")
    assert judge_runtime_monitoring(detector_with(full), both)[0] == "PASS"
    # EC2 agent not managed: FAIL naming what needs it
    status, why, evidence = judge_runtime_monitoring(detector_with(runtime_feature(EKS_ADDON_MANAGEMENT="ENABLED")),
                                                     both)
    assert status == "FAIL" and "EC2_AGENT_MANAGEMENT" in why and evidence["agents_managed"] == ["EKS_ADDON_MANAGEMENT"]
    # the legacy EKS feature covers EKS clusters only
    legacy = {"Name": "EKS_RUNTIME_MONITORING", "Status": "ENABLED",
              "AdditionalConfiguration": [{"Name": "EKS_ADDON_MANAGEMENT", "Status": "ENABLED"}]}
    assert judge_runtime_monitoring(detector_with(legacy), eks)[0] == "PASS"
    assert judge_runtime_monitoring(detector_with(legacy), both)[0] == "FAIL"
    # Runtime Monitoring off altogether
    assert judge_runtime_monitoring(detector_with(runtime_feature("DISABLED", EKS_ADDON_MANAGEMENT="ENABLED")),
                                    eks)[1] == "Runtime Monitoring is off where eks:models runs"
    # suspended detector, and a region whose GuardDuty lists no such feature
    assert judge_runtime_monitoring(detector_with(full, status="DISABLED"), eks)[0] == "FAIL"
    assert judge_runtime_monitoring(detector_with({"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}), eks)[0] == "ERROR"


# -- Malware Protection for S3 on AI buckets --------------------------------------------------------
MALWARE_S3 = "guardduty.malware_protection_s3_ai_buckets"


def ai_bucket(aws, name="acme-rag-sources"):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "posture:ai-data", "Value": "rag"}]})


def plan(bucket, plan_id="plan1", status="ACTIVE", prefixes=None):
    resource = {"BucketName": bucket, **({"ObjectPrefixes": prefixes} if prefixes else {})}
    return {"Arn": f"arn:aws:guardduty:us-east-1:{ACCOUNT}:malware-protection-plan/{plan_id}",
            "Role": f"arn:aws:iam::{ACCOUNT}:role/malware-scan", "ProtectedResource": {"S3Bucket": resource},
            "Status": status, "MalwareProtectionPlanId": plan_id}


def wire(value):
    """GuardDuty's REST-JSON wire form (camelCase member names) of an API-form record."""
    if isinstance(value, dict):
        return {k[0].lower() + k[1:]: wire(v) for k, v in value.items()}
    return [wire(v) for v in value] if isinstance(value, list) else value


def put_plans(aws, *plans):
    aws.simulation.put("guardduty", "ListMalwareProtectionPlans", wire(
        {"MalwareProtectionPlans": [{"MalwareProtectionPlanId": p["MalwareProtectionPlanId"]} for p in plans]}))
    for p in plans:
        aws.simulation.put("guardduty", "GetMalwareProtectionPlan",
                           wire({k: v for k, v in p.items() if k != "MalwareProtectionPlanId"}),
                           MalwareProtectionPlanId=p["MalwareProtectionPlanId"])


def test_ai_bucket_with_active_plan_passes(aws, run_check):
    ai_bucket(aws)
    put_plans(aws, plan("other-bucket", "plan0"), plan("acme-rag-sources"))
    finding = expect(run_check(MALWARE_S3), "acme-rag-sources", Status.PASS)
    assert (finding.region, finding.evidence["plans"]) == ("us-east-1", ["plan1"])


def test_ai_bucket_without_plan_fails(aws, run_check):
    ai_bucket(aws)
    aws.client("s3").create_bucket(Bucket="marketing-site")  # not AI data: out of scope
    findings = run_check(MALWARE_S3)
    assert [f.resource_id for f in findings] == ["acme-rag-sources"]
    expect(findings, "acme-rag-sources", Status.FAIL)


def test_plan_listing_denied_is_error(aws, run_check):
    ai_bucket(aws)
    aws.simulation.fail("guardduty", "ListMalwareProtectionPlans", "AccessDeniedException", status=403)
    finding = expect(run_check(MALWARE_S3), "acme-rag-sources", Status.ERROR)
    assert "guardduty:ListMalwareProtectionPlans" in finding.message


def test_bucket_plan_judging():
    from posture.checks.guardduty import judge_bucket_plans

    assert judge_bucket_plans("b", [plan("b")])[0] is True
    ok, why, evidence = judge_bucket_plans("b", [plan("b", status="WARNING")])
    assert not ok and "WARNING" in why
    ok, why, evidence = judge_bucket_plans("b", [plan("b", prefixes=["uploads/"])])
    assert not ok and evidence["object_prefixes"] == ["uploads/"]
    # a prefix-limited plan beside a whole-bucket ACTIVE one: the whole-bucket plan protects it
    assert judge_bucket_plans("b", [plan("b", "p1", prefixes=["x/"]), plan("b", "p2")])[0] is True
    assert judge_bucket_plans("b", [plan("c")])[0] is False
