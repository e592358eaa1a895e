"""What a scan is asked to do, whichever way it was asked (flags today, a config file later)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from posture.models import Severity


class ScanConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    profile: str | None = None
    regions: tuple[str, ...] = ()  # empty: every region enabled for the account
    checks: tuple[str, ...] = ()
    exclude_checks: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    workers: int = Field(default=16, ge=1, le=256)
    max_attempts: int = Field(default=5, ge=1, le=20)
    fail_on: Severity | None = None  # None: failing findings never change the exit code
