"""Built-in checks, one module per AWS service; installed as `posture.checks` (pyproject package-dir).

Each module holds small fetch helpers (reads through the context, shared by its
checks) and checks: plain functions over the records those helpers return,
declared with `posture.core.registry.check`. Modules whose name starts with `_` hold
shared helpers and are not scanned for checks.

Conventions every check follows:
- one `with ctx.resource(...)` per resource judged, ending in `ctx.passed`,
  `ctx.failed` or `ctx.skip` (out of scope); a read that fails raises and becomes
  ERROR for that resource;
- evidence holds names, ids, flags and counts, never a secret value;
- `permissions` lists every IAM action the check's reads need.
"""
