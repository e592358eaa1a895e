"""The session-end guard that every check has PASS, FAIL and ERROR tests."""

from tests.support.catalogue import uncovered


def test_a_check_without_an_error_test_is_reported():
    observed = {("a.one", "PASS"), ("a.one", "FAIL"), ("a.one", "ERROR"), ("a.two", "PASS"), ("a.two", "FAIL")}
    assert uncovered(observed, ["a.one", "a.two", "a.three"]) == {
        "a.two": ["ERROR"], "a.three": ["ERROR", "FAIL", "PASS"]}


def test_a_fully_tested_catalogue_passes():
    assert uncovered({("a.one", s) for s in ("PASS", "FAIL", "ERROR")}, ["a.one"]) == {}
