#!/bin/sh
# One organisation-wide run: the Indexed Job of shards, then the merge Job.
#   NAMESPACE=security deploy/kubernetes/run.sh
set -eu
here=$(dirname "$0")
ns="${NAMESPACE:-default}"
run_id="${RUN_ID:-$(date -u +%Y%m%dt%H%M%Sz)}"
sed "s/RUN_ID/$run_id/g" "$here/scan-job.yaml" | kubectl -n "$ns" apply -f -
# Wait for every index to succeed; a failed Job (backoffLimit reached) stops here, unmerged.
kubectl -n "$ns" wait --for=condition=complete --timeout=6h "job/posture-scan-$run_id"
sed "s/RUN_ID/$run_id/g" "$here/merge-job.yaml" | kubectl -n "$ns" apply -f -
kubectl -n "$ns" wait --for=condition=complete --timeout=2h "job/posture-merge-$run_id"
echo "run $run_id merged"
