"""Amazon ECR: the container images SageMaker trains and serves models with.

A repository counts as a model-image repository when a scanned region's SageMaker
models, training jobs or processing jobs run an image from it. Only those are judged.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Any

from posture.api import CheckContext, Family
from posture.checks import _exposure
from posture.checks._keys import CMK_READS, judge_cmk
from posture.checks._read import ecr
from posture.checks._read import sagemaker as sm

check = Family(
    service="ecr",
    scope="regional",
    resource_type="AwsEcrRepository",
    boundaries=["model"],
    service_docs="https://docs.aws.amazon.com/AmazonECR/latest/userguide/security.html",
    maps=["LLM03:2025", "LLM05", "MEASURE 2.7", "Art. 15"],
    reads=[ecr.REPOSITORY, sm.IMAGE_READS],  # every check judges the repositories SageMaker runs images from
)

IMAGE_URI = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/([^:@]+)")


def model_repositories(ctx: CheckContext) -> list[tuple[dict[str, Any], str]]:
    """(repository, the SageMaker region that runs an image from it), for this region's repositories."""
    used: dict[str, str] = {}
    listed, gaps = ctx.each_region("sagemaker", "SageMaker container images", sm.image_uris)
    ctx.report_region_gaps(gaps)  # a region whose SageMaker cannot be read is one ERROR there
    for region in [r for r in ctx.regions if r in listed]:
        for uri in listed[region]:
            match = IMAGE_URI.match(uri)
            if match and match.group(1) == ctx.account_id and match.group(2) == ctx.region:
                used.setdefault(match.group(3), region)
    return [(r, used[r["repositoryName"]]) for r in ecr.repositories(ctx) if r["repositoryName"] in used]


def registry_rule_scans(ctx: CheckContext, repository: str) -> str | None:
    """The registry scanning frequency that covers `repository` (None: no registry rule does)."""
    for rule in ecr.registry_scanning(ctx).get("rules", []):
        if rule.get("scanFrequency") not in ("SCAN_ON_PUSH", "CONTINUOUS_SCAN"):
            continue
        if any(fnmatchcase(repository, f.get("filter", "")) for f in rule.get("repositoryFilters", [])):
            return str(rule["scanFrequency"])
    return None


def _scope(ctx: CheckContext, repo: dict[str, Any]) -> Any:
    return ctx.resource(repo["repositoryName"], arn=repo.get("repositoryArn"))


@check(
    id="ecr.model_image_scanning",
    title="Model image repositories scan images for vulnerabilities",
    description="Each ECR repository whose images SageMaker runs scans images on push, or is covered by a "
    "registry scanning rule (basic scan on push or enhanced scanning).",
    rationale=(
        "Training and inference containers bundle frameworks (PyTorch, transformers, pickle loaders) with a "
        "steady stream of critical CVEs; unscanned, a vulnerable or tampered image runs next to the model."
    ),
    remediation="`aws ecr put-registry-scanning-configuration --scan-type ENHANCED --rules "
                "'[{\"scanFrequency\":\"CONTINUOUS_SCAN\","
                "\"repositoryFilters\":[{\"filter\":\"*\",\"filterType\":\"WILDCARD\"}]}]'` "
                "(or per repository: `aws ecr put-image-scanning-configuration --repository-name <repository-name> "
                "--image-scanning-configuration scanOnPush=true`).",
    severity="high",
    maps=["DE.CM-09", "ID.RA-01", "ECR.1", "AML.M0016", "AML.T0010.001", "AML.T0010.004", "AML.T0011.001", "MANAGE 3.1",
        "A.6.2.5", "A.6.2.6"],
    reads=[ecr.REGISTRY_SCANNING],
)
def model_image_scanning(ctx: CheckContext) -> None:
    for repo, used_in in model_repositories(ctx):
        with _scope(ctx, repo):
            on_push = bool((repo.get("imageScanningConfiguration") or {}).get("scanOnPush"))
            registry = registry_rule_scans(ctx, repo["repositoryName"])
            evidence = {"scan_on_push": on_push, "registry_rule": registry, "used_by_sagemaker_in": used_in}
            if on_push or registry:
                ctx.passed("images are scanned", evidence)
            else:
                ctx.failed("images are never scanned", evidence)


