"""Exposure: who outside this account (and outside its organization) can do what to an AI asset, and under
which remaining conditions. One question, asked of every asset kind that has a policy (STYLE lesson 15).

`exposure` answers it from policy documents alone, by the evaluator (`_policy.who_can`, once per action of the
asset kind's own action vocabulary). A principal that gets every action of the vocabulary — `*`, or a
service-wide action such as `bedrock:*` on an endpoint that serves one service — gets everything the asset
serves, and is reported so. Grants that are not IAM policies (KMS grants, S3 ACLs, OpenSearch Serverless data
access rules) are first written as the policy statements they amount to, so the evaluator judges them too.

`ASSETS` is the asset table: one row per asset kind (the read that lists the assets, the reads of the policy,
the action vocabulary, the ARN, the check that judges it). `judge` is the one check body every row's check
calls with the assets its scope chose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Literal

from posture.api import AwsReadError, CheckContext, Outcome, Read, Reads, ReadSpec, each
from posture.checks import _policy
from posture.checks._read import awslambda as lambda_reads
from posture.checks._read import (
    bedrock,
    bedrock_agent,
    bedrock_agentcore,
    ec2,
    ecr,
    iam,
    kms,
    opensearchserverless,
    organizations,
    s3,
    s3vectors,
    sagemaker,
    secretsmanager,
)

OutsiderClass = Literal["anyone", "any account", "another account", "another organization", "service",
                        "federated"]
# The order findings name the classes in: the widest first.
CLASSES: tuple[OutsiderClass, ...] = ("anyone", "any account", "another organization", "another account",
                                      "service", "federated")


@dataclass(frozen=True)
class Outsider:
    """One principal outside the account (and its organization) that a policy lets in."""

    who: OutsiderClass
    principal: str  # as the evaluator describes it: "anyone (Principal *)", "account 999999999999", ...
    actions: tuple[str, ...]  # the vocabulary's actions it gets; ("<service>:*",) when it gets all of them
    conditions: tuple[str, ...]  # the conditions that still apply (none of them names the caller by value)
    statements: tuple[str, ...]  # the statements (Sids or positions) that let it in
    via: str = "anyone"  # the evaluator's kind of access (`_policy.Access.kind`): "anyone" is Principal * unnarrowed
    narrowed: bool = False  # a condition names the caller by value (an account, an organization, a source)
    by_organization: bool = False  # an organization condition narrowed it: whose organization decides

    @property
    def public(self) -> bool:
        """Anyone at all: a Principal * (or NotPrincipal) no condition narrows by value."""
        return self.via == "anyone"

    @property
    def everything(self) -> bool:
        return len(self.actions) == 1 and self.actions[0].endswith("*")

    def describe(self) -> str:
        what = "everything" + (f" ({self.actions[0]})" if self.actions[0] != "*" else "") if self.everything \
            else ", ".join(self.actions)
        unless = f" if {'; '.join(self.conditions)}" if self.conditions else ""
        return f"{self.who}: {self.principal} may {what}{unless}"


def _outside_class(access: _policy.Access, org_id: str | None) -> OutsiderClass | None:
    """The outside class of one access the evaluator found; None when it stays inside the account or its
    organization."""
    if access.kind == "federated":
        return "federated"  # the identities a provider vouches for are no principal of the account
    if not access.outside_account:
        return None
    if access.kind == "anyone":
        return "anyone" if access.principal == "*" else "any account"
    if access.kind == "network":
        return "anyone"
    if access.kind == "organization":
        return None if org_id is not None and access.account == org_id else "another organization"
    if access.kind == "service":
        if access.note == "this organization":
            return None
        return "service"
    if access.kind in ("account", "canonical_user"):
        return "another account"
    return "anyone"


def _remaining(access: _policy.Access) -> tuple[str, ...]:
    """The statement's conditions that did not narrow the caller by value: what still has to hold."""
    narrowed = set(access.restricted_by)
    return tuple(f"{c.operator} {c.key} {','.join(c.values)}" for c in access.statement.conditions
                 if c.key not in narrowed)


