"""The only code that talks to AWS: sessions and accounts, memoised reads, the read-only guard,
error explanations, redaction and answer shape checks."""
