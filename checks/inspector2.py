"""Amazon Inspector: vulnerability scanning of the compute, images and code AI workloads run on."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Family
from posture.checks._read import inspector2
from posture.checks._read.inspector2 import account_status

check = Family(
    service="inspector2",
    scope="regional",
    resource_type="AwsAccount",
    boundaries=["organizational", "application"],
    service_docs="https://docs.aws.amazon.com/inspector/latest/user/security.html",
    maps=["DE.CM-09", "ID.RA-01", "LLM03:2025", "LLM05", "AML.M0016", "AML.T0010.001", "MANAGE 3.1", "MEASURE 2.7",
        "A.6.2.6"],
    reads=[inspector2.BATCH_GET_ACCOUNT_STATUS],
)

def scan_status(status: dict[str, Any], resource: str) -> str:
    return str((status.get("resourceState") or {}).get(resource, {}).get("status") or "DISABLED")


def _judge(ctx: CheckContext, kinds: dict[str, str]) -> None:
    """PASS when Inspector scans every resource kind in `kinds` (state key -> name) in the region."""
    with ctx.account_resource():
        status = account_status(ctx)
        states = {name: scan_status(status, key) for key, name in kinds.items()}
        evidence: dict[str, Any] = {"inspector": str((status.get("state") or {}).get("status") or "DISABLED"),
                                    **{f"{name.replace(' ', '_')}_scanning": s for name, s in states.items()}}
        off = [name for name, s in states.items() if s != "ENABLED"]
        if off:
            ctx.failed(f"Inspector {' and '.join(off)} scanning {'is' if len(off) == 1 else 'are'} not enabled",
                       evidence)
        else:
            ctx.passed(f"Inspector {' and '.join(states)} scanning is enabled", evidence)


@check(
    id="inspector2.ec2_scanning_enabled",
    title="Inspector scans EC2 instances for vulnerabilities",
    description="Amazon Inspector EC2 scanning is enabled in the region.",
    rationale=(
        "Self-hosted models, vector databases and inference servers on EC2 run software with published "
        "vulnerabilities; Inspector finds them and the network paths that expose them."
    ),
    remediation="`aws inspector2 enable --resource-types EC2` (or organization-wide from the delegated "
    "administrator).",
    severity="medium",
    maps=["Inspector.1", "AML.T0049"],
)
def ec2_scanning_enabled(ctx: CheckContext) -> None:
    _judge(ctx, {"ec2": "EC2"})


@check(
    id="inspector2.ecr_scanning_enabled",
    title="Inspector scans ECR container images for vulnerabilities",
    description="Amazon Inspector ECR scanning is enabled in the region.",
    rationale=(
        "SageMaker training and serving containers and agent runtimes are ECR images built on public "
        "base images and ML libraries: the supply chain through which a vulnerable or malicious package arrives."
    ),
    remediation="`aws inspector2 enable --resource-types ECR`.",
    severity="high",
    boundaries=["organizational", "model"],
    maps=["Inspector.2", "AML.T0010.004", "AML.T0011.001"],
)
def ecr_scanning_enabled(ctx: CheckContext) -> None:
    _judge(ctx, {"ecr": "ECR"})


@check(
    id="inspector2.lambda_scanning_enabled",
    title="Inspector scans Lambda functions and their code",
    description="Amazon Inspector Lambda standard scanning (dependencies) and Lambda code scanning are both "
    "enabled in the region.",
    rationale=(
        "Agent tools and RAG ingestion usually run as Lambda functions: standard scanning finds vulnerable "
        "packages, code scanning finds injection flaws and hard-coded secrets in the tool code an LLM can call."
    ),
    remediation="`aws inspector2 enable --resource-types LAMBDA LAMBDA_CODE`.",
    severity="medium",
    maps=["LLM06:2025", "LLM07", "Inspector.3", "Inspector.4", "AML.T0011.001"],
)
def lambda_scanning_enabled(ctx: CheckContext) -> None:
    _judge(ctx, {"lambda": "Lambda standard", "lambdaCode": "Lambda code"})
