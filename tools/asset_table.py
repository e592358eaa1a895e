"""Write the exposure asset table (checks/_exposure.ASSETS) into docs/architecture.md (`make docs`)."""

from __future__ import annotations

import sys
from pathlib import Path

from posture.checks._exposure import asset_table_rows

HEADER = "| asset kind | listing read | policy reads | action vocabulary | ARN | checks |\n|---|---|---|---|---|---|\n"


def main(path: str = "docs/architecture.md") -> None:
    doc = Path(path)
    text = doc.read_text()
    start = text.index(HEADER) + len(HEADER)
    end = text.index("\n\n", start)
    doc.write_text(text[:start] + "\n".join(asset_table_rows()) + text[end:])


if __name__ == "__main__":
    main(*sys.argv[1:])
