"""Amazon S3: the buckets that hold an LLM application's data.

Which buckets are AI data is decided in `checks._scope`: tagged `posture:ai-data`, or
referenced by a scanned region's SageMaker or Bedrock resources (training data, model
artifacts, invocation logs, knowledge-base sources). Only these buckets are judged by the
AI-data checks; other buckets are out of scope.
"""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, EvidenceValue, Family, Reads
from posture.checks import _exposure, _policy, _scope
from posture.checks._read import s3, sagemaker

check = Family(
    service="s3",
    scope="global",
    resource_type="AwsS3Bucket",
    boundaries=["data"],
    service_docs="https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
)


@check(
    id="s3.ai_bucket_versioning_enabled",
    title="AI data buckets keep object versions",
    description="Every bucket that holds training data, RAG sources, model artifacts or invocation logs has "
    "versioning enabled.",
    rationale=(
        "Versioning keeps every earlier object: a poisoned training set or a tampered RAG document can be "
        "compared with and rolled back to the version before the change."
    ),
    remediation="`aws s3api put-bucket-versioning --bucket <name> "
    "--versioning-configuration Status=Enabled`.",
    severity="medium",
    maps=["PR.DS-01", "PR.DS-11", "RC.RP-03", "LLM03", "LLM04:2025", "LLM08:2025", "LLM09", "LLM09:2025", "S3.14",
        "AML.M0005", "AML.M0025", "AML.T0020", "AML.T0059", "AML.T0070", "MANAGE 2.3", "MEASURE 2.7", "A.7.4", "A.7.5",
        "Art. 10", "Art. 15"],
    reads=[_scope.AI_BUCKET_READS, s3.VERSIONING],
)
def ai_bucket_versioning_enabled(ctx: CheckContext) -> None:
    for bucket in _scope.judged(ctx, _scope.ai_buckets(ctx, s3.versioning)):
        with ctx.resource(bucket.name, arn=bucket.arn, region=s3.bucket_region(ctx, bucket.name)):
            status = s3.versioning(ctx, bucket.name).get("Status") or "never enabled"
            evidence = {"versioning": status, "ai_data_because": bucket.why}
            if status == "Enabled":
                ctx.passed("versioning is enabled", evidence)
            else:
                ctx.failed(f"versioning is {status.lower()}", evidence)


@check(
    id="s3.ai_bucket_object_lock_enabled",
    title="AI data buckets have Object Lock",
    description="Every bucket that holds training data, RAG sources, model artifacts or invocation logs has "
    "S3 Object Lock enabled.",
    rationale=(
        "Object Lock makes object versions immutable for a retention period: neither an attacker with "
        "write access nor a careless pipeline can overwrite or delete the data a model is trained on."
    ),
    remediation="Enable Object Lock on the bucket (`aws s3api put-object-lock-configuration`, versioning "
    "must be on) and set a default retention suited to the data.",
    severity="medium",
    maps=["PR.DS-01", "PR.DS-11", "LLM03", "LLM04:2025", "LLM09", "LLM09:2025", "S3.15", "AML.M0005", "AML.M0025",
        "AML.T0020", "AML.T0059", "AML.T0070", "MANAGE 2.3", "MEASURE 2.7", "A.7.4", "A.7.5", "Art. 10", "Art. 15"],
    reads=[_scope.AI_BUCKET_READS, s3.OBJECT_LOCK],
)
def ai_bucket_object_lock_enabled(ctx: CheckContext) -> None:
    for bucket in _scope.judged(ctx, _scope.ai_buckets(ctx, s3.object_lock)):
        with ctx.resource(bucket.name, arn=bucket.arn, region=s3.bucket_region(ctx, bucket.name)):
            protected, message, evidence = judge_object_lock(s3.object_lock(ctx, bucket.name))
            evidence = {**evidence, "ai_data_because": bucket.why}
            if protected:
                ctx.passed(message, evidence)
            else:
                ctx.failed(message, evidence)


