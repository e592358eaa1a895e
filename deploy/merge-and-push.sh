#!/bin/sh
# After every shard is done: fetch the partial reports, merge them into the report of
# the whole organisation (scores and summary recomputed), push it to Security Hub and
# store the merged outputs next to the parts.
# Required: POSTURE_SHARDS, POSTURE_RESULTS, POSTURE_RUN_ID (as for run-shard.sh),
#           POSTURE_ROLE_NAME (assumed in each account to import its findings into its hub).
# Optional: POSTURE_PUSH=0 to skip Security Hub; POSTURE_MERGE_ARGS (more `posture merge` flags).
set -eu
: "${POSTURE_SHARDS:?}" "${POSTURE_RESULTS:?}" "${POSTURE_RUN_ID:?}" "${POSTURE_ROLE_NAME:?}"
run="${POSTURE_RESULTS%/}/$POSTURE_RUN_ID"
work=$(mktemp -d)
mkdir -p "$work/parts" "$work/out"
found=$("${PYTHON:-python}" "$(dirname "$0")/s3copy.py" get "$run/parts/" "$work/parts")
if [ "$found" -ne "$POSTURE_SHARDS" ]; then
    # A missing shard would silently drop part of the organisation from the report.
    echo "posture: $found of $POSTURE_SHARDS partial reports under $run/parts/; not merging" >&2
    exit 1
fi

set -- merge "$work"/parts/part-*.json --json "$work/out/posture.json" --html "$work/out/posture.html" \
    --asff "$work/out/posture-asff.json" --quiet --no-history --role-name "$POSTURE_ROLE_NAME"
[ -n "${POSTURE_EXTERNAL_ID:-}" ] && set -- "$@" --external-id "$POSTURE_EXTERNAL_ID"
[ "${POSTURE_PUSH:-1}" = "1" ] && set -- "$@" --securityhub
# shellcheck disable=SC2086
set -- "$@" ${POSTURE_MERGE_ARGS:-}

code=0
posture "$@" || code=$?
for file in posture.json posture.html posture-asff.json; do
    [ -f "$work/out/$file" ] && "${PYTHON:-python}" "$(dirname "$0")/s3copy.py" put "$work/out/$file" "$run/$file"
done
if [ "$code" -ne 0 ] && [ "$code" -ne 3 ]; then
    echo "posture: merge/push failed with exit code $code" >&2
    exit "$code"
fi
echo "posture: merged report at $run/posture.json" >&2
