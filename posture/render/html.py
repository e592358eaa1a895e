"""The HTML report: one self-contained file a person reads (no external asset, no request).

Overall and per-boundary scores, the NIST CSF 2.0 function bars, the defense-in-depth
heatmap (OWASP LLM 2025 risk x trust boundary), and the failing findings grouped by
trust boundary with their remediation, with a client-side filter. A Content Security
Policy forbids every external load, so the file works offline and leaks nothing.
The filter can be preset from the URL: report.html#q=kms
"""

from __future__ import annotations

from html import escape

from posture.core.models import Finding, Status, TrustBoundary
from posture.core.scoring import AreaScore, Layer
from posture.report.model import Report

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
LAYER_TEXT = {Layer.HOLDS: "holds", Layer.PARTIAL: "partial", Layer.FAILS: "fails", Layer.ERROR: "error",
              Layer.ABSENT: "—"}

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:#c5cad5}main{padding:20px 28px;max-width:1280px}
section{background:#fff;border-radius:8px;padding:16px 20px;margin:0 0 18px;box-shadow:0 1px 2px #0002}
h2{font-size:17px;margin:0 0 12px}.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #dde1e8;border-radius:8px;padding:10px 14px;min-width:150px}
.card .name{color:#5a6272;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .score{font-size:28px;font-weight:700}.card .cov{color:#5a6272;font-size:12px}
.card.overall{border:2px solid #1d2330}.good{color:#147a3c}.mid{color:#a86400}.bad{color:#b3261e}.na{color:#7a8190}
.bar{display:flex;align-items:center;gap:10px;margin:6px 0}.bar .label{width:110px}
.bar .track{flex:1;background:#e8ebf0;border-radius:4px;height:16px;overflow:hidden}
.bar .fill{height:100%;background:#3867d6}.bar .value{width:120px;text-align:right}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e3e6ec;padding:6px 8px;text-align:left;
vertical-align:top;overflow-wrap:anywhere}
section.boundary td:first-child{white-space:nowrap;width:72px;overflow-wrap:normal}
section.boundary td:nth-child(2){width:24%}section.boundary td:nth-child(3){width:18%}
th{background:#f0f2f5;font-weight:600}
.heat td.cell{text-align:center;font-weight:600;width:13%}
.l-holds{background:#cfeed9;color:#0d5c2c}.l-partial{background:#ffe7b8;color:#7a4a00}
.l-fails{background:#f6c9c5;color:#8a1c14}.l-error{background:#e2e4ea;color:#3a4150}.l-absent{color:#9aa1ad}
.callout{color:#b3261e;font-weight:600}.sev{font-weight:600;text-transform:uppercase;font-size:11px}
.sev-critical,.sev-high{color:#b3261e}.sev-medium{color:#a86400}.sev-low,.sev-informational{color:#5a6272}
.fix{color:#3a4150;font-size:13px}.muted{opacity:.6}#filter{font-size:14px;padding:6px 10px;width:360px}
code{font-size:12px}
"""

SCRIPT = """
(function(){
  var input=document.getElementById('filter'), count=document.getElementById('shown');
  var rows=Array.prototype.slice.call(document.querySelectorAll('tr.finding'));
  var total={}; rows.forEach(function(r){total[r.getAttribute('data-id')]=1;});
  function apply(){
    // A finding in several boundaries has a row in each: count findings, not rows.
    var q=input.value.trim().toLowerCase(), shown={};
    rows.forEach(function(r){
      var hit=!q||r.getAttribute('data-search').indexOf(q)>=0;
      r.style.display=hit?'':'none'; if(hit){shown[r.getAttribute('data-id')]=1;}
    });
    document.querySelectorAll('section.boundary').forEach(function(s){
      var any=s.querySelectorAll('tr.finding:not([style*="none"])').length>0;
      s.style.display=any?'':'none';
    });
    count.textContent=Object.keys(shown).length+' of '+Object.keys(total).length+' findings shown';
  }
  input.addEventListener('input',apply);
  var m=/[#&]q=([^&]*)/.exec(location.hash); if(m){input.value=decodeURIComponent(m[1]);}
  apply();
})();
"""


def _tone(score: float | None) -> str:
    if score is None:
        return "na"
    return "good" if score >= 80 else "mid" if score >= 50 else "bad"


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
        cells = "".join(
            f'<td class="cell l-{d.layers[b.value].value}" data-boundary="{b.value}">'
            f"{LAYER_TEXT[d.layers[b.value]]}</td>" for b in boundaries)
        note = ' <span class="callout">thin</span>' if d.called_out and d.layers_present else ""
        rows.append(f'<tr data-risk="{escape(d.risk)}"><th>{escape(d.risk)} {escape(d.name)}</th>{cells}'
                    f"<td>{d.layers_holding} of {d.layers_present}{note}</td></tr>")
    return (f'<table class="heat" id="heatmap"><thead><tr><th>OWASP LLM 2025 risk</th>{head}'
            f"<th>Layers holding</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _finding_row(f: Finding) -> str:
    search = " ".join([f.check_id, f.title, f.region, f.resource_id, f.severity.value, f.status.value,
                       f.message, f.account_id]).lower()
    muted = f'<div class="fix">muted: {escape(f.mute_reason or "")}</div>' if f.muted else ""
    return (f'<tr class="finding{" muted" if f.muted else ""}" data-id="{f.id}" data-search="{escape(search)}">'
            f'<td><span class="sev sev-{f.severity.value}">{f.severity.value}</span><br>{f.status.value}</td>'
            f"<td><b>{escape(f.title)}</b><br><code>{escape(f.check_id)}</code></td>"
            f"<td>{escape(f.resource_id)}<br><small>{escape(f.account_id)} · {escape(f.region)}</small></td>"
            f'<td>{escape(f.message)}{muted}<div class="fix"><b>Fix:</b> {escape(f.remediation)}</div></td></tr>')


def _failing(report: Report) -> str:
    failing = [f for f in report.findings if f.status is not Status.PASS]
    failing.sort(key=lambda f: (f.muted, f.status is Status.ERROR, -f.severity.rank, f.check_id, f.resource_id))
    parts = []
    for b in TrustBoundary:
        mine = [f for f in failing if b in f.boundaries]
        if not mine:
            continue
        rows = "".join(_finding_row(f) for f in mine)
        parts.append(f'<section class="boundary" data-boundary="{b.value}"><h2>{escape(b.label)} — {len(mine)} '
                     f"failing or unreadable</h2><table><thead><tr><th>Severity</th><th>Check</th><th>Resource</th>"
                     f"<th>Finding and remediation</th></tr></thead><tbody>{rows}</tbody></table></section>")
    return "".join(parts) or "<section><h2>No failing findings</h2></section>"


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
    return (f'<section id="inventory"><h2>GenAI inventory</h2><p>{counts}</p>{scope}'
            f"{f'<ul>{errors}</ul>' if errors else ''}</section>")


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
        expired = (f'<section id="expired"><h2>Expired suppression rules (no longer applied)</h2>'
                   f"<ul>{items}</ul></section>")
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
<section id="scores"><h2>Scores (overall and per trust boundary)</h2><div class="cards">{cards}</div></section>
<section id="csf"><h2>NIST CSF 2.0 functions</h2>{bars}</section>
<section id="defense"><h2>Defense in depth: OWASP LLM 2025 risk × trust boundary</h2>{_heatmap(report)}</section>
{_inventory(report)}
{_sections(report)}
{expired}
<section id="filters"><h2>Failing findings by trust boundary</h2>
<input id="filter" type="search" placeholder="Filter: check, resource, region, severity…" aria-label="Filter findings">
<span id="shown"></span></section>
{_failing(report)}
</main><script>{SCRIPT}</script></body></html>
"""
