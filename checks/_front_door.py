"""Shared judging of the AI app's front doors: which request paths and route keys reach the model."""

from __future__ import annotations

# Words in a URI path or route key that mark the AI part of an app (chat, completion, agent, ...):
# what a WAF scope-down must not leave out, and what makes an HTTP API one that fronts AI.
AI_PATH_HINTS = ("chat", "invoke", "complet", "generat", "prompt", "agent", "model", "llm", "ask", "converse")
