"""`python -m bench` (what `make bench` runs)."""

from bench.scenarios import main

raise SystemExit(main())
