"""The HTML report: one self-contained file a security engineer acts on (no external asset,
no request; a Content Security Policy forbids every load, so it works offline and leaks nothing).

Findings come first: a one-line summary (collapsible to the scores, the NIST CSF 2.0
functions, the defense-in-depth heatmap with counts and a legend, the per-account and
per-region breakdown, the GenAI inventory and any extra table sections) sits above the
findings, which are grouped by trust boundary. Filters for severity, boundary, region,
account and status sit beside the text box, and each section's count follows them. A
finding shows its new / regressed badge and age from history, its resource's ARN and a link
to its AWS console page, and its remediation as a code block with a copy button. A print
stylesheet prints what is shown, without the controls.

Filters can be preset from the URL: report.html#q=kms&severity=high&status=all
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape
from typing import Any, Protocol

from posture.aws.console import console_url
from posture.core.models import GLOBAL_REGION, Finding, Severity, Status, TrustBoundary
from posture.core.scoring import AreaScore, Layer, score
from posture.render.compliance import STATUS_MARK as COMPLIANCE_MARK
from posture.render.compliance import summary_line as compliance_summary
from posture.report.model import Report

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
LAYER_TEXT = {Layer.HOLDS: "holds", Layer.PARTIAL: "partial", Layer.FAILS: "fails", Layer.ERROR: "error",
              Layer.ABSENT: "—"}
LAYER_MEANING = {
    Layer.HOLDS: "a mapped control passes on every resource it judged",
    Layer.PARTIAL: "some resources pass, no control passes everywhere",
    Layer.FAILS: "controls were evaluated, nothing passes",
    Layer.ERROR: "only unreadable evidence",
    Layer.ABSENT: "no mapped control evaluated in this boundary",
}
STATUS_FILTERS = {"failing": "Failing or unreadable", "FAIL": "FAIL", "ERROR": "ERROR", "PASS": "PASS",
                  "muted": "Muted", "all": "All statuses"}

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:#c5cad5}main{padding:20px 28px;max-width:1280px}
section,details.panel{background:#fff;border-radius:8px;padding:16px 20px;margin:0 0 18px;box-shadow:0 1px 2px #0002}
details.panel>summary{cursor:pointer;font-size:16px;font-weight:600}details.panel[open]>summary{margin-bottom:12px}
.digest{font-weight:400;color:#3a4150}
h2{font-size:17px;margin:0 0 12px}h3{font-size:15px;margin:18px 0 8px}.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #dde1e8;border-radius:8px;padding:10px 14px;min-width:150px}
.card .name{color:#5a6272;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .score{font-size:28px;font-weight:700}.card .cov{color:#5a6272;font-size:12px}
.card.overall{border:2px solid #1d2330}.good{color:#147a3c}.mid{color:#a86400}.bad{color:#b3261e}.na{color:#7a8190}
.bar{display:flex;align-items:center;gap:10px;margin:6px 0}.bar .label{width:110px}
.bar .track{flex:1;background:#e8ebf0;border-radius:4px;height:16px;overflow:hidden}
.bar .fill{height:100%;background:#3867d6}.bar .value{width:120px;text-align:right}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e3e6ec;padding:6px 8px;text-align:left;
vertical-align:top;overflow-wrap:anywhere}
section.boundary td:first-child{white-space:nowrap;width:96px;overflow-wrap:normal}
section.boundary td:nth-child(2){width:22%}section.boundary td:nth-child(3){width:24%}
th{background:#f0f2f5;font-weight:600}
.heat td.cell{text-align:center;font-weight:600;width:12%}.heat td.cell .n{display:block;font-weight:400;font-size:11px}
.l-holds{background:#cfeed9;color:#0d5c2c}.l-partial{background:#ffe7b8;color:#7a4a00}
.l-fails{background:#f6c9c5;color:#8a1c14}.l-error{background:#e2e4ea;color:#3a4150}.l-absent{color:#9aa1ad}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:10px 0 0;font-size:12px;color:#3a4150}
.legend .swatch{display:inline-block;width:28px;height:16px;border-radius:3px;vertical-align:middle;margin-right:6px;
border:1px solid #0001}
.callout{color:#b3261e;font-weight:600}
.sev{display:inline-block;font-weight:700;text-transform:uppercase;font-size:11px;padding:1px 6px;border-radius:3px;
color:#fff}
.sev-critical{background:#7f1d1d}.sev-high{background:#b3261e}.sev-medium{background:#a86400}
.sev-low{background:#5a6272}.sev-informational{background:#8a909c}
.badge{display:inline-block;font-size:10px;font-weight:700;padding:1px 5px;border-radius:3px;margin-top:3px}
.req{display:inline-block;font-size:11px;font-weight:700;padding:1px 6px;border-radius:3px;white-space:nowrap}
.req.fail{background:#b3261e;color:#fff}.req.error{background:#e8a317;color:#000}.req.pass{background:#1e7b34;color:#fff}
.req.muted,.req.no_findings,.req.not_assessed{background:#e4e4e4;color:#333}
.req.manual{background:#fff;color:#555;border:1px dashed #888}
details.compliance td{vertical-align:top}details.compliance .checks{font-size:12px;color:#444}
.badge.new{background:#dbe7ff;color:#1f3f99}.badge.regressed{background:#b3261e;color:#fff}
.age{display:block;color:#5a6272;font-size:12px}
.arn{display:block;color:#5a6272;font-size:11px}a.console{font-size:12px}.where{display:block;color:#3a4150}
.fix{color:#3a4150;font-size:13px;margin-top:6px}.muted{opacity:.6}
pre.remedy{background:#1d2330;color:#e8ebf0;padding:8px 10px;border-radius:6px;margin:4px 0 0;white-space:pre-wrap;
overflow-wrap:anywhere;font-size:12px}
button.copy{font-size:11px;margin-top:4px;padding:2px 8px;cursor:pointer}
#filters .controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
#filter{font-size:14px;padding:6px 10px;width:300px}#filters select{font-size:13px;padding:5px}
#shown{color:#3a4150;font-weight:600}
code{font-size:12px}
@media print{
body{background:#fff;font-size:11px}header{background:#fff;color:#000;padding:0 0 8px;border-bottom:2px solid #000}
header p{color:#000}main{padding:8px 0;max-width:none}
section,details.panel{box-shadow:none;border:1px solid #ccc;padding:8px;break-inside:auto}
#filters .controls,button.copy{display:none}tr{break-inside:avoid}
pre.remedy{background:#fff;color:#000;border:1px solid #999}
.sev,.badge,.l-holds,.l-partial,.l-fails,.l-error{-webkit-print-color-adjust:exact;print-color-adjust:exact}
a.console{color:#000;text-decoration:none}
}
"""

