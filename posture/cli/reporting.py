"""The CLI's report side: `scan` options for outputs, Security Hub, history, suppressions and
the config file, and the `push` and `diff` commands. Parses and calls `posture.sinks.pipeline`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from posture.core import configfile
from posture.core.errors import ScanError, UsageError
from posture.sinks.files import EXTENSIONS, write_text

if TYPE_CHECKING:  # the heavy modules (boto3 behind them) load in the commands that need them
    from posture.core.config import ScanConfig
    from posture.report import suppressions
    from posture.report.model import Report
    from posture.sinks.securityhub import PushResult

EXIT_PUSH_FAILED = 1
OUTPUTS = {"json_path": "json", "asff_path": "asff", "csv_path": "csv", "ocsf_path": "ocsf", "html_path": "html"}
FLAGS = {"json": "--json", "asff": "--asff", "csv": "--csv", "ocsf": "--ocsf", "html": "--html"}

output_file_options = [
    click.option("--asff", "asff_path", metavar="PATH", help="Write the findings in ASFF (Security Hub format)."),
    click.option("--csv", "csv_path", metavar="PATH", help="Write the findings as CSV."),
    click.option("--ocsf", "ocsf_path", metavar="PATH", help="Write OCSF 1.x Compliance Findings (class 2003)."),
    click.option("--html", "html_path", metavar="PATH", help="Write a self-contained HTML report."),
    click.option("--output-directory", "output_directory", metavar="DIR",
                 help="Write each --output-format here as posture-<account>-<UTC time>.<ext> (the folder is made)."),
    click.option("--output-format", "output_formats", multiple=True,
                 type=click.Choice(list(EXTENSIONS), case_sensitive=False),
                 help="A format for --output-directory; repeatable (default: json)."),
]
report_options = [
    *output_file_options,
    click.option("--securityhub/--no-securityhub", default=False,
                 help="Import the findings into each account's Security Hub and resolve fixed ones."),
    click.option("--history", "history_path", metavar="PATH",
                 help="History store (SQLite). Default: $XDG_STATE_HOME/posture/history.sqlite."),
    click.option("--no-history", is_flag=True, help="Record nothing in the history store."),
    click.option("--suppressions", "suppressions_path", metavar="PATH", help="Suppression rules (TOML)."),
    click.option("--config", "config_path", metavar="PATH",
                 help="Config file (default: ./posture.toml when present). Flags override it."),
]


def with_report_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(report_options):
        fn = option(fn)
    return fn


def with_output_file_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(output_file_options):
        fn = option(fn)
    return fn


@dataclass
class Extras:
    outputs: dict[str, str | None]
    securityhub: bool
    history: str | None  # None: no history
    rules: suppressions.RuleSet | None
    from_file: set[str] = field(default_factory=set)  # outputs named in the config file: their folder is made
    directory: str | None = None  # --output-directory
    formats: tuple[str, ...] = ()
    written: list[str] = field(default_factory=list)  # where the reports went (for the last line)

    @property
    def to_stdout(self) -> bool:
        return any(p == "-" for p in self.outputs.values())


def _given(ctx: click.Context, name: str) -> bool:
    source = ctx.get_parameter_source(name)
    return source is not None and source not in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)


def prepare(ctx: click.Context, params: dict[str, Any], *, use_config: bool = True) -> tuple[Extras, dict[str, Any]]:
    """Merge the config file under the flags, pop the report options, read the rules early
    (a bad rule file fails before a long scan, not after it). `use_config=False`: no config
    file, not even ./posture.toml (the demo)."""
    given = params.pop("config_path", None)
    path = configfile.find(given) if use_config else None
    history_enabled = True
    from_file: set[str] = set()
    if path is not None:
        loaded = configfile.load(path)
        for key, value in {**loaded.scan, **loaded.options}.items():
            if key == "history_enabled":
                history_enabled = bool(value)
            elif key not in params:
                params[key] = value  # a ScanConfig field with no flag
            elif not _given(ctx, key):
                params[key] = tuple(value) if isinstance(params[key], tuple) else value
                if key in OUTPUTS:
                    from_file.add(OUTPUTS[key])
    from posture.report import suppressions
    from posture.sinks.history import default_path

    no_history = params.pop("no_history") or (not history_enabled and not _given(ctx, "history_path"))
    history_path = params.pop("history_path")
    rules_path = params.pop("suppressions_path")
    if params.get("securityhub") and (params.get("shard") or params.get("shard_count")):
        raise UsageError("--securityhub with --shard: push the merged report instead (`posture merge`, then "
                         "`posture push`), or a shard would archive what the other shards found")
    directory, formats = params.pop("output_directory", None), tuple(params.pop("output_formats", ()) or ())
    if formats and not directory:
        raise UsageError("--output-format needs --output-directory DIR")
    unknown = [f for f in formats if f.lower() not in EXTENSIONS]
    if unknown:  # from the config file (click checks the flag's values)
        raise UsageError(f"unknown output format {unknown[0]!r} (known: {', '.join(EXTENSIONS)})")
    extras = Extras(
        outputs={OUTPUTS[k]: params.pop(k, None) for k in OUTPUTS},
        securityhub=bool(params.pop("securityhub")),
        history=None if no_history else str(history_path or default_path()),
        rules=suppressions.load(rules_path) if rules_path else None,
        from_file=from_file,
        directory=directory,
        formats=tuple(f.lower() for f in formats) or (("json",) if directory else ()),
    )
    check_outputs(extras)
    csv_out = extras.outputs.get("csv")
    if params.get("compliance") and csv_out:
        from posture.sinks.pipeline import compliance_csv_path

        if compliance_csv_path(csv_out) is None:
            raise UsageError(f"--compliance with --csv {csv_out}: the per-requirement CSV is written beside the "
                             "findings CSV, so --csv needs a file path")
    return extras, params


def check_outputs(extras: Extras) -> None:
    """Before a long scan: at most one format on stdout, and every folder a flag names exists."""
    on_stdout = [FLAGS[name] for name, out in extras.outputs.items() if out == "-"]
    if len(on_stdout) > 1:
        each = "both" if len(on_stdout) == 2 else "all"
        raise UsageError(f"{' and '.join(on_stdout)} {each} go to stdout: one format at most can "
                         "(write the others to files)")
    for name, out in extras.outputs.items():
        if out and out != "-" and name not in extras.from_file and not Path(out).parent.is_dir():
            raise UsageError(f"cannot write {out}: directory {Path(out).parent} does not exist")


def after_scan(report: Report, extras: Extras, config: ScanConfig, *, quiet: bool) -> tuple[Report, bool]:
    """Suppressions, history, outputs and the push; returns the report and whether the push went well."""
    from posture.sinks import pipeline

    if extras.rules is not None:
        tags_of = None
        if extras.rules.uses_tags:
            from posture.core.runner import scan_session

            tags_of = pipeline.tag_lookup(scan_session(config), report)
        report = pipeline.apply_suppressions(report, extras.rules, today=date.today(), tags_of=tags_of)
        for rule in report.suppressions.expired if report.suppressions else []:
            click.echo(f"posture: warning: suppression rule at {extras.rules.path}:{rule.line} ({rule.check}) "
                       f"expired on {rule.expires} and no longer applies", err=True)
    if config.compliance:
        from posture.core.registry import Registry

        catalogue = [c.meta for c in Registry.load()]
        report = pipeline.add_compliance(report, config.compliance, catalogue)
    if extras.history is not None:
        report = pipeline.record_history(report, extras.history)
    paths = dict(extras.outputs)
    make_parents = set(extras.from_file)
    if extras.directory:
        dated = pipeline.dated_outputs(report, extras.directory, extras.formats)
        for name, out in dated.items():
            paths[f"{name}@dir"] = out
        make_parents |= set(f"{name}@dir" for name in dated)
    extras.written = pipeline.write_outputs(report, paths, make_parents=make_parents)
    if not extras.securityhub:
        return report, True
    from posture.core.runner import scan_session

    result = pipeline.push_report(report, session_for=pipeline.sessions(
        scan_session(config), role_name=config.role_name, external_id=config.external_id,
        role_session_name=config.role_session_name, max_attempts=config.max_attempts),
        max_attempts=config.max_attempts)
    show_push(result, quiet=quiet)
    return report, result.ok


def show_push(result: PushResult, *, quiet: bool) -> None:
    for failure in result.failures:
        click.echo(f"posture: error: Security Hub: {failure.line()}", err=True)
    if not result.ok or not quiet:
        click.echo(f"posture: {result.summary()}", err=True)


def exit_code(scan_code: int, push_ok: bool) -> int:
    return scan_code if push_ok else EXIT_PUSH_FAILED


def load_report(path: str) -> Report:
    """A report file, or one usage line (the loader lives with the report: posture.report.merge)."""
    from posture.report.merge import load_report as load

    return load(path)


@click.command()
@click.argument("report_path", metavar="REPORT.json")
@click.option("--profile", help="AWS profile to push with.")
@click.option("--role-name", help="Role to assume in each other account of the report.")
@click.option("--external-id", help="External id for --role-name.")
@click.option("--max-attempts", type=click.IntRange(1, 20), default=5, show_default=True)
@click.option("--quiet", is_flag=True, help="Print only failures.")
def push(report_path: str, profile: str | None, role_name: str | None, external_id: str | None,
         max_attempts: int, quiet: bool) -> None:
    """Import a report written earlier into Security Hub (and resolve what it shows fixed)."""
    from posture.core.config import ScanConfig
    from posture.core.runner import scan_session
    from posture.sinks import pipeline

    report = load_report(report_path)
    config = ScanConfig(profile=profile, max_attempts=max_attempts)
    result = pipeline.push_report(report, session_for=pipeline.sessions(
        scan_session(config), role_name=role_name, external_id=external_id, max_attempts=max_attempts),
        max_attempts=max_attempts)
    show_push(result, quiet=quiet)
    sys.exit(0 if result.ok else EXIT_PUSH_FAILED)


@click.command()
@click.argument("reports", nargs=-1, metavar="[OLD.json NEW.json]")
@click.option("--history", "history_path", metavar="PATH",
              help="Without reports: compare the last two scans in this store (default: the per-user store).")
@click.option("--json", "json_path", metavar="PATH", help="Write the diff as JSON ('-' for stdout).")
@click.option("--all", "show_all", is_flag=True, help="Also list findings that pass in both scans.")
@click.option("--schema", is_flag=True, help="Print the JSON Schema of the diff and exit.")
def diff(reports: tuple[str, ...], history_path: str | None, json_path: str | None, show_all: bool,
         schema: bool) -> None:
    """New, resolved, regressed and unchanged findings between two scans (for ticketing); what the
    newer scan did not look at (out_of_scope) or could not re-assess (not_reassessed) is listed apart."""
    import json

    from posture.render import OTHER_RENDERERS
    from posture.report.diff import diff as diff_findings
    from posture.report.diff import json_schema as diff_schema
    from posture.report.model import Scope
    from posture.sinks.history import History, default_path

    if schema:
        click.echo(json.dumps(diff_schema(), indent=2))
        return
    if len(reports) == 2:
        old, new = load_report(reports[0]), load_report(reports[1])
        result = diff_findings(old.findings, new.findings, old_scan=old.scan.id, new_scan=new.scan.id,
                               scope=Scope(new.scan))
    elif not reports:
        path = Path(history_path) if history_path else default_path()
        if not path.is_file():
            raise UsageError(f"no history store at {path}; give two reports or --history PATH")
        with History(path) as history:
            scans = history.scan_ids()
            if len(scans) < 2:
                raise ScanError(f"the history store {path} holds {len(scans)} scan(s); a diff needs two")
            result = diff_findings(history.findings_of(scans[-2]), history.findings_of(scans[-1]),
                                   old_scan=scans[-2], new_scan=scans[-1])
    else:
        raise UsageError("give two reports (OLD.json NEW.json), or none to compare the last two scans in history")
    if json_path:
        write_text(json_path, OTHER_RENDERERS["diff-json"](result))
    if json_path != "-":
        click.echo(OTHER_RENDERERS["diff-table"](result, show_unchanged_passing=show_all), nl=False)
