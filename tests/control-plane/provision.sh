#!/usr/bin/env bash
# Provides etcd, kube-apiserver and kube-controller-manager for the integration tests and the demo.
# Prints the directory holding them (the envtest KUBEBUILDER_ASSETS convention) on the last line.
#
# Order of preference:
#   1. $KUBEBUILDER_ASSETS when it already holds the binaries (setup-envtest users, newer releases);
#   2. the per-machine cache ($POOLOPERATOR_CACHE, default ~/.cache/pooloperator/control-plane-1.20.2);
#   3. a build of Kubernetes 1.20.2 from Debian bookworm's source package, cached for next time.
set -euo pipefail

log() { printf '[control-plane] %s\n' "$*" >&2; }

has_binaries() {
  [ -x "$1/etcd" ] && [ -x "$1/kube-apiserver" ] && [ -x "$1/kube-controller-manager" ]
}

if [ -n "${KUBEBUILDER_ASSETS:-}" ] && has_binaries "$KUBEBUILDER_ASSETS"; then
  log "using KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
  echo "$KUBEBUILDER_ASSETS"
  exit 0
fi

K8S_DEB_VERSION="1.20.5+really1.20.2-1.1+deb12u1"
cache="${POOLOPERATOR_CACHE:-$HOME/.cache/pooloperator}/control-plane-1.20.2"
if has_binaries "$cache"; then
  log "using cached binaries in $cache"
  echo "$cache"
  exit 0
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

log "no cached control plane: building Kubernetes 1.20.2 from Debian source (about 5-10 minutes)"
export DEBIAN_FRONTEND=noninteractive
if ! grep -rqs '^Types: deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  log "adding a deb-src entry for bookworm"
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$mirror" | as_root tee /etc/apt/sources.list.d/pooloperator-src.sources >/dev/null
fi
log "apt-get update"
as_root apt-get update -qq >&2
log "installing build dependencies"
as_root apt-get install -y -qq --no-install-recommends golang-go rsync dpkg-dev etcd-server \
  golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev >&2

work=$(mktemp -d "${TMPDIR:-/tmp}/pooloperator-k8s-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
log "fetching source kubernetes=$K8S_DEB_VERSION"
apt-get source -qq --download-only "kubernetes=$K8S_DEB_VERSION" >&2
dpkg-source -x --no-check ./*.dsc src >&2
cd src

# The vendored reflect2 1.0.1 / json-iterator 1.1.10 crash (SIGSEGV in map iteration) on the first
# custom-resource write when compiled with Go >= 1.18; Debian's packaged versions do not.
log "replacing vendored reflect2 and json-iterator with Go 1.18-compatible versions"
for pair in "github.com/modern-go/reflect2" "github.com/json-iterator/go"; do
  rm -rf "vendor/$pair"
  mkdir -p "vendor/$pair"
  cp -r "/usr/share/gocode/src/$pair/." "vendor/$pair/"
  find "vendor/$pair" -name '*_test.go' -delete
done

mkdir -p .go/src/k8s.io
ln -sfn "$PWD" .go/src/k8s.io/kubernetes
log "compiling kube-apiserver and kube-controller-manager (the longest step: minutes, quiet while Go compiles)"
# A line every 30 s, so a quiet compile is not mistaken for a hang.
compile_started=$SECONDS
# It must leave no sleep behind holding stdout/stderr open, or whoever reads them would wait for it.
(
  trap 'kill "$nap" 2>/dev/null; exit 0' TERM
  while :; do
    sleep 30 &
    nap=$!
    wait "$nap"
    log "still compiling: $((SECONDS - compile_started))s so far"
  done
) >/dev/null &
heartbeat=$!
# errexit applies inside the trap too: the heartbeat is usually gone by now, and a failed kill must not fail the script.
trap 'kill "$heartbeat" 2>/dev/null || true; rm -rf "$work"' EXIT
(cd .go/src/k8s.io/kubernetes && GOPATH="$work/src/.go" GO111MODULE=off GOFLAGS= CGO_ENABLED=0 \
  make WHAT="cmd/kube-apiserver cmd/kube-controller-manager" >&2)
kill "$heartbeat" 2>/dev/null || true
log "compiled in $((SECONDS - compile_started))s"

mkdir -p "$cache.tmp"
cp _output/local/bin/linux/*/kube-apiserver _output/local/bin/linux/*/kube-controller-manager "$cache.tmp/" 2>/dev/null \
  || cp _output/bin/kube-apiserver _output/bin/kube-controller-manager "$cache.tmp/"
cp "$(command -v etcd || echo /usr/bin/etcd)" "$cache.tmp/etcd"
rm -rf "$cache"
mv "$cache.tmp" "$cache"
log "control plane ready in $cache"
echo "$cache"
