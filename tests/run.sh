#!/usr/bin/env bash
# Runs every PoolOperator test: unit tests, and integration tests against a real Kubernetes API
# (a local etcd + kube-apiserver + kube-controller-manager unless POOLOPERATOR_TEST_KUBECONFIG
# names a cluster or a Docker daemon is there for K3s).
#
#   tests/run.sh                                   # everything
#   tests/run.sh --filter "FullyQualifiedName~Harness"   # extra arguments go to `dotnet test`
#
# The first run on a machine builds Kubernetes 1.20.2 from Debian's source package (5-10 minutes,
# progress shown); later runs reuse ~/.cache/pooloperator. Exit code: that of `dotnet test`.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1

say() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }

say "Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager)"
if assets=$(bash tests/control-plane/provision.sh | tail -n 1) && [ -n "$assets" ]; then
  export KUBEBUILDER_ASSETS="$assets"
  say "using control-plane binaries in $KUBEBUILDER_ASSETS"
elif [ -n "${POOLOPERATOR_TEST_KUBECONFIG:-}" ]; then
  warn "no local control plane; the tests use POOLOPERATOR_TEST_KUBECONFIG=$POOLOPERATOR_TEST_KUBECONFIG"
else
  echo "error: tests/control-plane/provision.sh could not provide etcd, kube-apiserver and kube-controller-manager (see above)." >&2
  echo "       Set KUBEBUILDER_ASSETS to a directory holding them, or POOLOPERATOR_TEST_KUBECONFIG to a cluster's kubeconfig." >&2
  exit 1
fi

say "checking the other tools the tests use"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
[ -x /usr/bin/prometheus ] || missing+=(prometheus)
command -v lua5.1 >/dev/null 2>&1 || missing+=(lua5.1)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} from Debian's packages"
  # policy-rc.d keeps the packaged Prometheus service from starting: the tests start their own, on loopback.
  policy_added=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null && as_root chmod +x /usr/sbin/policy-rc.d && policy_added=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
  rc=$?
  [ -n "$policy_added" ] && as_root rm -f /usr/sbin/policy-rc.d
  if [ $rc -ne 0 ]; then
    echo "error: could not install ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

say "Helm (for the chart tests)"
if helm_path=$(bash tests/tools/provision-helm.sh | tail -n 1) && [ -x "$helm_path" ]; then
  export PATH="$(dirname "$helm_path"):$PATH"
  say "using $(helm version --short 2>/dev/null) at $helm_path"
else
  warn "Helm could not be provided: the chart tests will fail and say so"
fi

# POOLOPERATOR_TEST_RESULTS keeps the trx files (with every test's printed figures) in that directory.
if [ -n "${POOLOPERATOR_TEST_RESULTS:-}" ]; then
  results=$POOLOPERATOR_TEST_RESULTS
  mkdir -p "$results"
else
  results=$(mktemp -d "${TMPDIR:-/tmp}/pooloperator-test-results.XXXXXX")
  trap 'rm -rf "$results"' EXIT
fi

say "dotnet test PoolOperator.sln $*"
dotnet test PoolOperator.sln \
  --logger "console;verbosity=normal" \
  --logger "trx;LogFilePrefix=results" \
  --results-directory "$results" \
  "$@"
status=$?

# One summary line over every test project.
shopt -s nullglob
trx=("$results"/*.trx)
if [ ${#trx[@]} -gt 0 ]; then
  sed -n 's/.*<Counters \([^>]*\)\/>.*/\1/p' "${trx[@]}" | awk '
    {
      for (i = 1; i <= NF; i++) {
        split($i, kv, "="); gsub(/"/, "", kv[2]); count[kv[1]] += kv[2]
      }
    }
    END {
      skipped = count["total"] - count["executed"]
      printf "%d passed, %d failed, %d skipped\n", count["passed"], count["failed"] + count["error"] + count["timeout"] + count["aborted"], skipped
    }'
  # The failed tests by name, each with the first lines of its message: CI logs keep only the end of the output.
  awk '
    function text(s) { gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&amp;/, "\\&", s); return s }
    /<UnitTestResult / && /outcome="Failed"/ {
      match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11)
      printf "FAILED %s\n", text(name); failed = 1; lines = 0; next
    }
    failed && /<Message>/ { inmessage = 1; sub(/.*<Message>/, "") }
    failed && inmessage {
      done = sub(/<\/Message>.*/, "")
      if (lines < 6) { printf "    %s\n", text($0); lines++ }
      if (done) { inmessage = 0; failed = 0 }
    }' "${trx[@]}"
fi
exit $status