SCRIPT = """
(function(){
  var input=document.getElementById('filter'), count=document.getElementById('shown');
  var keys=['severity','boundary','region','account','status'], sel={};
  keys.forEach(function(k){sel[k]=document.getElementById('f-'+k);});
  var rows=Array.prototype.slice.call(document.querySelectorAll('tr.finding'));
  var sections=Array.prototype.slice.call(document.querySelectorAll('section.boundary'));
  var total={}; rows.forEach(function(r){total[r.getAttribute('data-id')]=1;});
  function statusHit(r,v){
    var s=r.getAttribute('data-status'), muted=r.getAttribute('data-muted')==='1';
    if(v==='all'){return true;} if(v==='muted'){return muted;}
    if(v==='failing'){return s!=='PASS';} return s===v;
  }
  function apply(){
    // A finding in several boundaries has a row in each: count findings, not rows.
    var q=input.value.trim().toLowerCase(), shown={};
    rows.forEach(function(r){
      var section=r.closest('section');
      var hit=(!q||r.getAttribute('data-search').indexOf(q)>=0)
        &&(!sel.severity.value||r.getAttribute('data-severity')===sel.severity.value)
        &&(!sel.region.value||r.getAttribute('data-region')===sel.region.value)
        &&(!sel.account.value||r.getAttribute('data-account')===sel.account.value)
        &&(!sel.boundary.value||section.getAttribute('data-boundary')===sel.boundary.value)
        &&statusHit(r,sel.status.value);
      r.style.display=hit?'':'none'; if(hit){shown[r.getAttribute('data-id')]=1;}
    });
    sections.forEach(function(s){
      var n=s.querySelectorAll('tr.finding:not([style*="none"])').length;
      s.querySelector('.count').textContent=n; s.style.display=n?'':'none';
    });
    count.textContent=Object.keys(shown).length+' of '+Object.keys(total).length+' findings shown';
  }
  input.addEventListener('input',apply);
  keys.forEach(function(k){sel[k].addEventListener('change',apply);});
  var hash=location.hash.replace(/^#/,'').split('&');
  hash.forEach(function(part){
    var kv=part.split('='), k=decodeURIComponent(kv[0]||''), v=decodeURIComponent(kv[1]||'');
    if(k==='q'){input.value=v;} else if(sel[k]){sel[k].value=v;}
    if(k==='summary'){document.getElementById('summary').open=true;}
  });
  apply();
  Array.prototype.forEach.call(document.querySelectorAll('button.copy'),function(b){
    b.addEventListener('click',function(){
      var code=b.previousElementSibling, text=code.textContent;
      function done(){b.textContent='Copied';}
      function fallback(){
        var range=document.createRange(); range.selectNodeContents(code);
        var s=window.getSelection(); s.removeAllRanges(); s.addRange(range);
        try{document.execCommand('copy'); done();}catch(e){}
      }
      if(navigator.clipboard&&navigator.clipboard.writeText){navigator.clipboard.writeText(text).then(done,fallback);}
      else{fallback();}
    });
  });
  window.addEventListener('beforeprint',function(){
    Array.prototype.forEach.call(document.querySelectorAll('details'),function(d){d.open=true;});
  });
})();
"""


