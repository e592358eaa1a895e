"""The HTML report: one self-contained file a security engineer acts on (no external asset,
no request; a Content Security Policy forbids every load, so it works offline and leaks nothing).

The first screen answers "how exposed is this account": the overall and per-boundary scores with
their coverage, the failures to fix first (by severity, then by how many trust boundaries and
OWASP risks the control guards), the guardrail coverage of every path to a model and the
defense-in-depth matrix in plain words with a legend. Below, one row per finding (its boundaries
as tags) with filters for text, severity, boundary, region, account and status (each status
with its count, equal to the header's and the JSON summary's), sortable columns and pages; a
finding shows its new / regressed badge and age from history, its resource's ARN and console
link, and its fix as whole text, the commands it names below it with a copy button. Each
section is drawn once from one table model. A print stylesheet prints every matching row,
without the controls. Filters can be preset from the URL: report.html#q=kms&severity=high&status=all
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from html import escape

from posture.aws.console import console_url
from posture.core.models import GLOBAL_REGION, Finding, Severity, Status, TrustBoundary
from posture.core.scoring import AreaScore, Layer, score
from posture.render.compliance import STATUS_MARK as COMPLIANCE_MARK
from posture.render.compliance import summary_line as compliance_summary
from posture.report.model import Report, Section
from posture.report.views import StatusCounts, fix_first, not_assessed, status_counts

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
LAYER_TEXT = {Layer.HOLDS: "holds", Layer.PARTIAL: "partly", Layer.FAILS: "fails", Layer.ERROR: "unreadable",
              Layer.ABSENT: "not checked"}
LAYER_MEANING = {
    Layer.HOLDS: "at least one control of this risk passes on every resource it checked in this boundary",
    Layer.PARTIAL: "some resources pass, but no control passes everywhere",
    Layer.FAILS: "controls were checked here and none passes",
    Layer.ERROR: "the controls here could not be read (access denied, region closed)",
    Layer.ABSENT: "no control of this risk applies to this boundary in this account",
}
STATUS_LABELS = {"failing": "Failing or unreadable", "FAIL": "FAIL", "ERROR": "ERROR (unreadable)",
                 "not_assessed": "Not assessed (region closed)", "PASS": "PASS", "muted": "Muted", "all": "All"}
FIX_FIRST = 10
PAGE_SIZES = (50, 100, 250)
# Where an identifier may wrap (after these characters), so no word is broken inside a word.
_BREAK_AFTER = re.compile(r"([/:._,=\-@|])")
_PLACEHOLDER = re.compile(r"&lt;([A-Za-z0-9][A-Za-z0-9_.+\-]*)&gt;")

STYLE = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8;
overflow-wrap:break-word;word-break:normal;hyphens:manual}
header{background:#1d2330;color:#fff;padding:16px 24px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:2px 0;color:#c5cad5}header #counts{color:#fff;font-weight:600}
main{padding:16px 24px;max-width:1400px}
section,details.panel{background:#fff;border-radius:8px;padding:14px 18px;margin:0 0 16px;box-shadow:0 1px 2px #0002}
details.panel>summary{cursor:pointer;font-size:16px;font-weight:600}
h2{font-size:17px;margin:0 0 10px}h3{font-size:15px;margin:14px 0 8px}p.lead{margin:0 0 10px;color:#3a4150}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #dde1e8;border-radius:8px;padding:8px 12px;flex:1 1 120px;max-width:220px}
.card .name{color:#5a6272;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .score{font-size:26px;font-weight:700}.card .cov{color:#5a6272;font-size:12px}
.card.overall{border:2px solid #1d2330}.good{color:#147a3c}.mid{color:#a86400}.bad{color:#b3261e}.na{color:#7a8190}
ol.fix-first{margin:0;padding-left:22px}ol.fix-first li{margin:0 0 6px}
ol.fix-first .what{font-weight:600}ol.fix-first .where{color:#3a4150;font-size:13px}
.bar{display:flex;align-items:center;gap:10px;margin:6px 0}.bar .label{flex:0 0 90px}
.bar .track{flex:1;background:#e8ebf0;border-radius:4px;height:14px;overflow:hidden}
.bar .fill{height:100%;background:#3867d6;display:block}.bar .value{flex:0 0 100px;text-align:right}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e3e6ec;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5;font-weight:600}
th button.sort{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit}
th button.sort::after{content:" \\2195";color:#9aa1ad}th[aria-sort=ascending] button.sort::after{content:" \\2191"}
th[aria-sort=descending] button.sort::after{content:" \\2193"}
.heat td.cell{font-weight:600;font-size:13px;min-width:96px}
.heat td.cell .n{display:block;font-weight:400;font-size:11px}
.l-holds{background:#cfeed9;color:#0d5c2c}.l-partial{background:#ffe7b8;color:#7a4a00}
.l-fails{background:#f6c9c5;color:#8a1c14}.l-error{background:#e2e4ea;color:#3a4150}.l-absent{color:#6b7280}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:10px 0 0;font-size:12px;color:#3a4150}
.legend .item{flex:1 1 260px}
.legend .swatch{display:inline-block;width:22px;height:14px;border-radius:3px;vertical-align:middle;margin-right:6px;
border:1px solid #0002}
.callout{color:#b3261e;font-weight:600}
.sev{display:inline-block;font-weight:700;text-transform:uppercase;font-size:11px;padding:1px 6px;border-radius:3px;
color:#fff;white-space:nowrap}
.sev-critical{background:#7f1d1d}.sev-high{background:#b3261e}.sev-medium{background:#a86400}
.sev-low{background:#5a6272}.sev-informational{background:#6b7280}
.st{display:inline-block;font-size:11px;font-weight:700;padding:1px 6px;border-radius:3px;white-space:nowrap}
.st-FAIL{background:#fde2e0;color:#8a1c14}.st-ERROR{background:#e2e4ea;color:#1d2330}.st-PASS{background:#d9f2e1;color:#0d5c2c}
.tag{display:inline-block;font-size:11px;padding:1px 6px;border-radius:10px;background:#e8ebf5;color:#1f3f99;
margin:0 4px 3px 0;white-space:nowrap}
.badge{display:inline-block;font-size:10px;font-weight:700;padding:1px 5px;border-radius:3px;margin-top:3px}
.req{display:inline-block;font-size:11px;font-weight:700;padding:1px 6px;border-radius:3px;white-space:nowrap}
.req.fail{background:#b3261e;color:#fff}.req.error{background:#e8a317;color:#000}.req.pass{background:#1e7b34;color:#fff}
.req.muted,.req.no_findings,.req.not_assessed{background:#e4e4e4;color:#333}
.req.manual{background:#fff;color:#555;border:1px dashed #888}
details.compliance .checks{font-size:12px;color:#444}
.badge.new{background:#dbe7ff;color:#1f3f99}.badge.regressed{background:#b3261e;color:#fff}
.age{display:block;color:#5a6272;font-size:12px}
.arn{display:block;color:#5a6272;font-size:11px}a.console{font-size:12px}.where{display:block;color:#3a4150}
.fix{color:#3a4150;font-size:13px;margin-top:6px}.muted{opacity:.6}
.fix var{font-style:normal;color:#1f3f99;font-weight:600}
pre.remedy{background:#1d2330;color:#e8ebf0;padding:8px 10px;border-radius:6px;margin:4px 0 0;white-space:pre-wrap;
font-size:12px;overflow-x:auto}
pre.remedy var{color:#ffd479;font-weight:400}
button.copy{font-size:11px;margin:4px 0 0;padding:2px 8px;cursor:pointer}
#filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:0 0 10px}
#filter{font-size:14px;padding:6px 10px;flex:1 1 220px;max-width:360px}#filters select{font-size:13px;padding:5px}
#shown{color:#3a4150;font-weight:600}
.pager{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:10px 0 0}
.pager button{font-size:13px;padding:3px 10px}
tr.finding.filtered,tr.finding.off-page{display:none}
table.findings{table-layout:fixed}table.findings .sevcol{width:100px}table.findings .rescol{width:24%}
table.findings .checkcol{width:19%}table.findings .tagcol{width:110px}.rid{font-size:13px}
code{font-size:12px}.nw{white-space:nowrap}
@media (max-width:1000px){
table.findings{table-layout:auto}table.findings thead{display:none}
table.findings tr.finding{display:block;border-bottom:2px solid #d5d9e0;padding:6px 0}
table.findings tr.finding.filtered,table.findings tr.finding.off-page{display:none}
table.findings td{display:block;border:0;padding:2px 4px;width:auto!important}
}
@media (max-width:760px){
main{padding:10px}header{padding:12px}section{padding:10px 12px}
.cards-narrow thead{display:none}.cards-narrow tr{display:block;border-bottom:2px solid #d5d9e0;padding:6px 0}
.cards-narrow td{display:block;border:0;padding:2px 4px}
.cards-narrow td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:#5a6272}
.heat td.cell .n{display:none}
.heat th,.heat td{padding:4px 5px}.heat td.cell{min-width:0;font-size:12px}
}
@media print{
body{background:#fff;font-size:11px}header{background:#fff;color:#000;padding:0 0 8px;border-bottom:2px solid #000}
header p,header #counts{color:#000}main{padding:8px 0;max-width:none}
section,details.panel{box-shadow:none;border:1px solid #ccc;padding:8px;break-inside:auto}
#filters,.pager,button.copy,th button.sort::after{display:none}tr{break-inside:avoid}
tr.finding.off-page{display:table-row}
pre.remedy{background:#fff;color:#000;border:1px solid #999}pre.remedy var{color:#000}
.sev,.st,.tag,.badge,.l-holds,.l-partial,.l-fails,.l-error{-webkit-print-color-adjust:exact;print-color-adjust:exact}
a.console{color:#000;text-decoration:none}
}
"""