def judge_object_lock(config: dict[str, Any]) -> tuple[bool, str, dict[str, EvidenceValue]]:
    """(protected, message, evidence): Object Lock protects new objects only with a default retention
    rule; without one, an object is locked only when its writer asks, which a pipeline never does."""
    retention = (config.get("Rule") or {}).get("DefaultRetention") or {}
    mode = retention.get("Mode")
    period = (f"{retention['Days']} days" if retention.get("Days")
              else f"{retention['Years']} years" if retention.get("Years") else None)
    evidence: dict[str, EvidenceValue] = {"object_lock": config.get("ObjectLockEnabled") or "Disabled",
                                          "default_retention_mode": mode, "default_retention_period": period}
    if config.get("ObjectLockEnabled") != "Enabled":
        return False, "Object Lock is not enabled", evidence
    if not mode or not period:
        return False, "Object Lock is enabled without a default retention rule: new objects are not locked", evidence
    return True, f"Object Lock keeps new objects for {period} in {mode} mode", evidence


# -- encryption, exposure and logging of AI data ------------------------------------------------------
PUBLIC_ACCESS_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


def tls_only(policy: Any, name: str) -> bool:
    """Whether the bucket policy denies every principal every S3 action on the bucket's objects over plain
    HTTP (a Deny with only aws:SecureTransport false as its condition)."""
    return _policy.denies_insecure_transport(policy, resource=f"arn:aws:s3:::{name}/*")


@check(
    id="s3.ai_bucket_kms_encryption",
    title="AI data buckets are encrypted with KMS keys by default",
    description="Every bucket that holds training data, RAG sources, model artifacts or invocation logs has "
    "default encryption with SSE-KMS (or DSSE-KMS).",
    rationale=(
        "With SSE-KMS, reading training data, RAG documents or model weights also needs kms:Decrypt on the "
        "key: a second, audited permission that a leaked S3 credential or an over-broad bucket policy alone "
        "does not grant."
    ),
    remediation="`aws s3api put-bucket-encryption --bucket <name> --server-side-encryption-configuration "
    "'{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":"
    "\"<key-arn>\"},\"BucketKeyEnabled\":true}]}'`.",
    severity="medium",
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "LLM08:2025", "LLM10", "S3.17", "AML.M0005", "AML.M0012", "AML.T0035",
        "AML.T0036", "MEASURE 2.10", "MEASURE 2.7", "A.7.2", "Art. 15"],
    reads=[_scope.AI_BUCKET_READS, s3.ENCRYPTION],
)
def ai_bucket_kms_encryption(ctx: CheckContext) -> None:
    for bucket in _scope.judged(ctx, _scope.ai_buckets(ctx, s3.encryption_rules)):
        with ctx.resource(bucket.name, arn=bucket.arn, region=s3.bucket_region(ctx, bucket.name)):
            rules = s3.encryption_rules(ctx, bucket.name)
            defaults = [r.get("ApplyServerSideEncryptionByDefault") or {} for r in rules]
            algorithm = next((d.get("SSEAlgorithm") for d in defaults if d.get("SSEAlgorithm")), None)
            key = next((d.get("KMSMasterKeyID") for d in defaults if d.get("KMSMasterKeyID")), None)
            evidence = {"sse_algorithm": algorithm, "kms_key": key, "ai_data_because": bucket.why}
            if algorithm in KMS_ALGORITHMS:
                ctx.passed(f"default encryption is {algorithm}", evidence)
            elif algorithm:
                ctx.failed(f"default encryption is {algorithm}, not a KMS key", evidence)
            else:
                ctx.failed("no default encryption is configured", evidence)


