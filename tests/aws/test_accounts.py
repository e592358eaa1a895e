"""Accounts: --account / --org discovery, role assumption per account, failures per account."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from posture.aws.accounts import Caller, role_arn, target_accounts
from posture.aws.sessions import open_session
from posture.core.config import ScanConfig
from posture.core.errors import ScanError, UsageError
from posture.core.models import Status
from posture.core.runner import scan

CALLER = "123456789012"  # moto's default account: the credentials' own
ROLE = "PostureAudit"
CHECK = "s3.ai_bucket_versioning_enabled"


def org_with(aws: Any, active: int, closed: int = 0) -> list[str]:
    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")
    ids = [org.create_account(AccountName=f"a{i}", Email=f"a{i}@example.com")["CreateAccountStatus"]["AccountId"]
           for i in range(active + closed)]
    for account_id in ids[active:]:
        org.close_account(AccountId=account_id)
    return ids


def client_in(aws: Any, account_id: str, service: str, region: str = "us-east-1") -> Any:
    creds = aws.client("sts").assume_role(RoleArn=role_arn("aws", account_id, ROLE),
                                          RoleSessionName="seed")["Credentials"]
    return boto3.client(service, region_name=region, endpoint_url=aws.url, aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])


def ai_bucket(s3: Any, name: str) -> None:
    s3.create_bucket(Bucket=name)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "posture:ai-data", "Value": "rag"}]})


@pytest.mark.parametrize(("partition", "expected"), [
    ("aws", "arn:aws:iam::111122223333:role/PostureAudit"),
    ("aws-cn", "arn:aws-cn:iam::111122223333:role/PostureAudit"),
    ("aws-us-gov", "arn:aws-us-gov:iam::111122223333:role/PostureAudit"),
])
def test_role_arn_follows_the_partition(partition: str, expected: str) -> None:
    assert role_arn(partition, "111122223333", "PostureAudit") == expected


def test_role_arn_keeps_a_role_path() -> None:
    assert role_arn("aws", "111122223333", "/audit/Posture") == "arn:aws:iam::111122223333:role/audit/Posture"


def test_targets_need_a_role_for_other_accounts_and_twelve_digits() -> None:
    caller = Caller(CALLER, "aws", "us-east-1")
    assert target_accounts((), False, None, caller, None) == [CALLER]  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="--role-name"):
        target_accounts(("111122223333",), False, None, caller, None)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="12 digits"):
        target_accounts(("1234",), False, "R", caller, None)  # type: ignore[arg-type]
    assert target_accounts(("111122223333", CALLER, "111122223333"), False, "R", caller,
                           None) == ["111122223333", CALLER]  # type: ignore[arg-type]


def test_org_scans_active_accounts_only_each_with_its_own_resources(aws: Any, registry: Any) -> None:
    active_a, active_b, closed = org_with(aws, active=2, closed=1)
    ai_bucket(client_in(aws, active_a, "s3"), "bucket-of-a")
    ai_bucket(client_in(aws, active_b, "s3"), "bucket-of-b")
    result = scan(ScanConfig(org=True, role_name=ROLE, checks=(CHECK,), regions=("us-east-1",)), registry)
    assert result.accounts == sorted([CALLER, active_a, active_b])
    assert closed not in result.accounts
    owners = {f.resource_id: f.account_id for f in result.findings}
    assert owners == {"bucket-of-a": active_a, "bucket-of-b": active_b}
    assert all(f.status is Status.FAIL for f in result.findings)  # unversioned AI buckets
    assert result.accounts_failed == {}


def test_named_accounts_are_assumed_with_external_id_and_session_name(aws: Any, registry: Any) -> None:
    session = open_session()
    sent: list[dict[str, Any]] = []
    session.events.register("provide-client-params.sts.AssumeRole", lambda params, **_: sent.append(dict(params)))
    result = scan(ScanConfig(accounts=("111122223333",), role_name="audit/Posture", external_id="ext-123",
                             role_session_name="nightly-scan", checks=(CHECK,), regions=("us-east-1",)),
                  registry, session=session)
    assert result.accounts == ["111122223333"]
    assert sent == [{"RoleArn": "arn:aws:iam::111122223333:role/audit/Posture", "RoleSessionName": "nightly-scan",
                     "DurationSeconds": 3600, "ExternalId": "ext-123"}]


def test_an_account_whose_role_cannot_be_assumed_is_an_error_and_the_rest_go_on(aws: Any, registry: Any) -> None:
    ai_bucket(client_in(aws, "111122223333", "s3"), "bucket-ok")
    ai_bucket(aws.client("s3"), "bucket-of-caller")
    # Accounts open in order: the first AssumeRole (account 111122223333) is denied, the next succeeds.
    aws.simulation.fail("sts", "AssumeRole", "AccessDenied", "not authorized to perform sts:AssumeRole",
                        status=403, times=1)
    result = scan(ScanConfig(accounts=("111122223333", "444455556666", CALLER), role_name=ROLE,
                             checks=(CHECK, "kms.cmk_rotation_enabled"), regions=("us-east-1",)), registry)
    assert list(result.accounts_failed) == ["111122223333"]
    assert "cannot assume arn:aws:iam::111122223333:role/PostureAudit" in result.accounts_failed["111122223333"]
    errors = [f for f in result.findings if f.account_id == "111122223333"]
    assert {f.check_id for f in errors} == {CHECK, "kms.cmk_rotation_enabled"}  # every selected check
    assert all(f.status is Status.ERROR and f.region == "global" and "access denied" in f.message for f in errors)
    assert all(f.resource_type == "AwsAccount" and f.resource_id == "111122223333" for f in errors)
    assert any(f.resource_id == "bucket-of-caller" for f in result.findings)  # the scan went on
    assert result.units_run > 0


def test_regions_default_to_each_accounts_enabled_regions(aws: Any, registry: Any) -> None:
    result = scan(ScanConfig(accounts=("111122223333",), role_name=ROLE, checks=("kms.cmk_rotation_enabled",)),
                  registry)
    expected = sorted(r["RegionName"] for r in aws.client("ec2").describe_regions()["Regions"])
    assert result.regions == expected


def test_the_callers_account_alone_unreadable_is_a_scan_error(aws: Any, registry: Any) -> None:
    aws.simulation.fail("ec2", "DescribeRegions", "UnauthorizedOperation")
    with pytest.raises(ScanError, match="name regions with --region"):
        scan(ScanConfig(checks=(CHECK,)), registry)


def test_org_listing_denied_is_a_scan_error(aws: Any, registry: Any) -> None:
    aws.simulation.fail("organizations", "ListAccounts", "AccessDeniedException")
    with pytest.raises(ScanError, match="organisation's accounts"):
        scan(ScanConfig(org=True, role_name=ROLE, checks=(CHECK,), regions=("us-east-1",)), registry)