ORGANIZATION_KEYS = frozenset((*_policy.ORG_KEYS, *_policy.ORG_PATH_KEYS))


def exposure(documents: Any, actions: Sequence[str], *, account_id: str, org_id: str | None = None,
             resource: str = "*", networks: Sequence[str] = ()) -> list[Outsider]:
    """Who outside account `account_id` (and organization `org_id`) the policy `documents` (one document, a
    JSON string, or a list of them) let do which of `actions` (the asset's action vocabulary), and under which
    conditions. Every principal that gets all of `actions` gets `<service>:*` (or `*` across services)."""
    docs = [d for d in (documents if isinstance(documents, list) else [documents]) if d]
    found: dict[tuple[OutsiderClass, str], tuple[list[str], set[str], list[str]]] = {}
    how: dict[tuple[OutsiderClass, str], tuple[str, bool, bool]] = {}
    services = sorted({a.split(":", 1)[0] for a in actions})

    def add(access: _policy.Access, granted_now: Sequence[str]) -> None:
        who = _outside_class(access, org_id)
        if who is None:
            return
        key = (who, access.describe())
        granted, conditions, labels = found.setdefault(key, ([], set(), []))
        how.setdefault(key, (access.kind, bool(access.restricted_by),
                             bool(set(access.restricted_by) & ORGANIZATION_KEYS)))
        granted.extend(a for a in granted_now if a not in granted)
        conditions.update(_remaining(access))
        if access.statement.label not in labels:
            labels.append(access.statement.label)

    for document in (_policy.statements(d) for d in docs):  # parsed once, asked once per action
        for action in actions:
            for access in _policy.who_can(document, action, account_id=account_id, org_id=org_id,
                                          resource=resource, networks=networks):
                add(access, [action])
        # An action of the service the vocabulary does not name is still access: never hidden, named as written.
        for service in services:
            for access in _policy.who_can(document, f"{service}:*", account_id=account_id, org_id=org_id,
                                          resource=resource, networks=networks):
                key = (_outside_class(access, org_id), access.describe())
                if key[0] is not None and key not in found:
                    add(access, [a for a in access.statement.actions if a.lower().startswith(f"{service}:")]
                        or [f"{service}:* except {', '.join(access.statement.actions)}"])
    everything = "*" if len(services) != 1 else f"{services[0]}:*"  # every action of `actions`
    result = [Outsider(who, principal, (everything,) if set(granted) >= set(actions) else tuple(granted),
                       tuple(sorted(conditions)), tuple(labels), *how[(who, principal)])
              for (who, principal), (granted, conditions, labels) in found.items()]
    return sorted(result, key=lambda o: (CLASSES.index(o.who), o.principal))


def classes(outsiders: Iterable[Outsider]) -> list[str]:
    """The outside classes present, widest first."""
    present = {o.who for o in outsiders}
    return [c for c in CLASSES if c in present]


# -- grants that are not policies, as the statements they amount to ------------------------------------

