"""Where a finished report goes: atomic files, Security Hub, the history store, and the
pipeline that applies them in order."""
