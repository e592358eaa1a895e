"""Tests of posture.cli."""
