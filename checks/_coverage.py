"""Guardrail coverage: every path to a model in a region, and the guardrail version that applies to it.

Paths:
- agent aliases: each (alias, agent version it routes to); the guardrail that version names;
- flow aliases: each (alias, flow version it routes to); the guardrail of every prompt node and of every
  knowledge-base node that generates an answer (one without a model only retrieves);
- direct callers: IAM roles and users whose policies allow `bedrock:InvokeModel*`/`bedrock:Converse*`
  (roles only Bedrock itself can assume are the agents' and knowledge bases' own, judged there).
  A direct caller is guarded only when every allow statement requires `bedrock:GuardrailIdentifier`
  naming a guardrail version that blocks (or a Deny refuses calls without one).

Any path is also guarded when an account-level enforced guardrail (`ListEnforcedGuardrailsConfiguration`)
or the organization's Bedrock policy (`BEDROCK_POLICY`) covers its model in the region.

Each source is read apart: one that cannot be read is a named gap (`Coverage.failures`); the paths found by
the others are still judged. Policies are read by the shared evaluator (checks/_policy.py). The sources are
read through the read layer (checks/_read/bedrock.py, bedrock_agent.py, organizations.py, and iam.py for the
account authorization details the IAM checks read too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from posture.api import AwsReadError, CheckContext, Reads
from posture.checks import _agents, _guardrails, _policy
from posture.checks._principals import POLICY_READS
from posture.checks._read import bedrock, bedrock_agent, iam, organizations
from posture.checks._read.bedrock import DRAFT, parse_identifier

INVOKE_ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:Converse",
                  "bedrock:ConverseStream")
# What `coverage` reads: agent routes and versions, flows, enforced guardrails (account and organization), the
# guardrails; and the IAM authorization details with the managed policies they lack (the direct callers).
COVERAGE_READS = Reads(bedrock_agent.ROUTE_READS, bedrock_agent.VERSION_READS, bedrock_agent.FLOW_READS,
                       bedrock.LIST_ENFORCED_GUARDRAILS, organizations.DESCRIBE_EFFECTIVE_POLICY, bedrock.GUARDRAIL,
                       POLICY_READS)


@dataclass(frozen=True)
class GuardrailRef:
    """A guardrail version something names: `read_as` is the identifier to read it with (id or ARN)."""

    guardrail_id: str
    version: str
    read_as: str = field(compare=False)  # the same version named by id or by ARN is one version

    @property
    def label(self) -> str:
        return f"{self.guardrail_id}:{self.version}"


def ref(identifier: str, version: str | None = None) -> GuardrailRef:
    gid, in_arn = parse_identifier(identifier)
    read_as = identifier.rsplit(":", 1)[0] if in_arn and identifier.startswith("arn:") else identifier
    return GuardrailRef(gid, str(version or in_arn or DRAFT), read_as if in_arn else identifier)


@dataclass(frozen=True)
class Enforced:
    """A guardrail enforced on model calls for the account or the organization, and which models it covers."""

    guardrail: GuardrailRef
    owner: str  # "account" or "organization"
    included: tuple[str, ...] = ("ALL",)
    excluded: tuple[str, ...] = ()

    def covers(self, models: list[str]) -> bool:
        """Whether every model in `models` (ids, ARNs or patterns; "*" any) is covered."""
        if any(m == "*" or "*" in m for m in models) and self.excluded:
            return False  # a caller allowed any model can call an excluded one
        every = "ALL" in self.included or not self.included
        for model in models:
            name = model.rsplit("/", 1)[-1]
            if any(name == e or model == e for e in self.excluded):
                return False
            if not every and not any(name == i or model == i for i in self.included):
                return False
        return True


@dataclass
class Path:
    """One way to reach a model: an agent alias version, a flow alias version, or an IAM principal."""

    kind: str  # "agent alias", "flow alias", "direct caller"
    resource_id: str
    arn: str | None
    label: str
    models: list[str]
    guardrails: list[GuardrailRef] = field(default_factory=list)  # attached or required
    unguarded_parts: list[str] = field(default_factory=list)  # what reaches a model with no guardrail
    # (guardrail id or ARN, version pattern): "any version of this guardrail" (`...:guardrail/ID:*`)
    version_patterns: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Coverage:
    paths: list[Path] = field(default_factory=list)
    enforced: list[Enforced] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)  # source -> reason it could not be read

    def uses(self) -> dict[GuardrailRef, list[str]]:
        """Every guardrail version in use in the region -> what uses it (path labels)."""
        found: dict[GuardrailRef, list[str]] = {}
        for enforced in self.enforced:
            found.setdefault(enforced.guardrail, []).append(f"enforced for the {enforced.owner}")
        for path in self.paths:
            for guardrail in path.guardrails:
                found.setdefault(guardrail, []).append(path.label)
        return found


# -- reading the sources ---------------------------------------------------------------------
def agent_paths(ctx: CheckContext) -> list[Path]:
    paths = []
    routes = bedrock_agent.routes(ctx)
    versions = ctx.fan_out(lambda r: bedrock_agent.agent_version(ctx, r.agent_id, r.version), routes)
    for route, version in zip(routes, versions, strict=True):
        named = _agents.guardrail_of(version)
        path = Path("agent alias", f"{route.agent_id}/{route.alias_id}",
                    ctx.arn("bedrock", f"agent-alias/{route.agent_id}/{route.alias_id}"), route.label,
                    [str(version.get("foundationModel") or "*")])
        if named:
            path.guardrails.append(ref(*named))
        else:
            path.unguarded_parts.append(f"agent version {route.version} names no guardrail")
        paths.append(path)
    return paths


def model_nodes(definition: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(node name, model id, guardrail configuration) of each flow node that calls a model."""
    found = []
    for node in definition.get("nodes") or []:
        config = node.get("configuration") or {}
        if node.get("type") == "Prompt" and "prompt" in config:
            prompt = config["prompt"]
            inline = ((prompt.get("sourceConfiguration") or {}).get("inline") or {})
            found.append((str(node.get("name")), str(inline.get("modelId") or "*"),
                          prompt.get("guardrailConfiguration") or {}))
        elif node.get("type") == "KnowledgeBase" and (config.get("knowledgeBase") or {}).get("modelId"):
            kb = config["knowledgeBase"]
            found.append((str(node.get("name")), str(kb["modelId"]), kb.get("guardrailConfiguration") or {}))
    return found


