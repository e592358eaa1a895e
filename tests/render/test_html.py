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
from typing import Any

import pytest
from PIL import Image

from posture.core.models import TrustBoundary
from posture.render import RENDERERS
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


def browse(path: Path, tmp: Path, fragment: str = "", *extra: str,
           window: tuple[int, int] = WINDOW) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={tmp}",
         "--virtual-time-budget=3000", "--hide-scrollbars", "--force-device-scale-factor=1",
         f"--window-size={window[0]},{window[1]}", *extra, path.resolve().as_uri() + fragment],
        capture_output=True, text=True, timeout=180, check=True,
    )


ARN_API = "arn:aws:apigateway:us-east-1::/restapis/acme-api/stages/prod"
KMS_DOCS = "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-4"
OTHER_ACCOUNT = "222222222222"
PYTHON_REPR = ("<Status.", "<Severity.", "<Layer.", "<TrustBoundary.", "('status',", "{'", "[<", "Status.FAIL")


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


def finding_rows(dom: Node) -> list[Node]:
    return [r for r in dom.find_all("tr") if "finding" in r.classes()]


def visible_rows(dom: Node) -> list[Node]:
    return [r for r in finding_rows(dom) if not r.classes() & {"filtered", "off-page"}]


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
    # Only links a reader follows: the AWS console and the AWS documentation (in a new tab), and the
    # report's own fragments (a finding of the fix-first list, a status filter).
    outside = [u for u in links if not u.startswith("#")]
    assert outside and all(u.startswith(("https://us-east-1.console.aws.amazon.com/",
                                         "https://us-west-2.console.aws.amazon.com/",
                                         "https://console.aws.amazon.com/", "https://docs.aws.amazon.com/"))
                           for u in outside)


def test_the_first_screen_answers_the_question(page: tuple[Path, Node], report: Report) -> None:
    _, dom = page
    main = dom.find("main")
    order = [c.attrs.get("id") for c in main.children if isinstance(c, Node) and c.tag == "section"]
    assert order[:3] == ["scores", "fix-first", "defense"]  # no sectioned check in this report
    assert order.index("findings") > order.index("defense")
    assert not dom.find_all("details", id="summary")  # nothing folded away
    ranked = [li.attrs["data-id"] for li in dom.find("ol", **{"class": "fix-first"}).find_all("li")]
    # Critical first, then high; the muted one is not there.
    assert ranked == [_by_resource(report, r).id for r in ("prod-key", "acme-api/prod", "artifacts")]
    assert dom.find("a", href=f"#id={ranked[0]}").text == "Customer managed KMS keys rotate automatically"


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
        assert expected in card.text and boundary.label in card.text and "coverage" in card.text
    bars = dom.find_all("div", **{"class": "bar"})
    assert [b.attrs["data-function"] for b in bars] == list(scores.csf_functions)
    assert " ".join(dom.find("p", id="counts").text.split()) == "6 findings: 3 FAIL · 0 ERROR · 2 PASS · 1 muted"


def test_reader_sees_the_heatmap_in_plain_words_with_a_legend(page: tuple[Path, Node]) -> None:
    _, dom = page
    heat = dom.find("table", id="heatmap")
    rows = heat.find("tbody").find_all("tr")
    assert len(rows) == 10
    llm02 = heat.find("tr", data_risk="LLM02:2025")
    data_cell = llm02.find("td", data_boundary="data")
    assert "l-partial" in data_cell.classes()  # one key passes, the others fail
    assert data_cell.find("span", **{"class": "layer"}).text == "partly"
    assert data_cell.find("span", **{"class": "n"}).text == "0 of 1 control passes everywhere"
    llm01 = heat.find("tr", data_risk="LLM01:2025")
    assert llm01.find("td", data_boundary="user_interface").find("span", **{"class": "layer"}).text == "fails"
    assert "thin: one layer or none" in llm01.text
    assert llm01.find("td", data_boundary="data").text == "not checked"  # words in every cell, never a dash
    for cell in heat.find_all("td"):
        assert cell.text.strip() and cell.text.strip() != "—"
    legend = dom.find("div", id="legend")
    assert [i.attrs["data-layer"] for i in legend.find_all("span", **{"class": "item"})] == [
        "holds", "partial", "fails", "error", "absent"]
    assert "none passes" in legend.text and "no control of this risk applies" in legend.text


