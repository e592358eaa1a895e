"""The HTML report, opened in a real headless browser (Debian's chromium): what a reader sees.

No skip: where chromium is missing, `make test` installs it; if it still is not there,
these tests fail.
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from posture.core.models import TrustBoundary
from posture.render import RENDERERS
from posture.report.model import Report
from tests.reporting_helpers import make_finding, make_report

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


def browse(path: Path, tmp: Path, fragment: str = "", *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={tmp}",
         "--virtual-time-budget=3000", *extra, path.resolve().as_uri() + fragment],
        capture_output=True, text=True, timeout=180, check=True,
    )


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report([
        make_finding("artifacts", arn=ARN, severity="medium"),
        make_finding("data-key", status="PASS", severity="medium"),
        make_finding("acme-api/prod", check_id="apigateway.stage_waf_attached", severity="high",
                     boundaries=("user_interface",), owasp=("LLM01", "LLM01:2025"), csf=("PR.PS-01",),
                     message="no WAF web ACL is associated", resource_type="AwsApiGatewayStage"),
        make_finding("123456789012", check_id="bedrock.model_invocation_logging_enabled", status="PASS",
                     severity="high", boundaries=("model",), owasp=("LLM10", "LLM10:2025"), csf=("DE.CM-09",),
                     region="us-east-1", resource_type="AwsAccount"),
        make_finding("sandbox-key", region="us-west-2", muted=True, mute_reason="sandbox account"),
    ])


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
    for node in tree.find_all():
        for attr in ("src", "href"):
            assert not node.attrs.get(attr), f"external reference in <{node.tag} {attr}>"
    assert not tree.find_all("link")


def test_reader_sees_the_scores(page: tuple[Path, Node], report: Report) -> None:
    _, dom = page
    scores = report.summary.scores
    overall = dom.find("div", data_area="overall")
    [score] = [d for d in overall.find_all("div") if "score" in d.classes()]
    assert score.text == f"{scores.overall.score:.1f}" == "50.0"
    for boundary in TrustBoundary:
        card = dom.find("div", data_area=boundary.value)
        area = scores.boundaries[boundary.value]
        expected = "not assessed" if area.score is None else f"{area.score:.1f}"
        assert expected in card.text and boundary.label in card.text
    bars = dom.find_all("div", **{"class": "bar"})
    assert [b.attrs["data-function"] for b in bars] == list(scores.csf_functions)
    assert "5 findings: 2 pass, 2 fail, 0 error, 1 muted" in " ".join(dom.find("p", id="counts").text.split())


def test_reader_sees_the_heatmap(page: tuple[Path, Node], report: Report) -> None:
    _, dom = page
    heat = dom.find("table", id="heatmap")
    rows = heat.find("tbody").find_all("tr")
    assert len(rows) == 10
    llm02 = heat.find("tr", data_risk="LLM02:2025")
    data_cell = llm02.find("td", data_boundary="data")
    assert "l-partial" in data_cell.classes() and data_cell.text == "partial"  # one key passes, one fails
    llm01 = heat.find("tr", data_risk="LLM01:2025")
    assert llm01.find("td", data_boundary="user_interface").text == "fails"
    assert "thin" in llm01.text  # held by one layer or none: called out
    llm10 = heat.find("tr", data_risk="LLM10:2025")
    assert llm10.find("td", data_boundary="model").text == "holds"


def test_reader_sees_a_known_failing_finding_with_its_fix(page: tuple[Path, Node], report: Report) -> None:
    _, dom = page
    target = next(f for f in report.findings if f.resource_id == "artifacts")
    data = dom.find("section", data_boundary="data")
    row = data.find("tr", data_id=target.id)
    assert "artifacts" in row.text and "automatic rotation is disabled" in row.text
    assert "Fix: aws kms enable-key-rotation" in " ".join(row.text.split())
    assert not row.hidden()
    ui = dom.find("section", data_boundary="user_interface")
    assert "no WAF web ACL is associated" in ui.text
    assert dom.find("span", id="shown").text == "3 of 3 findings shown"  # the script ran
    assert "muted: sandbox account" in dom.find("section", data_boundary="data").text


def test_the_filter_narrows_what_the_reader_sees(page: tuple[Path, Node], tmp_path: Path) -> None:
    path, _ = page
    dom = Tree(browse(path, tmp_path / "profile", "#q=waf", "--dump-dom").stdout).root
    assert dom.find("span", id="shown").text == "1 of 3 findings shown"
    visible = [r for r in dom.find_all("tr") if "finding" in r.classes() and not r.hidden()]
    assert len(visible) == 1 and "apigateway.stage_waf_attached" in visible[0].text
    assert dom.find("section", data_boundary="data").hidden()


def test_it_renders_to_pixels(page: tuple[Path, Node], tmp_path: Path) -> None:
    path, _ = page
    shot = tmp_path / "shot.png"
    browse(path, tmp_path / "profile", "", f"--screenshot={shot}", "--window-size=1280,2000")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_html_from_a_scan_names_its_accounts_and_escapes_text(report: Any) -> None:
    f = make_finding("<script>alert(1)</script>", message="<b>x</b>")
    text = RENDERERS["html"](make_report([f]))
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Account 123456789012" in text
