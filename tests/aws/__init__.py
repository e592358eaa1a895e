"""Tests of posture.aws."""
