"""The HTML report, opened in a real headless browser (Debian's chromium): what a reader sees,
asserted on the DOM after the page's script ran and on the pixels of screenshots.

No skip: where chromium is missing, `make test` installs it; if it still is not there,
these tests fail.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image

from posture.core.models import TrustBoundary
from posture.render import RENDERERS
from posture.render.html import table_sections
from posture.report.model import HistoryInfo, Report
from tests.support.reporting import T0, make_finding, make_report

pytestmark = pytest.mark.slow  # full scans of the demo account: `make test` runs them, `-m "not slow"` skips

ARN = "arn:aws:kms:us-east-1:123456789012:key/artifacts"


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and all(
                        child.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                    found.append(child)
                found += child.find_all(tag, **attrs)
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def hidden(self) -> bool:
        node: Node | None = self
        while node is not None:
            if "display: none" in node.attrs.get("style", "").replace("display:none", "display: none"):
                return True
            node = node.parent
        return False


VOID = {"meta", "input", "br", "img", "link", "hr"}


class Tree(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.root = self.node = Node("#document", {}, None)
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.node)
        self.node.children.append(node)
        if tag not in VOID:
            self.node = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.node
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.node = node.parent

    def handle_data(self, data: str) -> None:
        self.node.children.append(data)


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("chromium is not installed: run `make test` (it installs Debian's chromium where missing)")


WINDOW = (1280, 1400)


def browse(path: Path, tmp: Path, fragment: str = "", *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={tmp}",
         "--virtual-time-budget=3000", "--hide-scrollbars", "--force-device-scale-factor=1",
         f"--window-size={WINDOW[0]},{WINDOW[1]}", *extra, path.resolve().as_uri() + fragment],
        capture_output=True, text=True, timeout=180, check=True,
    )


ARN_API = "arn:aws:apigateway:us-east-1::/restapis/acme-api/stages/prod"
KMS_DOCS = "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-4"
OTHER_ACCOUNT = "222222222222"


@pytest.fixture(scope="module")
def report() -> Report:
    findings = [
        make_finding("artifacts", arn=ARN, severity="medium", first_seen=T0 - timedelta(days=5), last_seen=T0,
                     remediation_url=KMS_DOCS),
        make_finding("data-key", status="PASS", severity="medium", first_seen=T0 - timedelta(days=9), last_seen=T0),
        make_finding("acme-api/prod", check_id="apigateway.stage_waf_attached", severity="high",
                     boundaries=("user_interface",), owasp=("LLM01", "LLM01:2025"), csf=("PR.PS-01",),
                     message="no WAF web ACL is associated", resource_type="AwsApiGatewayStage", arn=ARN_API,
                     first_seen=T0, last_seen=T0),
        make_finding("123456789012", check_id="bedrock.model_invocation_logging_enabled", status="PASS",
                     severity="high", boundaries=("model",), owasp=("LLM10", "LLM10:2025"), csf=("DE.CM-09",),
                     region="us-east-1", resource_type="AwsAccount", first_seen=T0 - timedelta(days=9), last_seen=T0),
        make_finding("sandbox-key", region="us-west-2", muted=True, mute_reason="sandbox account",
                     first_seen=T0 - timedelta(days=9), last_seen=T0),
        make_finding("prod-key", account=OTHER_ACCOUNT, severity="critical", region="us-west-2",
                     first_seen=T0 - timedelta(days=30), last_seen=T0, previous_status="PASS"),
    ]
    history = HistoryInfo(path="history.db", previous_scan_id="scan-0", scans_recorded=2)
    return make_report(findings).model_copy(update={"history": history})


def _by_resource(report: Report, resource: str) -> Any:
    return next(f for f in report.findings if f.resource_id == resource)


@pytest.fixture(scope="module")
def page(report: Report, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Node]:
    tmp = tmp_path_factory.mktemp("html")
    path = tmp / "report.html"
    path.write_text(RENDERERS["html"](report))
    dom = browse(path, tmp / "profile", "", "--dump-dom").stdout
    return path, Tree(dom).root


def test_the_file_is_self_contained(report: Report) -> None:
    text = RENDERERS["html"](report)
    tree = Tree(text).root
    assert "default-src 'none'" in tree.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    links = []
    for node in tree.find_all():
        assert not node.attrs.get("src"), f"external asset in <{node.tag} src>"
        if node.attrs.get("href"):
            assert node.tag == "a", f"external reference in <{node.tag} href>"
            links.append(node.attrs["href"])
    assert not tree.find_all("link")
    # Only links a reader follows: the AWS console and the AWS documentation, in a new tab.
    assert links and all(u.startswith(("https://us-east-1.console.aws.amazon.com/",
                                       "https://us-west-2.console.aws.amazon.com/",
                                       "https://console.aws.amazon.com/", "https://docs.aws.amazon.com/"))
                         for u in links)


def test_findings_come_first_under_a_collapsible_summary(page: tuple[Path, Node]) -> None:
    _, dom = page
    main = dom.find("main")
    order = [c.attrs.get("id") or c.attrs.get("class") for c in main.children if isinstance(c, Node)]
    assert order[:2] == ["summary", "filters"] and order[2] == "boundary"
    summary = dom.find("details", id="summary")
    assert "open" not in summary.attrs  # collapsed: the findings are on the first screen
    digest = " ".join(summary.find("summary").text.split())
    assert digest == "Summary — overall 30.8 · failing: 1 critical, 1 high, 1 medium · 0 unreadable"


def test_reader_sees_the_scores(page: tuple[Path, Node], report: Report) -> None:
    _, dom = page
    scores = report.summary.scores
    overall = dom.find("div", data_area="overall")
    [score] = [d for d in overall.find_all("div") if "score" in d.classes()]
    assert score.text == f"{scores.overall.score:.1f}" == "30.8"
    for boundary in TrustBoundary:
        card = dom.find("div", data_area=boundary.value)
        area = scores.boundaries[boundary.value]
        expected = "not assessed" if area.score is None else f"{area.score:.1f}"
        assert expected in card.text and boundary.label in card.text
    bars = dom.find_all("div", **{"class": "bar"})
    assert [b.attrs["data-function"] for b in bars] == list(scores.csf_functions)
    assert "6 findings: 2 pass, 3 fail, 0 error, 1 muted" in " ".join(dom.find("p", id="counts").text.split())


def test_reader_sees_the_heatmap_with_counts_and_a_legend(page: tuple[Path, Node], report: Report) -> None:
    _, dom = page
    heat = dom.find("table", id="heatmap")
    rows = heat.find("tbody").find_all("tr")
    assert len(rows) == 10
    llm02 = heat.find("tr", data_risk="LLM02:2025")
    data_cell = llm02.find("td", data_boundary="data")
    assert "l-partial" in data_cell.classes()  # one key passes, the others fail
    assert data_cell.find("span", **{"class": "layer"}).text == "partial"
    assert data_cell.find("span", **{"class": "n"}).text == "0 of 1 control pass"
    llm01 = heat.find("tr", data_risk="LLM01:2025")
    assert llm01.find("td", data_boundary="user_interface").find("span", **{"class": "layer"}).text == "fails"
    assert "thin" in llm01.text  # held by one layer or none: called out
    llm10 = heat.find("tr", data_risk="LLM10:2025")
    assert " ".join(llm10.find("td", data_boundary="model").text.split()) == "holds1 of 1 control pass"
    legend = dom.find("div", id="legend")
    assert [i.attrs["data-layer"] for i in legend.find_all("span", **{"class": "item"})] == [
        "holds", "partial", "fails", "error", "absent"]
    assert "nothing passes" in legend.text


def test_reader_sees_a_failing_finding_with_arn_console_link_and_copyable_fix(page: tuple[Path, Node],
                                                                             report: Report) -> None:
    _, dom = page
    target = _by_resource(report, "artifacts")
    row = dom.find("section", data_boundary="data").find("tr", data_id=target.id)
    assert "artifacts" in row.text and "automatic rotation is disabled" in row.text
    assert row.find("code", **{"class": "arn"}).text == ARN
    link = row.find("a", **{"class": "console"})
    assert link.attrs["href"] == "https://us-east-1.console.aws.amazon.com/kms/home?region=us-east-1#/kms/keys/artifacts"
    assert link.attrs["rel"] == "noopener noreferrer"
    assert row.find("a", **{"class": "docs"}).attrs["href"] == KMS_DOCS
    assert row.find("pre", **{"class": "remedy"}).text == "aws kms enable-key-rotation --key-id <key-id>"
    assert row.find("button", **{"class": "copy"}).text == "Copy"
    assert " ".join(row.find("span", **{"class": "age"}).text.split()) == "open 5 days"
    assert not row.hidden()
    assert "no WAF web ACL is associated" in dom.find("section", data_boundary="user_interface").text
    assert dom.find("span", id="shown").text == "4 of 6 findings shown"  # the script ran: failing by default
    assert "muted: sandbox account" in dom.find("section", data_boundary="data").text


def test_new_and_regressed_badges_come_from_history(page: tuple[Path, Node], report: Report) -> None:
    _, dom = page
    new = dom.find("tr", data_id=_by_resource(report, "acme-api/prod").id)
    regressed = dom.find("tr", data_id=_by_resource(report, "prod-key").id)
    old = dom.find("tr", data_id=_by_resource(report, "artifacts").id)
    assert [b.text for b in new.find_all("span") if "badge" in b.classes()] == ["NEW"]
    assert [b.text for b in regressed.find_all("span") if "badge" in b.classes()] == ["REGRESSED"]
    assert [b.text for b in old.find_all("span") if "badge" in b.classes()] == []
    assert "open 30 days" in regressed.text and "first seen this scan" in new.text
    # Without an earlier scan in history, nothing is "new".
    first = RENDERERS["html"](report.model_copy(update={"history": None}))
    assert 'class="badge new"' not in first and 'class="badge regressed"' in first


def test_org_scans_break_down_by_account_and_region(page: tuple[Path, Node]) -> None:
    _, dom = page
    accounts = dom.find("table", id="by-account")
    rows = {r.attrs["data-account"]: [td.text for td in r.find_all("td")] for r in accounts.find_all("tr")
            if "data-account" in r.attrs}
    # account: score, fail, critical/high fail, error, pass, muted
    assert rows == {"123456789012": ["123456789012", "50.0", "2", "1", "0", "2", "1"],
                    OTHER_ACCOUNT: ["222222222222", "0.0", "1", "1", "0", "0", "0"]}
    regions = dom.find("table", id="by-region")
    assert [r.attrs["data-region"] for r in regions.find_all("tr") if "data-region" in r.attrs] == [
        "us-east-1", "us-west-2"]
    single = Tree(RENDERERS["html"](make_report([make_finding()]))).root
    assert not single.find_all("table", id="by-account") and not single.find_all("table", id="by-region")


@pytest.mark.parametrize(("fragment", "shown", "visible", "sections"), [
    ("#q=waf", "1 of 6", {"acme-api/prod"}, {"user_interface": "1"}),
    ("#severity=critical", "1 of 6", {"prod-key"}, {"data": "1"}),
    ("#account=222222222222", "1 of 6", {"prod-key"}, {"data": "1"}),
    ("#region=us-west-2", "2 of 6", {"prod-key", "sandbox-key"}, {"data": "2"}),
    ("#boundary=user_interface", "1 of 6", {"acme-api/prod"}, {"user_interface": "1"}),
    ("#status=PASS", "2 of 6", {"data-key", "123456789012"}, {"data": "1", "model": "1"}),
    ("#status=muted", "1 of 6", {"sandbox-key"}, {"data": "1"}),
    ("#status=all&region=us-east-1", "4 of 6", {"artifacts", "data-key", "acme-api/prod", "123456789012"},
     {"data": "2", "user_interface": "1", "model": "1"}),
])
def test_the_filters_narrow_what_the_reader_sees(page: tuple[Path, Node], tmp_path: Path, fragment: str, shown: str,
                                                 visible: set[str], sections: dict[str, str]) -> None:
    path, _ = page
    dom = Tree(browse(path, tmp_path / "profile", fragment, "--dump-dom").stdout).root
    assert dom.find("span", id="shown").text == f"{shown} findings shown"
    rows = [r for r in dom.find_all("tr") if "finding" in r.classes() and not r.hidden()]
    resources = {r.find_all("td")[2].children[0] for r in rows}
    assert resources == visible
    counts = {s.attrs["data-boundary"]: s.find("span", **{"class": "count"}).text
              for s in dom.find_all("section") if "boundary" in s.classes() and not s.hidden()}
    assert counts == sections  # the section counts follow the filter; empty sections are hidden


def test_extra_sections_render_as_tables() -> None:
    section = SimpleNamespace(title="Guardrail coverage", columns=["Path", "Guardrail"],
                              rows=[["agent alias <prod>", "gr-1 v2"], ["InvokeModel by role/app", "none"]])
    tree = Tree(table_sections([section])).root
    assert tree.find("h3").text == "Guardrail coverage"
    assert [th.text for th in tree.find_all("th")] == ["Path", "Guardrail"]
    assert [td.text for td in tree.find_all("td")] == ["agent alias <prod>", "gr-1 v2", "InvokeModel by role/app",
                                                       "none"]


def test_it_prints(page: tuple[Path, Node], tmp_path: Path) -> None:
    path, _ = page
    pdf = tmp_path / "report.pdf"
    browse(path, tmp_path / "profile", "", f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
    style = RENDERERS["html"](make_report([make_finding()]))
    printed = style[style.index("@media print"):]
    assert "#filters .controls,button.copy{display:none}" in printed and "tr{break-inside:avoid}" in printed


def test_html_from_a_scan_names_its_accounts_and_escapes_text(report: Any) -> None:
    f = make_finding("<script>alert(1)</script>", message="<b>x</b>", remediation_url=KMS_DOCS)
    text = RENDERERS["html"](make_report([f]))
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Account 123456789012" in text


# -- pixels: what a person sees ----------------------------------------------------------

PROBE = """<script>(function(){
  var out={}, wanted=%s;
  Object.keys(wanted).forEach(function(name){
    var el=document.querySelector(wanted[name]);
    if(!el){out[name]=null;return;}
    var r=el.getBoundingClientRect(), seen=el.checkVisibility?el.checkVisibility():true;
    out[name]=seen&&r.width&&r.height?[r.left+scrollX,r.top+scrollY,r.width,r.height]:null;
  });
  document.body.setAttribute('data-probe',JSON.stringify(out));
})();</script></body>"""


def shoot(report: Report, tmp: Path, fragment: str, wanted: dict[str, str]) -> tuple[Image.Image, dict[str, Any]]:
    """A screenshot of the report and where the `wanted` elements are on it (CSS px = pixels)."""
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "probed.html"
    path.write_text(RENDERERS["html"](report).replace("</body>", PROBE % json.dumps(wanted)))
    dom = Tree(browse(path, tmp / "profile", fragment, "--dump-dom").stdout).root
    rects = json.loads(dom.find("body").attrs["data-probe"])
    shot = tmp / "shot.png"
    browse(path, tmp / "profile", fragment, f"--screenshot={shot}")
    return Image.open(shot).convert("RGB"), rects


def near(pixel: tuple[int, ...], hex_colour: str, tolerance: int = 12) -> bool:
    want = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, want, strict=True))


def pixels(image: Image.Image) -> list[tuple[int, ...]]:
    data = image.tobytes()  # RGB
    return [tuple(data[i:i + 3]) for i in range(0, len(data), 3)]


def left_edge(image: Image.Image, rect: list[float]) -> tuple[int, int, int]:
    x, y, _, h = rect
    pixel: tuple[int, int, int] = image.getpixel((int(x) + 2, int(y + h / 2)))  # padding, not text
    return pixel


def differing(a: Image.Image, b: Image.Image, rect: list[float]) -> float:
    x, y, w, h = (int(v) for v in rect)
    box = (x, y, x + w, y + h)
    pa, pb = pixels(a.crop(box)), pixels(b.crop(box))
    return sum(p != q for p, q in zip(pa, pb, strict=True)) / max(len(pa), 1)


def test_screenshots_show_findings_first_and_the_filter_at_work(report: Report, tmp_path: Path) -> None:
    kms = _by_resource(report, "artifacts").id
    api = _by_resource(report, "acme-api/prod").id
    prod = _by_resource(report, "prod-key").id
    wanted = {"kms_row": f'section[data-boundary="data"] tr[data-id="{kms}"]',
              "kms_badge": f'section[data-boundary="data"] tr[data-id="{kms}"] .sev',
              "api_badge": f'tr[data-id="{api}"] .sev', "critical_badge": f'tr[data-id="{prod}"] .sev',
              "regressed": f'tr[data-id="{prod}"] .badge.regressed', "fix": f'tr[data-id="{kms}"] pre.remedy',
              "heat_fails": 'tr[data-risk="LLM01:2025"] td[data-boundary="user_interface"]',
              "legend_fails": '.legend .swatch.l-fails', "first_row": "tr.finding"}
    plain, at = shoot(report, tmp_path / "plain", "", wanted)
    # Findings first: the first finding is on the first screen, the summary's heatmap is folded away.
    assert at["first_row"] is not None and at["first_row"][1] < 600
    assert at["heat_fails"] is None and at["legend_fails"] is None
    assert not any(near(p, "#f6c9c5", 4) for p in pixels(plain.crop((0, 0, WINDOW[0], 900))))
    # Severity and regression read as colour; the fix is a dark code block.
    assert near(left_edge(plain, at["critical_badge"]), "#7f1d1d")
    assert near(left_edge(plain, at["api_badge"]), "#b3261e")
    assert near(left_edge(plain, at["kms_badge"]), "#a86400")
    assert near(left_edge(plain, at["regressed"]), "#b3261e")
    assert near(left_edge(plain, at["fix"]), "#1d2330")

    filtered, at_f = shoot(report, tmp_path / "filtered", "#q=waf", wanted)
    assert at_f["kms_row"] is None and at_f["critical_badge"] is None  # hidden by the filter
    assert near(left_edge(filtered, at_f["api_badge"]), "#b3261e")
    # Where the KMS finding was, the reader now sees something else.
    assert differing(plain, filtered, at["kms_row"]) > 0.2

    opened, at_o = shoot(report, tmp_path / "summary", "#summary", wanted)
    assert near(left_edge(opened, at_o["heat_fails"]), "#f6c9c5")
    assert near(left_edge(opened, at_o["legend_fails"]), "#f6c9c5")


def test_commands_in_the_remediation_become_copyable_code_blocks() -> None:
    from posture.render.html import _remediation

    tree = Tree(_remediation("Give each method an authorizer: `aws apigateway update-method --rest-api-id <api>` "
                             "(or `AWS_IAM`), then redeploy.")).root
    [block] = tree.find_all("pre")
    assert block.text == "aws apigateway update-method --rest-api-id <api>"
    assert block.parent is tree and tree.find("button").text == "Copy"
    assert [c.text for c in tree.find_all("code") if c.parent is tree] == ["AWS_IAM"]
    assert "then redeploy." in tree.text and "`" not in tree.text
    assert not Tree(_remediation("Enable rotation in the console.")).root.find_all("pre")
