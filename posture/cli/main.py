"""The `posture` command: parse, build, call the library, map errors to exit codes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from posture import __version__
from posture.cli import reporting as reporting_cli
from posture.core.errors import PostureError, UsageError
from posture.core.models import Severity

if TYPE_CHECKING:
    from posture.core.config import ScanConfig
    from posture.core.registry import Registry
    from posture.core.runner import ProgressInfo
    from posture.render.table import View as TableView
    from posture.report.model import Report

EXIT_OK, EXIT_SCAN_FAILED, EXIT_USAGE, EXIT_FINDINGS = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143
SEVERITIES = [s.value for s in Severity]
PROGRESS_INTERVAL = 5.0  # seconds between progress lines off a terminal


class Terminated(BaseException):
    """SIGTERM, raised in the main thread like KeyboardInterrupt is for SIGINT."""


def load_registry() -> Registry:
    from posture.core.registry import Registry

    registry = Registry.load()
    for warning in registry.warnings:
        click.echo(f"posture: warning: {warning}", err=True)
    return registry


def progress_line(info: ProgressInfo) -> str:
    """Counts the report's scan.units_run and scan.api_calls count (a unit: one check in one region);
    how many findings are ERROR is known when the scan is settled, and the summary says it."""
    return (f"posture: progress: accounts {info.accounts_done}/{info.accounts_total}, {info.regions} regions, "
            f"units {info.units_done}/{info.units_total} (check × region), {info.api_calls} API calls")


def stderr_progress(quiet: bool, asked: bool = False, *, interval: float | None = None,
                    clock: Callable[[], float] = time.monotonic) -> Callable[[ProgressInfo], None] | None:
    """A live counter when a person watches stderr (unless --quiet); off a terminal, one line
    every few seconds with --progress only, so scheduled runs stay quiet."""
    terminal = sys.stderr.isatty()
    if (quiet and not asked) or (not terminal and not asked):
        return None
    if terminal:
        def show(info: ProgressInfo) -> None:
            click.echo(f"\rscanning: {info.units_done}/{info.units_total} units (check × region), "
                       f"{info.api_calls} API calls", err=True, nl=info.units_done == info.units_total)
        return show
    every = interval if interval is not None else float(os.environ.get("POSTURE_PROGRESS_INTERVAL", PROGRESS_INTERVAL))
    last = [clock()]

    def line(info: ProgressInfo) -> None:
        now = clock()
        if now - last[0] >= every or info.units_done == info.units_total:  # and a last line when done
            last[0] = now
            click.echo(progress_line(info), err=True)

    return line


def build_config(**options: Any) -> ScanConfig:
    from pydantic import ValidationError

    from posture.core.config import ScanConfig

    try:
        return ScanConfig(**options)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"invalid {where}: {first['msg']}") from None


def table_view(options: dict[str, Any], severities: tuple[str, ...] = ()) -> TableView:
    """Pop the terminal's options (--verbose, --status, and --severity as a filter of what is
    printed) into the table's view, as wide as the terminal."""
    from posture.core.models import Status
    from posture.render.table import View

    statuses = tuple(Status(s.upper()) for s in options.pop("statuses", ()) or ())
    width = shutil.get_terminal_size((120, 24)).columns
    return View(verbose=bool(options.pop("verbose", False)), statuses=statuses,
                severities=tuple(Severity(s.lower()) for s in severities), width=width)


