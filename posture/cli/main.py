"""The `posture` command: parse, build, call the library, map errors to exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click
from pydantic import ValidationError

from posture import __version__
from posture.cli import reporting as reporting_cli
from posture.core.config import ScanConfig
from posture.core.errors import PostureError, UsageError
from posture.core.models import Severity
from posture.core.registry import Registry, RegistryError
from posture.core.runner import scan as run_scan
from posture.render import OTHER_RENDERERS, RENDERERS
from posture.report.model import Report, build_report, failing_at_or_above, json_schema
from posture.sinks.files import write_text

EXIT_OK, EXIT_SCAN_FAILED, EXIT_USAGE, EXIT_FINDINGS = 0, 1, 2, 3
SEVERITIES = [s.value for s in Severity]


def load_registry() -> Registry:
    registry = Registry.load()
    for warning in registry.warnings:
        click.echo(f"posture: warning: {warning}", err=True)
    return registry


def stderr_progress(quiet: bool) -> Callable[[int, int], None] | None:
    """Progress on stderr only when a person is watching it."""
    if quiet or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        click.echo(f"\rscanning: {done}/{total} checks", err=True, nl=False)
        if end:
            click.echo("", err=True)

    return show


def build_config(**options: Any) -> ScanConfig:
    try:
        return ScanConfig(**options)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"invalid {where}: {first['msg']}") from None


def finish_scan(report: Report, *, json_path: str | None, quiet: bool, fail_on: Severity | None) -> int:
    """Print and write what the user asked for; return the exit code."""
    if json_path:
        write_text(json_path, RENDERERS["json"](report))
    if not quiet and json_path != "-":
        click.echo(RENDERERS["table"](report), nl=False)
    return EXIT_FINDINGS if failing_at_or_above(report, fail_on) else EXIT_OK


scan_options = [
    click.option("--profile", help="AWS profile to use (default: boto3's usual credential chain)."),
    click.option("--region", "regions", multiple=True,
                 help="Region to scan; repeatable. Default: every enabled region."),
    click.option("--check", "checks", multiple=True, help="Run only this check id; repeatable."),
    click.option("--exclude-check", "exclude_checks", multiple=True, help="Skip this check id; repeatable."),
    click.option("--service", "services", multiple=True, help="Run only this service's checks; repeatable."),
    click.option("--workers", type=int, default=16, show_default=True, help="Concurrent checks."),
    click.option("--max-attempts", type=int, default=5, show_default=True,
                 help="Attempts per AWS call (adaptive retries)."),
    click.option("--account", "accounts", multiple=True, metavar="ID",
                 help="Scan this account (through --role-name); repeatable. Default: the credentials' account."),
    click.option("--org", is_flag=True, help="Scan every ACTIVE account of the organisation (through --role-name)."),
    click.option("--role-name", help="Role to assume in each scanned account (a path is allowed: audit/Posture)."),
    click.option("--external-id", help="External id to pass when assuming --role-name."),
    click.option("--role-session-name", default="posture", show_default=True, help="Session name of assumed roles."),
    click.option("--shard", metavar="I/N", help="Scan only shard I of N (1-based) of the (account, region) units."),
    click.option("--shard-count", type=int, metavar="N",
                 help="Scan one of N shards, its 0-based index read from POSTURE_SHARD_INDEX, "
                      "JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch)."),
]
# What to do with a report: shared by `scan` and `merge`.
output_options = [
    click.option("--json", "json_path", metavar="PATH", help="Write the JSON report here ('-' for stdout)."),
    click.option("--fail-on", type=click.Choice(SEVERITIES, case_sensitive=False),
                 help="Exit 3 when a failing finding is at or above this severity."),
    click.option("--quiet", is_flag=True, help="Print no table (the JSON is still written)."),
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


class PostureGroup(click.Group):
    """Turns the library's errors into one line on stderr and the documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PostureError as exc:
            click.echo(f"posture: error: {exc}", err=True)
            ctx.exit(exc.exit_code)

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        """click's own usage errors (bad option, bad choice) in one line too, not usage + hint + error."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # bare `posture`: the help, as click shows it
                exc.show()
                sys.exit(exc.exit_code)
            message = " ".join(exc.format_message().split())
            click.echo(f"posture: error: {message} (see --help)", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("posture: error: aborted", err=True)
            sys.exit(1)
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
    from posture.core.shard import resolve_shard

    extras, options = reporting_cli.prepare(click.get_current_context(), options)
    json_path, quiet, fail_on = options.pop("json_path"), options.pop("quiet"), options.pop("fail_on")
    options["shard_index"], options["shard_count"] = resolve_shard(options.pop("shard"), options.pop("shard_count"))
    config = build_config(fail_on=fail_on, **options)
    report = build_report(run_scan(config, load_registry(), progress=stderr_progress(quiet)))
    report, push_ok = reporting_cli.after_scan(report, extras, config, quiet=quiet)
    code = finish_scan(report, json_path=json_path, quiet=quiet, fail_on=config.fail_on)
    sys.exit(reporting_cli.exit_code(code, push_ok))


@cli.command()
@click.argument("parts", nargs=-1, required=True, metavar="PART.json...")
@with_output_options
@reporting_cli.with_report_options
@click.option("--profile", help="AWS profile for --securityhub.")
@click.option("--role-name", help="Role to assume in each other account of the report (--securityhub).")
@click.option("--external-id", help="External id for --role-name.")
def merge(parts: tuple[str, ...], **options: Any) -> None:
    """Join the JSON reports of a sharded scan (`scan --shard`) into one report, then write and
    push it like `scan` does: summary and scores are recomputed over every shard's findings."""
    from posture.report.merge import load_report, merge_reports

    extras, options = reporting_cli.prepare(click.get_current_context(), options)
    json_path, quiet, fail_on = options.pop("json_path"), options.pop("quiet"), options.pop("fail_on")
    config = build_config(fail_on=fail_on, **options)
    report = merge_reports([load_report(p) for p in parts])
    report, push_ok = reporting_cli.after_scan(report, extras, config, quiet=quiet)
    code = finish_scan(report, json_path=json_path, quiet=quiet, fail_on=config.fail_on)
    sys.exit(reporting_cli.exit_code(code, push_ok))


