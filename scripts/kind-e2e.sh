#!/usr/bin/env bash
# End-to-end test on a kind cluster: builds the image, installs restore-guard
# with self-managed certificates, and checks what kubectl prints for the
# sample pods: the seed restore pod is denied, the in-memory shared-folder pod
# is created, the Deployment with the bug's configuration is created with a
# warning.
#
# Needs Docker, kind, kubectl and openssl, and network access to pull images
# and the gVisor release. Machines without a Docker engine cannot run it; the
# same manifests and samples are exercised by `npm test` there (test/deploy,
# test/server/kind-samples.test.ts).
#
#   scripts/kind-e2e.sh            # create, test, delete the cluster
#   KEEP=1 scripts/kind-e2e.sh     # keep the cluster afterwards
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cluster=restore-guard-e2e
# A runsc release before the fix, so the restore pod is a doomed restore.
RUNSC_RELEASE=${RUNSC_RELEASE:-20260727.0}

for tool in docker kind kubectl openssl; do
  if ! command -v "$tool" >/dev/null; then
    echo "kind-e2e: $tool is needed and was not found on PATH (this test needs a machine with a Docker engine)" >&2
    exit 2
  fi
done
docker info >/dev/null 2>&1 || { echo "kind-e2e: no Docker engine is running" >&2; exit 2; }

fail() { echo "kind-e2e: FAIL: $*" >&2; exit 1; }
cleanup() { [[ "${KEEP:-}" == 1 ]] || kind delete cluster --name "$cluster" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "== cluster"
kind create cluster --config "$root/deploy/kind/kind-config.yaml" --name "$cluster" --wait 120s
node="$cluster-control-plane"
base="https://storage.googleapis.com/gvisor/releases/release/$RUNSC_RELEASE/$(uname -m)"
docker exec "$node" sh -c "cd /usr/local/bin && curl -fsSLO $base/runsc && curl -fsSLO $base/containerd-shim-runsc-v1 && chmod +x runsc containerd-shim-runsc-v1"
docker exec "$node" systemctl restart containerd
kubectl apply -f "$root/deploy/kind/runtimeclass.yaml"

echo "== image"
docker build -t restore-guard:e2e "$root"
kind load docker-image restore-guard:e2e --name "$cluster"

echo "== install"
OVERLAY="$root/deploy/kind" "$root/deploy/scripts/self-managed-certs.sh"
kubectl -n restore-guard rollout status deployment/restore-guard --timeout=120s

echo "== samples"
samples="$root/deploy/kind/samples"
if out=$(kubectl apply -f "$samples/restore-pod.yaml" 2>&1); then
  fail "the restore pod was admitted: $out"
fi
grep -q 'denied the request: Pod default/ws-counter-restore would fail to restore' <<<"$out" || fail "unexpected denial: $out"
grep -q 'writer-b' <<<"$out" || fail "the denial does not name writer-b: $out"
echo "restore pod denied: ok"

if out=$(kubectl apply --dry-run=server -f "$samples/restore-pod.yaml" 2>&1); then
  fail "the restore pod passed a server-side dry run: $out"
fi
echo "restore pod denied on dry run: ok"

out=$(kubectl apply -f "$samples/shared-folder-pod.yaml" 2>&1) || fail "the shared-folder pod was refused: $out"
grep -q 'Warning' <<<"$out" && fail "the shared-folder pod got a warning: $out"
echo "shared-folder pod admitted: ok"

out=$(kubectl apply -f "$samples/counter-deployment.yaml" 2>&1) || fail "the Deployment was refused: $out"
grep -q 'Warning: \[shared-overlay-duplicate\]' <<<"$out" || fail "the Deployment got no warning: $out"
echo "Deployment admitted with a warning: ok"

echo "== audit"
kubectl -n restore-guard logs deployment/restore-guard --tail=20 | grep -q '"msg":"admission decision"' || fail "no decision in the logs"
echo "kind-e2e: PASS"