def _routed_flow_versions(alias: dict[str, Any]) -> list[str]:
    versions = [str(r["flowVersion"]) for r in alias.get("routingConfiguration") or [] if r.get("flowVersion")]
    return list(dict.fromkeys(versions))


def flow_paths(ctx: CheckContext) -> list[Path]:
    paths = []
    flows = bedrock_agent.flows(ctx)
    aliases = ctx.fan_out(lambda f: bedrock_agent.flow_aliases(ctx, f["id"]), flows)
    # Each (flow, version) routed to, read once side by side (several aliases may route to one version).
    wanted = list(dict.fromkeys((str(f["id"]), v) for f, found in zip(flows, aliases, strict=True)
                                for a in found for v in _routed_flow_versions(a)))
    definitions = dict(zip(wanted, ctx.fan_out(lambda fv: bedrock_agent.flow_version(ctx, *fv), wanted),
                           strict=True))
    for flow, flow_aliases in zip(flows, aliases, strict=True):
        flow_id, name = flow["id"], str(flow.get("name") or flow["id"])
        for alias in flow_aliases:
            for version in _routed_flow_versions(alias):
                definition = definitions[(str(flow_id), version)].get("definition") or {}
                nodes = model_nodes(definition)
                path = Path("flow alias", f"{flow_id}/{alias['id']}", alias.get("arn"),
                            f"flow {name} alias {alias.get('name', alias['id'])} (version {version})",
                            [model for _, model, _ in nodes])
                for node, _model, guardrail in nodes:
                    if guardrail.get("guardrailIdentifier"):
                        path.guardrails.append(ref(guardrail["guardrailIdentifier"], guardrail.get("guardrailVersion")))
                    else:
                        path.unguarded_parts.append(f"node {node} names no guardrail")
                if nodes:
                    paths.append(path)
    return paths


