"""Tests of posture.sinks."""