SCRIPT = """
(function(){
  var input=document.getElementById('filter'), count=document.getElementById('shown');
  var keys=['severity','boundary','region','account','status'], sel={};
  keys.forEach(function(k){sel[k]=document.getElementById('f-'+k);});
  var size=document.getElementById('page-size'), pageText=document.getElementById('page');
  var prev=document.getElementById('prev'), next=document.getElementById('next');
  var body=document.querySelector('table.findings tbody');
  var rows=Array.prototype.slice.call(body.querySelectorAll('tr.finding'));
  var total=rows.length, page=0, only='';
  function statusHit(r,v){
    var s=r.getAttribute('data-status'), muted=r.getAttribute('data-muted')==='1';
    if(v==='all'){return true;} if(v==='muted'){return muted;} if(muted){return false;}
    if(v==='failing'){return s!=='PASS';} if(v==='not_assessed'){return r.getAttribute('data-na')==='1';}
    return s===v;
  }
  function matches(r){
    if(only){return r.getAttribute('data-id')===only;}
    var q=input.value.trim().toLowerCase(), b=sel.boundary.value;
    return (!q||r.getAttribute('data-search').indexOf(q)>=0)
      &&(!sel.severity.value||r.getAttribute('data-severity')===sel.severity.value)
      &&(!sel.region.value||r.getAttribute('data-region')===sel.region.value)
      &&(!sel.account.value||r.getAttribute('data-account')===sel.account.value)
      &&(!b||(' '+r.getAttribute('data-boundaries')+' ').indexOf(' '+b+' ')>=0)
      &&statusHit(r,sel.status.value);
  }
  function apply(reset){
    if(reset){page=0;}
    var hits=rows.filter(function(r){var hit=matches(r); r.classList.toggle('filtered',!hit); return hit;});
    var per=size.value==='all'?hits.length||1:parseInt(size.value,10), pages=Math.max(1,Math.ceil(hits.length/per));
    if(page>=pages){page=pages-1;}
    var first=page*per;
    rows.forEach(function(r){r.classList.remove('off-page');});
    hits.forEach(function(r,i){if(i<first||i>=first+per){r.classList.add('off-page');}});
    count.textContent=hits.length+' of '+total+' findings shown';
    pageText.textContent=hits.length?('rows '+(first+1)+'\\u2013'+Math.min(first+per,hits.length)+' of '+hits.length+
      ' \\u00b7 page '+(page+1)+' of '+pages):'no finding matches';
    prev.disabled=page===0; next.disabled=page>=pages-1;
  }
  input.addEventListener('input',function(){only='';apply(true);});
  keys.forEach(function(k){sel[k].addEventListener('change',function(){only='';apply(true);});});
  size.addEventListener('change',function(){apply(true);});
  prev.addEventListener('click',function(){page-=1;apply(false);});
  next.addEventListener('click',function(){page+=1;apply(false);});
  Array.prototype.forEach.call(document.querySelectorAll('table.findings th[data-key]'),function(th){
    th.querySelector('button').addEventListener('click',function(){
      var key=th.getAttribute('data-key'), asc=th.getAttribute('aria-sort')!=='ascending';
      Array.prototype.forEach.call(document.querySelectorAll('table.findings th'),function(o){
        o.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',asc?'ascending':'descending');
      rows.sort(function(a,b){
        var x=a.getAttribute('data-k-'+key), y=b.getAttribute('data-k-'+key);
        var c=x<y?-1:x>y?1:0;
        if(!c){c=parseInt(a.getAttribute('data-rank'),10)-parseInt(b.getAttribute('data-rank'),10);}
        return asc?c:-c;
      });
      rows.forEach(function(r){body.appendChild(r);});
      apply(true);
    });
  });
  function fromHash(){
    only='';
    location.hash.replace(/^#/,'').split('&').forEach(function(part){
      var kv=part.split('='), k=decodeURIComponent(kv[0]||''), v=decodeURIComponent(kv[1]||'');
      if(k==='q'){input.value=v;} else if(k==='id'){only=v;} else if(k==='page-size'){size.value=v;}
      else if(sel[k]){sel[k].value=v;}
    });
    apply(true);
    if(only){var r=document.querySelector('tr.finding[data-id="'+only+'"]'); if(r){r.scrollIntoView();}}
  }
  window.addEventListener('hashchange',fromHash);
  fromHash();
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


def ident(text: str) -> str:
    """An identifier (ARN, resource id, check id) escaped, with a wrap opportunity after each separator."""
    return _BREAK_AFTER.sub(r"\1<wbr>", escape(text))


def prose(text: str) -> str:
    """Text escaped; a long token in it (an ARN, a path) gets wrap points after its separators, a
    hyphenated word stays whole."""
    def word(t: str) -> str:
        if len(t) > 24:
            return ident(t)
        return f'<span class="nw">{escape(t)}</span>' if "-" in t else escape(t)
    return " ".join(word(t) for t in text.split(" "))


def nowrap(text: str) -> str:
    return f'<span class="nw">{escape(text)}</span>'


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
            f"{area.errors} unreadable</div></div>")


def _bar(key: str, area: AreaScore) -> str:
    width = 0.0 if area.score is None else area.score
    return (f'<div class="bar" data-function="{escape(key)}"><span class="label">{escape(area.name)}</span>'
            f'<span class="track"><span class="fill" style="width:{width:.1f}%"></span></span>'
            f'<span class="value {_tone(area.score)}">{_score_text(area)}</span></div>')


def _sev(severity: Severity) -> str:
    return f'<span class="sev sev-{severity.value}">{severity.value}</span>'


def _tags(f: Finding) -> str:
    if not f.boundaries:
        return '<span class="tag" title="not tied to a trust boundary">account-wide</span>'
    return "".join(f'<span class="tag" data-boundary="{b.value}">{escape(b.label)}</span>' for b in f.boundaries)


def _heatmap(report: Report) -> str:
    boundaries = list(TrustBoundary)
    head = "".join(f"<th>{escape(b.label)}</th>" for b in boundaries)
    rows = []
    for d in report.summary.defense_in_depth:
        cells = []
        for b in boundaries:
            layer, present = d.layers[b.value], d.controls_present.get(b.value, 0)
            passing = d.controls_passing.get(b.value, 0)
            counts = (f'<span class="n">{passing} of {present} control{"s" if present != 1 else ""} '
                      f"pass{'' if present != 1 else 'es'} everywhere</span>") if present else ""
            cells.append(f'<td class="cell l-{layer.value}" data-boundary="{b.value}" '
                         f'title="{escape(LAYER_MEANING[layer])}"><span class="layer">{LAYER_TEXT[layer]}</span>'
                         f"{counts}</td>")
        note = ' <span class="callout">thin: one layer or none</span>' if d.called_out and d.layers_present else ""
        rows.append(f'<tr data-risk="{escape(d.risk)}"><th>{escape(d.risk.split(":")[0])} {escape(d.name)}</th>'
                    f'{"".join(cells)}<td>{d.layers_holding} of {d.layers_present}{note}</td></tr>')
    legend = "".join(f'<span class="item" data-layer="{layer.value}"><span class="swatch l-{layer.value}"></span>'
                     f"<b>{LAYER_TEXT[layer]}</b>: {escape(LAYER_MEANING[layer])}</span>" for layer in Layer)
    return (f'<div class="scroll"><table class="heat" id="heatmap"><thead><tr><th>OWASP LLM 2025 risk</th>{head}'
            f"<th>Layers holding</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            f'<div class="legend" id="legend">{legend}</div>')


def _fix_first(report: Report) -> str:
    ranked = fix_first(report.findings)
    if not ranked:
        return '<p class="lead">Nothing fails.</p>'
    items = []
    for f in ranked[:FIX_FIRST]:
        opens = ", ".join(b.label for b in f.boundaries) or "account-wide"
        link = f'<a class="what" href="#id={f.id}">{prose(f.title)}</a>'
        items.append(f'<li data-id="{f.id}">{_sev(f.severity)} {link} <span class="where">— {prose(f.message)} · '
                     f"{ident(f.resource_id)} · {nowrap(f.region)} · opens: {escape(opens)}</span></li>")
    more = len(ranked) - len(items)
    tail = (f'<p class="lead">{more} more failing finding{"s" if more != 1 else ""} in the list below '
            f'(<a href="#status=FAIL">show every failure</a>).</p>') if more > 0 else ""
    return (f'<p class="lead">The failures to fix first: the most severe, and among them those whose control guards '
            f'the most trust boundaries and OWASP risks.</p><ol class="fix-first">{"".join(items)}</ol>{tail}')


def _section_table(section: Section) -> str:
    """A sectioned check's findings (the guardrail coverage of every path to a model, ...) as one table."""
    head = "".join(f"<th>{escape(c)}</th>" for c in
                   ["Status", "Region", "Resource", *(c.replace("_", " ").capitalize() for c in section.columns)])
    body = "".join(
        f'<tr data-status="{r.status.value}"><td><span class="st st-{r.status.value}">{r.status.value}</span></td>'
        f'<td data-label="Region">{nowrap(r.region)}</td><td data-label="Resource">{ident(r.resource_id)}</td>'
        + "".join(f'<td data-label="{escape(c.replace("_", " ").capitalize())}">{ident(v)}</td>'
                  for c, v in zip(section.columns, r.cells, strict=False)) + "</tr>"
        for r in section.rows)
    empty = "" if section.rows else "<p>Nothing to show.</p>"
    return (f'<section class="report-section cards-narrow" data-check="{escape(section.check_id)}">'
            f'<h2>{escape(section.title)}</h2><div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table></div>'
            f"{empty}</section>")


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
        rows.append(f'<tr data-{key.split("_")[0]}="{escape(value)}"><td>{nowrap(value)}</td>'
                    f'<td class="{_tone(overall.score)}">{_score_text(overall)}</td><td>{fail}</td><td>{worst}</td>'
                    f"<td>{error}</td><td>{sum(f.status is Status.PASS for f in live)}</td>"
                    f"<td>{len(mine) - len(live)}</td></tr>")
    return (f'<h3>{escape(title)}</h3><div class="scroll"><table class="breakdown" id="by-{key.split("_")[0]}">'
            f"<thead><tr><th>{escape(title.split()[-1].capitalize())}</th><th>Score</th><th>Fail</th>"
            f"<th>Critical/high fail</th><th>Error</th><th>Pass</th><th>Muted</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _breakdowns(report: Report) -> str:
    accounts = sorted({f.account_id for f in report.findings})
    regions = sorted({f.region for f in report.findings}, key=lambda r: (r == GLOBAL_REGION, r))
    parts = []
    if len(accounts) > 1:
        parts.append(_breakdown(report, "By account", "account_id", accounts))
    if len(regions) > 1:
        parts.append(_breakdown(report, "By region", "region", regions))
    return f'<section id="breakdowns">{"".join(parts)}</section>' if parts else ""


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
    arn = f'<code class="arn">{ident(f.resource_arn)}</code>' if f.resource_arn else ""
    return (f'<span class="rid">{ident(f.resource_id)}</span>{arn}<small class="where">{escape(f.account_id)} · '
            f'{nowrap(f.region)}</small><a class="console" href="{escape(url)}" target="_blank" '
            f'rel="noopener noreferrer">open in the AWS console ↗</a>')


def _code(text: str) -> str:
    """Command or name text: escaped, placeholders (<like-this>) marked; it wraps only at spaces and
    after / , = : [ { (never at a hyphen inside an option or a name)."""
    out = []
    for token in re.split(r"(\s+)", text):
        if not token or token.isspace():
            out.append(token)
            continue
        pieces = [p for p in re.split(r"(?<=[/,=:\[{])", token) if p]
        out.append("<wbr>".join(
            '<span class="nw">' + _PLACEHOLDER.sub(lambda m: f"<var>&lt;{m.group(1)}&gt;</var>", escape(p)) + "</span>"
            for p in pieces))
    return "".join(out)


def runnable(command: str) -> bool:
    """A command a reader can paste: an AWS CLI call with its options, nothing elided (a bare
    `aws iam detach-role-policy` names a command, it does not run one)."""
    return command.startswith("aws ") and " --" in command and "..." not in command and "…" not in command


# A command acts on one IAM principal kind; a fix that gives one per kind shows the finding's own.
PRINCIPAL_KINDS = {"AwsIamRole": "role", "AwsIamUser": "user", "AwsIamGroup": "group"}


def _other_kind(command: str, resource_type: str | None) -> bool:
    kind = PRINCIPAL_KINDS.get(resource_type or "")
    verb = command.split(" ")[2] if command.count(" ") >= 2 else ""
    named = {k for k in PRINCIPAL_KINDS.values() if f"-{k}-" in f"-{verb}-"}
    return kind is not None and bool(named) and kind not in named


def _remediation(text: str, resource_type: str | None = None) -> str:
    """The fix as whole text (backticked parts inline, so no sentence is cut), then each runnable
    command it names as a code block with a copy button (for an IAM principal, the commands for its
    kind: a role gets the role's command)."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: the text as it is
        parts = [text]
    words, commands = [], []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            words.append(prose(part))
        else:
            words.append(f"<code>{_code(part)}</code>")
            if runnable(part):
                commands.append(part)
    if len(parts) == 1 and runnable(text.rstrip(".")):
        words, commands = [], [text.rstrip(".")]
    if any(not _other_kind(c, resource_type) for c in commands):
        commands = [c for c in commands if not _other_kind(c, resource_type)]
    blocks = "".join(f'<pre class="remedy"><code>{_code(c)}</code></pre><button class="copy" type="button">Copy'
                     f"</button>" for c in commands)
    return (f'<span class="fix-text">{"".join(words)}</span>' if words else "") + blocks


_SEVERITY_KEY = {s: f"{i}" for i, s in enumerate(Severity)}
_STATUS_KEY = {Status.FAIL: "0", Status.ERROR: "1", Status.PASS: "2"}


def _finding_row(f: Finding, report: Report, rank: int) -> str:
    search = " ".join([f.check_id, f.title, f.region, f.resource_id, f.resource_arn or "", f.severity.value,
                       f.status.value, f.message, f.account_id, *(b.value for b in f.boundaries)]).lower()
    muted = f'<div class="fix">muted: {escape(f.mute_reason or "")}</div>' if f.muted else ""
    docs = (f' <a class="docs" href="{escape(f.remediation_url)}" target="_blank" rel="noopener noreferrer">'
            f"AWS documentation ↗</a>") if f.remediation_url else ""
    age = _age(f, report.scan.finished_at) if f.status is not Status.PASS else ""
    attrs = (f'data-id="{f.id}" data-rank="{rank}" data-severity="{f.severity.value}" '
             f'data-status="{f.status.value}" data-na="{1 if not_assessed(f) else 0}" '
             f'data-region="{escape(f.region)}" data-account="{escape(f.account_id)}" '
             f'data-boundaries="{" ".join(b.value for b in f.boundaries)}" data-muted="{1 if f.muted else 0}" '
             f'data-search="{escape(search)}" data-k-severity="{_SEVERITY_KEY[f.severity]}" '
             f'data-k-status="{_STATUS_KEY[f.status]}" data-k-check="{escape(f.check_id)}" '
             f'data-k-resource="{escape(f.resource_id.lower())}" data-k-region="{escape(f.region)}"')
    return (f'<tr class="finding{" muted" if f.muted else ""}" {attrs}>'
            f'<td class="sevcol">{_sev(f.severity)}<br><span class="st st-{f.status.value}">{f.status.value}</span>'
            f"<br>{_badges(f, report)}{age}</td>"
            f'<td class="checkcol"><b>{prose(f.title)}</b><br><code>{ident(f.check_id)}</code></td>'
            f'<td class="rescol">{_resource(f)}</td>'
            f'<td class="tags">{_tags(f)}</td>'
            f'<td>{prose(f.message)}{muted}<div class="fix"><b>Fix:</b>{docs} '
            f"{_remediation(f.remediation, f.resource_type)}</div></td></tr>")


def _ordered(report: Report) -> list[Finding]:
    """Failures first (in fix-first order), then the unreadable, then what passes; muted last."""
    first = {f.id: i for i, f in enumerate(fix_first(report.findings))}
    return sorted(report.findings, key=lambda f: (f.muted, _STATUS_KEY[f.status], first.get(f.id, 0), not_assessed(f),
                                                  -f.severity.rank, f.check_id, f.region, f.resource_id))


def _select(key: str, label: str, options: Iterable[tuple[str, str]], default: str = "") -> str:
    items = "".join(f'<option value="{escape(v)}"{" selected" if v == default else ""}>{escape(t)}</option>'
                    for v, t in options)
    return f'<select id="f-{key}" aria-label="{escape(label)}">{items}</select>'


def _status_options(counts: StatusCounts) -> list[tuple[str, str]]:
    numbers = {"failing": counts.failing, **counts.by_view}
    return [(key, f"{label} ({numbers[key]})") for key, label in STATUS_LABELS.items()]


def _findings(report: Report, counts: StatusCounts) -> str:
    findings = report.findings
    regions = sorted({f.region for f in findings})
    accounts = sorted({f.account_id for f in findings})
    selects = [
        _select("severity", "Severity", [("", "All severities"), *((s.value, s.value) for s in Severity)]),
        _select("boundary", "Trust boundary", [("", "All boundaries"), *((b.value, b.label) for b in TrustBoundary)]),
        _select("region", "Region", [("", "All regions"), *((r, r) for r in regions)]),
        _select("account", "Account", [("", "All accounts"), *((a, a) for a in accounts)]),
        _select("status", "Status", _status_options(counts), "failing"),
    ]
    sizes = "".join(f'<option value="{n}">{n} per page</option>' for n in PAGE_SIZES)
    rows = "".join(_finding_row(f, report, i) for i, f in enumerate(_ordered(report)))
    sortable = [("severity", "Severity", "sevcol"), ("check", "Check", "checkcol"), ("resource", "Resource", "rescol")]
    head = "".join(f'<th class="{c}" data-key="{k}"><button class="sort" type="button">{t}</button></th>'
                   for k, t, c in sortable)
    return (f'<section id="findings"><h2>Findings — one row per finding</h2><div id="filters">'
            f'<input id="filter" type="search" placeholder="Filter: check, resource, ARN, message…" '
            f'aria-label="Filter findings">{"".join(selects)}<span id="shown"></span></div>'
            f'<table class="findings"><thead><tr>{head}<th class="tagcol">Boundaries</th><th>Finding and fix</th>'
            f"</tr></thead>"
            f'<tbody>{rows}</tbody></table><div class="pager"><button id="prev" type="button">← Previous</button>'
            f'<button id="next" type="button">Next →</button><span id="page"></span>'
            f'<select id="page-size" aria-label="Rows per page">{sizes}<option value="all">all rows</option>'
            f"</select></div></section>")


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


def _compliance(report: Report) -> str:
    """Each framework asked for (--compliance): its summary, then every requirement with its status
    and the checks that give evidence for it (with their pass / fail / error counts)."""
    parts = []
    for view in report.compliance:
        rows = []
        for r in view.requirements:
            checks = "<br>".join(
                f"<code>{ident(c.check_id)}</code> {c.passed}/{c.failed}/{c.errors}"
                + ("" if c.selected else " (not selected)") for c in r.checks) or "—"
            rows.append(f'<tr data-status="{r.status}"><td><code>{escape(r.id)}</code></td><td>{escape(r.title)}'
                        f'<div class="checks">{escape(r.group)}</div></td>'
                        f'<td><span class="req {r.status}">{escape(COMPLIANCE_MARK[r.status])}</span></td>'
                        f'<td class="checks">{checks}</td></tr>')
        note = f"<p>{escape(view.note)}</p>" if view.note else ""
        parts.append(f'<details class="panel compliance" data-framework="{escape(view.key)}"><summary>'
                     f"{escape(compliance_summary(view))}</summary>{note}<div class=\"scroll\"><table><thead><tr>"
                     "<th>Requirement</th><th>Title</th><th>Status</th><th>Checks (pass/fail/error)</th></tr></thead>"
                     f"<tbody>{''.join(rows)}</tbody></table></div></details>")
    return "".join(parts)


def _counts(report: Report, counts: StatusCounts) -> str:
    by = report.summary.by_status
    na = counts.by_view["not_assessed"]
    return (f'<p id="counts">{report.summary.findings} findings: {by[Status.FAIL]} FAIL · {by[Status.ERROR]} ERROR'
            f'{f" ({na} of them not assessed: region closed)" if na else ""} · {by[Status.PASS]} PASS · '
            f"{report.summary.muted} muted</p>")


def render(report: Report) -> str:
    scan, summary = report.scan, report.summary
    scores = summary.scores
    counts = status_counts(report)
    cards = _card(scores.overall, "overall", "overall") + "".join(
        _card(area, key) for key, area in scores.boundaries.items())
    bars = "".join(_bar(key, area) for key, area in scores.csf_functions.items())
    expired = ""
    if report.suppressions and report.suppressions.expired:
        items = "".join(f"<li>line {r.line}: <code>{escape(r.check)}</code> expired {r.expires} — "
                        f"{escape(r.reason)}</li>" for r in report.suppressions.expired)
        expired = (f'<section id="expired"><h2>Expired suppression rules (no longer applied)</h2><ul>{items}</ul>'
                   f"</section>")
    sections = "".join(_section_table(s) for s in report.sections)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>posture report — {escape(", ".join(scan.accounts))}</title><style>{STYLE}</style></head>
<body><header><h1>LLM application posture</h1>
<p>Account {escape(", ".join(scan.accounts))} · regions {escape(", ".join(scan.regions))} ·
scanned <span class="nw">{scan.finished_at:%Y-%m-%d %H:%M} UTC</span> · {scan.units_run} units (check × region) ·
posture {escape(report.tool.version)}</p>
{_counts(report, counts)}</header>
<main>
<section id="scores"><h2>Scores: overall and per trust boundary</h2>
<p class="lead">100 × the weight of passing findings over the weight of judged ones (critical 10, high 5, medium 3,
low 1); coverage is the share of findings that could be read.</p><div class="cards">{cards}</div></section>
<section id="fix-first"><h2>Fix these first</h2>{_fix_first(report)}</section>
{sections}
<section id="defense"><h2>Defense in depth: OWASP LLM 2025 risk × trust boundary</h2>
<p class="lead">For each risk, whether each trust boundary has a layer of controls that holds. A risk held by one
layer or none is called thin.</p>{_heatmap(report)}</section>
<section id="csf"><h2>NIST CSF 2.0 functions</h2>{bars}</section>
{_breakdowns(report)}
{_inventory(report)}
{expired}
{_findings(report, counts)}
{_compliance(report)}
</main><script>{SCRIPT}</script></body></html>
"""
