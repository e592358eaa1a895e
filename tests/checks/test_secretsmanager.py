from posture.checks.secretsmanager import model_key_reason
from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
CHECK = "secretsmanager.model_key_rotation_enabled"
FAKE_VALUE = "sk-ant-FAKE0000notarealkey"


def rotate(aws, secret_id: str) -> None:
    # No rotation function: moto would try to run it in Docker.
    aws.client("secretsmanager").rotate_secret(SecretId=secret_id, RotationRules={"AutomaticallyAfterDays": 30},
                                               RotateImmediately=False)


def test_rotating_model_key_passes(aws, run_check):
    aws.client("secretsmanager").create_secret(Name="acme/openai-api-key", SecretString=FAKE_VALUE)
    rotate(aws, "acme/openai-api-key")
    finding = expect(run_check(CHECK), "acme/openai-api-key", Status.PASS)
    assert finding.evidence["rotation_days"] == 30


def test_static_model_key_fails_without_reading_the_value(aws, run_check):
    aws.client("secretsmanager").create_secret(Name="acme/provider", SecretString=FAKE_VALUE,
                                               Tags=[{"Key": "posture:ai-data", "Value": "anthropic"}])
    aws.simulation.fail("secretsmanager", "GetSecretValue", "AccessDeniedException")  # never needed
    finding = expect(run_check(CHECK), "acme/provider", Status.FAIL)
    assert finding.evidence["model_key_because"] == "tagged"
    assert FAKE_VALUE not in finding.model_dump_json()


def test_other_secrets_are_out_of_scope(aws, run_check):
    aws.client("secretsmanager").create_secret(Name="acme/db-password", SecretString="x")
    assert run_check(CHECK) == []


def test_listing_access_denied_is_error(aws, run_check):
    aws.client("secretsmanager").create_secret(Name="acme/openai-api-key", SecretString=FAKE_VALUE)
    aws.simulation.fail("secretsmanager", "ListSecrets", "AccessDeniedException")
    finding = expect(run_check(CHECK), ACCOUNT, Status.ERROR)
    assert "secretsmanager:ListSecrets" in finding.message


def test_model_key_reason():
    assert model_key_reason({"Name": "prod/huggingface-token"}) == "name"
    assert model_key_reason({"Name": "prod/key", "Description": "Cohere API key"}) == "description"
    assert model_key_reason({"Name": "k", "Tags": [{"Key": "provider", "Value": "Mistral"}]}) == "tags"
    assert model_key_reason({"Name": "prod/db", "Tags": [{"Key": "posture:ai-data", "Value": "false"}]}) is None
