"""The benchmark (a developer tool, not shipped): scans of simulated accounts at several sizes, timed."""