def kms_grant_statements(grants: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """KMS grants as a key policy: each grant lets its grantee principal do its operations (under its
    encryption-context constraints, kept as conditions that name no caller)."""
    found = []
    for grant in grants:
        grantee = str(grant.get("GranteePrincipal") or "")
        if not grantee:
            continue
        kind = "Service" if grantee.endswith(".amazonaws.com") else "AWS"
        statement: dict[str, Any] = {"Sid": f"grant {grant.get('GrantId', '?')}", "Effect": "Allow",
                                     "Principal": {kind: grantee}, "Resource": "*",
                                     "Action": [f"kms:{op}" for op in grant.get("Operations") or []]}
        constraints = grant.get("Constraints") or {}
        conditions: dict[str, dict[str, str]] = {}
        for name, operator in (("EncryptionContextEquals", "StringEquals"),
                               ("EncryptionContextSubset", "StringEquals")):
            for key, value in (constraints.get(name) or {}).items():
                conditions.setdefault(operator, {})[f"kms:EncryptionContext:{key}"] = value
        if conditions:
            statement["Condition"] = conditions
        found.append(statement)
    return {"Version": "2012-10-17", "Statement": found}


S3_ACL_ACTIONS = {"READ": ["s3:ListBucket", "s3:GetObject"], "WRITE": ["s3:PutObject", "s3:DeleteObject"],
                  "READ_ACP": ["s3:GetBucketAcl"], "WRITE_ACP": ["s3:PutBucketAcl"], "FULL_CONTROL": ["s3:*"]}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def s3_acl_label(index: int, grant: Mapping[str, Any]) -> str:
    """The Sid of the statement an ACL grant amounts to."""
    return f"ACL grant {index} ({grant.get('Permission')})"


def s3_acl_statements(grants: Iterable[Mapping[str, Any]], owner_id: str | None) -> dict[str, Any]:
    """An S3 ACL as a bucket policy: AllUsers is anyone, AuthenticatedUsers any AWS account, another canonical
    user another account; the owner's own grants are dropped."""
    found = []
    for index, grant in enumerate(grants):
        grantee = grant.get("Grantee") or {}
        uri, canonical = grantee.get("URI"), grantee.get("ID")
        if uri == ALL_USERS:
            principal: Any = "*"
        elif uri == AUTHENTICATED_USERS:
            principal = {"AWS": "arn:aws:iam::*:root"}
        elif canonical and canonical != owner_id:
            principal = {"CanonicalUser": canonical}
        else:
            continue
        found.append({"Sid": s3_acl_label(index, grant), "Effect": "Allow",
                      "Principal": principal, "Resource": "*",
                      "Action": S3_ACL_ACTIONS.get(str(grant.get("Permission")), ["s3:*"])})
    return {"Version": "2012-10-17", "Statement": found}


COLLECTION_ACTIONS = ("aoss:ReadDocument", "aoss:WriteDocument", "aoss:CreateIndex", "aoss:DeleteIndex",
                      "aoss:UpdateIndex", "aoss:DescribeIndex", "aoss:CreateCollectionItems",
                      "aoss:DeleteCollectionItems", "aoss:UpdateCollectionItems", "aoss:DescribeCollectionItems")


def _aoss_covers(rule: Mapping[str, Any], collection: str) -> bool:
    patterns = rule.get("Resource") or []
    names = [patterns] if isinstance(patterns, str) else patterns
    if rule.get("ResourceType") == "collection":
        return any(isinstance(p, str) and fnmatchcase(f"collection/{collection}", p) for p in names)
    # index rules: "index/<collection pattern>/<index pattern>", any index of the collection
    return any(isinstance(p, str) and p.count("/") >= 2 and fnmatchcase(collection, p.split("/")[1]) for p in names)


def aoss_access_statements(policies: Iterable[tuple[str, Any]], collection: str) -> dict[str, Any]:
    """OpenSearch Serverless data access policies as one resource policy of `collection`: each rule set whose
    rules cover the collection (or its indexes) lets its principals (IAM ARNs; `saml/...` identities are a
    federated provider's) do its permissions."""
    found: list[dict[str, Any]] = []
    for name, document in policies:
        for index, rule_set in enumerate(document if isinstance(document, list) else [document]):
            if not isinstance(rule_set, Mapping):
                continue
            rules = [r for r in rule_set.get("Rules") or [] if isinstance(r, Mapping) and _aoss_covers(r, collection)]
            principals = [p for p in rule_set.get("Principal") or [] if isinstance(p, str)]
            if not rules or not principals:
                continue
            aws = [p for p in principals if not p.startswith("saml/")]
            federated = [p for p in principals if p.startswith("saml/")]
            principal: dict[str, list[str]] = {**({"AWS": aws} if aws else {}),
                                               **({"Federated": federated} if federated else {})}
            found.append({"Sid": f"{name} rule set {index}", "Effect": "Allow", "Principal": principal,
                          "Resource": "*", "Action": sorted({p for r in rules for p in r.get("Permission") or []})})
    return {"Version": "2012-10-17", "Statement": found}


# -- the asset table ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """One asset to judge: its id, ARN, why it is an AI asset, and its listed record."""

    id: str
    arn: str | None
    why: str
    record: Mapping[str, Any] = field(default_factory=dict, compare=False)


Documents = Callable[[CheckContext, Target], list[Any]]


@dataclass(frozen=True)
class AssetKind:
    """One row of the asset table."""

    name: str  # "AI role trust policy"
    check_id: str
    listing: ReadSpec  # the read that lists the assets
    policy: tuple[Read, ...]  # the reads of its policy documents (empty: the listing carries the document)
    actions: tuple[str, ...]  # the asset's action vocabulary
    arn: str  # the ARN form
    documents: Documents  # the policy documents of one asset, as the evaluator reads them
    note: str = ""
    also: tuple[str, ...] = ()  # older checks that take their (narrower) answer from `exposure` too
    region: Callable[[CheckContext, str], str] | None = None  # where a global kind's asset lives (a bucket's)

    @property
    def reads(self) -> Reads:
        return Reads(self.listing, *self.policy, organizations.DESCRIBE_ORGANIZATION)


def _record_field(name: str) -> Documents:
    return lambda ctx, target: [target.record.get(name)]


def _by_id(read: Read) -> Documents:
    return lambda ctx, target: [read(ctx, target.id)]


# An interface endpoint without a policy document has AWS's default: anyone, every action, every resource.
DEFAULT_ENDPOINT_POLICY = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}