def test_reader_sees_a_failing_finding_with_arn_console_link_and_copyable_fix(page: tuple[Path, Node],
                                                                             report: Report) -> None:
    _, dom = page
    target = _by_resource(report, "artifacts")
    row = dom.find("tr", data_id=target.id)
    assert "artifacts" in row.text and "automatic rotation is disabled" in row.text
    assert row.find("code", **{"class": "arn"}).text == ARN
    link = row.find("a", **{"class": "console"})
    assert link.attrs["href"] == "https://us-east-1.console.aws.amazon.com/kms/home?region=us-east-1#/kms/keys/artifacts"
    assert link.attrs["rel"] == "noopener noreferrer"
    assert row.find("a", **{"class": "docs"}).attrs["href"] == KMS_DOCS
    assert row.find("pre", **{"class": "remedy"}).text == "aws kms enable-key-rotation --key-id <key-id>"
    assert row.find("var").text == "<key-id>"  # the placeholder is marked
    assert row.find("button", **{"class": "copy"}).text == "Copy"
    assert " ".join(row.find("span", **{"class": "age"}).text.split()) == "open 5 days"
    assert [t.text for t in row.find_all("span") if "tag" in t.classes()] == ["Data"]
    assert row in visible_rows(dom)
    assert dom.find("span", id="shown").text == "3 of 6 findings shown"  # the script ran: failing by default
    assert "muted: sandbox account" in dom.find("tr", data_id=_by_resource(report, "sandbox-key").id).text


def test_one_row_per_finding_with_its_boundaries_as_tags() -> None:
    both = make_finding("shared", boundaries=("data", "model"))
    dom = Tree(RENDERERS["html"](make_report([both, make_finding("other")]))).root
    rows = finding_rows(dom)
    assert len(rows) == 2
    row = dom.find("tr", data_id=both.id)
    assert [t.text for t in row.find_all("span") if "tag" in t.classes()] == ["Data", "Model"]
    assert row.attrs["data-boundaries"] == "data model"


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


@pytest.mark.parametrize(("fragment", "shown", "visible"), [
    ("#q=waf", "1 of 6", {"acme-api/prod"}),
    ("#severity=critical", "1 of 6", {"prod-key"}),
    ("#account=222222222222", "1 of 6", {"prod-key"}),
    ("#region=us-west-2", "1 of 6", {"prod-key"}),
    ("#boundary=user_interface", "1 of 6", {"acme-api/prod"}),
    ("#status=PASS", "2 of 6", {"data-key", "123456789012"}),
    ("#status=muted", "1 of 6", {"sandbox-key"}),
    ("#status=all&region=us-east-1", "4 of 6", {"artifacts", "data-key", "acme-api/prod", "123456789012"}),
])
def test_the_filters_narrow_what_the_reader_sees(page: tuple[Path, Node], tmp_path: Path, fragment: str, shown: str,
                                                 visible: set[str]) -> None:
    path, _ = page
    dom = Tree(browse(path, tmp_path / "profile", fragment, "--dump-dom").stdout).root
    assert dom.find("span", id="shown").text == f"{shown} findings shown"
    assert {r.find("span", **{"class": "rid"}).text for r in visible_rows(dom)} == visible


def test_html_from_a_scan_names_its_accounts_and_escapes_text() -> None:
    f = make_finding("<script>alert(1)</script>", message="<b>x</b>", remediation_url=KMS_DOCS)
    text = RENDERERS["html"](make_report([f]))
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Account 123456789012" in text


# -- a scan's worth of findings: every status, a sectioned check, pages --------------------------

NOT_ASSESSED = "posture.not_assessed"