@cli.command("checks")
@click.option("--json", "as_json", is_flag=True, help="Print the registry as JSON.")
@click.option("--markdown", is_flag=True, help="Print the catalogue page (docs/checks.md).")
def list_checks(as_json: bool, markdown: bool) -> None:
    """List the checks in the registry."""
    registry = load_registry()
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
@click.option("--no-securityhub", is_flag=True, help="Leave out the Security Hub import permissions.")
@click.option("--org", is_flag=True, help="Add what an organization scan needs (ListAccounts, AssumeRole).")
def iam_policy(no_securityhub: bool, org: bool) -> None:
    """Print the least-privilege IAM policy for the scanner (from the checks' permissions)."""
    from posture.core.iampolicy import scanner_policy

    registry = load_registry()
    policy = scanner_policy([*registry, *registry.collectors], securityhub=not no_securityhub, organization=org)
    click.echo(json.dumps(policy, indent=2))


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the report."""
    click.echo(json.dumps(json_schema(), indent=2))


@cli.command()
@click.option("--json", "json_path", metavar="PATH", default="posture-demo-report.json", show_default=True,
              help="Where to write the JSON report ('-' for stdout).")
@click.option("--fail-on", type=click.Choice(SEVERITIES, case_sensitive=False))
@click.option("--quiet", is_flag=True)
def demo(json_path: str, fail_on: str | None, quiet: bool) -> None:
    """Scan a simulated, partly misconfigured LLM-application account (moto on 127.0.0.1)."""
    try:
        from posture.demo import run_demo
    except ImportError as exc:
        raise UsageError(f"the demo needs moto's server ({exc.name} is missing): pip install 'posture[demo]'") from None
    config = build_config(fail_on=fail_on)
    report = run_demo(config, load_registry(), progress=stderr_progress(quiet))
    code = finish_scan(report, json_path=json_path, quiet=quiet, fail_on=config.fail_on)
    if json_path != "-" and not quiet:
        click.echo(f"\nJSON report written to {json_path}")
    sys.exit(code)


cli.add_command(reporting_cli.push)
cli.add_command(reporting_cli.diff)


def main() -> None:
    cli(prog_name="posture")