def _endpoint_documents(ctx: CheckContext, target: Target) -> list[Any]:
    return [target.record.get("PolicyDocument") or DEFAULT_ENDPOINT_POLICY]


def _key_documents(ctx: CheckContext, target: Target) -> list[Any]:
    return [kms.KEY_POLICY(ctx, target.id), kms_grant_statements(kms.LIST_GRANTS(ctx, target.id) or [])]


def _bucket_documents(ctx: CheckContext, target: Target) -> list[Any]:
    acl = s3.BUCKET_ACL(ctx, target.id) or {}
    return [s3.BUCKET_POLICY(ctx, target.id),
            s3_acl_statements(acl.get("Grants") or [], (acl.get("Owner") or {}).get("ID"))]


TRUST_ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML", "sts:TagSession",
                 "sts:SetSourceIdentity", "sts:SetContext")
KMS_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
               "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey",
               "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey")
S3_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketAcl",
              "s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:DeleteBucket")
LAMBDA_ACTIONS = ("lambda:InvokeFunction", "lambda:InvokeFunctionUrl", "lambda:GetFunction",
                  "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:AddPermission",
                  "lambda:DeleteFunction")
ENDPOINT_ACTIONS = {
    "bedrock-runtime": ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:Converse",
                        "bedrock:ConverseStream", "bedrock:ApplyGuardrail", "bedrock:CountTokens"),
    "bedrock": ("bedrock:ListFoundationModels", "bedrock:GetFoundationModel", "bedrock:CreateModelCustomizationJob",
                "bedrock:PutModelInvocationLoggingConfiguration", "bedrock:CreateGuardrail",
                "bedrock:DeleteGuardrail"),
    "bedrock-agent-runtime": ("bedrock:InvokeAgent", "bedrock:Retrieve", "bedrock:RetrieveAndGenerate",
                              "bedrock:InvokeFlow"),
    "bedrock-agent": ("bedrock:CreateAgent", "bedrock:UpdateAgent", "bedrock:DeleteAgent",
                      "bedrock:CreateKnowledgeBase", "bedrock:StartIngestionJob"),
    "sagemaker.runtime": ("sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointAsync",
                          "sagemaker:InvokeEndpointWithResponseStream"),
}
SECRET_ACTIONS = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue",
                  "secretsmanager:UpdateSecret", "secretsmanager:DeleteSecret", "secretsmanager:PutResourcePolicy",
                  "secretsmanager:RotateSecret")
