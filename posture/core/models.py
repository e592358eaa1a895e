"""The typed vocabulary of a scan: check metadata, findings and their enums.

Everything here is a contract: the JSON report and the finding ids that ticketing
systems de-duplicate on are built from these models.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from posture.core import reference


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFORMATIONAL = "informational"

    @property
    def weight(self) -> int:
        return SEVERITY_WEIGHTS[self]

    @property
    def rank(self) -> int:
        """Higher is worse; used by `--fail-on`."""
        return list(reversed(Severity)).index(self)


SEVERITY_WEIGHTS: dict[Severity, int] = {
    Severity.CRITICAL: 10,
    Severity.HIGH: 5,
    Severity.MEDIUM: 3,
    Severity.LOW: 1,
    Severity.INFORMATIONAL: 0,
}


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"


class TrustBoundary(StrEnum):
    USER_INTERFACE = "user_interface"
    APPLICATION = "application"
    MODEL = "model"
    DATA = "data"
    ORGANIZATIONAL = "organizational"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Scope(StrEnum):
    REGIONAL = "regional"
    GLOBAL = "global"


AGENTIC_SERVICES = frozenset({"bedrock-agent", "bedrock-agentcore-control"})
CHECK_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*\.[a-z][a-z0-9]*(_[a-z0-9]+)*$")
IAM_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+\*?$")
GLOBAL_REGION = "global"
DOCS_URL = re.compile(r"^https://docs\.aws\.amazon\.com/[A-Za-z0-9._~/#%-]+$")
_DOCS = "https://docs.aws.amazon.com/"
# Security Hub documents each control on one page per service: <prefix>-controls.html#<prefix>-<n>.
_SECURITYHUB_CONTROL_PAGES = {"ACM", "APIGateway", "Account", "Bedrock", "CloudFront", "CloudTrail", "Cognito",
                              "Config", "EC2", "ECR", "ELB", "GuardDuty", "IAM", "Inspector", "KMS", "Lambda",
                              "Macie", "NetworkFirewall", "S3", "SageMaker", "SecretsManager", "WAF"}


def securityhub_control_url(control: str) -> str | None:
    """The AWS documentation of a Security Hub control (`SageMaker.1`), where Security Hub has its page."""
    prefix, _, number = control.partition(".")
    if prefix not in _SECURITYHUB_CONTROL_PAGES or not number:
        return None
    page = prefix.lower()
    return f"{_DOCS}securityhub/latest/userguide/{page}-controls.html#{page}-{number.lower()}"


class SectionSpec(BaseModel):
    """A report section built from one check's findings: one row per finding, one column per
    evidence key named here (a guardrail-coverage table, ...). The engine knows no column."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: Annotated[str, Field(min_length=3, max_length=120)]
    columns: Annotated[tuple[str, ...], Field(min_length=1)]


