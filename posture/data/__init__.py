"""Framework reference data shipped with posture (copies of the team reference set): CSF, OWASP, Security Hub, ASFF."""
