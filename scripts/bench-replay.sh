#!/usr/bin/env bash
# make bench-replay: writes BENCH_REQUESTS synthetic requests (default 1,000,000; 4+ events each) to a fresh
# queue, then times `bin/ccp-projector --rebuild` of every projection with a bounded heap (BENCH_XMX, 512m).
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/../bin/lib/common.sh"
ROOT=$CCP_ROOT
DIR=${BENCH_DIR:-$ROOT/target/bench-replay}
REQUESTS=${BENCH_REQUESTS:-1000000}
XMX=${BENCH_XMX:-512m}

cd "$ROOT"
mvn -B -q -ntp -pl projector -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test >&2
ccp_jvm_args
rm -rf "$DIR" && mkdir -p "$DIR/logs" "$DIR/results"

echo "[bench-replay] writing $REQUESTS synthetic requests to $DIR/logs/queue"
start=$(date +%s.%N)
"$JAVA" "${JVM_ARGS[@]}" -cp "projector/target/test-classes:projector/target/classes:$(cat projector/target/test.classpath)" \
  dev.ccp.projector.testing.SyntheticTrafficMain "$DIR/logs/queue" "$REQUESTS" 1000 50000 100000 0 b 1 | tail -n 1
end=$(date +%s.%N)
printf '[bench-replay] written in %.1f s\n' "$(echo "$end - $start" | bc)"

echo "[bench-replay] bin/ccp-projector --rebuild (all projections, -Xmx$XMX, $(nproc) cores)"
export CCP_LOG_DIR="$DIR/logs" CCP_DB_PATH="$DIR/logs/ccp.sqlite3" CCP_RESULTS_DIR="$DIR/results"
export CCP_JAVA_OPTS="${CCP_JAVA_OPTS:-} -Xmx$XMX"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f '[bench-replay] wall %e s, user %U s, sys %S s, max RSS %M KB' "$ROOT/bin/ccp-projector" --rebuild --no-progress --metrics-port 0
else
  time "$ROOT/bin/ccp-projector" --rebuild --no-progress --metrics-port 0
fi
lines=$(wc -l < "$DIR/logs/usage.jsonl")
rows=$(du -h "$DIR/logs/ccp.sqlite3" | cut -f1)
echo "[bench-replay] usage.jsonl: $lines lines; ccp.sqlite3: $rows"
