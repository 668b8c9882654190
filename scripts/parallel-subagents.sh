#!/usr/bin/env bash
# N Haiku prompts in parallel through the claude CLI (the guide's scripted parallel test):
#   source scripts/sub-env.sh 8082; bash scripts/parallel-subagents.sh 4
# PROMPT overrides the prompt, MODEL the model (haiku). Outputs go to logs/parallel-subagents/<time>/.
# Exit status: 0 all answered, 1 some failed, 2 bad N or no claude CLI.
set -u
n="${1:-}"
case "$n" in
  '' | *[!0-9]*) echo "usage: scripts/parallel-subagents.sh N   (N Haiku prompts in parallel, 1-64)" >&2; exit 2 ;;
esac
if [ "$n" -lt 1 ] || [ "$n" -gt 64 ]; then
  echo "parallel-subagents.sh: N must be between 1 and 64, not $n" >&2
  exit 2
fi
if ! command -v claude >/dev/null 2>&1; then
  echo "parallel-subagents.sh: the claude CLI is not installed or not on PATH (npm install -g @anthropic-ai/claude-code)" >&2
  exit 2
fi
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
if [ -z "${ANTHROPIC_BASE_URL:-}" ]; then
  echo "note: ANTHROPIC_BASE_URL is not set, so these prompts bypass ccp (source scripts/sub-env.sh first)" >&2
fi
logs="${CCP_LOG_DIR:-logs}"
case "$logs" in /*) ;; *) logs="$root/$logs" ;; esac
out_dir="$logs/parallel-subagents/$(date -u +%Y%m%dT%H%M%SZ)-$$"
mkdir -p "$out_dir" || exit 2
prompt="${PROMPT:-Reply with one short sentence that names a prime number greater than 100.}"

pids=()
for i in $(seq 1 "$n"); do
  claude -p --model "${MODEL:-haiku}" "$prompt (job $i of $n)" >"$out_dir/$i.out" 2>"$out_dir/$i.err" </dev/null &
  pids+=("$!")
done
failed=0
for i in $(seq 1 "$n"); do
  if wait "${pids[$((i - 1))]}"; then
    echo "job $i: ok ($(wc -c <"$out_dir/$i.out" | tr -d ' ') bytes)"
  else
    status=$?
    failed=$((failed + 1))
    echo "job $i: failed (exit $status): $(head -c 200 "$out_dir/$i.err" | tr '\n' ' ')"
  fi
done
echo "$((n - failed)) of $n prompts answered; outputs in $out_dir"
[ "$failed" -eq 0 ] || exit 1