class TableSection(Protocol):
    """An extra section of the report shown as a table (guardrail coverage, ...)."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]


def _tone(value: float | None) -> str:
    if value is None:
        return "na"
    return "good" if value >= 80 else "mid" if value >= 50 else "bad"


def _score_text(area: AreaScore) -> str:
    return "not assessed" if area.score is None else f"{area.score:.1f}"


def _card(area: AreaScore, key: str, extra: str = "") -> str:
    coverage = "—" if area.coverage is None else f"{area.coverage * 100:.0f}%"
    return (f'<div class="card {extra}" data-area="{escape(key)}"><div class="name">{escape(area.name)}</div>'
            f'<div class="score {_tone(area.score)}">{_score_text(area)}</div>'
            f'<div class="cov">coverage {coverage} · {area.passed} pass · {area.failed} fail · '
            f"{area.errors} error</div></div>")


def _bar(key: str, area: AreaScore) -> str:
    width = 0.0 if area.score is None else area.score
    return (f'<div class="bar" data-function="{escape(key)}"><span class="label">{escape(area.name)}</span>'
            f'<span class="track"><span class="fill" style="width:{width:.1f}%;display:block"></span></span>'
            f'<span class="value {_tone(area.score)}">{_score_text(area)}</span></div>')


def _heatmap(report: Report) -> str:
    boundaries = list(TrustBoundary)
    head = "".join(f"<th>{escape(b.label)}</th>" for b in boundaries)
    rows = []
    for d in report.summary.defense_in_depth:
        cells = []
        for b in boundaries:
            layer, present = d.layers[b.value], d.controls_present.get(b.value, 0)
            counts = (f'<span class="n">{d.controls_passing.get(b.value, 0)} of {present} '
                      f'control{"s" if present != 1 else ""} pass</span>') if present else ""
            cells.append(f'<td class="cell l-{layer.value}" data-boundary="{b.value}" '
                         f'title="{escape(LAYER_MEANING[layer])}"><span class="layer">{LAYER_TEXT[layer]}</span>'
                         f"{counts}</td>")
        note = ' <span class="callout">thin</span>' if d.called_out and d.layers_present else ""
        rows.append(f'<tr data-risk="{escape(d.risk)}"><th>{escape(d.risk)} {escape(d.name)}</th>{"".join(cells)}'
                    f"<td>{d.layers_holding} of {d.layers_present}{note}</td></tr>")
    legend = "".join(f'<span class="item" data-layer="{layer.value}"><span class="swatch l-{layer.value}"></span>'
                     f"<b>{LAYER_TEXT[layer]}</b>: {escape(LAYER_MEANING[layer])}</span>" for layer in Layer)
    return (f'<table class="heat" id="heatmap"><thead><tr><th>OWASP LLM 2025 risk</th>{head}'
            f"<th>Layers holding</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f'<div class="legend" id="legend">{legend}</div>')


def _breakdown(report: Report, title: str, key: str, values: Iterable[str]) -> str:
    """Failing findings and the score per account (or region): where to start in an org scan."""
    rows = []
    for value in values:
        mine = [f for f in report.findings if getattr(f, key) == value]
        live = [f for f in mine if not f.muted]
        fail = sum(f.status is Status.FAIL for f in live)
        error = sum(f.status is Status.ERROR for f in live)
        worst = sum(f.status is Status.FAIL and f.severity in (Severity.CRITICAL, Severity.HIGH) for f in live)
        overall = score(mine).overall
        rows.append(f'<tr data-{key.split("_")[0]}="{escape(value)}"><td>{escape(value)}</td>'
                    f'<td class="{_tone(overall.score)}">{_score_text(overall)}</td><td>{fail}</td><td>{worst}</td>'
                    f"<td>{error}</td><td>{sum(f.status is Status.PASS for f in live)}</td>"
                    f"<td>{len(mine) - len(live)}</td></tr>")
    return (f'<h3>{escape(title)}</h3><table class="breakdown" id="by-{key.split("_")[0]}"><thead><tr>'
            f"<th>{escape(title.split()[-1].capitalize())}</th><th>Score</th><th>Fail</th><th>Critical/high fail</th>"
            f"<th>Error</th><th>Pass</th><th>Muted</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _breakdowns(report: Report) -> str:
    accounts = sorted({f.account_id for f in report.findings})
    regions = sorted({f.region for f in report.findings}, key=lambda r: (r == GLOBAL_REGION, r))
    parts = []
    if len(accounts) > 1:
        parts.append(_breakdown(report, "By account", "account_id", accounts))
    if len(regions) > 1:
        parts.append(_breakdown(report, "By region", "region", regions))
    return "".join(parts)


def _age(f: Finding, now: datetime) -> str:
    if f.first_seen is None:
        return ""
    days = (now - f.first_seen).days
    text = "first seen this scan" if days < 1 else f"open {days} day{'s' if days != 1 else ''}"
    return f'<span class="age" title="first seen {f.first_seen:%Y-%m-%d %H:%M} UTC">{text}</span>'


def _badges(f: Finding, report: Report) -> str:
    badges = []
    earlier = report.history is not None and report.history.previous_scan_id is not None
    if earlier and f.first_seen is not None and f.first_seen >= report.scan.started_at and f.status is not Status.PASS:
        badges.append('<span class="badge new">NEW</span>')
    if f.previous_status is Status.PASS and f.status is Status.FAIL:
        badges.append('<span class="badge regressed">REGRESSED</span>')
    return " ".join(badges)


def _resource(f: Finding) -> str:
    url = console_url(partition=f.partition, region=None if f.region == GLOBAL_REGION else f.region,
                      account_id=f.account_id, resource_type=f.resource_type, resource_id=f.resource_id,
                      resource_arn=f.resource_arn, service=f.check_id.split(".")[0].replace("_", "-"))
    arn = f'<code class="arn">{escape(f.resource_arn)}</code>' if f.resource_arn else ""
    return (f'{escape(f.resource_id)}{arn}<small class="where">{escape(f.account_id)} · {escape(f.region)}</small>'
            f'<a class="console" href="{escape(url)}" target="_blank" rel="noopener noreferrer">'
            f"open in the AWS console ↗</a>")


def _code_block(command: str) -> str:
    return (f'<pre class="remedy"><code>{escape(command)}</code></pre>'
            f'<button class="copy" type="button">Copy</button>')


def _remediation(text: str) -> str:
    """Prose stays text; each `aws ...` command (in backticks, or the whole text) becomes a code
    block with a copy button, and other backticked names inline code."""
    if "`" not in text:
        return _code_block(text) if text.startswith("aws ") else escape(text)
    parts = []
    for i, part in enumerate(text.split("`")):
        if i % 2 == 0:
            parts.append(escape(part))
        elif part.startswith("aws "):
            parts.append(_code_block(part))
        else:
            parts.append(f"<code>{escape(part)}</code>")
    return "".join(parts)


def _finding_row(f: Finding, report: Report) -> str:
    search = " ".join([f.check_id, f.title, f.region, f.resource_id, f.resource_arn or "", f.severity.value,
                       f.status.value, f.message, f.account_id]).lower()
    muted = f'<div class="fix">muted: {escape(f.mute_reason or "")}</div>' if f.muted else ""
    docs = (f' <a class="docs" href="{escape(f.remediation_url)}" target="_blank" rel="noopener noreferrer">'
            f"AWS documentation ↗</a>") if f.remediation_url else ""
    age = _age(f, report.scan.finished_at) if f.status is not Status.PASS else ""
    attrs = (f'data-id="{f.id}" data-severity="{f.severity.value}" data-status="{f.status.value}" '
             f'data-region="{escape(f.region)}" data-account="{escape(f.account_id)}" '
             f'data-muted="{1 if f.muted else 0}" data-search="{escape(search)}"')
    return (f'<tr class="finding{" muted" if f.muted else ""}" {attrs}>'
            f'<td><span class="sev sev-{f.severity.value}">{f.severity.value}</span><br>{f.status.value}<br>'
            f"{_badges(f, report)}{age}</td>"
            f"<td><b>{escape(f.title)}</b><br><code>{escape(f.check_id)}</code></td>"
            f"<td>{_resource(f)}</td>"
            f'<td>{escape(f.message)}{muted}<div class="fix"><b>Fix:</b>{docs} {_remediation(f.remediation)}'
            f"</div></td></tr>")


def _findings(report: Report) -> str:
    findings = sorted(report.findings, key=lambda f: (f.status is Status.PASS, f.muted, f.status is Status.ERROR,
                                                      -f.severity.rank, f.check_id, f.resource_id))
    parts = []
    for b in TrustBoundary:
        mine = [f for f in findings if b in f.boundaries]
        if not mine:
            continue
        rows = "".join(_finding_row(f, report) for f in mine)
        parts.append(f'<section class="boundary" data-boundary="{b.value}"><h2>{escape(b.label)} — '
                     f'<span class="count">{len(mine)}</span> shown</h2><table><thead><tr><th>Severity</th>'
                     f"<th>Check</th><th>Resource</th><th>Finding and remediation</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table></section>")
    return "".join(parts) or "<section><h2>No findings</h2></section>"


def _select(key: str, label: str, options: Iterable[tuple[str, str]], default: str = "") -> str:
    items = "".join(f'<option value="{escape(v)}"{" selected" if v == default else ""}>{escape(t)}</option>'
                    for v, t in options)
    return f'<select id="f-{key}" aria-label="{escape(label)}">{items}</select>'


def _filters(report: Report) -> str:
    findings = report.findings
    regions = sorted({f.region for f in findings})
    accounts = sorted({f.account_id for f in findings})
    selects = [
        _select("severity", "Severity", [("", "All severities"), *((s.value, s.value) for s in Severity)]),
        _select("boundary", "Trust boundary", [("", "All boundaries"), *((b.value, b.label) for b in TrustBoundary)]),
        _select("region", "Region", [("", "All regions"), *((r, r) for r in regions)]),
        _select("account", "Account", [("", "All accounts"), *((a, a) for a in accounts)]),
        _select("status", "Status", STATUS_FILTERS.items(), "failing"),
    ]
    return (f'<section id="filters"><h2>Findings by trust boundary</h2><div class="controls">'
            f'<input id="filter" type="search" placeholder="Filter: check, resource, ARN, message…" '
            f'aria-label="Filter findings">{"".join(selects)}<span id="shown"></span></div></section>')


def _inventory(report: Report) -> str:
    inventory = report.inventory
    if inventory is None:
        return ""
    counts = ", ".join(f"{n} {escape(kind)}" for kind, n in inventory.counts.items()) or "no AI assets found"
    scope = ""
    if inventory.scoping_scope:
        evidence = "".join(f"<li>{escape(e)}</li>" for e in inventory.scoping_evidence)
        scope = (f"<p>Generative AI Security Scoping Matrix: <strong>scope {inventory.scoping_scope} "
                 f"({escape(inventory.scoping_label or '')})</strong>, shown by:</p><ul>{evidence}</ul>")
    errors = "".join(f"<li>inventory incomplete: {escape(e)}</li>" for e in inventory.errors)
    return (f'<div id="inventory"><h3>GenAI inventory</h3><p>{counts}</p>{scope}'
            f"{f'<ul>{errors}</ul>' if errors else ''}</div>")


def table_sections(sections: Iterable[TableSection]) -> str:
    """Extra sections of the report, each a titled table (guardrail coverage, ...)."""
    parts = []
    for s in sections:
        head = "".join(f"<th>{escape(str(c))}</th>" for c in s.columns)
        body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in s.rows)
        parts.append(f'<div class="extra"><h3>{escape(s.title)}</h3><table><thead><tr>{head}</tr></thead>'
                     f"<tbody>{body}</tbody></table></div>")
    return "".join(parts)


def _digest(report: Report) -> str:
    summary = report.summary
    failing = ", ".join(f"{n} {s.value}" for s, n in summary.failing_by_severity.items() if n) or "none"
    return (f'Summary <span class="digest">— overall {_score_text(summary.scores.overall)} · failing: {failing}'
            f" · {summary.by_status[Status.ERROR]} unreadable</span>")


def _sections(report: Report) -> str:
    """Each report section (title, evidence columns, one row per finding) as a plain table."""
    parts = []
    for section in report.sections:
        head = "".join(f"<th>{escape(c)}</th>" for c in ["Status", "Region", "Resource", *section.columns])
        body = "".join(
            f'<tr class="{escape(r.status.value.lower())}">'
            + "".join(f"<td>{escape(v)}</td>" for v in [r.status.value, r.region, r.resource_id, *r.cells])
            + "</tr>" for r in section.rows)
        parts.append(f'<section class="report-section" data-check="{escape(section.check_id)}">'
                     f"<h2>{escape(section.title)}</h2><table><thead><tr>{head}</tr></thead>"
                     f"<tbody>{body}</tbody></table></section>")
    return "".join(parts)


def _compliance(report: Report) -> str:
    """Each framework asked for (--compliance): its summary, then every requirement with its status
    and the checks that give evidence for it (with their pass / fail / error counts)."""
    parts = []
    for view in report.compliance:
        rows = []
        for r in view.requirements:
            checks = "<br>".join(
                f"<code>{escape(c.check_id)}</code> {c.passed}/{c.failed}/{c.errors}"
                + ("" if c.selected else " (not selected)") for c in r.checks) or "—"
            rows.append(f'<tr data-status="{r.status}"><td><code>{escape(r.id)}</code></td><td>{escape(r.title)}'
                        f'<div class="checks">{escape(r.group)}</div></td>'
                        f'<td><span class="req {r.status}">{escape(COMPLIANCE_MARK[r.status])}</span></td>'
                        f'<td class="checks">{checks}</td></tr>')
        note = f"<p>{escape(view.note)}</p>" if view.note else ""
        parts.append(f'<details class="panel compliance" data-framework="{escape(view.key)}"><summary>'
                     f"{escape(compliance_summary(view))}</summary>{note}<table><thead><tr><th>Requirement</th>"
                     "<th>Title</th><th>Status</th><th>Checks (pass/fail/error)</th></tr></thead>"
                     f"<tbody>{''.join(rows)}</tbody></table></details>")
    return "".join(parts)


def render(report: Report) -> str:
    scan, summary = report.scan, report.summary
    scores = summary.scores
    cards = _card(scores.overall, "overall", "overall") + "".join(
        _card(area, key) for key, area in scores.boundaries.items())
    bars = "".join(_bar(key, area) for key, area in scores.csf_functions.items())
    by = summary.by_status
    expired = ""
    if report.suppressions and report.suppressions.expired:
        items = "".join(f"<li>line {r.line}: <code>{escape(r.check)}</code> expired {r.expires} — "
                        f"{escape(r.reason)}</li>" for r in report.suppressions.expired)
        expired = f'<div id="expired"><h3>Expired suppression rules (no longer applied)</h3><ul>{items}</ul></div>'
    extra = table_sections(getattr(report, "sections", None) or ())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>posture report — {escape(", ".join(scan.accounts))}</title><style>{STYLE}</style></head>
<body><header><h1>LLM application posture</h1>
<p>Account {escape(", ".join(scan.accounts))} · regions {escape(", ".join(scan.regions))} ·
scanned {scan.finished_at:%Y-%m-%d %H:%M} UTC · posture {escape(report.tool.version)}</p>
<p id="counts">{summary.findings} findings: {by[Status.PASS]} pass, {by[Status.FAIL]} fail,
{by[Status.ERROR]} error, {summary.muted} muted</p></header>
<main>
<details class="panel" id="summary"><summary>{_digest(report)}</summary>
<div id="scores"><h3>Scores (overall and per trust boundary)</h3><div class="cards">{cards}</div></div>
<div id="csf"><h3>NIST CSF 2.0 functions</h3>{bars}</div>
<div id="defense"><h3>Defense in depth: OWASP LLM 2025 risk × trust boundary</h3>{_heatmap(report)}</div>
{_breakdowns(report)}
{_inventory(report)}
{_sections(report)}
{expired}
{extra}
</details>
{_filters(report)}
{_findings(report)}
{_compliance(report)}
</main><script>{SCRIPT}</script></body></html>
"""
