"""Tests of posture.report."""
