"""Tests of posture.render."""
