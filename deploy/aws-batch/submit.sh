#!/bin/sh
# One organisation-wide run on AWS Batch: an array job of SHARDS children (each reads
# AWS_BATCH_JOB_ARRAY_INDEX), then a merge job that starts when every child succeeded.
#   JOB_QUEUE=posture SHARDS=8 deploy/aws-batch/submit.sh
# Register the definition once:  aws batch register-job-definition --cli-input-json file://deploy/aws-batch/job-definition.json
set -eu
: "${JOB_QUEUE:?the Batch job queue}"
shards="${SHARDS:-8}"
run_id="${RUN_ID:-$(date -u +%Y%m%dt%H%M%Sz)}"
env="[{\"name\": \"POSTURE_SHARDS\", \"value\": \"$shards\"}, {\"name\": \"POSTURE_RUN_ID\", \"value\": \"$run_id\"}]"
scan_id=$(aws batch submit-job --job-name "posture-scan-$run_id" --job-queue "$JOB_QUEUE" \
    --job-definition posture-scan --array-properties "size=$shards" \
    --container-overrides "{\"environment\": $env}" \
    --query jobId --output text)
# A job that depends on an array job waits for all of its children.
merge_id=$(aws batch submit-job --job-name "posture-merge-$run_id" --job-queue "$JOB_QUEUE" \
    --job-definition posture-scan --depends-on "jobId=$scan_id" \
    --container-overrides "{\"command\": [\"merge-and-push.sh\"], \"environment\": $env}" \
    --query jobId --output text)
echo "run $run_id: scan array job $scan_id ($shards shards), merge job $merge_id"
