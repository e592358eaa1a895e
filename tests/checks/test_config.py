from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
RECORDER = "config.recorder_recording_ai_resources"
CHANNEL = "config.delivery_channel_configured"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"


def recorder(aws, group: dict, *, start: bool = True, region: str = "us-east-1") -> None:
    config = aws.client("config", region)
    config.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": ROLE,
                                                             "recordingGroup": group})
    aws.client("s3").create_bucket(Bucket=f"acme-config-{region}")
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": f"acme-config-{region}"})
    if start:
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def test_recording_all_types_passes(aws, run_check):
    recorder(aws, {"allSupported": True, "includeGlobalResourceTypes": True})
    expect(run_check(RECORDER), ACCOUNT, Status.PASS)


def test_recording_listed_ai_types_passes(aws, run_check):
    recorder(aws, {"allSupported": False, "includeGlobalResourceTypes": False,
                   "resourceTypes": ["AWS::SageMaker::Model", "AWS::Bedrock::KnowledgeBase", "AWS::S3::Bucket"],
                   "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}})
    expect(run_check(RECORDER), ACCOUNT, Status.PASS)


def test_recording_without_ai_types_fails(aws, run_check):
    recorder(aws, {"allSupported": False, "includeGlobalResourceTypes": False,
                   "resourceTypes": ["AWS::S3::Bucket"],
                   "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}})
    finding = expect(run_check(RECORDER), ACCOUNT, Status.FAIL)
    assert "no AI types" in finding.message


def test_stopped_recorder_fails(aws, run_check):
    recorder(aws, {"allSupported": True, "includeGlobalResourceTypes": True}, start=False)
    finding = expect(run_check(RECORDER), ACCOUNT, Status.FAIL)
    assert "not recording" in finding.message


def test_no_recorder_fails(aws, run_check):
    expect(run_check(RECORDER), ACCOUNT, Status.FAIL)


def test_recorder_access_denied_is_error(aws, run_check):
    recorder(aws, {"allSupported": True, "includeGlobalResourceTypes": True})
    aws.simulation.fail("config", "DescribeConfigurationRecorderStatus", "AccessDeniedException")
    finding = expect(run_check(RECORDER), ACCOUNT, Status.ERROR)
    assert "config:DescribeConfigurationRecorderStatus" in finding.message


def test_delivery_channel_passes(aws, run_check):
    recorder(aws, {"allSupported": True, "includeGlobalResourceTypes": True})
    finding = expect(run_check(CHANNEL), ACCOUNT, Status.PASS)
    assert finding.evidence["bucket"] == "acme-config-us-east-1"


def test_no_delivery_channel_fails(aws, run_check):
    expect(run_check(CHANNEL), ACCOUNT, Status.FAIL)


def test_delivery_channel_access_denied_is_error(aws, run_check):
    aws.simulation.fail("config", "DescribeDeliveryChannels", "AccessDeniedException")
    expect(run_check(CHANNEL), ACCOUNT, Status.ERROR)
