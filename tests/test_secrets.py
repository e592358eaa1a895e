"""No secret out: values planted everywhere the catalogue reads never leave posture.

The seeded demo account gets secret-looking values in Lambda environment variables, API
Gateway (REST and HTTP) stage variables, a SageMaker notebook lifecycle script, Secrets
Manager, SSM parameters and tags on every kind of resource the checks scope by. A full
scan then runs with botocore's debug logging on; the secrets must appear in no output
format (every renderer in posture.render.RENDERERS), in no log record, and in no error
message, including those of a scan whose reads fail.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

from posture.core.config import ScanConfig
from posture.core.registry import Registry
from posture.core.runner import scan
from posture.demo.seed import PRIMARY, REGIONS, SECONDARY, seed_account
from posture.render import RENDERERS
from posture.report.model import build_report

pytestmark = pytest.mark.slow  # full scans of the demo account: `make test` runs them, `-m "not slow"` skips

ACCOUNT = "123456789012"
# Distinct, greppable, secret-shaped values (provider-key and password shapes).
PLANTED = {
    "lambda_env": "sk-proj-PSTSECRETlambdaenv0001notreal",
    "lambda_env_password": "PSTSECRET-Tr0ub4dor&3-lambda",
    "lambda_tag": "PSTSECRET-lambda-tag-ghp_0000notreal",
    "stage_variable": "PSTSECRET-stagevar-AKIA0000NOTREAL",
    "stage_variable_v2": "PSTSECRET-stagevar-v2-xoxb-000-notreal",
    "lifecycle": "PSTSECRET-lifecycle-hf_0000notreal",
    "secret_string": "PSTSECRET-secretsmanager-value",
    "secret_tag": "PSTSECRET-secret-tag",
    "ssm_secure": "PSTSECRET-ssm-securestring",
    "ssm_plain": "PSTSECRET-ssm-string",
    "bucket_tag": "PSTSECRET-bucket-tag",
    "key_tag": "PSTSECRET-kms-tag",
    "role_tag": "PSTSECRET-role-tag",
    "notebook_tag": "PSTSECRET-notebook-tag",
}
LIFECYCLE_SCRIPT = f"#!/bin/bash\nexport HF_TOKEN={PLANTED['lifecycle']}\n"
# What the demo seeds itself (a literal model key in a Lambda environment, secret values).
DEMO_SECRETS = ("sk-proj-DEMO0000000000000000notarealkey", "sk-ant-DEMO000notarealkey", "demo-not-a-password")
FORBIDDEN = (*PLANTED.values(), *DEMO_SECRETS, base64.b64encode(LIFECYCLE_SCRIPT.encode()).decode(), "PSTSECRET")
# Loggers of the test rig (the moto server in this process), not of posture or its AWS client.
RIG_LOGGERS = ("moto", "werkzeug", "flask")


def _zip() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("handler.py", "def handle(event, context):\n    return {}\n")
    return archive.getvalue()


def plant(aws: Any) -> None:
    seeded = seed_account(aws.client, aws.simulation)
    role = f"arn:aws:iam::{ACCOUNT}:role/acme-kb-search-tool-role"
    aws.client("lambda", PRIMARY).create_function(
        FunctionName="acme-planted-tool", Runtime="python3.12", Handler="handler.handle", Role=role,
        Code={"ZipFile": _zip()}, Tags={"owner-token": PLANTED["lambda_tag"], "posture:ai-workload": "true"},
        Environment={"Variables": {"OPENAI_API_KEY": PLANTED["lambda_env"],
                                   "DB_PASSWORD": PLANTED["lambda_env_password"]}})
    apigw = aws.client("apigateway", PRIMARY)
    for api in apigw.get_rest_apis()["items"]:
        deployment = apigw.get_deployments(restApiId=api["id"])["items"]
        if deployment:
            apigw.create_stage(restApiId=api["id"], stageName="planted", deploymentId=deployment[0]["id"],
                               variables={"backendApiKey": PLANTED["stage_variable"], "mode": "debug"},
                               tags={"token": PLANTED["stage_variable"]})
    for region in REGIONS:
        v2 = aws.client("apigatewayv2", region)
        for api in v2.get_apis()["Items"]:
            v2.create_stage(ApiId=api["ApiId"], StageName="planted",
                            StageVariables={"slackToken": PLANTED["stage_variable_v2"]})
    for region in REGIONS:
        sm = aws.client("sagemaker", region)
        sm.create_notebook_instance_lifecycle_config(
            NotebookInstanceLifecycleConfigName="acme-planted",
            OnStart=[{"Content": base64.b64encode(LIFECYCLE_SCRIPT.encode()).decode()}])
        sm.create_notebook_instance(
            NotebookInstanceName=f"acme-planted-{region}", InstanceType="ml.t3.medium",
            LifecycleConfigName="acme-planted",
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/acme-sagemaker-execution-role",
            Tags=[{"Key": "token", "Value": PLANTED["notebook_tag"]}])
        secrets = aws.client("secretsmanager", region)
        secrets.create_secret(Name="acme/planted-model-key", SecretString=PLANTED["secret_string"],
                              Tags=[{"Key": "note", "Value": PLANTED["secret_tag"]}])
        ssm = aws.client("ssm", region)
        ssm.put_parameter(Name="/acme/llm/api-key", Value=PLANTED["ssm_secure"], Type="SecureString")
        ssm.put_parameter(Name="/acme/llm/plain-key", Value=PLANTED["ssm_plain"], Type="String")
    s3 = aws.client("s3")
    for bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        try:
            tags = s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
        except s3.exceptions.ClientError:
            tags = []
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [*tags, {"Key": "token",
                                                                             "Value": PLANTED["bucket_tag"]}]})
    for region in REGIONS:
        kms = aws.client("kms", region)
        for k in kms.list_keys()["Keys"]:
            kms.tag_resource(KeyId=k["KeyId"], Tags=[{"TagKey": "token", "TagValue": PLANTED["key_tag"]}])
    iam = aws.client("iam")
    for r in iam.list_roles()["Roles"]:
        iam.tag_role(RoleName=r["RoleName"], Tags=[{"Key": "token", "Value": PLANTED["role_tag"]}])
    assert seeded.ids


_PLANTED: dict[str, int] = {}


@pytest.fixture
def planted(_local_aws: Any) -> Iterator[Any]:
    """The demo account with the planted secrets, planted once for the tests of this module (they only
    read it; the faults one adds are cleared after it)."""
    if _PLANTED.get("generation") != _local_aws.generation:
        _local_aws.reset()
        plant(_local_aws)
        _PLANTED["generation"] = _local_aws.generation
    _local_aws.simulation.clear_faults()
    yield _local_aws
    _local_aws.simulation.clear_faults()


def leaks(text: str) -> list[str]:
    return [s for s in FORBIDDEN if s in text]


@pytest.mark.xdist_group("secrets")
def test_planted_secrets_never_leave(planted: Any, registry: Registry, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # botocore's own wire logging included
    result = scan(ScanConfig(regions=REGIONS, max_attempts=2), registry)
    report = build_report(result)
    assert report.summary.findings > 50
    outputs = {name: render(report) for name, render in RENDERERS.items()}
    assert {"table", "json"} <= set(outputs)
    for name, text in outputs.items():
        assert not leaks(text), f"{name} output shows a secret: {leaks(text)}"
    for f in report.findings:
        assert not leaks(json.dumps(f.model_dump(mode="json"))), f"{f.check_id} {f.resource_id}"
    records = [r for r in caplog.records if not r.name.startswith(RIG_LOGGERS)]
    assert any(r.name.startswith("botocore") for r in records), "debug logging was not on"
    for r in records:
        line = r.getMessage()
        assert not leaks(line), f"log record of {r.name} shows a secret: {line[:300]}"


@pytest.mark.xdist_group("secrets")
def test_error_messages_show_no_secret(planted: Any, registry: Registry, caplog: pytest.LogCaptureFixture) -> None:
    """A scan whose detail reads fail (with AWS error messages that quote a value) still leaks nothing."""
    aws = planted
    caplog.set_level(logging.DEBUG)
    quoted = f"value {PLANTED['lambda_env']} is not valid"
    for service, op, code in (("lambda", "GetFunction", "AccessDeniedException"),
                              ("lambda", "ListFunctions", "ValidationException"),
                              ("apigateway", "GetStages", "BadRequestException"),
                              ("secretsmanager", "ListSecrets", "InvalidRequestException"),
                              ("sagemaker", "DescribeNotebookInstanceLifecycleConfig", "ValidationException"),
                              ("ssm", "DescribeParameters", "ValidationException")):
        aws.simulation.fail(service, op, code, quoted if code != "AccessDeniedException" else "", region=SECONDARY)
    report = build_report(scan(ScanConfig(regions=REGIONS, max_attempts=1), registry))
    errors = [f for f in report.findings if f.status.value == "ERROR"]
    assert errors, "the faults reached no check"
    for f in report.findings:
        assert not leaks(f.message), f"{f.check_id}: {f.message}"
    for name, render in RENDERERS.items():
        assert not leaks(render(report)), name
    for r in caplog.records:
        if not r.name.startswith(RIG_LOGGERS):
            assert not leaks(r.getMessage()), f"{r.name}: {r.getMessage()[:300]}"