@pytest.fixture(scope="module")
def big() -> Report:
    from posture.core.models import Status
    from posture.report.model import Section, SectionRow

    severities = ["critical", "high", "medium", "low"]
    findings = [make_finding(f"key-{i:03}", severity=severities[i % 4],
                             boundaries=(("data",), ("data", "model"))[i % 2],
                             message="automatic rotation is disabled on arn:aws:kms:us-east-1:123456789012:key/"
                                     f"0000-{i:04}-long-identifier-without-spaces")
                for i in range(70)]
    findings += [make_finding(f"ok-{i}", status="PASS") for i in range(12)]
    findings += [make_finding(f"not-assessed/svc{i}", status="ERROR", check_id=NOT_ASSESSED, region="eu-west-1",
                              severity="informational", boundaries=(), message="not assessed: every request denied")
                 for i in range(5)]
    findings += [make_finding("locked-key", status="ERROR", severity="high", message="AccessDenied: kms:GetKeyPolicy")]
    findings += [make_finding("lab-key", muted=True, mute_reason="lab")]
    paths = [make_finding(f"agent{i}/ALIAS", check_id="bedrock.guardrail_coverage", status=("FAIL", "PASS")[i % 2],
                          severity="high", boundaries=("model",)) for i in range(3)]
    findings += paths
    section = Section(check_id="bedrock.guardrail_coverage", title="Guardrail coverage of every path to a model",
                      columns=["path", "guardrail", "blocking_filters", "verdict"],
                      rows=[SectionRow(finding_id=f.id, status=Status(f.status), account_id=f.account_id,
                                       region=f.region, resource_id=f.resource_id,
                                       cells=[f"agent {f.resource_id} alias live (version 1)", "gr-1:2",
                                              "HATE, INSULTS, PROMPT_ATTACK, PII:EMAIL", "guarded"])
                            for f in paths])
    return make_report(findings).model_copy(update={"sections": [section]})


