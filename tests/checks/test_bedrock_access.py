"""Model access (checks/bedrock.py): approved models and the residency of inference profiles. moto has no
foundation models, availability, inference profiles or provisioned throughput: the simulation answers them."""

import json

from posture.checks.bedrock import accessible, approved, leaves_residency, region_allowed
from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
APPROVED = "bedrock.approved_models"
RESIDENCY = "bedrock.inference_profile_residency"
SONNET = "anthropic.claude-3-5-sonnet-20240620-v1:0"
LLAMA = "meta.llama3-70b-instruct-v1:0"
NOVA = "amazon.nova-pro-v1:0"
NOW = "2026-11-01T00:00:00Z"


def fm_arn(model: str, region: str = "us-east-1") -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model}"


def settings(**values) -> dict:
    return {"check_settings": {"bedrock": values}}


def foundation_models(aws, *models: str) -> None:
    aws.simulation.put("bedrock", "ListFoundationModels", {"modelSummaries": [
        {"modelArn": fm_arn(m), "modelId": m, "providerName": m.split(".")[0]} for m in models]})


def availability(aws, model: str, authorized: bool = True) -> None:
    aws.simulation.put("bedrock", "GetFoundationModelAvailability", {
        "modelId": model, "agreementAvailability": {"status": "AVAILABLE"},
        "authorizationStatus": "AUTHORIZED" if authorized else "NOT_AUTHORIZED",
        "entitlementAvailability": "AVAILABLE", "regionAvailability": "AVAILABLE"}, modelId=model)


def profile(profile_id: str, models: list[str], kind: str = "SYSTEM_DEFINED", name: str | None = None) -> dict:
    arn_part = f"application-inference-profile/{profile_id}" if kind == "APPLICATION" \
        else f"inference-profile/{profile_id}"
    return {"inferenceProfileName": name or profile_id, "inferenceProfileId": profile_id, "type": kind,
            "inferenceProfileArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:{arn_part}", "status": "ACTIVE",
            "models": [{"modelArn": m} for m in models]}


def inference_profiles(aws, *profiles: dict) -> None:
    aws.simulation.put("bedrock", "ListInferenceProfiles", {"inferenceProfileSummaries": list(profiles)})


def user(aws, name: str, *statements: dict) -> None:
    iam = aws.client("iam")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="app", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": list(statements)}))


