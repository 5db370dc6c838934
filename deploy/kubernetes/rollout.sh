#!/usr/bin/env bash
# Rolls an overlay out in the order the schema needs: the migration Job first, alone; the
# Deployments, CronJobs and the rest only once it has completed. A failed or timed-out migration
# stops the rollout with its log, and the pods already running keep serving the old release.
#   deploy/kubernetes/rollout.sh deploy/kubernetes/overlays/production
# The namespace and the Secret ecuapass-secrets must exist (README "Deployment on Kubernetes").
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 OVERLAY_DIRECTORY" >&2
  exit 2
fi
overlay=$1
kubectl=${KUBECTL:-kubectl}
migration=app.kubernetes.io/component=migration
# How long to wait for the Job; its activeDeadlineSeconds (900) fails it before that.
timeout_seconds=${MIGRATION_TIMEOUT_SECONDS:-960}

# A Job's pod template cannot be changed: the previous release's Job goes first.
"$kubectl" delete -k "$overlay" -l "$migration" --ignore-not-found --wait=true
"$kubectl" apply -k "$overlay" -l "$migration"

deadline=$((SECONDS + timeout_seconds))
while :; do
  # The conditions that are true: Complete, or Failed (with FailureTarget before it).
  state=$("$kubectl" get -k "$overlay" -l "$migration" \
    -o 'jsonpath={.items[*].status.conditions[?(@.status=="True")].type}')
  case " $state " in
    *" Complete "*)
      break
      ;;
    *" Failed "*)
      echo "the migration failed; nothing else was applied:" >&2
      namespace=$("$kubectl" get -k "$overlay" -l "$migration" \
        -o 'jsonpath={.items[0].metadata.namespace}')
      "$kubectl" -n "$namespace" logs -l "$migration" --tail=50 >&2 || true
      exit 1
      ;;
  esac
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "the migration did not complete within ${timeout_seconds}s; nothing else was applied" >&2
    exit 1
  fi
  sleep 2
done

"$kubectl" apply -k "$overlay" -l "app.kubernetes.io/component!=migration"
