"""Tests of posture.core."""