ECR_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:PutImage",
               "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:BatchDeleteImage",
               "ecr:SetRepositoryPolicy", "ecr:DeleteRepository")
PACKAGE_GROUP_ACTIONS = ("sagemaker:DescribeModelPackageGroup", "sagemaker:DescribeModelPackage",
                         "sagemaker:ListModelPackages", "sagemaker:CreateModel", "sagemaker:CreateModelPackage",
                         "sagemaker:UpdateModelPackage", "sagemaker:DeleteModelPackage")
AGENTCORE_ACTIONS = ("bedrock-agentcore:InvokeAgentRuntime", "bedrock-agentcore:InvokeGateway",
                     "bedrock-agentcore:CreateEvent", "bedrock-agentcore:RetrieveMemoryRecords",
                     "bedrock-agentcore:ListEvents", "bedrock-agentcore:StartCodeInterpreterSession",
                     "bedrock-agentcore:StartBrowserSession")
GUARDRAIL_ACTIONS = ("bedrock:ApplyGuardrail", "bedrock:GetGuardrail", "bedrock:InvokeModel",
                     "bedrock:UpdateGuardrail", "bedrock:DeleteGuardrail")
KNOWLEDGE_BASE_ACTIONS = ("bedrock:Retrieve", "bedrock:RetrieveAndGenerate", "bedrock:GetKnowledgeBase",
                          "bedrock:UpdateKnowledgeBase", "bedrock:StartIngestionJob", "bedrock:DeleteKnowledgeBase")
VECTOR_ACTIONS = ("s3vectors:QueryVectors", "s3vectors:GetVectors", "s3vectors:ListVectors", "s3vectors:PutVectors",
                  "s3vectors:DeleteVectors", "s3vectors:GetIndex", "s3vectors:DeleteIndex")

AI_ROLE_TRUST = AssetKind("AI role trust policy", "iam.ai_role_trust_outside_access", iam.ROLE_DETAILS, (),
                          TRUST_ACTIONS, "arn:aws:iam::<account>:role/<name>",
                          _record_field("AssumeRolePolicyDocument"))
AI_KEY = AssetKind("AI key: key policy and grants", "kms.ai_key_outside_access", kms.LIST_KEYS,
                   (kms.KEY_POLICY, kms.LIST_GRANTS), KMS_ACTIONS, "arn:aws:kms:<region>:<account>:key/<id>",
                   _key_documents,
    also=("kms.key_policy_not_public",))
AI_BUCKET = AssetKind("AI bucket: bucket policy and ACL", "s3.ai_bucket_outside_access", s3.LIST_BUCKETS,
                      (s3.BUCKET_POLICY, s3.BUCKET_ACL), S3_ACTIONS, "arn:aws:s3:::<name>", _bucket_documents,
                      region=s3.bucket_region)
AGENT_TOOL = AssetKind("agent tool function policy", "lambda.agent_tool_outside_access",
                       lambda_reads.LIST_FUNCTIONS, (lambda_reads.FUNCTION_POLICY,), LAMBDA_ACTIONS,
                       "arn:aws:lambda:<region>:<account>:function:<name>", _by_id(lambda_reads.FUNCTION_POLICY),
    also=("lambda.agent_tool_invoke_scoped",))
