"""AWS CloudTrail: the account's record of every API call, AI services included."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from posture.api import AwsReadError, CheckContext, EvidenceValue, Family
from posture.checks import _exposure, _scope
from posture.checks._read import bedrock_agent, bedrock_agentcore, cloudtrail, read_ahead, s3
from posture.checks._read.cloudtrail import event_selectors, logging_trails_covering, lookup_events, trail_status

check = Family(
    service="cloudtrail",
    scope="global",
    resource_type="Other",
    boundaries=["organizational", "data"],
    service_docs="https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html",
    maps=["A.6.2.8"],
)


@check(
    id="cloudtrail.multi_region_trail_logging",
    title="A multi-region CloudTrail trail is logging with log file validation",
    description="At least one trail covers every region, is currently logging read and write management "
    "events, and validates its log files (an organization trail of the management account counts).",
    rationale=(
        "Who changed a guardrail, read a training bucket or assumed an agent's role is answered only by "
        "CloudTrail; validation proves the logs were not edited after the fact."
    ),
    remediation="Create or fix a trail: `aws cloudtrail create-trail --name <name> --s3-bucket-name <s3-bucket-name> "
                "--is-multi-region-trail --enable-log-file-validation` then `aws cloudtrail start-logging`.",
    resource_type="AwsAccount",
    severity="high",
    boundaries=["organizational", "application"],
    maps=["DE.CM-03", "PR.PS-04", "LLM06:2025", "LLM08", "LLM10", "CloudTrail.1", "CloudTrail.4", "AML.M0024",
        "AML.T0012", "AML.T0040", "MANAGE 4.1", "MANAGE 4.3", "MEASURE 2.4"],
    reads=[cloudtrail.TRAIL],
)
def multi_region_trail_logging(ctx: CheckContext) -> None:
    with ctx.account_resource():
        gaps: dict[str, list[str]] = {}  # by trail ARN: two trails may share a name across regions or accounts
        unverified: dict[str, str] = {}  # organization trails of another account whose state this one cannot read
        for trail in cloudtrail.trails(ctx):
            arn = trail["TrailARN"]
            missing = trail_shortfalls(trail)
            if missing:
                gaps[arn] = missing
                continue
            try:
                status, selectors = trail_status(ctx, trail), event_selectors(ctx, trail)
            except AwsReadError as exc:
                owner = trail_account(trail)
                if not (trail.get("IsOrganizationTrail") and owner != ctx.account_id
                        and (exc.denied or exc.code == "TrailNotFoundException")):
                    raise
                unverified[arn] = f"organization trail of account {owner}: {exc.reason}"
                continue
            if not status.get("IsLogging"):
                missing.append("not logging")
            missing += management_shortfalls(trail, selectors)
            gaps[arn] = missing
        good = [arn for arn, missing in gaps.items() if not missing]
        evidence: dict[str, EvidenceValue] = {"trails": sorted(gaps) + sorted(unverified)}
        if good:
            ctx.passed(f"trail {good[0]} is multi-region, logging all management events and validated",
                       {**evidence, "trails": good, "organization_trail": [a for a in good if trail_account_arn(a)
                                                                              != ctx.account_id]})
        elif unverified:
            detail = "; ".join(f"{arn}: {why}" for arn, why in sorted(unverified.items()))
            ctx.error("only organization trails of another account could cover this account, and their status "
                      f"and event selectors cannot be read from it; scan the management account ({detail})",
                      evidence)
        elif gaps:
            detail = "; ".join(f"{arn}: {', '.join(missing)}" for arn, missing in gaps.items())
            ctx.failed(f"no trail is multi-region, logging all management events and validated ({detail})",
                       evidence)
        else:
            ctx.failed("no CloudTrail trail logs this account", {"trails": []})


def trail_account_arn(arn: str) -> str:
    return arn.split(":")[4] if arn.count(":") >= 5 else ""


def trail_account(trail: dict[str, Any]) -> str:
    return trail_account_arn(str(trail.get("TrailARN", "")))


def trail_shortfalls(trail: dict[str, Any]) -> list[str]:
    """What the trail's description alone says it lacks (no read needed)."""
    missing = []
    if not trail.get("IsMultiRegionTrail"):
        missing.append("not multi-region")
    if not trail.get("LogFileValidationEnabled"):
        missing.append("no log file validation")
    return missing


