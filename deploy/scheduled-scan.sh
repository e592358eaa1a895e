#!/bin/sh
# The scheduled scan of an organisation, as the ECS task of deploy/cloudformation/scheduled-scan.yaml runs it:
# fetch the history store from S3, scan, upload the reports and the history store, exit with posture's code.
# The scanner itself only reads AWS; the uploads are this script's (through s3copy.py).
# Required: POSTURE_REPORTS (s3://bucket/prefix), POSTURE_ROLE_NAME (the role in every member account).
# Optional: POSTURE_EXTERNAL_ID, POSTURE_REGIONS and POSTURE_FRAMEWORKS (comma-separated), POSTURE_FAIL_ON
#           (a severity, or empty), POSTURE_SECURITYHUB (true: import into each account's Security Hub),
#           POSTURE_KMS_KEY_ID (the key uploads are encrypted with), POSTURE_WORKDIR (default /var/lib/posture,
#           the only path written: a volume, the root filesystem can be read-only), POSTURE_SCAN_ARGS (more flags).
set -eu
: "${POSTURE_REPORTS:?s3://bucket/prefix for the reports and the history store}"
: "${POSTURE_ROLE_NAME:?role to assume in each account}"
work="${POSTURE_WORKDIR:-/var/lib/posture}"
here="$(dirname "$0")"
copy() { "${PYTHON:-python}" "$here/s3copy.py" "$@"; }
results="${POSTURE_REPORTS%/}"
stamp="$(date -u +%Y/%m/%d/%H%M%SZ)"
mkdir -p "$work/reports"
rm -f "$work/reports/"*

copy fetch "$results/history/history.sqlite" "$work/history.sqlite" >/dev/null

set -- scan --org --role-name "$POSTURE_ROLE_NAME" --quiet --history "$work/history.sqlite" \
    --output-directory "$work/reports" --output-format json --output-format html --output-format asff
[ -n "${POSTURE_EXTERNAL_ID:-}" ] && set -- "$@" --external-id "$POSTURE_EXTERNAL_ID"
[ -n "${POSTURE_FAIL_ON:-}" ] && set -- "$@" --fail-on "$POSTURE_FAIL_ON"
[ "${POSTURE_SECURITYHUB:-false}" = "true" ] && set -- "$@" --securityhub
old_ifs="$IFS"; IFS=","
for region in ${POSTURE_REGIONS:-}; do [ -n "$region" ] && set -- "$@" --region "$region"; done
for framework in ${POSTURE_FRAMEWORKS:-}; do [ -n "$framework" ] && set -- "$@" --compliance "$framework"; done
IFS="$old_ifs"
# shellcheck disable=SC2086 # POSTURE_SCAN_ARGS is a list of flags
set -- "$@" ${POSTURE_SCAN_ARGS:-}

code=0
posture "$@" || code=$?
# 0: clean; 3: failing findings at or above --fail-on (the scan itself succeeded). Reports are kept either way.
if [ "$code" -ne 0 ] && [ "$code" -ne 3 ]; then
    echo "posture: the scheduled scan failed with exit code $code" >&2
    exit "$code"
fi
for report in "$work/reports/"*; do
    [ -f "$report" ] && copy put "$report" "$results/reports/$stamp/$(basename "$report")"
done
copy put "$work/history.sqlite" "$results/history/history.sqlite"
echo "posture: reports in $results/reports/$stamp/ (exit $code)" >&2
exit "$code"