AI_ENDPOINT = AssetKind("AI VPC endpoint policy", "ec2.ai_endpoint_outside_access", ec2.DESCRIBE_VPC_ENDPOINTS, (),
                        (), "arn:aws:ec2:<region>:<account>:vpc-endpoint/<id>", _endpoint_documents,
                        "vocabulary: the actions of the one service the endpoint serves (ENDPOINT_ACTIONS)",
    also=("ec2.ai_endpoint_policy_restricted",))
KB_VECTOR_BUCKET = AssetKind("knowledge-base S3 vector bucket policy", "bedrock_agent.kb_vector_bucket_outside_access",
                             bedrock_agent.LIST_KNOWLEDGE_BASES, (s3vectors.GET_VECTOR_BUCKET_POLICY,), VECTOR_ACTIONS,
                             "arn:aws:s3vectors:<region>:<account>:bucket/<name>",
                             lambda ctx, target: [s3vectors.vector_bucket_policy(ctx, str(target.arn))],
    also=("bedrock_agent.kb_vector_store_not_public",))
PACKAGE_GROUP = AssetKind("model package group policy", "sagemaker_mlops.model_package_group_outside_access",
                          sagemaker.PACKAGE_GROUP.list, (sagemaker.PACKAGE_GROUP_POLICY,), PACKAGE_GROUP_ACTIONS,
                          "arn:aws:sagemaker:<region>:<account>:model-package-group/<name>",
                          lambda ctx, target: [sagemaker.package_group_policy(ctx, target.id)],
    also=("sagemaker_mlops.model_package_group_policy_not_public",))
MODEL_IMAGE_REPOSITORY = AssetKind("model image repository policy", "ecr.model_image_repository_outside_access",
                                   ecr.REPOSITORY.list, (ecr.REPOSITORY_POLICY,), ECR_ACTIONS,
                                   "arn:aws:ecr:<region>:<account>:repository/<name>", _by_id(ecr.REPOSITORY_POLICY))
AGENTCORE_RESOURCE = AssetKind("AgentCore resource policy (runtimes, gateways)",
                               "bedrock_agentcore.resource_outside_access", bedrock_agentcore.RUNTIME.list,
                               (bedrock_agentcore.RESOURCE_POLICY,), AGENTCORE_ACTIONS,
                               "arn:aws:bedrock-agentcore:<region>:<account>:runtime/<id>",
                               lambda ctx, target: [bedrock_agentcore.resource_policy(ctx, str(target.arn))],
    also=("bedrock_agentcore.resource_policy_not_public",))
AI_SECRET = AssetKind("secret of an AI application", "secretsmanager.ai_secret_outside_access",
                      secretsmanager.LIST_SECRETS, (secretsmanager.RESOURCE_POLICY,), SECRET_ACTIONS,
                      "arn:aws:secretsmanager:<region>:<account>:secret:<name>",
                      lambda ctx, target: [secretsmanager.resource_policy(ctx, target.id)])

GUARDRAIL = AssetKind("guardrail resource policy", "bedrock.guardrail_outside_access", bedrock.LIST_GUARDRAILS,
                      (bedrock.RESOURCE_POLICY,), GUARDRAIL_ACTIONS,
                      "arn:aws:bedrock:<region>:<account>:guardrail/<id>",
                      lambda ctx, target: [bedrock.RESOURCE_POLICY(ctx, str(target.arn))])
KNOWLEDGE_BASE = AssetKind("knowledge base resource policy", "bedrock_agent.knowledge_base_outside_access",
                           bedrock_agent.LIST_KNOWLEDGE_BASES, (bedrock_agent.RESOURCE_POLICY,), KNOWLEDGE_BASE_ACTIONS,
                           "arn:aws:bedrock:<region>:<account>:knowledge-base/<id>",
                           lambda ctx, target: [bedrock_agent.RESOURCE_POLICY(ctx, str(target.arn))])

