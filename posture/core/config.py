"""What a scan is asked to do, whichever way it was asked (flags today, a config file later)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from posture.core.models import Severity

SettingValue = str | int | float | bool | list[str]


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
    # The GenAI inventory; None: with a full scan, not with one narrowed by checks or services.
    inventory: bool | None = None
    # Accounts (posture.aws.accounts): none named and no org: the caller's own account.
    accounts: tuple[str, ...] = ()
    org: bool = False  # every ACTIVE account of the organisation
    role_name: str | None = Field(default=None, max_length=512, pattern=r"^[A-Za-z0-9_+=,.@/-]+$")
    external_id: str | None = Field(default=None, min_length=2, max_length=1224, pattern=r"^[A-Za-z0-9_+=,.@:/-]+$")
    role_session_name: str = Field(default="posture", min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_+=,.@-]+$")
    # Sharding (posture.core.shard): this run scans shard `shard_index` (1-based) of `shard_count`.
    shard_index: int = Field(default=1, ge=1)
    shard_count: int = Field(default=1, ge=1, le=100_000)
    # Settings of checks, by check-id prefix (`[checks.bedrock]` in posture.toml): each check reads
    # its own with a default (CheckContext.setting); the engine knows none of them.
    check_settings: dict[str, dict[str, SettingValue]] = Field(default_factory=dict)
    # Frameworks whose per-requirement view the report adds (`--compliance`; keys of
    # posture.core.reference.COMPLIANCE_FRAMEWORKS). The scan itself is the same.
    compliance: tuple[str, ...] = ()

    @field_validator("compliance")
    @classmethod
    def _frameworks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from posture.core.reference import COMPLIANCE_FRAMEWORKS

        unknown = [v for v in value if v not in COMPLIANCE_FRAMEWORKS]
        if unknown:
            raise ValueError(f"unknown framework {unknown[0]!r} (known: {', '.join(COMPLIANCE_FRAMEWORKS)})")
        return tuple(dict.fromkeys(value))

    @model_validator(mode="after")
    def _shard_in_range(self) -> ScanConfig:
        if self.shard_index > self.shard_count:
            raise ValueError(f"shard {self.shard_index} is beyond the shard count {self.shard_count}")
        return self
