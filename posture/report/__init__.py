"""What a scan produced, as data: the report model and its scope, the GenAI inventory,
suppressions, diff and merge."""
