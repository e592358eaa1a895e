"""The surviving mutants of a cosmic-ray session, one line each (line, operator, the change), for docs/mutation.md."""

from __future__ import annotations

import sqlite3
import sys


def survivors(session: str) -> list[str]:
    with sqlite3.connect(session) as db:
        rows = db.execute(
            "SELECT s.start_pos_row, s.operator_name, r.diff FROM work_results r JOIN mutation_specs s USING (job_id)"
            " WHERE r.test_outcome = 'SURVIVED' ORDER BY s.start_pos_row").fetchall()
    found = []
    for row, operator, diff in rows:
        changed = [line[1:].strip() for line in diff.splitlines()
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        found.append(f"L{row} {operator.rsplit('/', 1)[-1]}: {' -> '.join(changed)}")
    return found


if __name__ == "__main__":
    print("\n".join(survivors(sys.argv[1])))