def finish_scan(report: Report, extras: reporting_cli.Extras, *, quiet: bool, fail_on: Severity | None,
                view: TableView | None = None) -> int:
    """Print the summary (on stderr when a report goes to stdout) and where the reports went;
    return the exit code, and on exit 3 say why and where the reports are, as the last line."""
    from posture.render.table import render as render_table
    from posture.report.model import failing_at_or_above

    files = [p for p in extras.written if p != "-"]
    if not quiet:
        click.echo(render_table(report, view), nl=False, err=extras.to_stdout)
        if files:
            click.echo("", err=extras.to_stdout)
        for path in files:
            click.echo(f"report: {path}", err=extras.to_stdout)
    failing = failing_at_or_above(report, fail_on)
    if not failing or fail_on is None:
        return EXIT_OK
    where = f"; reports: {', '.join(files)}" if files else ("; report on stdout" if extras.to_stdout else
                                                              "; no report written")
    click.echo(f"posture: {failing} failing finding{'s' if failing != 1 else ''} at or above "
               f"{fail_on.value}{where}", err=True)
    return EXIT_FINDINGS


SERVICE_HELP = "Run only this service's checks (API name bedrock-agent or check prefix bedrock_agent); repeatable."
scan_options = [
    click.option("--profile", help="AWS profile to use (default: boto3's usual credential chain)."),
    click.option("--region", "regions", multiple=True,
                 help="Region to scan; repeatable. Default: every enabled region."),
    click.option("--check", "checks", multiple=True, help="Run only this check id; repeatable."),
    click.option("--exclude-check", "exclude_checks", multiple=True, help="Skip this check id; repeatable."),
    click.option("--service", "services", multiple=True, help=SERVICE_HELP),
    click.option("--severity", "severities", multiple=True, type=click.Choice(SEVERITIES, case_sensitive=False),
                 help="Run and report only checks of this severity; repeatable."),
    click.option("--workers", type=int, default=16, show_default=True, help="Concurrent checks."),
    click.option("--max-attempts", type=int, default=5, show_default=True,
                 help="Attempts per AWS call (adaptive retries)."),
    click.option("--account", "accounts", multiple=True, metavar="ID",
                 help="Scan this account (through --role-name); repeatable. Default: the credentials' account."),
    click.option("--org/--no-org", default=False,
                 help="Scan every ACTIVE account of the organisation (through --role-name)."),
    click.option("--inventory/--no-inventory", default=None,
                 help="Collect the GenAI inventory (default: with a scan not narrowed to some checks)."),
    click.option("--role-name", help="Role to assume in each scanned account (a path is allowed: audit/Posture)."),
    click.option("--external-id", help="External id to pass when assuming --role-name."),
    click.option("--role-session-name", default="posture", show_default=True, help="Session name of assumed roles."),
    click.option("--shard", metavar="I/N", help="Scan only shard I of N (1-based) of the (account, region) units."),
    click.option("--shard-count", type=int, metavar="N",
                 help="Scan one of N shards, its 0-based index read from POSTURE_SHARD_INDEX, "
                      "JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch)."),
    click.option("--progress", is_flag=True,
                 help="Show progress on stderr off a terminal too: one line every few seconds."),
    click.option("--cloudtrail-lookback", "cloudtrail_lookback", type=click.IntRange(1, 90), metavar="DAYS",
                 help="Also look for LLM-jacking in the last DAYS of CloudTrail events (LookupEvents: slow, "
                      "opt-in; the [checks.cloudtrail] lookback_days setting)."),
]
# What to do with a report: shared by `scan`, `merge` and `demo`.
output_options = [
    click.option("--json", "json_path", metavar="PATH", help="Write the JSON report here ('-' for stdout)."),
    click.option("--fail-on", type=click.Choice(SEVERITIES, case_sensitive=False),
                 help="Exit 3 when a failing finding is at or above this severity."),
    click.option("--quiet/--no-quiet", default=False, help="Print no table (the reports are still written)."),
    click.option("--verbose", "-v", is_flag=True, default=False,
                 help="Print every finding of the statuses shown (default: the summary and the top failures)."),
    click.option("--status", "statuses", multiple=True, type=click.Choice(["FAIL", "ERROR", "PASS"],
                                                                          case_sensitive=False),
                 help="Print only findings of this status; repeatable (default: FAIL, and ERROR with --verbose)."),
    click.option("--compliance", "compliance", multiple=True, metavar="FRAMEWORK",
                 help="Add this framework's per-requirement view to every output; repeatable "
                      "(`posture compliance --list`)."),
]
scan_options += output_options


