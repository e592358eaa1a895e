"""Builders, validators and helpers the tests share (not tests themselves)."""
