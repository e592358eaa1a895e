"""The GenAI inventory and the Scoping Matrix scope it shows."""

import json

import pytest

from posture.core.config import ScanConfig
from posture.core.models import Asset
from posture.core.registry import Registry
from posture.core.runner import scan
from posture.render import RENDERERS
from posture.report.inventory import build_inventory
from posture.report.model import build_report

ROLE = "arn:aws:iam::123456789012:role/sm"


def asset(kind: str, name: str, scope: int | None) -> Asset:
    return Asset(kind=kind, account_id="123456789012", region="us-east-1", id=name, scoping_scope=scope,
                 evidence=f"{name} evidence")


def test_the_highest_scope_evidenced_wins_with_its_evidence():
    inventory = build_inventory([asset("bedrock.agent", "a", 3), asset("bedrock.custom_model", "m", 4),
                                 asset("sagemaker.domain", "d", None)], [])
    assert inventory.scoping_scope == 4 and inventory.scoping_label == "Fine-tuned models"
    assert inventory.scoping_evidence == ["bedrock.custom_model m (us-east-1): m evidence"]
    assert inventory.counts == {"bedrock.agent": 1, "bedrock.custom_model": 1, "sagemaker.domain": 1}


def test_no_ai_asset_means_no_scope():
    inventory = build_inventory([], [])
    assert inventory.scoping_scope is None and inventory.scoping_evidence == []


def training_job(aws, name: str, channels: list[str]) -> None:
    aws.client("sagemaker").create_training_job(
        TrainingJobName=name, RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/t:1",
                                "TrainingInputMode": "File"},
        InputDataConfig=[{"ChannelName": c, "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": f"s3://b/{c}/"}}} for c in channels],
        OutputDataConfig={"S3OutputPath": "s3://b/out/"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 60},
    )


def full_scan(**config):
    return scan(ScanConfig(regions=("us-east-1",), max_attempts=1, services=("sagemaker",), inventory=True,
                           **config), Registry.load(plugins=False))


def test_fine_tuning_job_shows_scope_4(aws):
    training_job(aws, "tune", ["train", "model"])
    report = build_report(full_scan())
    assert report.inventory.scoping_scope == 4
    assert [a.id for a in report.inventory.assets if a.kind == "sagemaker.training_job"] == ["tune"]


def test_training_from_scratch_shows_scope_5(aws):
    training_job(aws, "tune", ["train", "model"])
    training_job(aws, "scratch", ["train"])
    assert build_report(full_scan()).inventory.scoping_scope == 5


def test_an_unreadable_source_is_reported_not_dropped(aws):
    aws.simulation.fail("sagemaker", "ListTrainingJobs", "AccessDeniedException")
    inventory = build_report(full_scan()).inventory
    assert any("inventory.sagemaker" in e and "access denied" in e for e in inventory.errors)


def test_a_narrowed_scan_reads_no_inventory(aws, registry):
    training_job(aws, "tune", ["train"])
    report = build_report(scan(ScanConfig(regions=("us-east-1",), checks=("sagemaker.training_job_in_vpc",)),
                               registry))
    assert report.inventory is None


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_demo_account_inventory_in_the_json_report(demo_account, registry):
    report = build_report(scan(ScanConfig(regions=("us-east-1", "us-west-2"), max_attempts=1), registry))
    data = json.loads(RENDERERS["json"](report))
    kinds = data["inventory"]["counts"]
    assert kinds["bedrock.agent"] >= 1 and kinds["bedrock.knowledge_base"] >= 1 and kinds["sagemaker.endpoint"] >= 1
    assert data["inventory"]["scoping_scope"] in (4, 5)
    assert data["inventory"]["errors"] == []


@pytest.mark.slow
def test_inventory_reaches_the_table_and_the_html_report(aws, registry):
    training_job(aws, "tune", ["train", "model"])
    report = build_report(full_scan())
    table, html = RENDERERS["table"](report), RENDERERS["html"](report)
    assert "scope 4 (Fine-tuned models)" in table and "1 sagemaker.training_job" in table
    assert "scope 4 (Fine-tuned models)" in html and "sagemaker.training_job tune (us-east-1)" in html