def with_scan_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(scan_options):
        fn = option(fn)
    return fn


def with_output_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(output_options):
        fn = option(fn)
    return fn


def service_names(registry: Registry, names: tuple[str, ...]) -> tuple[str, ...]:
    """--service as a user types it: the API name (bedrock-agent) or the check-id prefix
    (bedrock_agent), any case."""
    by_name: dict[str, str] = {}
    for c in registry:
        by_name[c.meta.service.lower()] = c.meta.service
        by_name[c.meta.id.split(".", 1)[0].lower()] = c.meta.service
        by_name[c.meta.service.lower().replace("-", "_")] = c.meta.service
    return tuple(by_name.get(n.strip().lower(), n) for n in names)


def severity_selection(registry: Registry, severities: tuple[str, ...], checks: tuple[str, ...],
                       services: tuple[str, ...], exclude: tuple[str, ...]) -> tuple[str, ...]:
    """--severity as a check selection (within --check/--service); empty: no check has it."""
    from posture.core.registry import RegistryError

    wanted = {s.lower() for s in severities}
    try:
        chosen = registry.select(include=checks, exclude=exclude, services=services)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    ids = tuple(c.meta.id for c in chosen if c.meta.severity.value in wanted)
    if not ids:
        raise UsageError(f"no selected check has severity {', '.join(sorted(wanted))}")
    return ids