KB_COLLECTION = AssetKind("knowledge-base OpenSearch Serverless collection: data access policies",
                          "bedrock_agent.kb_collection_outside_access", bedrock_agent.LIST_KNOWLEDGE_BASES,
                          (opensearchserverless.LIST_ACCESS_POLICIES, opensearchserverless.GET_ACCESS_POLICY),
                          COLLECTION_ACTIONS,
                          "arn:aws:aoss:<region>:<account>:collection/<id>",
                          lambda ctx, target: [aoss_access_statements(opensearchserverless.access_policies(ctx),
                                                                      target.id)],
                          note="the network policy (AllowFromPublic) is judged by kb_vector_store_not_public")

ASSETS: tuple[AssetKind, ...] = (AI_ROLE_TRUST, AI_KEY, AI_BUCKET, AGENT_TOOL, AI_ENDPOINT, KB_VECTOR_BUCKET,
                                 PACKAGE_GROUP, MODEL_IMAGE_REPOSITORY, AGENTCORE_RESOURCE, AI_SECRET, GUARDRAIL,
                                 KNOWLEDGE_BASE, KB_COLLECTION)


def _read_names(spec: ReadSpec) -> list[str]:
    if isinstance(spec, Read):
        return [spec.iam_action]
    return list(spec.actions)


def asset_table_rows() -> list[str]:
    """The asset table as the Markdown rows docs/architecture.md shows: asset kind → read → checks."""
    rows = []
    for kind in ASSETS:
        policy = ", ".join(f"`{a}`" for r in kind.policy for a in _read_names(r)) or "(in the listing)"
        vocabulary = f"{len(kind.actions)} actions of `{kind.actions[0].split(':')[0]}`" if kind.actions \
            else "the actions of the endpoint's service"
        checks = ", ".join(f"`{c}`" for c in (kind.check_id, *kind.also))
        rows.append(f"| {kind.name} | {', '.join(f'`{a}`' for a in _read_names(kind.listing))} | {policy} | "
                    f"{vocabulary} | `{kind.arn}` | {checks} |")
    return rows


def organization_id(ctx: CheckContext) -> str | None:
    """The id of the organization the account is in (None: in none). Read only when a statement is limited to an
    organization: when it cannot be read, whether that organization is ours is unknown, and the asset's verdict is
    its ERROR."""
    found = organizations.organization(ctx)
    return None if found is None else str(found.get("Id") or "") or None


def judge(ctx: CheckContext, kind: AssetKind, targets: Sequence[Target], *,
          actions: Callable[[Target], Sequence[str]] | None = None, evidence: Mapping[str, Any] | None = None) -> None:
    """One finding per target: FAIL naming every outside class and what it may do, PASS when no one outside
    the account or its organization gets in, ERROR (the read's failure) when a policy cannot be read."""
    outcomes = each(ctx, lambda target: kind.documents(ctx, target), targets)
    for target, outcome in zip(targets, outcomes, strict=True):
        where: dict[str, str] = {}
        try:
            where = {"region": kind.region(ctx, target.id)} if kind.region else {}
        except AwsReadError as exc:
            outcome = Outcome(error=exc)  # the asset's ERROR, in its scope
        with ctx.resource(target.id, arn=target.arn, **where):
            documents = outcome.get()
            vocabulary = tuple(actions(target)) if actions else kind.actions
            found = exposure(documents, vocabulary, account_id=ctx.account_id)
            if any(o.by_organization for o in found):  # is that organization ours?
                found = exposure(documents, vocabulary, account_id=ctx.account_id, org_id=organization_id(ctx))
            facts: dict[str, Any] = {**(evidence or {}), "asset_kind": kind.name, "ai_asset_because": target.why,
                                     "outside_classes": classes(found), "outside": [o.describe() for o in found]}
            if found:
                ctx.failed(f"{kind.name} lets in from outside the account: " + "; ".join(o.describe() for o in found),
                           facts)
            else:
                ctx.passed(f"{kind.name}: no one outside the account or its organization gets in", facts)
