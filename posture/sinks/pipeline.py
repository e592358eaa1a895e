"""After the scan: suppressions, history, outputs and Security Hub, so the CLI stays thin.

    report = build_report(scan(...))
    report = apply_suppressions(report, suppressions.load(path), today=date.today())
    report = record_history(report, history_path)
    write_outputs(report, {"json": "r.json", "html": "r.html"})
    result = push_report(report, session_for=sessions(boto3.Session()))
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import boto3

from posture.aws.accounts import AccountSessions, Caller
from posture.aws.context import AwsContext, CallLog, client_config
from posture.aws.errors import AwsReadError
from posture.aws.regions import account_home, home_region
from posture.core.errors import UsageError
from posture.core.models import GLOBAL_REGION, CheckMeta, Finding
from posture.render import OTHER_RENDERERS, RENDERERS
from posture.report import compliance, suppressions
from posture.report.model import Report, Scope, SuppressionInfo, summarize
from posture.sinks import securityhub
from posture.sinks.files import EXTENSIONS, write_text
from posture.sinks.history import History

MAX_TAG_ARNS = 100


def with_findings(report: Report, findings: list[Finding], **update: Any) -> Report:
    """The report over `findings`, its summary (scores, counts) recomputed."""
    return report.model_copy(update={"findings": findings, "summary": summarize(findings), **update})


def apply_suppressions(
    report: Report, rules: suppressions.RuleSet, *, today: date, tags_of: suppressions.TagsOf | None = None
) -> Report:
    findings, expired = suppressions.apply(report.findings, rules, today=today, tags_of=tags_of)
    info = SuppressionInfo(file=rules.path, rules=len(rules.rules), muted=sum(1 for f in findings if f.muted),
                           expired=expired)
    return with_findings(report, findings, suppressions=info)


def add_compliance(report: Report, keys: Iterable[str], catalogue: Iterable[CheckMeta]) -> Report:
    """The report with the per-requirement view of each framework in `keys` (after suppressions:
    muted findings count as muted). `catalogue`: every check known, selected or not."""
    return report.model_copy(update={"compliance": compliance.build_views(
        keys, catalogue, report.findings, report.scan.check_ids)})


def record_history(report: Report, path: str | Path) -> Report:
    with History(path) as history:
        return history.record(report)




def write_outputs(report: Report, paths: Mapping[str, str | None], *,
                  make_parents: Collection[str] = ()) -> list[str]:
    """Write each format (`name` or `name@anything` -> path); return the paths written.
    A name in `make_parents` gets its missing folder created."""
    written = []
    for name, path in paths.items():
        if path:
            kind = name.split("@", 1)[0]
            write_text(path, RENDERERS[kind](report), make_parents=name in make_parents)
            written.append(path)
            if kind == "csv" and report.compliance:
                beside = compliance_csv_path(path)
                if beside is None:
                    raise UsageError(f"the compliance view of --csv {path} goes to a file beside it: give --csv "
                                     "a file path")
                write_text(beside, OTHER_RENDERERS["compliance-csv"](report), make_parents=name in make_parents)
                written.append(beside)
    return written


def compliance_csv_path(csv_path: str) -> str | None:
    """Where the per-requirement CSV of a report goes: beside its findings CSV (`r.csv` ->
    `r.compliance.csv`); None when the findings CSV is not a regular file (stdout, a pipe)."""
    path = Path(csv_path)
    if csv_path == "-" or (path.exists() and not path.is_file()):
        return None
    stem = path.name[:-4] if path.name.lower().endswith(".csv") else path.name
    return str(path.with_name(f"{stem}.compliance.csv"))


def dated_outputs(report: Report, directory: str, formats: Iterable[str]) -> dict[str, str]:
    """Format -> DIR/posture-<account>-<UTC start time>.<ext>: one name per scan, never overwritten
    by the next scan. An organisation scan is named after its first account and the count."""
    accounts = report.scan.accounts
    who = accounts[0] if len(accounts) == 1 else f"{accounts[0]}-and-{len(accounts) - 1}-more" if accounts else "none"
    when = report.scan.started_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return {f: str(Path(directory) / f"posture-{who}-{when}.{EXTENSIONS[f]}") for f in dict.fromkeys(formats)}


def tag_lookup(session: boto3.Session, report: Report) -> suppressions.TagsOf:
    """Tags of the findings' resources, read with tag:GetResources (only when a rule uses tags).

    Read through an AwsContext like every other read: guarded read-only, counted, explained."""
    home = account_home(report.scan.partition, report.scan.regions)
    by_region: dict[str, set[str]] = {}
    for f in report.findings:
        if f.resource_arn:
            by_region.setdefault(home if f.region == GLOBAL_REGION else f.region, set()).add(f.resource_arn)
    tags: dict[str, dict[str, str]] = {}
    call_log = CallLog()
    for region, arns in by_region.items():
        reader = AwsContext(session, account_id="-", partition=report.scan.partition, region=region,
                            call_log=call_log, config=client_config(5))
        ordered = sorted(arns)
        for start in range(0, len(ordered), MAX_TAG_ARNS):
            try:
                page = reader.call("resourcegroupstaggingapi", "get_resources",
                                   ResourceARNList=ordered[start:start + MAX_TAG_ARNS])
            except AwsReadError as exc:
                raise UsageError(f"suppression rules match tags, but tags cannot be read: {exc.reason}") from None
            for item in page.get("ResourceTagMappingList", []):
                tags[item["ResourceARN"]] = {t["Key"]: t["Value"] for t in item.get("Tags", [])}
    return lambda f: tags.get(f.resource_arn or "", {})


def sessions(
    session: boto3.Session,
    *,
    role_name: str | None = None,
    external_id: str | None = None,
    role_session_name: str = "posture",
    max_attempts: int = 5,
) -> securityhub.SessionFor:
    """A session per account: the caller's own, or `role_name` assumed in another account.

    BatchImportFindings accepts an account's findings only from that account, so without a
    role the credentials can push only their own account's findings.
    """
    opened: dict[str, Any] = {}

    def account_sessions() -> AccountSessions:
        if "sessions" not in opened:
            probe = AwsContext(session, account_id="-", partition="aws", region=session.region_name or "us-east-1",
                               call_log=CallLog(), config=client_config(max_attempts))
            arn = probe.call("sts", "get_caller_identity")["Arn"]
            _, partition, _, _, account_id, _ = arn.split(":", 5)
            caller = Caller(account_id, partition, session.region_name or home_region(partition))
            sts = AwsContext(session, account_id=account_id, partition=partition, region=caller.region,
                             call_log=CallLog(), config=client_config(max_attempts))
            opened["sessions"] = AccountSessions(session, caller, sts, role_name=role_name, external_id=external_id,
                                                 role_session_name=role_session_name)
        result: AccountSessions = opened["sessions"]
        return result

    def session_for(account_id: str) -> boto3.Session:
        try:
            known = account_sessions()
        except AwsReadError as exc:
            raise securityhub.HubError(securityhub.Failure(
                account_id, "-", None, exc.code or "GetCallerIdentity",
                f"cannot identify the credentials: {exc.reason}")) from None
        if account_id != known.caller.account_id and not role_name:
            raise securityhub.HubError(securityhub.Failure(
                account_id, "-", None, "WrongAccount",
                f"the credentials are for account {known.caller.account_id}; Security Hub takes an account's "
                "findings only from that account (give --role-name, or push with that account's credentials)"))
        try:
            return known.open(account_id)
        except AwsReadError as exc:
            raise securityhub.HubError(securityhub.Failure(account_id, "-", None, exc.code or "AssumeRole",
                                                           exc.reason)) from None

    return session_for


def push_report(
    report: Report,
    *,
    session_for: securityhub.SessionFor,
    max_attempts: int = 5,
    sleep: Callable[[float], None] = time.sleep,
) -> securityhub.PushResult:
    if report.scan.shard and not report.scan.shard.startswith("partial"):
        raise UsageError(f"this report is shard {report.scan.shard} of a scan: push the merged report "
                         "(`posture merge`), or this shard would archive what the other shards found")
    first_seen = {f.id: f.first_seen for f in report.findings if f.first_seen is not None}
    scope = Scope(report.scan)
    home = account_home(report.scan.partition, report.scan.regions)

    def in_scope(account_id: str, region: str, check_id: str) -> bool:
        if scope.verdict(account_id, region, check_id) == "evaluated":
            return True
        return region == home and scope.verdict(account_id, GLOBAL_REGION, check_id) == "evaluated"

    return securityhub.push(
        report.findings,
        partition=report.scan.partition,
        accounts=report.scan.accounts,
        regions=report.scan.regions,
        check_ids={f.check_id for f in report.findings} | set(report.scan.check_ids),
        session_for=session_for,
        now=datetime.now(UTC),
        first_seen=first_seen,
        max_attempts=max_attempts,
        sleep=sleep,
        in_scope=in_scope,
    )