@contextmanager
def signals_as_exceptions() -> Iterator[None]:
    """SIGTERM raises Terminated in the main thread (SIGINT already raises KeyboardInterrupt),
    so writes in flight unwind and clean up their temporary files."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: Any) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class PostureGroup(click.Group):
    """Turns the library's errors into one line on stderr and the documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PostureError as exc:
            click.echo(f"posture: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except Exception as exc:  # an AWS configuration a user got wrong: one line, not a traceback
            from posture.aws.errors import configuration_problem

            problem = configuration_problem(exc)
            if problem is None:
                raise
            click.echo(f"posture: error: {problem}", err=True)
            ctx.exit(EXIT_USAGE)

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        """click's own usage errors (bad option, bad choice) in one line too, not usage + hint + error;
        Ctrl-C exits 130 and SIGTERM 143, each with one line."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            with signals_as_exceptions():
                code = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # bare `posture`: the help, as click shows it
                exc.show()
                sys.exit(exc.exit_code)
            message = " ".join(exc.format_message().split())
            click.echo(f"posture: error: {message} (see --help)", err=True)
            sys.exit(exc.exit_code)
        except click.Abort as exc:
            if isinstance(exc.__context__, KeyboardInterrupt):
                click.echo("posture: interrupted (SIGINT); no report was written", err=True)
                sys.exit(EXIT_INTERRUPTED)
            click.echo("posture: error: aborted", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("posture: interrupted (SIGINT); no report was written", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Terminated:
            click.echo("posture: terminated (SIGTERM); no report was written", err=True)
            sys.exit(EXIT_TERMINATED)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=PostureGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="posture")
def cli() -> None:
    """Posture of LLM applications on AWS, per trust boundary, NIST CSF 2.0 and OWASP LLM Top 10."""


@cli.command()
@with_scan_options
@reporting_cli.with_report_options
def scan(**options: Any) -> None:
    """Scan the account of the current credentials, or named/organisation accounts (read-only)."""
    from posture.core.runner import scan as run_scan
    from posture.core.shard import resolve_shard
    from posture.report.model import build_report

    extras, options = reporting_cli.prepare(click.get_current_context(), options)
    quiet, fail_on, asked = options.pop("quiet"), options.pop("fail_on"), options.pop("progress")
    view = table_view(options, tuple(options.get("severities") or ()))
    options["shard_index"], options["shard_count"] = resolve_shard(options.pop("shard"), options.pop("shard_count"))
    lookback = options.pop("cloudtrail_lookback", None)
    if lookback is not None:  # the flag is a name for one check setting; the engine knows no check
        settings = dict(options.get("check_settings") or {})
        settings["cloudtrail"] = {**settings.get("cloudtrail", {}), "lookback_days": lookback}
        options["check_settings"] = settings
    registry = load_registry()
    options["services"] = service_names(registry, tuple(options.get("services") or ()))
    severities = tuple(options.pop("severities", ()) or ())
    if severities:
        options["checks"] = severity_selection(registry, severities, tuple(options.get("checks") or ()),
                                               options["services"], tuple(options.get("exclude_checks") or ()))
        options["services"] = ()
    config = build_config(fail_on=fail_on, **options)
    report = build_report(run_scan(config, registry, progress=stderr_progress(quiet, asked)))
    report, push_ok = reporting_cli.after_scan(report, extras, config, quiet=quiet)
    code = finish_scan(report, extras, quiet=quiet, fail_on=config.fail_on, view=view)
    sys.exit(reporting_cli.exit_code(code, push_ok))


PRINT_SEVERITY = click.option("--severity", "severities", multiple=True,
                              type=click.Choice(SEVERITIES, case_sensitive=False),
                              help="Print only findings of this severity; repeatable.")


@cli.command()
@click.argument("parts", nargs=-1, required=True, metavar="PART.json...")
@with_output_options
@reporting_cli.with_report_options
@click.option("--allow-partial", is_flag=True,
              help="Merge an incomplete set of shards; the result says it is partial in scan.shard.")
@click.option("--profile", help="AWS profile for --securityhub.")
@click.option("--role-name", help="Role to assume in each other account of the report (--securityhub).")
@click.option("--external-id", help="External id for --role-name.")
@PRINT_SEVERITY
def merge(parts: tuple[str, ...], **options: Any) -> None:
    """Join the JSON reports of a sharded scan (`scan --shard`) into one report, then write and
    push it like `scan` does: summary and scores are recomputed over every shard's findings.
    An incomplete set of shards, or parts of different scans, is refused (exit 2)."""
    from posture.report.merge import load_report, merge_reports

    extras, options = reporting_cli.prepare(click.get_current_context(), options)
    quiet, fail_on, allow_partial = options.pop("quiet"), options.pop("fail_on"), options.pop("allow_partial")
    view = table_view(options, tuple(options.pop("severities", ()) or ()))
    config = build_config(fail_on=fail_on, **options)
    report = merge_reports([load_report(p) for p in parts], allow_partial=allow_partial)
    report, push_ok = reporting_cli.after_scan(report, extras, config, quiet=quiet)
    code = finish_scan(report, extras, quiet=quiet, fail_on=config.fail_on, view=view)
    sys.exit(reporting_cli.exit_code(code, push_ok))


@cli.command("checks")
@click.option("--json", "as_json", is_flag=True, help="Print the registry as JSON.")
@click.option("--markdown", is_flag=True, help="Print the catalogue page (docs/checks.md).")
@click.option("--service", "services", multiple=True, help=SERVICE_HELP)
@click.option("--severity", "severities", multiple=True, type=click.Choice(SEVERITIES, case_sensitive=False),
              help="Only checks of this severity; repeatable.")
def list_checks(as_json: bool, markdown: bool, services: tuple[str, ...], severities: tuple[str, ...]) -> None:
    """List the checks in the registry."""
    from posture.core.registry import Registry, RegistryError
    from posture.render import OTHER_RENDERERS

    registry = load_registry()
    if services or severities:
        try:
            chosen = registry.select(services=service_names(registry, services))
        except RegistryError as exc:
            raise UsageError(str(exc)) from None
        wanted = {s.lower() for s in severities}
        registry = Registry([c for c in chosen if not wanted or c.meta.severity.value in wanted])
    if markdown:
        click.echo(OTHER_RENDERERS["catalogue-markdown"](registry), nl=False)
        return
    if as_json:
        click.echo(json.dumps([c.meta.model_dump(mode="json") for c in registry], indent=2))
        return
    from tabulate import tabulate

    rows = [[c.meta.id, c.meta.severity.value, ",".join(c.meta.boundaries), ",".join(c.meta.csf),
             ",".join(c.meta.owasp_llm)] for c in registry]
    click.echo(tabulate(rows, headers=["Check", "Severity", "Boundaries", "CSF", "OWASP LLM"]))
    click.echo(f"\n{len(rows)} checks")


@cli.command()
@click.argument("check_id")
def explain(check_id: str) -> None:
    """Show a check's metadata, rationale and remediation."""
    from posture.core.registry import RegistryError

    try:
        meta = load_registry().get(check_id).meta
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    fields = [
        ("Check", meta.id), ("Title", meta.title), ("Severity", meta.severity.value),
        ("Service", f"{meta.service} ({meta.scope.value})"), ("Resource type", meta.resource_type),
        ("Trust boundaries", ", ".join(meta.boundaries)), ("NIST CSF 2.0", ", ".join(meta.csf)),
        ("OWASP LLM", ", ".join(meta.owasp_llm)),
        ("Security Hub", ", ".join(meta.securityhub_controls) or "no equivalent control"),
        ("IAM permissions", ", ".join(meta.permissions)),
    ]
    width = max(len(k) for k, _ in fields)
    lines = [f"{k.ljust(width)}  {v}" for k, v in fields]
    for heading, text in (("What it checks", meta.description), ("Why it matters for an LLM workload", meta.rationale),
                          ("Remediation", meta.remediation)):
        lines += ["", heading, "  " + text]
    click.echo("\n".join(lines))


@cli.command("iam-policy")
@click.option("--securityhub/--no-securityhub", default=False,
              help="Add the Security Hub import permissions (the one write, for --securityhub scans and `push`).")
@click.option("--org", is_flag=True, help="Add what an organization scan needs (ListAccounts, AssumeRole).")
@click.option("--part", type=click.IntRange(min=1), metavar="N",
              help="Print only policy document N, ready for `aws iam create-policy --policy-document`.")
def iam_policy(securityhub: bool, org: bool, part: int | None) -> None:
    """Print the scanner's least-privilege IAM permissions as managed policies, split to fit IAM's
    6,144-character limit: JSON {PolicyCount, Limit, Why, SecurityHubImport, Policies: [{PolicyName,
    Characters, PolicyDocument}]} on stdout, how many policies and why on stderr."""
    from posture.core.iampolicy import policy_set

    registry = load_registry()
    policies = policy_set([*registry, *registry.collectors], securityhub=securityhub, organization=org)
    if part is not None:
        if part > policies["PolicyCount"]:
            count = policies["PolicyCount"]
            raise UsageError(f"--part {part}: the scanner needs {count} polic{'y' if count == 1 else 'ies'}")
        click.echo(json.dumps(policies["Policies"][part - 1]["PolicyDocument"], indent=2))
        return
    click.echo(json.dumps(policies, indent=2))
    count = policies["PolicyCount"]
    click.echo(f"posture: {count} managed polic{'y' if count == 1 else 'ies'}: {policies['Why']}"
               + ("" if securityhub else " (Security Hub import left out: add --securityhub to push findings)"),
               err=True)


@cli.command()
@click.argument("framework_key", required=False, metavar="[FRAMEWORK]")
@click.option("--list", "list_frameworks", is_flag=True, help="List the frameworks --compliance knows.")
@click.option("--report", "report_path", metavar="REPORT.json",
              help="Show FRAMEWORK's per-requirement view of a report written earlier.")
def compliance(framework_key: str | None, list_frameworks: bool, report_path: str | None) -> None:
    """The frameworks posture maps to (--list), one framework's requirements and the checks that give
    evidence for each (FRAMEWORK), or its per-requirement view of a saved report (--report)."""
    from posture.core.reference import COMPLIANCE_FRAMEWORKS
    from posture.render import OTHER_RENDERERS
    from posture.render.compliance import text
    from posture.sinks.pipeline import add_compliance

    catalogue = [c.meta for c in load_registry()]
    if list_frameworks or framework_key is None:
        if framework_key is not None or report_path:
            raise UsageError("--list takes no FRAMEWORK and no --report")
        click.echo(OTHER_RENDERERS["compliance-list"](catalogue), nl=False)
        return
    if framework_key not in COMPLIANCE_FRAMEWORKS:
        raise UsageError(f"unknown framework {framework_key!r} (known: {', '.join(COMPLIANCE_FRAMEWORKS)})")
    if report_path is None:
        click.echo(OTHER_RENDERERS["compliance-mapping"](framework_key, catalogue), nl=False)
        return
    report = add_compliance(reporting_cli.load_report(report_path), [framework_key], catalogue)
    click.echo(text(report.compliance[0]))


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the report."""
    from posture.report.model import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


@cli.command()
@reporting_cli.with_output_file_options  # every output `scan` writes; a demo pushes nowhere, records no history
@click.option("--json", "json_path", metavar="PATH", default="posture-demo-report.json", show_default=True,
              help="Where to write the JSON report ('-' for stdout).")
@click.option("--fail-on", type=click.Choice(SEVERITIES, case_sensitive=False))
@click.option("--quiet/--no-quiet", default=False, help="Print no table (the reports are still written).")
@click.option("--verbose", "-v", is_flag=True, default=False,
              help="Print every finding of the statuses shown (default: the summary and the top failures).")
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(["FAIL", "ERROR", "PASS"], case_sensitive=False),
              help="Print only findings of this status; repeatable (default: FAIL, and ERROR with --verbose).")
@PRINT_SEVERITY
@click.option("--progress", is_flag=True, help="Show progress on stderr off a terminal too.")
@click.option("--compliance", "compliance", multiple=True, metavar="FRAMEWORK",
              help="Add this framework's per-requirement view to every output; repeatable.")
def demo(**options: Any) -> None:
    """Scan a simulated, partly misconfigured LLM-application account (moto on 127.0.0.1)."""
    try:
        from posture.demo import run_demo
    except ImportError as exc:
        raise UsageError(f"the demo needs moto's server ({exc.name} is missing): "
                         "pip install 'aws-llm-posture[demo]'") from None
    ctx = click.get_current_context()
    quiet, fail_on, asked = options.pop("quiet"), options.pop("fail_on"), options.pop("progress")
    view = table_view(options, tuple(options.pop("severities", ()) or ()))
    frameworks = tuple(options.pop("compliance", ()) or ())
    extras, _ = reporting_cli.prepare(ctx, {**options, "config_path": None, "securityhub": False,
                                            "no_history": True, "history_path": None, "suppressions_path": None},
                                  use_config=False)
    config = build_config(fail_on=fail_on, compliance=frameworks)
    # The demo's AWS is the local server, with its own credentials: a profile the user set for
    # their real AWS would be looked up in the demo's empty config file and fail the demo.
    saved = {k: os.environ.pop(k) for k in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE") if k in os.environ}
    try:
        report = run_demo(config, load_registry(), progress=stderr_progress(quiet, asked))
    finally:
        os.environ.update(saved)
    report, _ = reporting_cli.after_scan(report, extras, config, quiet=quiet)
    sys.exit(finish_scan(report, extras, quiet=quiet, fail_on=config.fail_on, view=view))


cli.add_command(reporting_cli.push)
cli.add_command(reporting_cli.diff)


def main() -> None:
    try:
        cli(prog_name="posture")
    except SystemExit as exc:
        if exc.code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
            # Interrupted: the outputs were never written (or their temporary files are gone). Workers
            # still waiting on AWS would hold the interpreter's exit until their reads time out; end now.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(int(exc.code))
        raise
