#!/usr/bin/env bash
# Runs the test suite while a CPU hog keeps every core busy, to prove that no test depends on an idle machine.
#
#   tests/under-load.sh                                        # the whole suite, twice
#   tests/under-load.sh --runs 3                               # three times
#   tests/under-load.sh --filter "FullyQualifiedName~Rollback" # extra arguments go to tests/run.sh
#
# The hog is stress-ng (one CPU worker per core) when installed, otherwise one busy bash loop per core.
# It is stopped on every exit path, Ctrl+C included. Each run's output goes to its own log; the trx files of
# each run are kept (POOLOPERATOR_TEST_RESULTS) so the figures the tests print can be read afterwards.
# Prints each run's pass/fail counts and duration. Exit code: 0 when every run passed, 1 otherwise.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1

runs=2
if [ "${1:-}" = "--runs" ]; then
  runs=${2:?--runs needs a number}
  shift 2
fi
case "$runs" in '' | *[!0-9]* | 0) echo "error: --runs needs a positive number, got '$runs'" >&2; exit 2 ;; esac

cores=$(nproc)
out=${POOLOPERATOR_UNDER_LOAD_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/pooloperator-under-load.XXXXXX")}
mkdir -p "$out"

hog_pids=()
stop_hog() {
  local pid
  for pid in "${hog_pids[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${hog_pids[@]}"; do
    wait "$pid" 2>/dev/null
  done
  hog_pids=()
}
trap stop_hog EXIT
trap 'stop_hog; exit 130' INT
trap 'stop_hog; exit 143' TERM

if command -v stress-ng >/dev/null 2>&1; then
  stress-ng --cpu "$cores" --quiet &
  hog_pids+=($!)
  hog="stress-ng --cpu $cores"
else
  for _ in $(seq "$cores"); do
    bash -c 'while :; do :; done' &
    hog_pids+=($!)
  done
  hog="$cores busy bash loops"
fi
printf '==> CPU hog: %s (pids %s) on %s cores; logs in %s\n' "$hog" "${hog_pids[*]}" "$cores" "$out"

failed=0
summaries=()
for run in $(seq "$runs"); do
  log="$out/run-$run.log"
  results="$out/run-$run-results"
  mkdir -p "$results"
  printf '==> run %s of %s: tests/run.sh %s (log %s)\n' "$run" "$runs" "$*" "$log"
  started=$(date +%s)
  POOLOPERATOR_TEST_RESULTS="$results" bash tests/run.sh "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  seconds=$(($(date +%s) - started))
  counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n 1)
  [ -n "$counts" ] || counts="no summary (see $log)"
  [ "$status" -eq 0 ] || failed=1
  summaries+=("$(printf 'run %s: %s in %dm%02ds, exit %s' "$run" "$counts" $((seconds / 60)) $((seconds % 60)) "$status")")
  if [ "$status" -ne 0 ]; then
    grep -E '^\s+Failed [A-Za-z]' "$log" | sed 's/^\s*/    /' | sort -u
  fi
done

stop_hog
printf '==> under %s:\n' "$hog"
printf '%s\n' "${summaries[@]}"
exit $failed
