"""Tags a team can put on resources to tell posture what they hold.

`posture:ai-data` on a bucket: it holds training data, RAG sources, model
artifacts or invocation logs (any value but "false").
`posture:ai-workload` on a VPC: it runs AI workloads (any value but "false").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

AI_DATA = "posture:ai-data"
AI_WORKLOAD = "posture:ai-workload"


def tag_map(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in tags or []}


def flagged(tags: Mapping[str, str], key: str) -> bool:
    return key in tags and tags[key].strip().lower() != "false"
