"""Secret-shaped text in what an application tells a model (instructions, prompt templates).

Judged by name only: callers get the names of the fields that hold something shaped like
a credential, never the text itself, so no finding can carry the value.
"""

from __future__ import annotations

from collections.abc import Mapping

from posture.api import SECRET_SHAPES


def has_secret(text: str | None) -> bool:
    return bool(text) and SECRET_SHAPES.search(str(text)) is not None


def secret_fields(fields: Mapping[str, str | None]) -> list[str]:
    """The names of the fields whose text holds a credential-shaped word."""
    return [name for name, text in fields.items() if has_secret(text)]