# Event sources AWS itself offers to leave out of management events to save cost.
OPTIONAL_MANAGEMENT_SOURCES = frozenset({"kms.amazonaws.com", "rdsdata.amazonaws.com"})


def management_coverage(trail: dict[str, Any], selectors: dict[str, Any]) -> frozenset[str]:
    """Which of read/write management events the trail's selectors log. A trail whose selectors were
    never changed (HasCustomEventSelectors false) logs all of them: AWS's default selector."""
    advanced = selectors.get("AdvancedEventSelectors") or []
    classic = selectors.get("EventSelectors") or []
    if not advanced and not classic:
        custom = trail.get("HasCustomEventSelectors") or trail.get("HasAdvancedEventSelectors")
        return frozenset() if custom else BOTH
    covered: set[str] = set()
    for selector in classic:
        if selector.get("IncludeManagementEvents", True):
            kind = selector.get("ReadWriteType", "All")
            covered |= {READ} if kind == "ReadOnly" else {WRITE} if kind == "WriteOnly" else BOTH
    for selector in advanced:
        fields = {f["Field"]: f for f in selector.get("FieldSelectors", [])}
        if "Management" not in fields.get("eventCategory", {}).get("Equals", []):
            continue
        source = fields.get("eventSource", {})
        narrowed = [k for k in source if k not in ("Field", "NotEquals")]
        if narrowed or not set(source.get("NotEquals", [])) <= OPTIONAL_MANAGEMENT_SOURCES:
            continue  # a selector that keeps only some services' events does not record the account
        read_only = fields.get("readOnly", {}).get("Equals", [])
        covered |= {READ} if read_only == ["true"] else {WRITE} if read_only == ["false"] else BOTH
    return frozenset(covered)


def management_shortfalls(trail: dict[str, Any], selectors: dict[str, Any]) -> list[str]:
    covered = management_coverage(trail, selectors)
    if not covered:
        return ["no management events"]
    if covered != BOTH:
        return [f"only {next(iter(covered))} management events"]
    return []


# -- every trail, data-event selectors ------------------------------------------------------
READ, WRITE = "read", "write"
BOTH = frozenset({READ, WRITE})
S3_OBJECT = "AWS::S3::Object"
BEDROCK_AGENT_ALIAS, BEDROCK_KNOWLEDGE_BASE = "AWS::Bedrock::AgentAlias", "AWS::Bedrock::KnowledgeBase"


