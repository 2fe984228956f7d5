#!/usr/bin/env bash
# Installs restore-guard without cert-manager: makes a CA and a serving
# certificate for restore-guard.restore-guard.svc with openssl, stores them in
# the Secret restore-guard-tls, applies deploy/overlays/self-managed and puts
# the CA into both webhooks' caBundle. Run it again to rotate (restore-guard
# reloads the Secret without a restart; the CA is kept unless --new-ca).
#
# Needs: kubectl (pointing at the cluster), openssl. OVERLAY=<dir> applies another
# kustomization built on overlays/self-managed (the kind end-to-end test uses deploy/kind).
set -euo pipefail

NAMESPACE=restore-guard
SERVICE=restore-guard
SECRET=restore-guard-tls
CA_SECRET=restore-guard-ca
DAYS=${DAYS:-365}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in kubectl openssl; do
  command -v "$tool" >/dev/null || { echo "self-managed-certs: $tool is needed and was not found on PATH" >&2; exit 2; }
done

kubectl get namespace "$NAMESPACE" >/dev/null 2>&1 || kubectl create namespace "$NAMESPACE"

# Keep the CA across runs, so rotating the serving certificate never breaks the caBundle.
if [[ "${1:-}" != "--new-ca" ]] && kubectl -n "$NAMESPACE" get secret "$CA_SECRET" >/dev/null 2>&1; then
  kubectl -n "$NAMESPACE" get secret "$CA_SECRET" -o jsonpath='{.data.tls\.crt}' | base64 -d >"$work/ca.crt"
  kubectl -n "$NAMESPACE" get secret "$CA_SECRET" -o jsonpath='{.data.tls\.key}' | base64 -d >"$work/ca.key"
else
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=restore-guard-ca" -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
  kubectl -n "$NAMESPACE" create secret tls "$CA_SECRET" --cert="$work/ca.crt" --key="$work/ca.key" \
    --dry-run=client -o yaml | kubectl apply -f -
fi

cat >"$work/san.cnf" <<CNF
subjectAltName = DNS:$SERVICE.$NAMESPACE.svc, DNS:$SERVICE.$NAMESPACE.svc.cluster.local
extendedKeyUsage = serverAuth
keyUsage = digitalSignature, keyEncipherment
basicConstraints = CA:FALSE
CNF
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$SERVICE.$NAMESPACE.svc" \
  -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
  -days "$DAYS" -extfile "$work/san.cnf" -out "$work/tls.crt" 2>/dev/null

kubectl -n "$NAMESPACE" create secret tls "$SECRET" --cert="$work/tls.crt" --key="$work/tls.key" \
  --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -k "${OVERLAY:-$here/../overlays/self-managed}"

ca_bundle=$(base64 <"$work/ca.crt" | tr -d '\n')
kubectl patch validatingwebhookconfiguration restore-guard --type=json -p "[
  {\"op\": \"add\", \"path\": \"/webhooks/0/clientConfig/caBundle\", \"value\": \"$ca_bundle\"},
  {\"op\": \"add\", \"path\": \"/webhooks/1/clientConfig/caBundle\", \"value\": \"$ca_bundle\"}
]"
echo "restore-guard installed with a self-managed certificate valid for $DAYS days; run this script again to rotate it."
