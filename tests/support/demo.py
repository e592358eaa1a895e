"""The seeded demo account, shared by the tests that only read it."""

from __future__ import annotations

from typing import Any

_SEEDED: dict[str, Any] = {}


def seeded_demo(server: Any) -> Any:
    """The local AWS holding the demo account, seeded again only when something reset it since it
    was last seeded here (seeding costs seconds of moto work). Callers only read the account; the
    faults they add to the simulation are cleared when they are done (`demo_account` does it)."""
    from posture.demo.seed import seed_account

    if _SEEDED.get("server") is not server or _SEEDED.get("generation") != server.generation:
        server.reset()
        _SEEDED.update(seeded=seed_account(server.client, server.simulation), server=server,
                       generation=server.generation)
    server.simulation.clear_faults()
    return _SEEDED["seeded"]