class CheckMeta(BaseModel):
    """What a check is, validated once when it registers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: Annotated[str, Field(min_length=5, max_length=256)]
    description: Annotated[str, Field(min_length=10)]
    rationale: Annotated[str, Field(min_length=10)]
    remediation: Annotated[str, Field(min_length=10)]
    service: str
    scope: Scope
    resource_type: Annotated[str, Field(min_length=3, max_length=256)]
    severity: Severity
    boundaries: tuple[TrustBoundary, ...]
    csf: tuple[str, ...]
    owasp_llm: tuple[str, ...]
    securityhub_controls: tuple[str, ...] = ()
    permissions: tuple[str, ...]
    # AI frameworks (ids as ai_frameworks.json writes them): the MITRE ATLAS techniques the control
    # mitigates (mitigation ids may be added), the NIST AI RMF 1.0 subcategories and ISO/IEC 42001
    # Annex A controls it gives evidence for; agentic checks name their OWASP Agentic 2026 risks.
    atlas: tuple[str, ...] = ()
    nist_ai_rmf: tuple[str, ...] = ()
    iso42001: tuple[str, ...] = ()
    owasp_agentic: tuple[str, ...] = ()
    eu_ai_act: tuple[str, ...] = ()
    # The AWS documentation a finding links for remediation (ASFF Remediation.Recommendation.Url).
    # Left out: the page of its first Security Hub control, else its service's security chapter.
    docs_url: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_docs_url(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("docs_url") is None:
            controls = data.get("securityhub_controls") or ()
            if not isinstance(controls, list | tuple):
                controls = ()  # the field's own validation reports it
            pages = [securityhub_control_url(c) for c in controls if isinstance(c, str)]
            default = next((p for p in pages if p), None)
            data = {**data, "docs_url": default}
        return data

    @field_validator("docs_url")
    @classmethod
    def _docs_url(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("no documentation page for this check: set docs_url (or the Family's service_docs)")
        if not DOCS_URL.match(value):
            raise ValueError(f"docs_url {value!r} is not an AWS documentation page (https://docs.aws.amazon.com/...)")
        return value
    section: SectionSpec | None = None  # the report shows this check's findings as a table too

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not CHECK_ID.match(value):
            raise ValueError(f"check id {value!r} is not service.snake_case_control")
        return value

    @field_validator("boundaries", "permissions")
    @classmethod
    def _non_empty(cls, value: tuple[Any, ...]) -> tuple[Any, ...]:
        if not value:
            raise ValueError("must name at least one")
        return value

    @field_validator("csf")
    @classmethod
    def _csf(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [v for v in value if v not in reference.csf_subcategories()]
        if not value or unknown:
            raise ValueError(f"needs NIST CSF 2.0 subcategory ids; unknown: {unknown}")
        return value

    @field_validator("owasp_llm")
    @classmethod
    def _owasp(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        known_2023, known_2025 = reference.owasp_ids("2023_v1.1"), reference.owasp_ids("2025")
        unknown = [v for v in value if v not in known_2023 and v not in known_2025]
        if unknown:
            raise ValueError(f"unknown OWASP LLM ids: {unknown}")
        if not any(v in known_2023 for v in value) or not any(v in known_2025 for v in value):
            raise ValueError("needs ids from both OWASP LLM lists (2023 v1.1 and 2025)")
        return value

    @field_validator("securityhub_controls")
    @classmethod
    def _sechub(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [v for v in value if v not in reference.securityhub_control_ids()]
        if unknown:
            raise ValueError(f"unknown Security Hub control ids: {unknown}")
        return value

    @field_validator("atlas", "nist_ai_rmf", "iso42001", "owasp_agentic", "eu_ai_act")
    @classmethod
    def _ai_frameworks(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        framework = reference.AI_FRAMEWORK_FIELDS[str(info.field_name)]
        unknown = [v for v in value if v not in reference.ai_framework_ids(framework)]
        if unknown:
            raise ValueError(f"unknown {framework} ids: {unknown}")
        if len(set(value)) != len(value):
            raise ValueError("names an id twice")
        return value

    @model_validator(mode="after")
    def _ai_mapping(self) -> CheckMeta:
        """Every check says what AI risk it addresses and what it is evidence of; an agentic one
        (agents, their tools, AgentCore) names its OWASP Agentic risks."""
        if not any(a in reference.atlas_techniques() for a in self.atlas):
            raise ValueError("atlas needs at least one MITRE ATLAS technique the control mitigates")
        if not self.nist_ai_rmf or not self.iso42001:
            raise ValueError("needs NIST AI RMF subcategories (nist_ai_rmf) and ISO/IEC 42001 controls (iso42001)")
        if self.service in AGENTIC_SERVICES and not self.owasp_agentic:
            raise ValueError(f"a check of {self.service} needs OWASP Agentic ids (owasp_agentic)")
        return self

    @field_validator("permissions")
    @classmethod
    def _permissions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [p for p in value if not IAM_ACTION.match(p)]
        if bad:
            raise ValueError(f"not IAM actions (service:Action): {bad}")
        return value

    @property
    def csf_functions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(sub.split(".")[0] for sub in self.csf))


EvidenceValue = str | int | float | bool | None | list[str] | list[int]


def finding_id(check_id: str, partition: str, account_id: str, region: str, resource_id: str) -> str:
    """The stable fingerprint of one problem: the same in every scan, unique per resource."""
    key = "\x1f".join((check_id, partition, account_id, region, resource_id))
    return hashlib.sha256(key.encode()).hexdigest()[:40]


class Finding(BaseModel):
    """One verdict of one check on one resource."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, Field(description="Stable fingerprint of check, partition, account, region, resource.")]
    check_id: str
    title: str
    severity: Severity
    status: Status
    muted: bool = False
    mute_reason: str | None = None
    partition: str
    account_id: str
    region: Annotated[str, Field(description="AWS region of the resource, or 'global'.")]
    resource_id: str
    resource_arn: str | None
    resource_type: str
    message: str
    evidence: dict[str, EvidenceValue] = Field(default_factory=dict)
    remediation: str
    remediation_url: Annotated[str | None, Field(description="AWS documentation of the control or service.")] = None
    boundaries: tuple[TrustBoundary, ...]
    csf: tuple[str, ...]
    owasp_llm: tuple[str, ...]
    securityhub_controls: tuple[str, ...] = ()
    atlas: Annotated[tuple[str, ...], Field(description="MITRE ATLAS techniques (and mitigations) of the check")] = ()
    nist_ai_rmf: Annotated[tuple[str, ...], Field(description="NIST AI RMF 1.0 subcategories it is evidence for")] = ()
    iso42001: Annotated[tuple[str, ...], Field(description="ISO/IEC 42001:2023 Annex A controls")] = ()
    owasp_agentic: Annotated[tuple[str, ...], Field(description="OWASP Top 10 for Agentic Applications 2026")] = ()
    eu_ai_act: Annotated[tuple[str, ...], Field(description="EU AI Act articles")] = ()
    first_seen: Annotated[datetime | None, Field(description="First scan that saw this id (history).")] = None
    last_seen: Annotated[datetime | None, Field(description="Last scan that saw this id (history).")] = None
    previous_status: Annotated[Status | None, Field(
        description="Status in the previous scan that saw this id (history); PASS then FAIL is a regression.")] = None


SCOPING_MATRIX = {
    1: "Consumer app",
    2: "Enterprise app",
    3: "Pre-trained models",
    4: "Fine-tuned models",
    5: "Self-trained models",
}


class InventoryMeta(BaseModel):
    """What an inventory collector is: it lists AI assets, it judges nothing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: Annotated[str, Field(min_length=5)]
    service: str
    scope: Scope
    permissions: tuple[str, ...]
    resource_type: str = "Other"

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return CheckMeta._id(value)

    @field_validator("permissions")
    @classmethod
    def _permissions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return CheckMeta._permissions(CheckMeta._non_empty(value))


class Asset(BaseModel):
    """One AI asset found in the account, with the Generative AI Security Scoping Matrix
    scope it is evidence of (3 pre-trained, 4 fine-tuned, 5 self-trained), if any."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    account_id: str
    region: str
    id: str
    arn: str | None = None
    scoping_scope: Annotated[int | None, Field(ge=1, le=5)] = None
    evidence: str = ""
