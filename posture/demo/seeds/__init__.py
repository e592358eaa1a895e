"""More of the simulated account, one module per area, run after `posture.demo.seed`'s core.

Each module defines `ORDER: int` (lower runs first) and
`seed(client, sim, seeded) -> None`; the demo and the tests discover them here.
"""