@check(
    id="s3.ai_bucket_public_access_blocked",
    title="AI data buckets block all public access",
    description="For every AI data bucket, all four S3 Block Public Access settings are on, at the bucket or "
    "at the account level.",
    rationale=(
        "A public ACL or bucket policy on a training-data, RAG or model-artifact bucket exposes proprietary "
        "data and model weights to anyone, and a public write lets anyone poison what the model learns or "
        "retrieves."
    ),
    remediation="`aws s3api put-public-access-block --bucket <name> --public-access-block-configuration "
    "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true` (or the "
    "account-wide `aws s3control put-public-access-block`).",
    severity="high",
    maps=["PR.AA-05", "PR.DS-01", "LLM02:2025", "LLM03", "LLM04:2025", "LLM06", "LLM10", "S3.8", "AML.M0005",
        "AML.T0020", "AML.T0035", "AML.T0036", "MEASURE 2.10", "MEASURE 2.7", "A.6.2.6", "A.7.2", "Art. 15"],
    reads=[_scope.AI_BUCKET_READS, s3.PUBLIC_ACCESS_BLOCK, s3.ACCOUNT_PUBLIC_ACCESS_BLOCK],
)
def ai_bucket_public_access_blocked(ctx: CheckContext) -> None:
    for bucket in _scope.judged(ctx, _scope.ai_buckets(ctx, s3.public_access_block)):
        with ctx.resource(bucket.name, arn=bucket.arn, region=s3.bucket_region(ctx, bucket.name)):
            own = s3.public_access_block(ctx, bucket.name)
            # The account-wide settings matter only where the bucket's own are incomplete.
            complete = all(own.get(s) for s in PUBLIC_ACCESS_SETTINGS)
            account = {} if complete else s3.account_public_access_block(ctx)
            off = [s for s in PUBLIC_ACCESS_SETTINGS if not (own.get(s) or account.get(s))]
            evidence: dict[str, EvidenceValue] = {
                "settings_off": off, "ai_data_because": bucket.why, "bucket_level_all_on": complete,
                "account_level_all_on": None if complete else all(account.get(s) for s in PUBLIC_ACCESS_SETTINGS),
            }
            if off:
                ctx.failed(f"public access is not fully blocked: {', '.join(off)} off", evidence)
            else:
                ctx.passed("all four Block Public Access settings are on", evidence)


@check(
    id="s3.ai_bucket_tls_only",
    title="AI data buckets refuse requests without TLS",
    description="Every AI data bucket has a bucket policy that denies all requests where aws:SecureTransport "
    "is false.",
    rationale=(
        "Prompts, invocation logs, RAG documents and training data must not cross the network in clear text; "
        "only a bucket policy makes S3 refuse a plain-HTTP request."
    ),
    remediation="Add a bucket policy statement: Effect Deny, Principal *, Action s3:*, Resource the bucket "
    "and bucket/*, Condition {\"Bool\": {\"aws:SecureTransport\": \"false\"}}.",
    severity="medium",
    maps=["PR.DS-02", "LLM02:2025", "LLM06", "S3.5", "AML.M0012", "AML.T0025", "AML.T0063", "MEASURE 2.7", "A.7.2",
        "Art. 15"],
    reads=[_scope.AI_BUCKET_READS, s3.BUCKET_POLICY],
)
def ai_bucket_tls_only(ctx: CheckContext) -> None:
    for bucket in _scope.judged(ctx, _scope.ai_buckets(ctx, s3.bucket_policy)):
        with ctx.resource(bucket.name, arn=bucket.arn, region=s3.bucket_region(ctx, bucket.name)):
            policy = s3.bucket_policy(ctx, bucket.name)
            evidence: dict[str, EvidenceValue] = {"has_bucket_policy": policy is not None,
                                                  "ai_data_because": bucket.why}
            if tls_only(policy, bucket.name):
                ctx.passed("the bucket policy denies requests without TLS", evidence)
            elif policy is None:
                ctx.failed("no bucket policy: requests without TLS are accepted", evidence)
            else:
                ctx.failed("the bucket policy does not deny aws:SecureTransport=false", evidence)


