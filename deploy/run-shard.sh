#!/bin/sh
# One shard of an organisation-wide scan. The scheduler sets the 0-based index:
#   Kubernetes Indexed Job: JOB_COMPLETION_INDEX    AWS Batch array job: AWS_BATCH_JOB_ARRAY_INDEX
# Required: POSTURE_SHARDS (N), POSTURE_RESULTS (s3://bucket/prefix), POSTURE_RUN_ID,
#           POSTURE_ROLE_NAME (the role to assume in every member account).
# Optional: POSTURE_EXTERNAL_ID, POSTURE_SCAN_ARGS (more `posture scan` flags, e.g. "--region us-east-1").
set -eu
: "${POSTURE_SHARDS:?number of shards}"
: "${POSTURE_RESULTS:?s3://bucket/prefix for the partial reports}"
: "${POSTURE_RUN_ID:?an id shared by every shard of this run}"
: "${POSTURE_ROLE_NAME:?role to assume in each account}"
index="${JOB_COMPLETION_INDEX:-${AWS_BATCH_JOB_ARRAY_INDEX:-${POSTURE_SHARD_INDEX:-}}}"
: "${index:?no shard index: run as a Kubernetes Indexed Job or an AWS Batch array job}"

work=$(mktemp -d)
set -- scan --org --role-name "$POSTURE_ROLE_NAME" --shard-count "$POSTURE_SHARDS" \
    --json "$work/part.json" --quiet --no-history
[ -n "${POSTURE_EXTERNAL_ID:-}" ] && set -- "$@" --external-id "$POSTURE_EXTERNAL_ID"
# shellcheck disable=SC2086 # POSTURE_SCAN_ARGS is a list of flags
set -- "$@" ${POSTURE_SCAN_ARGS:-}

code=0
posture "$@" || code=$?
# 3 means "failing findings at or above --fail-on": the scan itself succeeded.
if [ "$code" -ne 0 ] && [ "$code" -ne 3 ]; then
    echo "posture: shard $index of $POSTURE_SHARDS failed with exit code $code" >&2
    exit "$code"
fi
"${PYTHON:-python}" "$(dirname "$0")/s3copy.py" put "$work/part.json" \
    "${POSTURE_RESULTS%/}/$POSTURE_RUN_ID/parts/part-$(printf %05d "$index").json"
echo "posture: shard $index of $POSTURE_SHARDS done" >&2
