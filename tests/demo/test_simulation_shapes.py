"""The simulation holds every answer and error it is given to botocore's model, and answers a missing
resource with the not-found error AWS models for the operation."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from posture.demo.gaps import MOTO_GAPS, simulate_moto_gaps
from posture.demo.shapes import FALLBACK_NOT_FOUND, SimulatedShapeError, not_found
from posture.demo.simulation import Simulation

ACCOUNT = "123456789012"


def inspector_status(state: dict[str, Any]) -> dict[str, Any]:
    return {"accounts": [{"accountId": ACCOUNT, "state": state, "resourceState": {
        t: {"status": "DISABLED"} for t in ("ec2", "ecr", "lambda", "lambdaCode")}}], "failedAccounts": []}


@pytest.fixture
def simulation() -> Simulation:
    sim = Simulation()
    assert sim.strict, "strict is the default: a violation fails where it is given"
    simulate_moto_gaps(sim)
    return sim


def test_every_gap_default_fits_the_model(simulation: Simulation) -> None:
    assert simulation.violations == []
    assert len({(s, o) for s, o, _ in MOTO_GAPS}) == len(MOTO_GAPS)


@pytest.mark.parametrize("answer,problem", [
    ({"analyzers": [], "surprise": 1}, "surprise is not a member"),  # an unknown key (a wire name)
    ({"analyzers": "none"}, "analyzers is str, not list"),  # a wrong type
    ({"analyzers": [{"arn": "a", "name": "n", "type": "ACCOUNT", "createdAt": "2026-01-01T00:00:00Z",
                     "status": "SLEEPING"}]}, "'SLEEPING', not one of the modelled values"),  # a bad enum value
    ({"analyzers": [{"arn": "a", "name": "n", "type": "ACCOUNT", "createdAt": "2026-01-01T00:00:00Z"}]},
     "status is required by AnalyzerSummary and missing"),  # a missing required member
    ({}, "analyzers is required by ListAnalyzersResponse and missing"),
])
def test_a_planted_bad_answer_fails_where_it_is_given(simulation: Simulation, answer: Any, problem: str) -> None:
    with pytest.raises(SimulatedShapeError, match=problem):
        simulation.put("accessanalyzer", "ListAnalyzers", answer)
    with pytest.raises(SimulatedShapeError, match=problem):
        simulation.simulate("accessanalyzer", "ListAnalyzers", answer)


def test_a_query_protocol_answer_is_checked_by_botocore_names(simulation: Simulation) -> None:
    with pytest.raises(SimulatedShapeError, match="JobStatus is 'DONE'"):
        simulation.put("iam", "GetServiceLastAccessedDetails", {
            "JobStatus": "DONE", "JobCreationDate": "2026-11-01T00:00:00Z", "JobCompletionDate": "2026-11-01T00:00:01Z",
            "ServicesLastAccessed": []})


def test_an_unmodelled_error_code_fails_where_it_is_given(simulation: Simulation) -> None:
    with pytest.raises(SimulatedShapeError, match="does not answer ResourceNotFoundException"):
        simulation.fail("organizations", "DescribeEffectivePolicy", "ResourceNotFoundException")
    with pytest.raises(SimulatedShapeError, match="does not answer ResourceNotFoundException"):
        simulation.fail("sagemaker", "DescribeFeatureGroup", "ResourceNotFoundException")
    simulation.fail("sagemaker", "DescribeFeatureGroup", "ResourceNotFound")  # modelled
    simulation.fail("sagemaker", "DescribeFeatureGroup", "AccessDeniedException")  # any operation may answer it


def test_an_answer_off_the_model_must_say_why(simulation: Simulation) -> None:
    simulation.simulate("cognito-identity", "DescribeIdentityPool", None)
    malformed = {"IdentityPoolId": "us-east-1:1", "IdentityPoolName": "p"}
    with pytest.raises(SimulatedShapeError, match="AllowUnauthenticatedIdentities is required"):
        simulation.put("cognito-identity", "DescribeIdentityPool", malformed)
    simulation.put("cognito-identity", "DescribeIdentityPool", malformed, off_model="testing a malformed answer")
    assert len(simulation.violations) == 1  # only the refused one is counted


def test_record_mode_only_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTURE_SIMULATION_SHAPES", "record")
    sim = Simulation()
    sim.simulate("accessanalyzer", "ListAnalyzers", {"analyzers": [], "surprise": 1})
    sim.fail("organizations", "DescribeEffectivePolicy", "ResourceNotFoundException")
    assert len(sim.violations) == 2


def test_inspector_state_without_its_failure_explanation_fits(simulation: Simulation) -> None:
    """The one documented departure (shapes.OPTIONAL_IN_PRACTICE): errorCode/errorMessage explain a failure."""
    simulation.put("inspector2", "BatchGetAccountStatus", inspector_status({"status": "ENABLED"}))
    with pytest.raises(SimulatedShapeError, match="status is required by State"):
        simulation.put("inspector2", "BatchGetAccountStatus", inspector_status({"errorCode": "ACCESS_DENIED",
                                                                                "errorMessage": "no"}))


@pytest.mark.parametrize("service,operation,code,status", [
    ("sagemaker", "DescribeFeatureGroup", "ResourceNotFound", 400),
    ("sagemaker", "DescribeMonitoringSchedule", "ResourceNotFound", 400),
    ("organizations", "DescribeEffectivePolicy", "EffectivePolicyNotFoundException", 400),
    ("organizations", "DescribeOrganization", "AWSOrganizationsNotInUseException", 400),
    ("organizations", "DescribePolicy", "PolicyNotFoundException", 400),
    ("iam", "GetRole", "NoSuchEntity", 404),
    ("bedrock", "GetGuardrail", "ResourceNotFoundException", 404),
    ("wafv2", "GetLoggingConfiguration", "WAFNonexistentItemException", 400),
    ("sagemaker", "GetModelPackageGroupPolicy", *FALLBACK_NOT_FOUND),  # the model lists no error at all
])
def test_not_found_is_the_modelled_error(simulation: Simulation, service: str, operation: str, code: str,
                                         status: int) -> None:
    found_code, found_status, modelled = not_found(simulation.model(service).operation_model(operation))
    assert (found_code, found_status) == (code, status)
    assert modelled is ((code, status) != FALLBACK_NOT_FOUND)


@pytest.mark.parametrize("service,operation,params,code,status", [
    ("sagemaker", "describe_feature_group", {"FeatureGroupName": "gone"}, "ResourceNotFound", 400),
    ("organizations", "describe_effective_policy", {"PolicyType": "BEDROCK_POLICY"},
     "EffectivePolicyNotFoundException", 400),
    ("bedrock", "get_guardrail", {"guardrailIdentifier": "gone"}, "ResourceNotFoundException", 404),
    ("macie2", "get_macie_session", {}, "ResourceNotFoundException", 404),
    ("sagemaker", "get_model_package_group_policy", {"ModelPackageGroupName": "g"}, "ValidationException", 400),
])
def test_a_resource_without_an_answer_is_answered_with_that_error(
        aws: Any, service: str, operation: str, params: dict[str, str], code: str, status: int) -> None:
    with pytest.raises(ClientError) as raised:
        getattr(aws.client(service), operation)(**params)
    error = raised.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (code, status)