@check(
    id="s3.ai_bucket_access_logging",
    title="AI data buckets log server access",
    description="Every AI data bucket has S3 server access logging enabled.",
    rationale=(
        "Access logs record who read or changed training data, RAG documents and model artifacts: the "
        "evidence to investigate data theft, model theft or poisoning."
    ),
    remediation="`aws s3api put-bucket-logging --bucket <name> --bucket-logging-status "
    "'{\"LoggingEnabled\":{\"TargetBucket\":\"<log-bucket>\",\"TargetPrefix\":\"<name>/\"}}'`.",
    severity="low",
    maps=["DE.CM-09", "PR.PS-04", "LLM02:2025", "LLM03", "LLM04:2025", "LLM10", "S3.9", "AML.M0024", "AML.M0025",
        "AML.T0020", "AML.T0035", "AML.T0036", "MANAGE 4.1", "MEASURE 2.4", "A.6.2.8", "A.7.5", "Art. 10"],
    reads=[_scope.AI_BUCKET_READS, s3.LOGGING],
)
def ai_bucket_access_logging(ctx: CheckContext) -> None:
    for bucket in _scope.judged(ctx, _scope.ai_buckets(ctx, s3.bucket_logging)):
        with ctx.resource(bucket.name, arn=bucket.arn, region=s3.bucket_region(ctx, bucket.name)):
            target = s3.bucket_logging(ctx, bucket.name).get("TargetBucket")
            evidence = {"log_bucket": target, "ai_data_because": bucket.why}
            if target:
                ctx.passed(f"access logs go to {target}", evidence)
            else:
                ctx.failed("server access logging is off", evidence)


@check(
    id="s3.account_public_access_blocked",
    title="S3 Block Public Access is on for the whole account",
    description="All four account-level S3 Block Public Access settings are on.",
    rationale=(
        "The account-wide block is the backstop for every bucket, including the next bucket a data scientist "
        "creates for a training set or an embedding export."
    ),
    remediation="`aws s3control put-public-access-block --account-id <id> "
    "--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
    "BlockPublicPolicy=true,RestrictPublicBuckets=true`.",
    resource_type="AwsAccount",
    severity="high",
    boundaries=["data", "organizational"],
    maps=["PR.DS-01", "PR.PS-01", "LLM02:2025", "LLM06", "LLM08:2025", "LLM10", "S3.1", "AML.M0005", "AML.T0020",
        "AML.T0035", "AML.T0036", "MEASURE 2.10", "MEASURE 2.7", "A.6.2.6", "A.7.2"],
    reads=[s3.ACCOUNT_PUBLIC_ACCESS_BLOCK],
)
def account_public_access_blocked(ctx: CheckContext) -> None:
    with ctx.account_resource():
        settings = s3.account_public_access_block(ctx)
        off = [s for s in PUBLIC_ACCESS_SETTINGS if not settings.get(s)]
        if off:
            ctx.failed(f"account-level Block Public Access is incomplete: {', '.join(off)} off",
                       {"settings_off": off, "configured": bool(settings)})
        else:
            ctx.passed("all four account-level Block Public Access settings are on")


# -- shadow buckets --------------------------------------------------------------------------
# The default bucket SageMaker (Python SDK `Session.default_bucket()`, Studio, Canvas, JumpStart)
# creates and writes to in each region: a name anyone can compute from the account id and region.
SAGEMAKER_DEFAULT_BUCKET = "sagemaker-{region}-{account}"


SAGEMAKER_USE_KINDS = (sagemaker.DOMAIN, sagemaker.NOTEBOOK, sagemaker.TRAINING_JOB)
SAGEMAKER_USE_READS = Reads(*(kind.list for kind in SAGEMAKER_USE_KINDS))  # what `sagemaker_used` reads


def sagemaker_used(ctx: CheckContext) -> bool:
    """Whether this region's SageMaker has a Studio domain, notebook instance or training job: the users
    and jobs that create and write the default bucket."""
    return any(sagemaker.summaries(ctx, kind) for kind in SAGEMAKER_USE_KINDS)


def judge_shadow_bucket(owned: bool, answer: str, used: bool | None) -> tuple[bool, str]:
    """(good, message) for one default bucket name: listed as ours, else what S3 said and whether
    SageMaker is used in its region (None: not read, only asked for unclaimed names)."""
    if owned or answer == "ours":
        return True, "this account owns the default bucket"
    if answer == "other":
        return False, "the default bucket name is owned by another account: SageMaker data written there leaves " \
            "the account and what is read from it (code, models, data) is the other account's"
    if used:
        return False, "unclaimed, while SageMaker is used in the region: anyone can create the bucket before " \
            "this account's SageMaker does and receive what it writes"
    return True, "no bucket has this name and SageMaker is not used in the region: nothing writes to it"


