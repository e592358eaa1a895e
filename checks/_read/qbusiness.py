"""Amazon Q Business reads: applications and their identity settings."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

QBUSINESS = Service("qbusiness")
LIST_APPLICATIONS = QBUSINESS.read("ListApplications", path="applications", paginate=True)
GET_APPLICATION = QBUSINESS.read("GetApplication", param="applicationId")
APPLICATION = Kind("application", list=LIST_APPLICATIONS, id="applicationId", arn="applicationArn",
                   details=(GET_APPLICATION,))


def applications(ctx: CheckContext) -> list[dict[str, Any]]:
    return APPLICATION.all(ctx)


def application(ctx: CheckContext, application_id: str) -> dict[str, Any]:
    return dict(GET_APPLICATION(ctx, application_id))
