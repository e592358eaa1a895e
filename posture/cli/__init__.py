"""The `posture` command: parse flags, build the configuration, call the library, map errors
to exit codes."""
