"""The engine: check metadata and models, the registry, the scan context, the runner, scoring
and scan configuration. It knows no AWS service."""
