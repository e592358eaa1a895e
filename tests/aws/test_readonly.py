"""Read-only, enforced: the AWS layer refuses every operation that is not a read.

The guard (posture.aws.guard.read_only_guard) sits on every client an AwsContext builds and
refuses before anything is sent. These tests prove it on the whole catalogue, on the
wire, for every operation botocore knows, and on the generated IAM policy.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import botocore.session
import pytest
from click.testing import CliRunner

from posture.aws.context import AwsContext, CallLog, client_config
from posture.aws.errors import AwsReadError
from posture.aws.guard import PUSH_OPERATIONS, WriteRefused, is_read, read_only_guard
from posture.aws.sessions import open_session
from posture.cli.main import cli
from posture.core.config import ScanConfig
from posture.core.context import CheckContext
from posture.core.models import Status
from posture.core.registry import Check, Registry, check
from posture.core.runner import scan
from posture.demo.seed import REGIONS

# Words that begin operations which change something; none may get through the guard.
WRITE_WORDS = re.compile(
    r"^(Create|Put|Delete|Update|Modify|Attach|Detach|Enable|Disable|Start|Stop|Tag|Untag|Invoke|Associate|"
    r"Disassociate|Run|Terminate|Reboot|Set|Add|Remove|Register|Deregister|Import|Export|Reset|Restore|Send|"
    r"Publish|Accept|Reject|Cancel|Authorize|Revoke|Apply|Execute|Upload|Copy|Replace|Change|Allocate|Release|"
    r"Purchase|Request|Rotate|Generate|Encrypt|Decrypt|Sign|Invite|Subscribe|Unsubscribe|Promote|Rebuild|Retry|"
    r"Test|Validate|Verify|Submit|Receive|Batch(?!Get|Describe))"
)
ACCOUNT = "123456789012"
# Reads whose names begin with a write word: AWS classes both as reads (access level Read); neither changes a
# resource (an assumed role's session; IAM's last-accessed report job).
READS_BY_ANOTHER_NAME = ("sts:AssumeRole", "iam:GenerateServiceLastAccessedDetails")


def context(push: bool = False, region: str = "us-east-1") -> AwsContext:
    return AwsContext(open_session(), account_id=ACCOUNT, partition="aws", region=region, call_log=CallLog(),
                      config=client_config(1), push=push)


def test_every_write_that_botocore_knows_is_refused() -> None:
    """Over every service and operation in botocore's models: nothing that writes is a read."""
    core = botocore.session.get_session()
    allowed_writes, reads = [], 0
    for service in core.get_available_services():
        for op in core.get_service_model(service).operation_names:
            if is_read(service, op):
                reads += 1
                if WRITE_WORDS.match(op) and f"{service}:{op}" not in READS_BY_ANOTHER_NAME:
                    allowed_writes.append(f"{service}:{op}")
    assert reads > 1000
    assert not allowed_writes, allowed_writes


@pytest.mark.parametrize("service, op", [
    ("s3", "PutBucketVersioning"), ("kms", "ScheduleKeyDeletion"), ("iam", "CreateAccessKey"),
    ("ec2", "TerminateInstances"), ("bedrock", "CreateGuardrail"), ("sagemaker", "StopNotebookInstance"),
    ("securityhub", "BatchImportFindings"), ("securityhub", "BatchUpdateFindings"), ("lambda", "Invoke"),
    ("bedrock-runtime", "InvokeModel"), ("secretsmanager", "GetSecretValue"), ("s3", "GetObject"),
    ("ecr", "GetAuthorizationToken"), ("sts", "GetSessionToken"),
])
def test_writes_and_secret_reads_are_refused(service: str, op: str) -> None:
    assert not is_read(service, op)


def test_reads_pass_and_decryption_does_not() -> None:
    assert is_read("s3", "GetBucketVersioning") and is_read("kms", "ListKeys") and is_read("sts", "AssumeRole")
    assert is_read("ec2", "DescribeVpcEndpoints") and is_read("cloudtrail", "LookupEvents")
    public = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    assert is_read("ssm", "GetParameter", {"Name": public})
    assert is_read("ssm", "DescribeParameters", {})  # names and types, no values
    assert not is_read("ssm", "GetParameter", {"Name": "/acme/llm/plain-key"})  # a String value can be a secret
    assert not is_read("ssm", "GetParameter", {"Name": public, "WithDecryption": True})
    assert not is_read("ssm", "GetParameters", {"Names": [public, "/acme/db-password"]})
    assert not is_read("ssm", "GetParametersByPath", {"Path": "/", "WithDecryption": True})


def test_push_opens_only_the_security_hub_import() -> None:
    for action in PUSH_OPERATIONS:
        service, op = action.split(":")
        assert is_read(service, op, push=True)
    assert not is_read("securityhub", "BatchImportFindings")
    assert not is_read("securityhub", "BatchUpdateFindings", push=True)
    assert not is_read("s3", "PutObject", push=True)


def test_a_write_never_reaches_the_wire(aws: Any) -> None:
    sent: list[str] = []
    ctx = context()
    client = ctx.client("s3")
    client.meta.events.register("before-send", lambda request, **_: sent.append(request.url))
    with pytest.raises(AwsReadError) as refused:
        ctx.call("s3", "create_bucket", Bucket="posture-must-not-exist")
    assert refused.value.code == "ReadOnlyGuard"
    assert "read-only" in refused.value.reason and "s3:CreateBucket" in str(refused.value)
    assert sent == []
    assert aws.client("s3").list_buckets()["Buckets"] == []
    ctx.call("s3", "list_buckets")  # a read goes through
    assert len(sent) == 1


