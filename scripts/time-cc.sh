#!/usr/bin/env bash
# make bench-cc: times every bin/cc command (docs/CLI.md) RUNS times (BENCH_CC_RUNS, default 5) in a
# scratch install (its own HOME, config and logs, a small imported log, projections built) and prints the
# median wall and CPU (user+sys) time of each, with the load average before and after. The commands that
# need a running proxy run against one started on a free port of the scratch install. Nothing outside the
# scratch folder is read or written (bundle writes to the scratch folder too).
#   scripts/time-cc.sh [CC]   CC: the launcher to time (default: this checkout's bin/cc)
# BENCH_CC_ONLY=REGEX times only the commands whose line matches.
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
CC=${1:-$ROOT/bin/cc}
RUNS=${BENCH_CC_RUNS:-5}
ONLY=${BENCH_CC_ONLY:-}

S=$(mktemp -d "${TMPDIR:-/tmp}/ccp-time-cc.XXXXXX")
PROXY_PID=""
cleanup() {
  if [ -n "$PROXY_PID" ]; then kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null; fi
  rm -rf "$S"
}
trap cleanup EXIT
trap "exit 130" INT TERM

export HOME="$S/home" XDG_CONFIG_HOME="$S/home/.config" CCP_LOG_DIR="$S/logs" CCP_DB_PATH="$S/logs/ccp.sqlite3" \
       CCP_RESULTS_DIR="$S/results" CCP_BUNDLE_DIR="$S/bundles"
unset CCP_PORT MITM_PORT CCP_LICENSE_FILE CCP_PROVIDERS_FILE CCP_PRICES_FILE CCP_JAVA_OPTS
mkdir -p "$HOME" "$CCP_LOG_DIR" "$CCP_RESULTS_DIR" "$CCP_BUNDLE_DIR"

# The fixture: 200 requests of a legacy usage.jsonl imported into the scratch log, projections built.
for i in $(seq 1 200); do
  lane=$([ $((i % 3)) = 0 ] && echo zai || echo anthropic)
  model=$([ "$lane" = zai ] && echo claude-3-5-haiku-20241022 || echo claude-sonnet-4-5)
  printf '{"ts":"2026-11-2%dT%02d:%02d:00Z","req_id":"r%d","model":"%s","lane":"%s","status":200,"latency_ms":%d,"ttfb_ms":%d,"input_tokens":%d,"output_tokens":%d}\n' \
    $((i % 3 + 1)) $((i % 24)) $((i % 60)) "$i" "$model" "$lane" $((100 + i)) $((20 + i % 50)) $((1000 + 7 * i)) $((50 + i))
done > "$S/usage-legacy.jsonl"
"$CC" db import --jsonl "$S/usage-legacy.jsonl" >/dev/null || { echo "time-cc: the fixture import failed" >&2; exit 2; }
"$ROOT/bin/ccp-projector" --once --no-progress --metrics-port 0 >/dev/null 2>&1 || { echo "time-cc: the projector failed on the fixture" >&2; exit 2; }
cat > "$S/catalog.yaml" <<'EOF'
routes:
  - match: sonnet
    provider: zai
EOF
printf '# quotas\n' > "$S/quotas.yaml"
"$CC" license keygen >/dev/null 2>&1

# A proxy of the scratch install on a free port, for the commands that ask it.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18082)
"$ROOT/bin/ccp-proxy" --port "$PORT" >"$S/proxy.out" 2>&1 &
PROXY_PID=$!
export CCP_PORT=$PORT
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/dashboard/api/statusline" 2>/dev/null && break
  sleep 0.1
done

median() { sort -n | awk '{v[NR]=$1} END {if (NR) printf "%.3f", (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

# One row: LABEL, then the arguments after bin/cc. stdin is Claude Code's JSON for statusline, empty otherwise.
time_one() {
  local label=$1; shift
  [ -n "$ONLY" ] && ! [[ "$label" =~ $ONLY ]] && return 0
  local walls=() cpus=() exit=0
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -f '%e %U %S' -o "$S/t" "$CC" "$@" </dev/null >/dev/null 2>&1
    exit=$?
    read -r w u s < <(tail -n 1 "$S/t")
    walls+=("$w"); cpus+=("$(echo "$u + $s" | bc)")
  done
  printf '%-38s %8s %8s %5s\n' "$label" "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" "$exit"
}

echo "# bin/cc wall and CPU time, median of $RUNS runs ($(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "# launcher: $CC"
printf '%-38s %8s %8s %5s\n' "command" "wall_s" "cpu_s" "exit"
time_one "--version" --version
time_one "--help" --help
time_one "env" env
time_one "env --mitm" env --mitm
time_one "ca" ca
time_one "dashboard (proxy up)" dashboard "$PORT"
time_one "statusline (proxy up)" statusline
time_one "model" model
time_one "providers" providers
time_one "partials" partials
time_one "partials clean" partials clean
time_one "db import (already imported)" db import --jsonl "$S/usage-legacy.jsonl"
time_one "db status" db status
time_one "db export --csv" db export --csv "$S/export.csv"
time_one "usage" usage
time_one "usage --cost" usage --cost
time_one "whatif" whatif --providers "$S/catalog.yaml"
time_one "summarize" summarize
time_one "verify-routing" verify-routing
time_one "agg" agg -dir "$S/logs" -out "$S/agg"
time_one "samples" samples
time_one "license status" license status
time_one "license issue" license issue --plan pro --days 30 --out "$S/license.json"
time_one "status (proxy up)" status
time_one "quotas reload (proxy up)" quotas reload --port "$PORT"
time_one "pause (proxy up)" pause --port "$PORT"
time_one "resume (proxy up)" resume --port "$PORT"
time_one "completion" completion
for c in env ca dashboard model providers partials db summarize verify-routing usage whatif agg bundle replay on off \
         repo-map license status quotas samples completion statusline pause resume; do
  time_one "$c --help" $c --help
done
time_one "bundle (heavy)" bundle
time_one "replay (heavy)" replay
time_one "repo-map (heavy)" repo-map --out "$S/repo-map.json"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