def invoke(resource) -> dict:
    return {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": resource}


# -- approved models ----------------------------------------------------------------------------
def test_approval_and_access_judgement():
    patterns = ["anthropic.claude-3-5-sonnet*", "amazon.nova-*"]
    assert approved(SONNET, patterns) and approved(fm_arn(NOVA), patterns)
    assert approved(f"eu.{SONNET}", patterns)  # a cross-region profile id is judged by its model
    assert not approved(LLAMA, patterns) and not approved("anthropic.claude-3-haiku-20240307-v1:0", patterns)
    base = {"authorizationStatus": "AUTHORIZED", "entitlementAvailability": "AVAILABLE",
            "regionAvailability": "AVAILABLE", "agreementAvailability": {"status": "PENDING"}}
    assert accessible(base)
    assert not accessible({**base, "authorizationStatus": "NOT_AUTHORIZED"})
    assert not accessible({**base, "entitlementAvailability": "NOT_AVAILABLE"})
    assert not accessible({**base, "regionAvailability": "NOT_AVAILABLE"})


def test_without_an_approved_list_there_is_nothing(aws, run_check):
    foundation_models(aws, LLAMA)
    assert run_check(APPROVED) == []


def test_unapproved_model_access_and_what_builds_on_it_fail(aws, run_check):
    foundation_models(aws, SONNET, LLAMA, NOVA)
    availability(aws, LLAMA)
    availability(aws, NOVA, authorized=False)
    aws.simulation.put("bedrock", "ListProvisionedModelThroughputs", {"provisionedModelSummaries": [
        {"provisionedModelName": "llama-pt", "provisionedModelArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:"
         "provisioned-model/abc", "modelArn": fm_arn(LLAMA), "desiredModelArn": fm_arn(LLAMA),
         "foundationModelArn": fm_arn(LLAMA), "modelUnits": 1, "desiredModelUnits": 1, "status": "InService",
         "creationTime": NOW, "lastModifiedTime": NOW}]})
    aws.simulation.put("bedrock", "ListCustomModels", {"modelSummaries": [
        {"modelArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/tuned", "modelName": "tuned",
         "creationTime": NOW, "baseModelArn": fm_arn(SONNET), "baseModelName": "Claude 3.5 Sonnet"}]})
    inference_profiles(aws, profile("chat-app", [fm_arn(SONNET)], "APPLICATION"))
    user(aws, "wide", invoke("arn:aws:bedrock:*::foundation-model/*"))
    user(aws, "narrow", invoke(fm_arn(SONNET)))
    findings = run_check(APPROVED, **settings(approved_models=["anthropic.claude-3-5-sonnet*"]))
    account = expect(findings, ACCOUNT, Status.FAIL)
    assert account.evidence["not_approved_accessible"] == [LLAMA]  # Nova is not authorized
    expect(findings, "llama-pt", Status.FAIL)
    expect(findings, "tuned", Status.PASS)
    expect(findings, "chat-app", Status.PASS)
    wide = expect(findings, "wide", Status.FAIL)
    assert wide.region == "us-east-1"
    assert f"bedrock:InvokeModel on {LLAMA} via inline:app" in wide.evidence["grants"]
    assert "narrow" not in {f.resource_id for f in findings}


def test_only_approved_models_reachable_passes(aws, run_check):
    foundation_models(aws, SONNET, LLAMA)
    availability(aws, LLAMA, authorized=False)
    user(aws, "narrow", invoke(fm_arn(SONNET)))
    findings = run_check(APPROVED, **settings(approved_models=["anthropic.claude-3-5-sonnet*"]))
    assert sorted((f.resource_id, f.status) for f in findings) == [(ACCOUNT, Status.PASS),
                                                                    ("principals", Status.PASS)]


def test_unlistable_models_are_error_and_throughput_still_judged(aws, run_check):
    aws.simulation.fail("bedrock", "ListFoundationModels", "AccessDeniedException", status=403)
    aws.simulation.put("bedrock", "ListProvisionedModelThroughputs", {"provisionedModelSummaries": [
        {"provisionedModelName": "sonnet-pt", "provisionedModelArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:"
         "provisioned-model/def", "modelArn": fm_arn(SONNET), "desiredModelArn": fm_arn(SONNET),
         "foundationModelArn": fm_arn(SONNET), "modelUnits": 1, "desiredModelUnits": 1, "status": "InService",
         "creationTime": NOW, "lastModifiedTime": NOW}]})
    findings = run_check(APPROVED, **settings(approved_models=["anthropic.claude-3-5-sonnet*"]))
    account = expect(findings, ACCOUNT, Status.ERROR)
    assert "bedrock:ListFoundationModels" in account.message
    expect(findings, "sonnet-pt", Status.PASS)


# -- inference profile residency ----------------------------------------------------------------
GLOBAL = f"global.{SONNET}"
EU = f"eu.{SONNET}"
GLOBAL_MODELS = [fm_arn(SONNET, r) for r in ("us-east-1", "eu-west-1", "ap-northeast-1")]
EU_MODELS = [fm_arn(SONNET, r) for r in ("eu-west-1", "eu-central-1")]


def test_residency_judgement():
    assert region_allowed("eu-west-1", ["eu"]) and not region_allowed("us-east-1", ["eu"])
    assert region_allowed("us-east-1", ["us-east-1"]) and region_allowed("ap-south-1", ["apac"])
    assert leaves_residency(profile(EU, EU_MODELS), ["eu"]) == []
    assert leaves_residency(profile(GLOBAL, EU_MODELS), ["eu"]) == ["a global profile routes to any commercial region"]
    assert leaves_residency(profile("us.x", [fm_arn(SONNET, "us-east-1")]), ["eu"]) == ["routes to us-east-1"]
    assert leaves_residency(profile(EU, EU_MODELS), ["eu-west-1"]) == ["routes to eu-central-1"]


def make_agent(aws, name: str, model: str) -> str:
    role = f"arn:aws:iam::{ACCOUNT}:role/{name}-role"
    created = aws.client("bedrock-agent").create_agent(agentName=name, foundationModel=model,
                                                       agentResourceRoleArn=role)["agent"]
    aws.simulation.put("bedrock-agent", "GetAgent", {"agent": {
        "agentId": created["agentId"], "agentName": name, "agentArn": created["agentArn"], "agentVersion": "DRAFT",
        "agentStatus": "PREPARED", "idleSessionTTLInSeconds": 600, "agentResourceRoleArn": role,
        "foundationModel": model, "createdAt": NOW, "updatedAt": NOW}}, agentId=created["agentId"])
    return created["agentId"]


def test_without_data_residency_there_is_nothing(aws, run_check):
    inference_profiles(aws, profile(GLOBAL, GLOBAL_MODELS))
    assert run_check(RESIDENCY) == []


def test_global_profiles_in_use_fail_and_geographic_ones_pass(aws, run_check):
    inference_profiles(aws, profile(GLOBAL, GLOBAL_MODELS), profile(EU, EU_MODELS),
                       profile("app-global", GLOBAL_MODELS, "APPLICATION", "chat-global"),
                       profile("app-eu", EU_MODELS, "APPLICATION", "chat-eu"))
    roaming = make_agent(aws, "roaming", GLOBAL)
    pinned = make_agent(aws, "pinned", EU)
    user(aws, "app", invoke(f"arn:aws:bedrock:*:{ACCOUNT}:inference-profile/global.*"))
    user(aws, "eu-app", invoke(f"arn:aws:bedrock:*:{ACCOUNT}:inference-profile/eu.*"))
    findings = run_check(RESIDENCY, **settings(data_residency=["eu"]))
    expect(findings, "app-global", Status.FAIL)
    expect(findings, "app-eu", Status.PASS)
    agent = expect(findings, roaming, Status.FAIL)
    assert agent.evidence["outside"] == [GLOBAL]
    expect(findings, pinned, Status.PASS)
    expect(findings, "app", Status.FAIL)
    assert "eu-app" not in {f.resource_id for f in findings}


def test_unlistable_profiles_are_error_and_agents_on_a_profile_unknown(aws, run_check):
    on_profile = make_agent(aws, "pinned", EU)
    on_model = make_agent(aws, "plain", SONNET)
    aws.simulation.fail("bedrock", "ListInferenceProfiles", "AccessDeniedException", status=403)
    findings = run_check(RESIDENCY, **settings(data_residency=["eu"]))
    gap = expect(findings, "not-read/inference-profiles", Status.ERROR)
    assert "bedrock:ListInferenceProfiles" in gap.message
    assert gap.evidence["unread_services"] == ["bedrock"]
    expect(findings, on_profile, Status.ERROR)  # where eu. routes is not known
    expect(findings, on_model, Status.PASS)  # an in-region model needs no profile