def test_guard_covers_paginators_and_every_context_client(aws: Any) -> None:
    ctx = context()
    for service in ("kms", "iam", "ec2", "sagemaker", "bedrock", "lambda"):
        client = ctx.client(service)
        # A write through the raw client (as a careless fetch helper might make) is refused too.
        op = next(o for o in client.meta.service_model.operation_names if o.startswith(("Create", "Put")))
        shape = client.meta.service_model.operation_model(op).input_shape
        required = {m: "x" for m in (shape.required_members if shape else [])}
        with pytest.raises(WriteRefused, match=op):
            client._make_api_call(op, required)


def test_security_hub_import_only_on_a_push_context(aws: Any) -> None:
    finding: dict[str, Any] = {}
    with pytest.raises(AwsReadError) as refused:
        context().call("securityhub", "batch_import_findings", Findings=[finding])
    assert refused.value.code == "ReadOnlyGuard" and "pushing" in refused.value.reason
    try:
        context(push=True).call("securityhub", "batch_import_findings", Findings=[finding])
    except AwsReadError as exc:  # the server may reject the empty finding; the guard did not
        assert exc.code != "ReadOnlyGuard"


def test_guard_on_a_client_built_elsewhere(aws: Any) -> None:
    client = read_only_guard(aws.fresh_client("kms"))
    with pytest.raises(WriteRefused, match="kms:CreateKey"):
        client.create_key()
    assert "Keys" in client.list_keys()


def test_a_check_that_writes_is_an_error_not_a_change(aws: Any) -> None:
    @check(
        id="kms.posture_test_writer", title="A check that tries to write",
        description="Tries to create a key, which the guard must refuse.",
        rationale="Proves that a careless check cannot change the account.",
        remediation="Do not write from a check; posture is read-only.",
        service="kms", scope="regional", resource_type="AwsKmsKey", severity="low", securityhub_controls=["KMS.4"],
        boundaries=["data"], csf=["PR.DS-01"], owasp_llm=["LLM06", "LLM02:2025"],
        atlas=["AML.T0035"], nist_ai_rmf=["MEASURE 2.7"], iso42001=["A.7.2"], permissions=["kms:ListKeys"],
    )
    def writer(ctx: CheckContext) -> None:
        with ctx.resource("new-key"):
            ctx.call("kms", "create_key")
            ctx.passed("created")

    registry = Registry([Check(writer.__posture_check__, writer, __name__)])  # type: ignore[attr-defined]
    [finding] = scan(ScanConfig(regions=("us-east-1",), max_attempts=1), registry).findings
    assert finding.status is Status.ERROR
    assert "read-only" in finding.message and "kms:CreateKey" in finding.message
    assert aws.client("kms").list_keys()["Keys"] == []


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_whole_catalogue_sends_only_reads(demo_account: Any, registry: Registry,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole catalogue over the seeded demo account, with every operation sent recorded."""
    sent: set[tuple[str, str]] = set()
    lock = threading.Lock()
    original = AwsContext.client

    def client(self: AwsContext, service: str) -> Any:
        made = original(self, service)

        def record(model: Any, **_: Any) -> None:
            with lock:
                sent.add((model.service_model.service_name, model.name))
        # First in line, before the guard: what the catalogue tries, not only what gets through.
        made.meta.events.register_first("before-parameter-build", record, unique_id="readonly-test-record")
        return made

    monkeypatch.setattr(AwsContext, "client", client)
    result = scan(ScanConfig(regions=REGIONS, max_attempts=2), registry)
    refused = [f for f in result.findings if "read-only" in f.message]
    assert not refused, [(f.check_id, f.message) for f in refused]
    writes = sorted(f"{s}:{o}" for s, o in sent if not is_read(s, o))
    assert not writes, writes
    assert len(sent) > 20
    assert len({f.check_id for f in result.findings}) > len(registry) // 2


def _policy_actions(policy: dict[str, Any]) -> list[str]:
    actions: list[str] = []
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        listed = statement["Action"]
        actions += [listed] if isinstance(listed, str) else listed
    return actions


@pytest.mark.parametrize("flags", [[], ["--org"], ["--securityhub"], ["--no-securityhub"]])
def test_generated_iam_policy_has_no_write_but_the_import(flags: list[str]) -> None:
    result = CliRunner().invoke(cli, ["iam-policy", *flags])
    assert result.exit_code == 0, result.output
    actions = [a for p in json.loads(result.stdout)["Policies"] for a in _policy_actions(p["PolicyDocument"])]
    assert actions
    writes = []
    for action in actions:
        name = action.partition(":")[2]
        assert "*" not in name or (name.endswith("*") and not WRITE_WORDS.match(name.rstrip("*"))), action
        if action in PUSH_OPERATIONS or action in (*READS_BY_ANOTHER_NAME, "apigateway:GET"):
            continue
        if WRITE_WORDS.match(name) or not name.startswith(("Describe", "Get", "List", "BatchGet", "Search",
                                                            "Lookup", "Head")):
            writes.append(action)
    assert not writes, f"write actions in the scanner's policy: {writes}"
    if "--securityhub" not in flags:
        assert not any(a.startswith("securityhub:BatchImport") for a in actions)
