import pytest

from posture.core.models import Status
from tests.support.findings import expect, only

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
CHECKS = ("ecr.model_image_scanning", "ecr.model_image_tags_immutable", "ecr.model_image_repository_cmk")


def repository(aws, name: str, good: bool, region="us-east-1") -> None:
    key = aws.client("kms", region).create_key()["KeyMetadata"]["Arn"]
    settings = {"imageTagMutability": "IMMUTABLE", "imageScanningConfiguration": {"scanOnPush": True},
                "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": key}} if good else {}
    aws.client("ecr", region).create_repository(repositoryName=name, **settings)


def serve(aws, repo: str, model_region="us-east-1", image_region="us-east-1") -> None:
    aws.client("sagemaker", model_region).create_model(
        ModelName=f"model-{repo.replace('/', '-')}", ExecutionRoleArn=ROLE,
        PrimaryContainer={"Image": f"{ACCOUNT}.dkr.ecr.{image_region}.amazonaws.com/{repo}:1"})


@pytest.mark.parametrize("check_id", CHECKS)
def test_hardened_model_repository_passes(aws, run_check, check_id):
    repository(aws, "acme/serve", good=True)
    serve(aws, "acme/serve")
    expect(run_check(check_id), "acme/serve", Status.PASS)


@pytest.mark.parametrize("check_id", CHECKS)
def test_default_model_repository_fails_and_unused_one_is_ignored(aws, run_check, check_id):
    repository(aws, "acme/serve", good=False)
    repository(aws, "website", good=False)
    serve(aws, "acme/serve")
    findings = run_check(check_id)
    expect(findings, "acme/serve", Status.FAIL)
    assert [f.resource_id for f in findings] == ["acme/serve"]


@pytest.mark.parametrize("check_id", CHECKS)
def test_repository_listing_denied_is_error(aws, run_check, check_id):
    repository(aws, "acme/serve", good=True)
    serve(aws, "acme/serve")
    aws.simulation.fail("ecr", "DescribeRepositories", "AccessDeniedException")
    expect(run_check(check_id), ACCOUNT, Status.ERROR)


def test_image_used_from_another_region_is_judged_where_the_repository_is(aws, run_check):
    repository(aws, "acme/train", good=False, region="us-east-1")
    serve(aws, "acme/train", model_region="us-west-2", image_region="us-east-1")
    findings = run_check("ecr.model_image_tags_immutable", regions=("us-east-1", "us-west-2"))
    finding = only(findings, "acme/train")
    assert (finding.region, finding.status) == ("us-east-1", Status.FAIL)
    assert finding.evidence["used_by_sagemaker_in"] == "us-west-2"


def test_registry_enhanced_scanning_covers_repository(aws, run_check):
    repository(aws, "acme/serve", good=False)
    serve(aws, "acme/serve")
    aws.client("ecr").put_registry_scanning_configuration(scanType="ENHANCED", rules=[
        {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "acme/*", "filterType": "WILDCARD"}]}])
    finding = expect(run_check("ecr.model_image_scanning"), "acme/serve", Status.PASS)
    assert finding.evidence["registry_rule"] == "CONTINUOUS_SCAN"


def test_registry_scanning_denied_is_error(aws, run_check):
    repository(aws, "acme/serve", good=False)
    serve(aws, "acme/serve")
    aws.simulation.fail("ecr", "GetRegistryScanningConfiguration", "AccessDeniedException")
    expect(run_check("ecr.model_image_scanning"), "acme/serve", Status.ERROR)
