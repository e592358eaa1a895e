"""AWS Config reads: configuration recorders, their status, and delivery channels."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Service

CONFIG = Service("config")
DESCRIBE_CONFIGURATION_RECORDERS = CONFIG.read("DescribeConfigurationRecorders", path="ConfigurationRecorders",
                                               default=[])
DESCRIBE_CONFIGURATION_RECORDER_STATUS = CONFIG.read("DescribeConfigurationRecorderStatus",
                                                     path="ConfigurationRecordersStatus", default=[])
DESCRIBE_DELIVERY_CHANNELS = CONFIG.read("DescribeDeliveryChannels", path="DeliveryChannels", default=[])


def recorders(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(DESCRIBE_CONFIGURATION_RECORDERS(ctx))


def recorder_statuses(ctx: CheckContext) -> dict[str, dict[str, Any]]:
    """Recorder name -> its status."""
    return {s["name"]: s for s in DESCRIBE_CONFIGURATION_RECORDER_STATUS(ctx)}


def delivery_channels(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(DESCRIBE_DELIVERY_CHANNELS(ctx))