@check(
    id="ecr.model_image_tags_immutable",
    title="Model image repositories have immutable tags",
    description="Each ECR repository whose images SageMaker runs has tag immutability on (IMMUTABLE or "
    "IMMUTABLE_WITH_EXCLUSION).",
    rationale=(
        "With mutable tags anyone who can push can replace the image behind `:prod` or `:1.2`; the next "
        "training job or endpoint update then runs code nobody reviewed."
    ),
    remediation="`aws ecr put-image-tag-mutability --repository-name <r> --image-tag-mutability IMMUTABLE`.",
    severity="medium",
    maps=["GV.SC-05", "PR.PS-01", "LLM04:2025", "ECR.2", "AML.M0014", "AML.T0010.004", "MANAGE 3.1", "A.6.2.5"],
)
def model_image_tags_immutable(ctx: CheckContext) -> None:
    for repo, used_in in model_repositories(ctx):
        with _scope(ctx, repo):
            mutability = repo.get("imageTagMutability", "MUTABLE")
            evidence = {"image_tag_mutability": mutability, "used_by_sagemaker_in": used_in}
            if mutability.startswith("IMMUTABLE"):
                ctx.passed("image tags are immutable", evidence)
            else:
                ctx.failed("image tags can be overwritten", evidence)


@check(
    id="ecr.model_image_repository_cmk",
    title="Model image repositories are encrypted with a customer managed key",
    description="Each ECR repository whose images SageMaker runs encrypts with a customer managed KMS key.",
    rationale=(
        "Inference images often bake in model weights and proprietary code; a customer managed key puts "
        "pulling them apart from ECR permissions under the account's key policy and audit."
    ),
    remediation="Encryption is set at creation: create the repository with `--encryption-configuration "
    "encryptionType=KMS,kmsKey=<customer-managed-key>`, push the images there and repoint SageMaker.",
    severity="medium",
    maps=["PR.DS-01", "LLM02:2025", "LLM10", "ECR.5", "AML.M0012", "AML.T0035", "AML.T0048.004", "A.6.2.6"],
    reads=[CMK_READS],
)
def model_image_repository_cmk(ctx: CheckContext) -> None:
    for repo, used_in in model_repositories(ctx):
        with _scope(ctx, repo):
            encryption = repo.get("encryptionConfiguration") or {}
            key = encryption.get("kmsKey") if encryption.get("encryptionType", "").startswith("KMS") else None
            judge_cmk(ctx, key, "the repository", {"encryption_type": encryption.get("encryptionType", "AES256"),
                                                   "used_by_sagemaker_in": used_in})


@check(
    id="ecr.model_image_repository_outside_access",
    title="No one outside the account or its organization can pull or push a model image",
    description="The repository policy of every repository SageMaker runs model images from lets no one outside "
    "this account and its organization pull, push or delete images. Judged by the one exposure question "
    "(checks/_exposure.py) over the ECR repository actions.",
    rationale=(
        "A model image carries the serving code and often the weights. Pulled from outside, it gives the model "
        "away; pushed from outside, it runs someone else's code with the endpoint's role."
    ),
    remediation="`aws ecr set-repository-policy --repository-name <r> --policy-text file://policy.json` naming only "
    "the accounts that need the image, with aws:PrincipalOrgID; or `aws ecr delete-repository-policy`.",
    severity="high",
    maps=["PR.AA-05", "LLM03", "LLM10:2025", "AML.T0010", "A.6.2.6"],
    reads=[_exposure.MODEL_IMAGE_REPOSITORY.reads],
)
def model_image_repository_outside_access(ctx: CheckContext) -> None:
    _exposure.judge(ctx, _exposure.MODEL_IMAGE_REPOSITORY,
                    [_exposure.Target(r["repositoryName"], r.get("repositoryArn"), f"SageMaker in {region} runs it", r)
                     for r, region in model_repositories(ctx)])
