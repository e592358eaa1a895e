"""posture: posture scanner for LLM applications on AWS."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("aws-llm-posture")  # the distribution name (the import package is posture)
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