@check(
    id="s3.shadow_buckets",
    title="SageMaker default bucket names belong to this account",
    description="For each scanned region, the SageMaker default bucket name sagemaker-<region>-<account-id> is "
    "either a bucket of this account, or unclaimed in a region where SageMaker is not used. A bucket of that "
    "name owned by another account, or an unclaimed name where SageMaker runs, fails.",
    rationale=(
        "Bucket names are global and the default names are predictable. An attacker who creates "
        "sagemaker-<region>-<account-id> first (a 'shadow resource', as Aqua's Bucket Monopoly research showed "
        "for several AWS services) receives the training data, notebooks and model artifacts SageMaker writes "
        "there and can plant code or models that the account's jobs then load."
    ),
    remediation="A name owned by another account: stop using it (set `default_bucket` in the SageMaker SDK "
    "config / domain settings to a bucket of this account), report it to AWS and review what was written "
    "there. An unclaimed name: claim it, `aws s3api create-bucket --bucket sagemaker-<region>-<account-id> "
    "--region <region>` (with Block Public Access and encryption).",
    severity="critical",
    boundaries=["data", "model"],
    maps=["ID.AM-08", "PR.DS-01", "LLM03", "LLM03:2025", "LLM04:2025", "LLM05", "AML.T0010", "AML.T0020", "AML.T0025",
        "MANAGE 3.1", "MEASURE 2.7", "A.4.3", "A.7.5", "Art. 10", "Art. 15"],
    docs_url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html",
    reads=[s3.LIST_BUCKETS, s3.LOCATION, SAGEMAKER_USE_READS],
)
def shadow_buckets(ctx: CheckContext) -> None:
    for region in ctx.regions:
        if not ctx.offers("sagemaker", region):
            continue
        name = SAGEMAKER_DEFAULT_BUCKET.format(region=region, account=ctx.account_id)
        with ctx.resource(name, arn=f"arn:{ctx.partition}:s3:::{name}", region=region):
            owned = name in {b["Name"] for b in s3.buckets(ctx)}  # read here: a failed list is this name's ERROR
            answer = "ours" if owned else s3.bucket_owner_answer(ctx, name)
            used = sagemaker_used(ctx.in_region(region)) if answer == "none" else None
            good, message = judge_shadow_bucket(owned, answer, used)
            evidence: dict[str, EvidenceValue] = {"owner": {"ours": "this account", "other": "another account",
                                                           "none": "unclaimed"}[answer],
                                                  "sagemaker_used": used, "service": "sagemaker"}
            if good:
                ctx.passed(message, evidence)
            else:
                ctx.failed(message, evidence)


@check(
    id="s3.ai_bucket_outside_access",
    title="No one outside the account or its organization can reach an AI bucket",
    description="The bucket policy and the ACL of every AI bucket (tagged posture:ai-data, or named by SageMaker, "
    "Bedrock logging, custom models or knowledge-base data sources) let no one outside this account and its "
    "organization read, write or manage it. Judged by the one exposure question (checks/_exposure.py): an ACL "
    "grant is read as the statement it amounts to (AllUsers: anyone; AuthenticatedUsers: any account).",
    rationale=(
        "AI buckets hold training data, RAG sources, model artifacts and invocation logs. Another account or an "
        "unrestricted service that may read them takes the data; one that may write them poisons the model or "
        "the knowledge base."
    ),
    remediation="Remove the outside principals from the bucket policy (`aws s3api put-bucket-policy`), set "
    "`aws s3api put-bucket-ownership-controls --bucket <bucket-name> "
    "--ownership-controls Rules=[{ObjectOwnership=BucketOwnerEnforced}]` "
    "to disable ACLs, and scope service principals with aws:SourceAccount.",
    severity="high",
    maps=["PR.AA-05", "PR.DS-01", "LLM02:2025", "LLM04", "LLM06", "S3.2", "AML.T0035", "MEASURE 2.7", "A.6.2.6"],
    reads=[_scope.AI_BUCKET_READS, _exposure.AI_BUCKET.reads],
)
def ai_bucket_outside_access(ctx: CheckContext) -> None:
    buckets = _scope.judged(ctx, _scope.ai_buckets(ctx))
    _exposure.judge(ctx, _exposure.AI_BUCKET, [_exposure.Target(b.name, b.arn, b.why) for b in buckets])