def all_trails(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every trail seen from any scanned region (single-region trails are listed only in their own);
    a region whose trails cannot be read is one ERROR there, and the others' trails are judged."""
    listed, gaps = ctx.each_region("cloudtrail", "CloudTrail trails", cloudtrail.trails)
    ctx.report_region_gaps(gaps)
    found: dict[str, dict[str, Any]] = {}
    for region in sorted(listed):
        for trail in listed[region]:
            found.setdefault(trail["TrailARN"], trail)
    return [found[arn] for arn in sorted(found)]


def _arn_matches(fields: dict[str, dict[str, list[str]]], arn_prefix: str) -> bool:
    """Whether a selector's resources.ARN conditions keep every event under `arn_prefix`."""
    arn = fields.get("resources.ARN")
    if not arn:
        return True
    if any(arn_prefix.startswith(v) for v in arn.get("NotStartsWith", [])):
        return False
    if any(v.startswith(arn_prefix) for v in arn.get("NotEquals", [])):
        return False  # excludes part of the resource
    positive = arn.get("StartsWith", []) + arn.get("Equals", [])
    if not positive:
        return True
    return any(arn_prefix.startswith(v) for v in arn.get("StartsWith", [])) or arn_prefix in arn.get("Equals", [])


def advanced_coverage(selector: dict[str, Any], resource_type: str, arn_prefix: str) -> frozenset[str]:
    """Which of read/write data events on `resource_type` under `arn_prefix` an advanced selector logs.
    Narrowing by eventName still counts (teams narrow to control cost); narrowing the resource does not."""
    fields = {f["Field"]: f for f in selector.get("FieldSelectors", [])}
    category = fields.get("eventCategory", {})
    types = fields.get("resources.type", {})
    if "Data" not in category.get("Equals", []) or resource_type not in types.get("Equals", []):
        return frozenset()
    if not _arn_matches(fields, arn_prefix):
        return frozenset()
    read_only = fields.get("readOnly", {}).get("Equals", [])
    if read_only == ["true"]:
        return frozenset({READ})
    if read_only == ["false"]:
        return frozenset({WRITE})
    return BOTH


def classic_coverage(selector: dict[str, Any], resource_type: str, arn_prefix: str) -> frozenset[str]:
    """The same for a classic event selector (DataResources with ARN prefixes)."""
    for resource in selector.get("DataResources", []):
        if resource.get("Type") != resource_type:
            continue
        # "arn:aws:s3" (or "arn:aws:s3:::") logs every bucket; "arn:aws:s3:::b/" one bucket.
        if any(arn_prefix.startswith(v) for v in resource.get("Values", [])):
            kind = selector.get("ReadWriteType", "All")
            return frozenset({READ}) if kind == "ReadOnly" else frozenset({WRITE}) if kind == "WriteOnly" else BOTH
    return frozenset()


def data_event_coverage(ctx: CheckContext, trail: dict[str, Any], resource_type: str,
                        arn_prefix: str) -> frozenset[str]:
    selectors = event_selectors(ctx, trail)
    covered: set[str] = set()
    for selector in selectors.get("AdvancedEventSelectors") or []:
        covered |= advanced_coverage(selector, resource_type, arn_prefix)
    for selector in selectors.get("EventSelectors") or []:
        covered |= classic_coverage(selector, resource_type, arn_prefix)
    return frozenset(covered)


@check(
    id="cloudtrail.trail_logs_kms_encrypted",
    title="CloudTrail trails encrypt their logs with a KMS key",
    description="Every trail that logs this account encrypts its log files with a customer managed KMS key "
    "(SSE-KMS) instead of the bucket's default encryption.",
    rationale=(
        "Trail logs name the buckets, models, agents and roles of the AI workload and every call made to "
        "them. SSE-KMS adds a second permission (kms:Decrypt) that a reader of the log bucket must also hold."
    ),
    remediation="`aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn>` (the key policy must let "
                "cloudtrail.amazonaws.com encrypt).",
    resource_type="AwsCloudTrailTrail",
    severity="medium",
    maps=["PR.DS-01", "PR.PS-04", "LLM02:2025", "LLM06", "CloudTrail.2", "AML.M0012", "AML.T0036", "MEASURE 2.7"],
    reads=[cloudtrail.DESCRIBE_TRAILS],
)
def trail_logs_kms_encrypted(ctx: CheckContext) -> None:
    for trail in all_trails(ctx):
        with ctx.resource(trail["Name"], arn=trail["TrailARN"], region=trail.get("HomeRegion")):
            if trail.get("KmsKeyId"):
                ctx.passed("log files are encrypted with a KMS key", {"kms_key": trail["KmsKeyId"]})
            else:
                ctx.failed("log files are not encrypted with a KMS key", {"kms_key": None})


@check(
    id="cloudtrail.trail_cloudwatch_logs_integrated",
    title="CloudTrail trails deliver to CloudWatch Logs",
    description="Every trail that logs this account also delivers its events to a CloudWatch Logs log group.",
    rationale=(
        "S3 delivery is for the record; CloudWatch Logs is where metric filters and alarms fire within "
        "minutes when someone disables model invocation logging, deletes a guardrail or reads a training bucket."
    ),
    remediation="`aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn <log-group-arn> "
                "--cloud-watch-logs-role-arn <role-arn>`.",
    resource_type="AwsCloudTrailTrail",
    severity="low",
    boundaries=["organizational"],
    maps=["DE.AE-02", "DE.CM-03", "LLM06:2025", "LLM08", "LLM10", "LLM10:2025", "CloudTrail.5", "AML.M0024",
        "AML.T0012", "MANAGE 4.1", "MEASURE 2.4"],
    reads=[cloudtrail.DESCRIBE_TRAILS],
)
def trail_cloudwatch_logs_integrated(ctx: CheckContext) -> None:
    for trail in all_trails(ctx):
        with ctx.resource(trail["Name"], arn=trail["TrailARN"], region=trail.get("HomeRegion")):
            group = trail.get("CloudWatchLogsLogGroupArn")
            if group:
                ctx.passed("events are delivered to CloudWatch Logs", {"log_group": group})
            else:
                ctx.failed("events are not delivered to CloudWatch Logs", {"log_group": None})


@check(
    id="cloudtrail.ai_bucket_data_events_logged",
    title="CloudTrail records object reads and writes in AI data buckets",
    description="For every AI data bucket (training data, RAG sources, model artifacts, invocation logs), a "
    "logging trail that covers the bucket's region records S3 object data events, both reads and writes, "
    "through classic or advanced event selectors.",
    rationale=(
        "Management events do not show who put a poisoned document into the RAG source or copied the "
        "training set out. Object-level data events do, and they are off unless selected."
    ),
    remediation="`aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors "
    "'[{\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Data\"]},{\"Field\":\"resources.type\","
    "\"Equals\":[\"AWS::S3::Object\"]},{\"Field\":\"resources.ARN\",\"StartsWith\":[\"arn:aws:s3:::<bucket>/\"]}]}]'`.",
    resource_type="AwsS3Bucket",
    severity="medium",
    boundaries=["data", "organizational"],
    maps=["DE.CM-03", "DE.CM-09", "PR.PS-04", "LLM02:2025", "LLM03", "LLM04:2025", "LLM10", "S3.22", "S3.23",
        "AML.M0024", "AML.M0025", "AML.T0020", "AML.T0035", "AML.T0070", "MANAGE 4.1", "MEASURE 2.4", "A.7.5",
        "Art. 10"],
    reads=[_scope.AI_BUCKET_READS, cloudtrail.TRAIL],
)
def ai_bucket_data_events_logged(ctx: CheckContext) -> None:
    for bucket in _scope.judged(ctx, _scope.ai_buckets(ctx)):
        region = s3.bucket_region(ctx, bucket.name)
        with ctx.resource(bucket.name, arn=bucket.arn, region=region):
            covered: dict[str, set[str]] = {READ: set(), WRITE: set()}
            for trail in logging_trails_covering(ctx, region):
                for kind in data_event_coverage(ctx, trail, S3_OBJECT, f"{bucket.arn}/"):
                    covered[kind].add(trail["Name"])
            evidence: dict[str, EvidenceValue] = {"read_events_by": sorted(covered[READ]),
                                                  "write_events_by": sorted(covered[WRITE]),
                                                  "ai_data_because": bucket.why}
            missing = [kind for kind in (READ, WRITE) if not covered[kind]]
            if missing:
                ctx.failed(f"no logging trail records object {' or '.join(missing)} events", evidence)
            else:
                ctx.passed("object reads and writes are recorded", evidence)


@check(
    id="cloudtrail.bedrock_data_events_logged",
    title="CloudTrail records Bedrock agent and knowledge-base calls",
    description="For every Bedrock agent and knowledge base in the region, a logging trail that covers the "
    "region has an advanced event selector for its data events (AWS::Bedrock::AgentAlias for InvokeAgent, "
    "AWS::Bedrock::KnowledgeBase for Retrieve and RetrieveAndGenerate).",
    rationale=(
        "Agent invocations and knowledge-base retrievals are data events, not logged by default: without "
        "them nobody can say who asked the agent to act, or which caller pulled which documents out of the RAG "
        "store."
    ),
    remediation="Add an advanced event selector to a trail: eventCategory=Data, resources.type in "
                "AWS::Bedrock::AgentAlias and AWS::Bedrock::KnowledgeBase (`aws cloudtrail put-event-selectors "
                "--trail-name <trail-name> --advanced-event-selectors <advanced-event-selectors>`).",
    scope="regional",
    severity="medium",
    boundaries=["application", "organizational"],
    maps=["DE.CM-03", "DE.CM-09", "PR.PS-04", "LLM02:2025", "LLM06", "LLM06:2025", "LLM08", "AML.M0024", "AML.T0051",
        "AML.T0053", "AML.T0085", "AML.T0085.000", "MANAGE 4.1", "MEASURE 2.4", "ASI10", "Art. 12"],
    reads=[cloudtrail.TRAIL, bedrock_agent.LIST_AGENTS, bedrock_agent.LIST_KNOWLEDGE_BASES],
)
def bedrock_data_events_logged(ctx: CheckContext) -> None:
    if not ctx.offers("bedrock-agent", ctx.region):
        return  # no agents or knowledge bases can exist here
    base = f"arn:{ctx.partition}:bedrock:{ctx.region}:{ctx.account_id}"
    resources = [(a["agentId"], a.get("agentName", a["agentId"]), BEDROCK_AGENT_ALIAS,
                  f"{base}:agent-alias/{a['agentId']}/", f"{base}:agent/{a['agentId']}")
                 for a in bedrock_agent.agents(ctx)]
    resources += [(k["knowledgeBaseId"], k.get("name", k["knowledgeBaseId"]), BEDROCK_KNOWLEDGE_BASE,
                   f"{base}:knowledge-base/{k['knowledgeBaseId']}", f"{base}:knowledge-base/{k['knowledgeBaseId']}")
                  for k in bedrock_agent.knowledge_bases(ctx)]
    for resource_id, name, resource_type, arn_prefix, arn in resources:
        with ctx.resource(resource_id, arn=arn):
            by = sorted(t["Name"] for t in logging_trails_covering(ctx, ctx.region)
                        if data_event_coverage(ctx, t, resource_type, arn_prefix))
            evidence = {"name": name, "data_event_type": resource_type, "trails": by}
            if by:
                ctx.passed(f"{resource_type} data events are recorded by trail {by[0]}", evidence)
            else:
                ctx.failed(f"no logging trail records {resource_type} data events", evidence)


@check(
    id="cloudtrail.trail_bucket_not_public",
    title="The S3 buckets of CloudTrail logs are not public",
    description="Every trail's log bucket that belongs to this account blocks public access, or at least has "
    "no public bucket policy and no ACL grant to everyone. Buckets of other accounts (central logging) are "
    "judged in their own account.",
    rationale=(
        "A public log bucket hands an attacker the map of the AI workload — models, agents, buckets, roles "
        "and who calls them — and lets them learn which of their actions were recorded."
    ),
    remediation="`aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration "
    "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`.",
    resource_type="AwsS3Bucket",
    severity="high",
    maps=["PR.AA-05", "PR.DS-01", "LLM02:2025", "LLM06", "CloudTrail.6", "AML.M0005", "AML.T0036", "MEASURE 2.7"],
    reads=[cloudtrail.DESCRIBE_TRAILS, s3.LIST_BUCKETS, s3.LOCATION, s3.PUBLIC_ACCESS_BLOCK, s3.POLICY_STATUS, s3.ACL],
)
def trail_bucket_not_public(ctx: CheckContext) -> None:
    own = {b["Name"] for b in s3.buckets(ctx)}
    names = sorted({t["S3BucketName"] for t in all_trails(ctx) if t.get("S3BucketName") in own})
    read_ahead(ctx, names, s3.bucket_region, s3.public_access_block)
    for name in names:
        with ctx.resource(name, arn=f"arn:{ctx.partition}:s3:::{name}", region=s3.bucket_region(ctx, name)):
            block = s3.public_access_block(ctx, name)
            evidence: dict[str, Any] = {"block_public_access": all(block.get(k) for k in BLOCK_KEYS)}
            if evidence["block_public_access"]:
                ctx.passed("Block Public Access is on for the bucket", evidence)
                continue
            evidence["public_policy"] = s3.policy_is_public(ctx, name)
            evidence["public_acl_grants"] = public_acl_grants(s3.acl_grants(ctx, name))
            if evidence["public_policy"] or evidence["public_acl_grants"]:
                ctx.failed("the log bucket is public", evidence)
            else:
                ctx.passed("the log bucket is not public (but Block Public Access is off)", evidence)


BLOCK_KEYS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def public_acl_grants(grants: list[dict[str, Any]]) -> list[str]:
    """The permissions a bucket ACL grants to everyone (all users, or every authenticated AWS user): the grants
    `_exposure` finds open to anyone or any account, read as the statements they amount to."""
    everyone = [g for g in grants if g.get("Grantee", {}).get("URI")]  # group grantees: no owner to drop
    found = _exposure.exposure(_exposure.s3_acl_statements(everyone, None), _exposure.S3_ACTIONS,
                               account_id="")
    labels = {label for o in found if o.who in ("anyone", "any account") for label in o.statements}
    return sorted({str(g["Permission"]) for i, g in enumerate(everyone)
                   if _exposure.s3_acl_label(i, g) in labels})


# -- Bedrock AgentCore data events ------------------------------------------------------------
AGENTCORE_RUNTIME, AGENTCORE_GATEWAY = "AWS::BedrockAgentCore::Runtime", "AWS::BedrockAgentCore::Gateway"


@check(
    id="cloudtrail.agentcore_data_events",
    title="CloudTrail records Bedrock AgentCore runtime and gateway calls",
    description="For every AgentCore runtime and gateway in the region, a logging trail that covers the region "
    "has an advanced event selector for its data events (resources.type AWS::BedrockAgentCore::Runtime for "
    "InvokeAgentRuntime, AWS::BedrockAgentCore::Gateway for InvokeGateway tool calls), not narrowed away from "
    "the resource by ARN.",
    rationale=(
        "Agent invocations and the tool calls a gateway makes are data events, off by default: without them "
        "there is no record of who drove an agent, which tools it called or what a prompt-injected session "
        "did, and nothing to alert on."
    ),
    remediation="Add an advanced event selector to a trail: `aws cloudtrail put-event-selectors --trail-name "
    "<trail> --advanced-event-selectors '[{\"Name\":\"AgentCore\",\"FieldSelectors\":[{\"Field\":"
    "\"eventCategory\",\"Equals\":[\"Data\"]},{\"Field\":\"resources.type\",\"Equals\":["
    "\"AWS::BedrockAgentCore::Runtime\"]}]},{\"Name\":\"AgentCoreGateway\",\"FieldSelectors\":[{\"Field\":"
    "\"eventCategory\",\"Equals\":[\"Data\"]},{\"Field\":\"resources.type\",\"Equals\":["
    "\"AWS::BedrockAgentCore::Gateway\"]}]}]'` (keep the trail's existing selectors in the list).",
    scope="regional",
    severity="medium",
    boundaries=["application", "organizational"],
    maps=["DE.CM-03", "DE.CM-09", "PR.PS-04", "LLM02:2025", "LLM06", "LLM06:2025", "LLM08", "AML.M0024", "AML.T0051",
        "AML.T0053", "MANAGE 4.1", "MEASURE 2.4", "A.6.2.6", "ASI02", "ASI10", "Art. 12", "Art. 19"],
    reads=[cloudtrail.TRAIL, bedrock_agentcore.LIST_RUNTIMES, bedrock_agentcore.LIST_GATEWAYS],
    docs_url="https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/enabling-cloudtrail-data-event-logging.html",
)
def agentcore_data_events(ctx: CheckContext) -> None:
    if not ctx.offers(bedrock_agentcore.SERVICE, ctx.region):
        return  # no AgentCore resources can exist here
    resources = [(r["agentRuntimeId"], r.get("agentRuntimeName", r["agentRuntimeId"]), AGENTCORE_RUNTIME,
                  r["agentRuntimeArn"]) for r in bedrock_agentcore.runtimes(ctx)]
    resources += [(g["gatewayId"], g.get("name", g["gatewayId"]), AGENTCORE_GATEWAY,
                   bedrock_agentcore.gateway_arn(ctx, g["gatewayId"])) for g in bedrock_agentcore.gateways(ctx)]
    for resource_id, name, resource_type, arn in resources:
        with ctx.resource(resource_id, arn=arn):
            by = sorted(t["Name"] for t in logging_trails_covering(ctx, ctx.region)
                        if data_event_coverage(ctx, t, resource_type, arn))
            evidence = {"name": name, "data_event_type": resource_type, "trails": by}
            if by:
                ctx.passed(f"{resource_type} data events are recorded by trail {by[0]}", evidence)
            else:
                ctx.failed(f"no logging trail records {resource_type} data events", evidence)


# -- LLMjacking indicators in the event history -----------------------------------------------
# Account-level model-access and logging changes that LLMjacking reports (Sysdig, Permiso, Elastic's
# Bedrock rules) name as the attacker's first steps: unlock models, then blind the account.
MODEL_ACCESS_EVENTS = frozenset({
    "PutFoundationModelEntitlement", "PutUseCaseForModelAccess", "CreateFoundationModelAgreement",
    "DeleteModelInvocationLoggingConfiguration",
})
BEDROCK_KEY_EVENT = "CreateServiceSpecificCredential"  # a Bedrock API key (IAM, service bedrock.amazonaws.com)
INVOCATION_EVENTS = frozenset({"InvokeModel", "InvokeModelWithResponseStream", "Converse", "ConverseStream"})


@dataclass(frozen=True)
class Indicator:
    kind: str  # "model-access" or "invocation"
    event: str
    principal: str
    first: str
    last: str
    count: int
    event_id: str
    error: str | None


def event_principal(record: dict[str, Any]) -> str:
    """Who made a CloudTrail event: the role behind an assumed-role session, else the identity's ARN."""
    identity = record.get("userIdentity") or {}
    issuer = (identity.get("sessionContext") or {}).get("sessionIssuer") or {}
    if identity.get("type") == "AssumedRole" and issuer.get("arn"):
        return str(issuer["arn"])
    return str(identity.get("arn") or identity.get("invokedBy") or identity.get("type") or "unknown")


def _record(event: dict[str, Any]) -> dict[str, Any]:
    try:
        parsed = json.loads(event.get("CloudTrailEvent") or "{}")
    except ValueError:
        parsed = {}
    return parsed if isinstance(parsed, dict) else {}


def _time(event: dict[str, Any], record: dict[str, Any]) -> str:
    when = event.get("EventTime") or record.get("eventTime")
    if isinstance(when, int | float) and not isinstance(when, bool):
        when = datetime.fromtimestamp(when, UTC)
    return when.isoformat() if isinstance(when, datetime) else str(when or "")


def llmjacking_indicators_of(events: list[dict[str, Any]], ai_roles: set[str] | None) -> list[Indicator]:
    """The indicators among LookupEvents results: every model-access change and Bedrock API-key creation,
    and invocations by principals outside the AI roles grouped by (principal, event). `ai_roles` None: the
    AI roles are unknown, invocations are not judged."""
    found: list[Indicator] = []
    invocations: dict[tuple[str, str], list[tuple[str, str, str | None]]] = {}
    seen: set[str] = set()
    for event in events:
        record = _record(event)
        name = str(event.get("EventName") or record.get("eventName") or "")
        event_id = str(event.get("EventId") or record.get("eventID") or "")
        if event_id and event_id in seen:
            continue
        seen.add(event_id)
        principal, when = event_principal(record), _time(event, record)
        error = record.get("errorCode")
        if name in MODEL_ACCESS_EVENTS or (
                name == BEDROCK_KEY_EVENT
                and (record.get("requestParameters") or {}).get("serviceName") == "bedrock.amazonaws.com"):
            found.append(Indicator("model-access", name, principal, when, when, 1, event_id, error))
        elif name in INVOCATION_EVENTS and ai_roles is not None and principal not in ai_roles \
                and (record.get("userIdentity") or {}).get("type") != "AWSService":
            invocations.setdefault((principal, name), []).append((when, event_id, error))
    for (principal, name), calls in sorted(invocations.items()):
        times = sorted(t for t, _, _ in calls)
        errors = sorted({e for _, _, e in calls if e})
        found.append(Indicator("invocation", name, principal, times[0], times[-1], len(calls),
                               min(i for _, i, _ in calls), ", ".join(errors) or None))
    return found


@check(
    id="cloudtrail.llmjacking_indicators",
    title="No LLMjacking indicators in the recent CloudTrail event history",
    description="Opt-in (`[checks.cloudtrail] lookback_days = N`): the region's CloudTrail event history of the "
    "last N days (LookupEvents, bounded) holds no Bedrock model-access change (PutFoundationModelEntitlement, "
    "PutUseCaseForModelAccess, CreateFoundationModelAgreement), no deletion of model invocation logging, no "
    "Bedrock API key creation (CreateServiceSpecificCredential for bedrock.amazonaws.com), and no "
    "InvokeModel/Converse-family call by a principal outside the account's AI roles.",
    rationale=(
        "LLMjacking is the abuse of stolen cloud credentials to run expensive models at the victim's cost: "
        "attackers enable model access, turn invocation logging off so their prompts leave no trace, mint "
        "long-lived Bedrock keys and then invoke models from identities that never used them before."
    ),
    remediation="Investigate each event's principal (source IP, user agent, access key); if unexpected, deactivate "
                "its keys (`aws iam update-access-key --status Inactive --access-key-id <access-key-id>`, `aws iam "
                "delete-service-specific-credential --service-specific-credential-id "
                "<service-specific-credential-id>`), revoke role sessions, restore invocation logging and restrict "
                "bedrock:InvokeModel and model-access actions to the AI roles (SCP or permission boundary).",
    scope="regional",
    severity="high",
    boundaries=["model", "organizational"],
    maps=["DE.AE-02", "DE.CM-03", "DE.CM-09", "LLM04", "LLM10", "LLM10:2025", "AML.M0024", "AML.T0012", "AML.T0034",
        "AML.T0040", "MANAGE 4.1", "MEASURE 2.4", "MEASURE 2.7", "A.6.2.6", "Art. 12", "Art. 15"],
    reads=[cloudtrail.LOOKUP_EVENTS, _scope.AI_ROLE_READS],
    docs_url="https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html",
)
def llmjacking_indicators(ctx: CheckContext) -> None:
    days = ctx.setting("lookback_days", 0)
    if days <= 0:
        return  # opt-in: LookupEvents is slow and rate limited
    end = datetime.now(UTC).replace(microsecond=0)
    start = end - timedelta(days=days)
    indicators: list[Indicator] = []  # stays empty when the history cannot be read (the account's ERROR)
    with ctx.account_resource():
        # Rare events by name (a busy account's newest Bedrock events are all invocations), then the
        # invocations themselves through the event source.
        names = sorted(MODEL_ACCESS_EVENTS)
        if ctx.home().region == ctx.region:  # IAM's events are recorded in the partition's home region
            names.append(BEDROCK_KEY_EVENT)
        events: list[dict[str, Any]] = []
        truncated = False
        for attribute, value in [("EventName", n) for n in names] + [("EventSource", "bedrock.amazonaws.com")]:
            page, more = lookup_events(ctx, attribute, value, start, end)
            events, truncated = events + page, truncated or more
        invoked = any(e.get("EventName") in INVOCATION_EVENTS for e in events)
        roles: set[str] | None = set()
        unjudged = None
        if invoked:
            try:
                roles = {role["Arn"] for role, _ in _scope.judged(ctx, _scope.ai_roles(ctx))}
            except AwsReadError as exc:
                roles, unjudged = None, exc.reason
        indicators = llmjacking_indicators_of(events, roles)
        evidence: dict[str, EvidenceValue] = {"lookback_days": days, "events_read": len(events),
                                              "history_truncated": truncated}
        if unjudged:
            ctx.error(f"model invocations cannot be judged: the AI roles cannot be read ({unjudged}); "
                      f"{len(indicators)} model-access indicator(s) reported apart", evidence)
        elif not indicators:
            ctx.passed(f"no LLMjacking indicator in the last {days} days"
                       + (" (only the newest events were read)" if truncated else ""), evidence)
            return
        else:
            ctx.skip()
    for found in indicators:
        # A model-access change is one event; invocations are one problem per (event, principal), stable
        # from scan to scan as new calls arrive.
        key = found.event_id if found.kind == "model-access" else found.principal
        with ctx.resource(f"{found.event}/{key}", arn=None):
            what = (f"{found.event} by {found.principal} at {found.first}" if found.kind == "model-access" else
                    f"{found.count} {found.event} call(s) by {found.principal}, outside the AI roles, "
                    f"{found.first} to {found.last}")
            ctx.failed(what + (f" (failed: {found.error})" if found.error else ""), {
                "indicator": found.kind, "event_name": found.event, "principal": found.principal,
                "first_seen": found.first, "last_seen": found.last, "count": found.count,
                "error_code": found.error, "lookback_days": days})
