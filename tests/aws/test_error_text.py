"""Clean, short error text (issue 12 item 4): an AWS error is the operation, the HTTP status, the
error code and the first line of the message, at most 200 characters, never an HTML or XML body;
a wrong endpoint, config file or profile is one line, never a traceback."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.parsers
import botocore.session
import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from posture.aws.errors import MAX_REASON, explain_error, first_line
from posture.cli.main import cli

HTML = (b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n"
        b"<p>The server encountered an internal error and was unable to complete your request.</p>\n")
_BOTOCORE = botocore.session.get_session()


def parsed_error(service: str, operation: str, status: int, body: bytes) -> Exception:
    """What botocore itself makes of this HTTP answer (its own parser, the service's protocol):
    a ClientError, or the ResponseParserError it raises on a body it cannot read."""
    model = _BOTOCORE.get_service_model(service)
    parser = botocore.parsers.create_parser(model.metadata["protocol"])
    op = model.operation_model(operation)
    try:
        parsed = parser.parse({"status_code": status, "headers": {}, "body": body}, op.output_shape)
    except botocore.parsers.ResponseParserError as exc:
        return exc
    return ClientError(parsed, operation)


@pytest.mark.parametrize("service, operation", [("kms", "ListKeys"), ("sts", "GetCallerIdentity"),
                                                ("s3", "ListBuckets"), ("bedrock", "ListGuardrails")])
def test_an_html_error_page_is_never_copied(service: str, operation: str) -> None:
    error = explain_error(f"{service}:{operation}", parsed_error(service, operation, 500, HTML))
    text = str(error)
    assert "<" not in text and "doctype" not in text.lower()  # before: "500: <!doctype html> <html lang=en> ..."
    assert "did not answer" in text
    assert "HTTP 500" in text or "ResponseParserError" in text
    assert text.startswith(f"{service}:{operation}: ")
    assert len(text) <= MAX_REASON


def test_an_xml_envelope_is_never_copied() -> None:
    body = b"<?xml version='1.0'?><Weird><Thing>nothing botocore knows</Thing></Weird>"
    text = str(explain_error("sts:GetCallerIdentity", parsed_error("sts", "GetCallerIdentity", 502, body)))
    assert "<" not in text and ("HTTP 502" in text or "did not answer in AWS's format" in text)


def test_the_reason_is_operation_status_code_and_first_line() -> None:
    exc = ClientError({"Error": {"Code": "ValidationException", "Message": "bad key id\nsecond line\nthird"},
                       "ResponseMetadata": {"HTTPStatusCode": 400}}, "DescribeKey")
    assert str(explain_error("kms:DescribeKey", exc)) == "kms:DescribeKey: HTTP 400, ValidationException: bad key id"


def test_a_long_message_is_cut_to_200_characters() -> None:
    exc = ClientError({"Error": {"Code": "ValidationException", "Message": "x" * 5000},
                       "ResponseMetadata": {"HTTPStatusCode": 400}}, "DescribeKey")
    text = str(explain_error("kms:DescribeKey", exc))
    assert len(text) <= MAX_REASON and text.endswith("…")


@pytest.mark.parametrize("code, words", [("AccessDeniedException", "access denied"),
                                         ("ThrottlingException", "throttled"),
                                         ("ServiceUnavailable", "did not answer")])
def test_the_reasons_keep_their_words(code: str, words: str) -> None:
    exc = ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": 503}}, "X")
    text = str(explain_error("kms:ListKeys", exc))
    assert words in text and "HTTP 503" in text and code in text


def test_first_line_drops_markup_and_keeps_text() -> None:
    assert first_line("  <html><body>oops</body></html>") == ""
    assert first_line("Macie is not enabled.\nmore") == "Macie is not enabled."


# -- the CLI edges: a real endpoint that answers HTML ---------------------------------------------
@pytest.fixture
def html_endpoint() -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(500)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(HTML)

        do_GET = do_POST

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_scan_against_an_html_answering_endpoint_is_one_clean_line(html_endpoint: str) -> None:
    result = CliRunner().invoke(cli, ["scan", "--check", "kms.cmk_rotation_enabled", "--region", "us-east-1",
                                      "--max-attempts", "1", "--no-history"], env={"AWS_ENDPOINT_URL": html_endpoint})
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "<" not in line and "did not answer" in line and len(line) <= 260


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("posture: error: "), stderr
    return lines[0]


# -- configuration a user got wrong ------------------------------------------------------------
@pytest.mark.parametrize("command", [["scan", "--check", "kms.cmk_rotation_enabled", "--region", "us-east-1",
                                      "--no-history"], ["push", "REPORT"]])
def test_an_invalid_endpoint_url_is_one_line(command: list[str], tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    report.write_text(json.dumps(_report()))
    args = [str(report) if a == "REPORT" else a for a in command]
    result = CliRunner().invoke(cli, args, env={"AWS_ENDPOINT_URL": "localhost:4566"})
    assert result.exit_code == 2, result.output  # before: an 86-line traceback (ValueError: Invalid endpoint)
    assert "AWS_ENDPOINT_URL='localhost:4566' is not a valid endpoint URL" in one_line(result.stderr)


@pytest.mark.parametrize("which", ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"])
def test_a_malformed_aws_file_is_one_line(which: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.write_text("[default\nregion = us-east-1\n")
    result = CliRunner().invoke(cli, ["scan", "--check", "kms.cmk_rotation_enabled", "--region", "us-east-1",
                                      "--no-history"], env={which: str(broken)})
    assert result.exit_code in (1, 2), result.output  # before: 79 lines ending in ConfigParseError
    line = one_line(result.stderr)
    assert str(broken) in line and "not valid" in line


def test_an_unknown_profile_is_named(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", "--check", "kms.cmk_rotation_enabled", "--no-history"],
                                env={"AWS_PROFILE": "nosuch"})
    assert result.exit_code in (1, 2)
    line = one_line(result.stderr)
    assert "'nosuch'" in line and "None" not in line  # before: "AWS profile None does not exist"


def test_an_unknown_profile_flag_is_named() -> None:
    result = CliRunner().invoke(cli, ["scan", "--profile", "nosuch", "--check", "kms.cmk_rotation_enabled",
                                      "--no-history"])
    assert result.exit_code in (1, 2) and "'nosuch'" in one_line(result.stderr)


def _report() -> dict[str, Any]:
    from tests.support.reporting import make_finding, make_report

    return json.loads(make_report([make_finding("k1")]).model_dump_json())