def account_enforced(ctx: CheckContext) -> list[Enforced]:
    found = []
    for config in bedrock.enforced_guardrail_configs(ctx):
        models = config.get("modelEnforcement") or {}
        identifier = config.get("guardrailArn") or config.get("guardrailId")
        if identifier:
            owner = "organization" if str(config.get("owner", "")).upper().startswith("ORG") else "account"
            found.append(Enforced(ref(identifier, config.get("guardrailVersion")), owner,
                                  tuple(models.get("includedModels") or ("ALL",)),
                                  tuple(models.get("excludedModels") or ())))
    return found


def _assigned(value: Any) -> Any:
    return value.get("@@assign") if isinstance(value, dict) and "@@assign" in value else value


def org_policy_enforced(content: dict[str, Any], region: str) -> list[Enforced]:
    """The guardrails an organization's effective Bedrock policy enforces in `region`."""
    configs = (((content.get("bedrock") or {}).get("guardrail_inference") or {}).get(region) or {})
    found = []
    for config in configs.values() if isinstance(configs, dict) else []:
        identifier = _assigned((config or {}).get("identifier"))
        if not isinstance(identifier, str) or not identifier:
            continue
        models = config.get("model_enforcement") or {}
        included = _assigned(models.get("included_models")) or ["ALL"]
        excluded = _assigned(models.get("excluded_models")) or []
        found.append(Enforced(ref(identifier), "organization", tuple(included), tuple(excluded)))
    return found


def org_enforced(ctx: CheckContext) -> list[Enforced]:
    """The guardrails the organization's Bedrock policy enforces here (none without an organization or policy)."""
    return org_policy_enforced(organizations.org_bedrock_policy(ctx), ctx.region)


# -- direct callers --------------------------------------------------------------------------
def _managed_documents(ctx: CheckContext, arns: list[str]) -> list[Any]:
    """The default document of each managed policy: from the authorization details, else read by ARN."""
    return [iam.managed_policy_document(ctx, arn) for arn in arns]


@dataclass(frozen=True)
class Principal:
    kind: str  # "role" or "user"
    name: str
    arn: str
    documents: list[Any]
    boundary: Any
    trust: Any = None


