"""`posture demo`: a full scan of a simulated LLM-application account on 127.0.0.1.

Besides the seeded regions the demo scans DENIED_REGION, which the organization closes with a
region-deny SCP (every request refused by an explicit deny): it shows as one not-assessed
finding per service there, and changes nothing in the other regions or global scope.
"""

from __future__ import annotations

from posture.core.config import ScanConfig
from posture.core.registry import Registry
from posture.core.runner import Progress, scan
from posture.demo.seed import DEMO_SETTINGS, REGIONS, seed_account
from posture.demo.server import LocalAws, patched_environ
from posture.report.model import Report, build_report

DENIED_REGION = "eu-west-1"


def run_demo(config: ScanConfig, registry: Registry, *, progress: Progress | None = None) -> Report:
    aws = LocalAws().start()
    try:
        seed_account(aws.client, aws.simulation)
        aws.simulation.deny_region(DENIED_REGION)
        regions = config.regions or (*REGIONS, DENIED_REGION)
        settings = {prefix: {**DEMO_SETTINGS.get(prefix, {}), **config.check_settings.get(prefix, {})}
                    for prefix in {*DEMO_SETTINGS, *config.check_settings}}
        demo_config = config.model_copy(update={"regions": regions, "profile": None, "check_settings": settings})
        with patched_environ(aws.environment()):
            return build_report(scan(demo_config, registry, progress=progress))
    finally:
        aws.stop()
