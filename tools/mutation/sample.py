"""Keep a seeded random sample of a cosmic-ray session's pending mutants (`make mutate MUTATE_SAMPLE=n`).

The policy evaluator has about two thousand mutants and each takes its tests' run (seconds): a sitting that
cannot run them all measures an unbiased sample instead of the first few hundred in file order."""

from __future__ import annotations

import random
import sqlite3
import sys


def keep_sample(session: str, size: int, seed: int = 23) -> tuple[int, int]:
    """Drop every pending mutant but `size` drawn at random; (pending before, kept)."""
    with sqlite3.connect(session) as db:
        pending = sorted(row[0] for row in db.execute(
            "SELECT job_id FROM work_items WHERE job_id NOT IN (SELECT job_id FROM work_results)"))
        done = db.execute("SELECT count(*) FROM work_results").fetchone()[0]
        keep = set(random.Random(seed).sample(pending, min(max(size - done, 0), len(pending))))
        dropped = [(job,) for job in pending if job not in keep]
        db.executemany("DELETE FROM mutation_specs WHERE job_id = ?", dropped)
        db.executemany("DELETE FROM work_items WHERE job_id = ?", dropped)
    return len(pending), len(keep)


if __name__ == "__main__":
    before, kept = keep_sample(sys.argv[1], int(sys.argv[2]))
    print(f"{kept} of {before} pending mutants kept (seeded sample)")