@pytest.fixture(scope="module")
def big_page(big: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "report.html"
    path.write_text(RENDERERS["html"](big))
    return path


def test_no_python_repr_reaches_the_page(big: Report) -> None:
    text = RENDERERS["html"](big)
    found = [r for r in PYTHON_REPR if r in text]
    assert not found, found
    # The sectioned check is drawn once, as a table with a header per column and a cell per column.
    dom = Tree(text).root
    [section] = [s for s in dom.find_all("section") if "report-section" in s.classes()]
    assert text.count("Guardrail coverage of every path to a model") == 1
    assert [th.text for th in section.find_all("th")] == ["Status", "Region", "Resource", "Path", "Guardrail",
                                                          "Blocking filters", "Verdict"]
    assert all(len(tr.find_all("td")) == 7 for tr in section.find("tbody").find_all("tr"))


def test_every_finding_has_one_row(big: Report) -> None:
    dom = Tree(RENDERERS["html"](big)).root
    ids = [r.attrs["data-id"] for r in finding_rows(dom)]
    assert len(ids) == len(set(ids)) == len(big.findings)  # the not-assessed ones, with no boundary, too


def _option_counts(dom: Node) -> dict[str, int]:
    import re

    return {o.attrs["value"]: int(re.search(r"\((\d+)\)$", o.text).group(1))  # type: ignore[union-attr]
            for o in dom.find("select", id="f-status").find_all("option")}


@pytest.mark.parametrize("status", ["failing", "FAIL", "ERROR", "not_assessed", "PASS", "muted", "all"])
def test_every_status_filter_shows_what_the_header_and_json_count(big: Report, big_page: Path, tmp_path: Path,
                                                                  status: str) -> None:
    summary = json.loads(RENDERERS["json"](big))["summary"]
    by = summary["by_status"]
    expected = {"failing": by["FAIL"] + by["ERROR"], "FAIL": by["FAIL"], "ERROR": by["ERROR"], "not_assessed": 5,
                "PASS": by["PASS"], "muted": summary["muted"], "all": summary["findings"]}
    dom = Tree(browse(big_page, tmp_path / "profile", f"#status={status}&page-size=all", "--dump-dom").stdout).root
    header = " ".join(dom.find("p", id="counts").text.split())
    assert header == (f"{summary['findings']} findings: {by['FAIL']} FAIL · {by['ERROR']} ERROR (5 of them not "
                      f"assessed: region closed) · {by['PASS']} PASS · {summary['muted']} muted")
    assert _option_counts(dom) == expected
    rows = visible_rows(dom)
    assert len(rows) == expected[status]
    assert dom.find("span", id="shown").text == f"{expected[status]} of {len(big.findings)} findings shown"
    if status in ("FAIL", "ERROR", "PASS"):
        assert {r.attrs["data-status"] for r in rows} == {status}


def test_a_long_list_pages_without_a_request(big_page: Path, tmp_path: Path) -> None:
    dom = Tree(browse(big_page, tmp_path / "profile", "#status=all", "--dump-dom").stdout).root
    assert len(visible_rows(dom)) == 50
    assert " ".join(dom.find("span", id="page").text.split()) == "rows 1–50 of 92 · page 1 of 2"
    # The worst come first: critical failures lead the first page.
    assert visible_rows(dom)[0].attrs["data-severity"] == "critical"


CLICK = """<script>(function(){
  document.querySelector('th[data-key="%s"] button').click();%s
  document.body.setAttribute('data-order', JSON.stringify(Array.prototype.map.call(
    document.querySelectorAll('tr.finding:not(.filtered):not(.off-page)'),
    function(r){return r.getAttribute('data-k-%s');})));
})();</script></body>"""


@pytest.mark.parametrize(("key", "twice"), [("resource", False), ("resource", True), ("severity", True),
                                            ("check", False)])
def test_columns_sort(big: Report, tmp_path: Path, key: str, twice: bool) -> None:
    path = tmp_path / "sorted.html"
    again = f"\n  document.querySelector('th[data-key=\"{key}\"] button').click();" if twice else ""
    path.write_text(RENDERERS["html"](big).replace("</body>", CLICK % (key, again, key)))
    dom = Tree(browse(path, tmp_path / "profile", "#status=all&page-size=all", "--dump-dom").stdout).root
    order = json.loads(dom.find("body").attrs["data-order"])
    assert len(order) == len(big.findings)
    assert order == sorted(order, reverse=twice)


def test_commands_in_the_remediation_keep_the_sentence_whole() -> None:
    from posture.render.html import _remediation

    tree = Tree(_remediation("Give each method an authorizer: `aws apigateway update-method --rest-api-id <api-id>` "
                             "(or `AWS_IAM`), then redeploy.")).root
    text = tree.find("span", **{"class": "fix-text"})
    # The sentence reads whole, the command inline where it stands; the block to copy follows it.
    assert " ".join(text.text.split()) == ("Give each method an authorizer: aws apigateway update-method "
                                           "--rest-api-id <api-id> (or AWS_IAM), then redeploy.")
    [block] = tree.find_all("pre")
    assert block.text == "aws apigateway update-method --rest-api-id <api-id>"
    assert [v.text for v in block.find_all("var")] == ["<api-id>"]
    assert tree.children[-1].tag == "button" and tree.find("button").text == "Copy"
    assert not Tree(_remediation("Enable rotation in the console.")).root.find_all("pre")
    # A command with something left out is shown, never offered to copy.
    elided = Tree(_remediation("Run `aws bedrock update-guardrail --guardrail-identifier <id> ...` and publish.")).root
    assert not elided.find_all("pre") and not elided.find_all("button")
    whole = Tree(_remediation("aws kms enable-key-rotation --key-id <key-id>")).root
    assert whole.find("pre").text == "aws kms enable-key-rotation --key-id <key-id>"


# -- pixels: what a person sees ----------------------------------------------------------

PROBE = """<script>(function(){
  var out={}, wanted=%s;
  Object.keys(wanted).forEach(function(name){
    var el=document.querySelector(wanted[name]);
    if(!el){out[name]=null;return;}
    var r=el.getBoundingClientRect(), seen=el.checkVisibility?el.checkVisibility():true;
    out[name]=seen&&r.width&&r.height?[r.left+scrollX,r.top+scrollY,r.width,r.height]:null;
  });
  // Words broken inside a word: a run of non-space characters of one text node laid out on two lines.
  var broken=[], walker=document.createTreeWalker(document.querySelector('body'), NodeFilter.SHOW_TEXT);
  while(walker.nextNode()){
    var node=walker.currentNode, parent=node.parentElement;
    if(!parent||!parent.checkVisibility()||parent.closest('script,style,option,select')){continue;}
    var re=/\\S+/g, m;
    while((m=re.exec(node.data))){
      var range=document.createRange(); range.setStart(node,m.index); range.setEnd(node,m.index+m[0].length);
      var tops={};
      Array.prototype.forEach.call(range.getClientRects(),function(q){if(q.width){tops[Math.round(q.top)]=1;}});
      if(Object.keys(tops).length>1){broken.push(m[0]);}
    }
  }
  out.broken=broken;
  out.overflow=document.documentElement.scrollWidth-window.innerWidth;
  document.body.setAttribute('data-probe',JSON.stringify(out));
})();</script></body>"""


def shoot(report: Report, tmp: Path, fragment: str, wanted: dict[str, str],
          window: tuple[int, int] = WINDOW) -> tuple[Image.Image, dict[str, Any]]:
    """A screenshot of the report and where the `wanted` elements are on it (CSS px = pixels)."""
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "probed.html"
    path.write_text(RENDERERS["html"](report).replace("</body>", PROBE % json.dumps(wanted)))
    dom = Tree(browse(path, tmp / "profile", fragment, "--dump-dom", window=window).stdout).root
    rects = json.loads(dom.find("body").attrs["data-probe"])
    shot = tmp / "shot.png"
    browse(path, tmp / "profile", fragment, f"--screenshot={shot}", window=window)
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


FIRST_SCREEN = {"overall": ".card.overall", "fix_first": "ol.fix-first li", "coverage": "section.report-section table",
                "heat_partly": 'tr[data-risk="LLM02:2025"] td[data-boundary="data"]', "legend": "#legend",
                "filters": "#filters", "critical_fix": "ol.fix-first li .sev-critical"}


@pytest.mark.parametrize("width", [1400, 900, 600])
def test_readable_at_every_width(big: Report, tmp_path: Path, width: int) -> None:
    shot, at = shoot(big, tmp_path / str(width), "", FIRST_SCREEN, window=(width, 2400))
    shot.save(tmp_path / f"report-{width}.png")
    assert at["overflow"] <= 0, "the page scrolls sideways"
    assert at["broken"] == [], f"words broken inside a word at {width}px: {at['broken'][:10]}"
    for name in ("overall", "fix_first", "coverage", "heat_partly", "legend", "filters"):
        assert at[name] is not None, f"{name} not shown at {width}px"
    assert at["overall"][1] < 300 and at["fix_first"][1] < (900 if width > 600 else 1200)
    assert near(left_edge(shot, at["critical_fix"]), "#7f1d1d")
    assert near(left_edge(shot, at["heat_partly"]), "#ffe7b8")


def test_screenshots_show_severity_colours_and_the_filter_at_work(report: Report, tmp_path: Path) -> None:
    kms = _by_resource(report, "artifacts").id
    api = _by_resource(report, "acme-api/prod").id
    prod = _by_resource(report, "prod-key").id
    wanted = {"kms_row": f'tr[data-id="{kms}"]', "kms_badge": f'tr[data-id="{kms}"] .sev',
              "api_badge": f'tr[data-id="{api}"] .sev', "critical_badge": f'tr[data-id="{prod}"] .sev',
              "regressed": f'tr[data-id="{prod}"] .badge.regressed', "fix": f'tr[data-id="{kms}"] pre.remedy',
              "heat_fails": 'tr[data-risk="LLM01:2025"] td[data-boundary="user_interface"]',
              "legend_fails": '.legend .swatch.l-fails'}
    tall = (WINDOW[0], 3200)
    plain, at = shoot(report, tmp_path / "plain", "", wanted, window=tall)
    # The matrix is unfolded on the first screen.
    assert at["heat_fails"] is not None and at["heat_fails"][1] < WINDOW[1]
    assert near(left_edge(plain, at["heat_fails"]), "#f6c9c5")
    assert near(left_edge(plain, at["legend_fails"]), "#f6c9c5")
    # Severity and regression read as colour; the fix is a dark code block.
    assert near(left_edge(plain, at["critical_badge"]), "#7f1d1d")
    assert near(left_edge(plain, at["api_badge"]), "#b3261e")
    assert near(left_edge(plain, at["kms_badge"]), "#a86400")
    assert near(left_edge(plain, at["regressed"]), "#b3261e")
    assert near(left_edge(plain, at["fix"]), "#1d2330")
    filtered, at_f = shoot(report, tmp_path / "filtered", "#q=waf", wanted, window=tall)
    assert at_f["kms_row"] is None and at_f["critical_badge"] is None  # hidden by the filter
    assert near(left_edge(filtered, at_f["api_badge"]), "#b3261e")
    assert differing(plain, filtered, at["kms_row"]) > 0.2


def test_it_prints_every_matching_row(big_page: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    browse(big_page, tmp_path / "profile", "", f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
    style = RENDERERS["html"](make_report([make_finding()]))
    printed = style[style.index("@media print"):]
    assert "#filters,.pager,button.copy" in printed and "tr{break-inside:avoid}" in printed
    assert "tr.finding.off-page{display:table-row}" in printed  # every page of the list, not only the first