def principals(ctx: CheckContext) -> list[Principal]:
    details = iam.authorization_details(ctx)
    groups = {g["GroupName"]: g for g in details.get("GroupDetailList", [])}
    found = []
    for kind, entries, inline_key in (("role", details.get("RoleDetailList", []), "RolePolicyList"),
                                      ("user", details.get("UserDetailList", []), "UserPolicyList")):
        for entry in entries:
            if str(entry.get("Path", "/")).startswith("/aws-service-role/"):
                continue
            inline = [p.get("PolicyDocument") for p in entry.get(inline_key, [])]
            attached = [p["PolicyArn"] for p in entry.get("AttachedManagedPolicies", [])]
            for group in (groups.get(g) or {} for g in entry.get("GroupList", [])):
                inline += [p.get("PolicyDocument") for p in group.get("GroupPolicyList", [])]
                attached += [p["PolicyArn"] for p in group.get("AttachedManagedPolicies", [])]
            boundary_arn = (entry.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
            boundary = _managed_documents(ctx, [boundary_arn])[0] if boundary_arn else None
            name = entry.get("RoleName") or entry.get("UserName")
            found.append(Principal(kind, str(name), entry["Arn"], inline + _managed_documents(ctx, attached),
                                   boundary, entry.get("AssumeRolePolicyDocument")))
    return found


def bedrock_only(principal: Principal, account_id: str) -> bool:
    """A role only Bedrock itself can assume (an agent's, a knowledge base's, a flow's service role)."""
    if principal.kind != "role":
        return False
    access = _policy.who_can(principal.trust, "sts:AssumeRole", account_id=account_id)
    return bool(access) and all(a.kind == "service" and a.principal == iam.BEDROCK_SERVICE for a in access)


@dataclass(frozen=True)
class CallerVerdict:
    """What a principal may call directly, and the guardrails its policies require (empty: none)."""

    calls: list[str]  # invoke actions allowed
    models: list[str]  # resources the allowing statements name
    unguarded: bool  # a call without a guardrail is allowed
    required: list[str]  # guardrail identifiers required (may be "*": any guardrail)


def judge_caller(documents: list[Any], boundary: Any, region: str, partition: str = "aws") -> CallerVerdict | None:
    """None: the principal cannot call a model in `region` directly."""
    resource = f"arn:{partition}:bedrock:{region}:*"
    calls, models, required, unguarded = [], [], set(), False
    for action in INVOKE_ACTIONS:
        access = _policy.guardrail_access(documents, action, resource, boundary=boundary)
        if not access.allowed:
            continue
        calls.append(action)
        for grant in access.grants:
            models += ["*"] if grant.not_resource else list(grant.resources)
        if access.unguarded:
            unguarded = True
            continue
        for grant in access.grants:
            required |= set(grant.guardrails or ())
        required |= set(access.enforced_by_deny or ())
    if not calls:
        return None
    return CallerVerdict(calls, list(dict.fromkeys(models)) or ["*"], unguarded, sorted(required))


def split_version(identifier: str) -> tuple[str, str]:
    """(guardrail ARN or id, version part or "") of an identifier a condition requires."""
    if identifier.startswith("arn:") and "guardrail/" in identifier:
        head, tail = identifier.split("guardrail/", 1)
        gid, _, version = tail.partition(":")
        return f"{head}guardrail/{gid}", version
    return identifier, ""


def caller_paths(ctx: CheckContext, *, region: str | None = None) -> list[Path]:
    """IAM principals that may call a model in `region` (default: the context's) directly."""
    paths = []
    for principal in principals(ctx):
        if bedrock_only(principal, ctx.account_id):
            continue
        verdict = judge_caller(principal.documents, principal.boundary, region or ctx.region, ctx.partition)
        if verdict is None:
            continue
        path = Path("direct caller", principal.arn, principal.arn, f"{principal.kind} {principal.name}",
                    verdict.models)
        if verdict.unguarded:
            path.unguarded_parts.append(f"{', '.join(verdict.calls)} allowed without bedrock:GuardrailIdentifier")
        for identifier in verdict.required:
            named, version = split_version(identifier)
            if "*" in named or "?" in named:
                path.unguarded_parts.append(f"the required guardrail {identifier!r} is any guardrail, not a "
                                            "named one")
            elif "*" in version or "?" in version:
                path.version_patterns.append((named, version))
            else:
                path.guardrails.append(ref(identifier))
        if not verdict.unguarded and not verdict.required:
            path.unguarded_parts.append("no statement requires a guardrail")
        paths.append(path)
    return paths


def expand_version_patterns(ctx: CheckContext, paths: list[Path]) -> None:
    """A condition allowing any version of a guardrail (`:*`) is guarded only by every such version:
    each version the pattern matches becomes a guardrail of the path (the guardrails' versions are listed
    side by side, once each)."""
    gids = list(dict.fromkeys(parse_identifier(identifier)[0] for path in paths
                              for identifier, _pattern in path.version_patterns))
    versions = dict(zip(gids, ctx.fan_out(lambda gid: bedrock.guardrail_versions(ctx, gid), gids), strict=True))
    for path in paths:
        for identifier, pattern in path.version_patterns:
            gid = parse_identifier(identifier)[0]
            matching = [v for v in versions[gid] if fnmatchcase(v, pattern)]
            if not matching:
                path.unguarded_parts.append(f"no version of guardrail {gid} matches {pattern!r}")
            path.guardrails += [GuardrailRef(gid, v, identifier) for v in matching]


def _iam_ctx(ctx: CheckContext) -> CheckContext:
    """IAM is global: read it through the home region's context, as the global checks do, so every
    region shares the answer (and a region closed by policy takes nothing global with it)."""
    return ctx.home()


def _callers(ctx: CheckContext) -> list[Path]:
    paths = caller_paths(_iam_ctx(ctx), region=ctx.region)
    expand_version_patterns(ctx, paths)  # versions are regional: listed in this region
    return paths


def coverage(ctx: CheckContext, what: str) -> Coverage:
    """The region's paths to a model, enforced guardrails, and the sources that could not be read.

    Each source is read in a scope of its own (`<what>:<source>`): one that fails is one ERROR naming it
    (what it names is then not judged); one that answers gives no finding of its own. `what` says what the
    calling check judges from the sources ("paths to a model", "guardrail versions")."""
    found = Coverage()
    sources: list[tuple[str, Callable[[], None]]] = [
        ("account enforced guardrails", lambda: found.enforced.extend(account_enforced(ctx))),
        ("organization Bedrock policy", lambda: found.enforced.extend(org_enforced(ctx))),
        ("agents", lambda: found.paths.extend(agent_paths(ctx))),
        ("flows", lambda: found.paths.extend(flow_paths(ctx))),
        ("IAM principals", lambda: found.paths.extend(_callers(ctx))),
    ]
    for name, read in sources:
        with ctx.resource(f"{what}:{name}", type="Other"):
            try:
                read()
            except AwsReadError as exc:
                found.failures[name] = str(exc)
                ctx.error(f"{name} in {ctx.region} could not be read, so the {what} they name are not judged: "
                          f"{exc}", {"source": name})
            else:
                ctx.skip()  # read: what it names is judged on its own resources
    return found


# -- judging a path --------------------------------------------------------------------------
@dataclass(frozen=True)
class PathVerdict:
    guarded: bool
    applies: list[str]  # guardrail versions that apply ("gr1:3 (enforced for the account)")
    blocking_filters: list[str]
    reasons: list[str]  # why it is not guarded


def judge_path(path: Path, enforced: list[Enforced], details: dict[GuardrailRef, dict[str, Any]]
               ) -> PathVerdict:
    """`details`: the GetGuardrail answer of each referenced version (absent: could not be read)."""
    applies, filters, reasons = [], [], list(path.unguarded_parts)
    for guardrail in path.guardrails:
        detail = details.get(guardrail)
        blocking = _guardrails.blocking_filters(detail) if detail is not None else []
        applies.append(guardrail.label)
        filters += blocking
        if detail is not None and not blocking:
            reasons.append(f"guardrail {guardrail.label} blocks nothing ({_guardrails.DETECT_ONLY} or no filter)")
    attached_ok = bool(path.guardrails) and not reasons
    covering = [e for e in enforced if e.covers(path.models)]
    enforced_ok = False
    for e in covering:
        detail = details.get(e.guardrail)
        blocking = _guardrails.blocking_filters(detail) if detail is not None else []
        applies.append(f"{e.guardrail.label} (enforced for the {e.owner})")
        filters += blocking
        enforced_ok = enforced_ok or bool(blocking)
    if not path.guardrails and not covering and not reasons:
        reasons.append("no guardrail applies")
    return PathVerdict(attached_ok or enforced_ok, applies, list(dict.fromkeys(filters)),
                       [] if attached_ok or enforced_ok else reasons)
