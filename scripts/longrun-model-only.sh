#!/usr/bin/env bash
# make longrun-model-only: a soak. Alternating haiku and sonnet requests (stream and non-stream in turn)
# go through the proxy for DURATION, then `cc summarize` and `cc verify-routing` judge the run.
#   FAKE=1     against the built-in fake providers (dev.ccp.cli.fake.FakeProviders on loopback), with its
#              own proxy, log and results (logs/longrun-fake/, results/longrun-fake/, whatever CCP_LOG_DIR
#              says) so fake traffic never reaches a real proxy or log. It never reuses a proxy already
#              answering: it refuses a busy SOAK_PORT, and without one takes the first free port from 18082.
#              Without FAKE: the real providers, using ZAI_API_KEY and ANTHROPIC_API_KEY.
#   DURATION   how long to send (30s, 5m, 1h; default 60s)
#   SOAK_PORT  the proxy's port (default: the first free one from 18082 with FAKE=1, else MITM_PORT or 8082)
#   HAIKU_MODEL / SONNET_MODEL   the model names sent (default claude-haiku-4-5 / claude-sonnet-4-5)
# Exit status: that of verify-routing (1 on a routing violation), or 1 when no request succeeded, 2 for bad setup.
set -u
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cc="$root/bin/cc"

to_seconds() {
  local d=$1
  case "$d" in
    *h) echo $(( ${d%h} * 3600 ));; *m) echo $(( ${d%m} * 60 ));; *s) echo "${d%s}";;
    *[!0-9]*|'') return 1;; *) echo "$d";;
  esac
}
seconds=$(to_seconds "${DURATION:-60s}" 2>/dev/null) || { echo "longrun: DURATION='${DURATION}' is not a duration (30s, 5m, 1h)" >&2; exit 2; }
command -v curl >/dev/null || { echo "longrun: curl is not installed" >&2; exit 2; }

fake_pid=""
started_here=0
cleanup() {
  if [ "$started_here" = 1 ]; then "$cc" off >/dev/null 2>&1; fi
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Whether anything accepts connections on a loopback port (bash's /dev/tcp: no extra tool needed).
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ "${FAKE:-0}" = 1 ]; then
  # Fake traffic must reach neither a real proxy nor a real log: its own port, its own folders.
  if [ -n "${SOAK_PORT:-}" ]; then
    port=$SOAK_PORT
    if listening "$port"; then
      echo "longrun: something already answers on 127.0.0.1:$port; FAKE=1 starts its own proxy: stop that one or pick another SOAK_PORT" >&2
      exit 2
    fi
  else
    port=18082
    while listening "$port"; do
      port=$((port + 1))
      [ "$port" -le 18181 ] || { echo "longrun: no free port in 18082-18181; set SOAK_PORT" >&2; exit 2; }
    done
  fi
  if [ -n "${CCP_LOG_DIR:-}" ] && [ "$CCP_LOG_DIR" != "$root/logs/longrun-fake" ]; then
    echo "longrun: FAKE=1 writes into $root/logs/longrun-fake, not CCP_LOG_DIR=$CCP_LOG_DIR"
  fi
  export CCP_LOG_DIR="$root/logs/longrun-fake" CCP_RESULTS_DIR="$root/results/longrun-fake"
  unset CCP_DB_PATH
  mkdir -p "$CCP_LOG_DIR"
  export ZAI_API_KEY="fake-zai-key-$RANDOM$RANDOM"
  client_key="fake-anthropic-client-key-$RANDOM$RANDOM"
  rm -f "$CCP_LOG_DIR/fake.port"
  source "$root/bin/lib/common.sh"
  ccp_ensure_built cli
  "$JAVA_HOME/bin/java" -cp "$root/cli/target/ccp-cli.jar" dev.ccp.cli.fake.FakeProviders \
      --port 0 --port-file "$CCP_LOG_DIR/fake.port" --zai-key "$ZAI_API_KEY" 2>>"$CCP_LOG_DIR/fake.log" &
  fake_pid=$!
  for _ in $(seq 1 200); do [ -s "$CCP_LOG_DIR/fake.port" ] && break; sleep 0.1; done
  [ -s "$CCP_LOG_DIR/fake.port" ] || { echo "longrun: the fake providers did not start (see $CCP_LOG_DIR/fake.log)" >&2; exit 2; }
  fake_port=$(tr -d '[:space:]' < "$CCP_LOG_DIR/fake.port")
  cat > "$CCP_LOG_DIR/providers.yaml" <<YAML
providers:
  anthropic: { base_url: "http://127.0.0.1:$fake_port/anthropic", auth: passthrough }
  zai: { base_url: "http://127.0.0.1:$fake_port/zai/api/anthropic", auth_env: ZAI_API_KEY, header_mode: ${ZAI_HEADER_MODE:-x-api-key} }
routes:
  - { match: haiku, provider: zai }
default_provider: anthropic
YAML
  export CCP_PROVIDERS_FILE="$CCP_LOG_DIR/providers.yaml"
  echo "longrun: fake providers on 127.0.0.1:$fake_port; log in $CCP_LOG_DIR"
else
  [ -n "${ZAI_API_KEY:-}" ] || { echo "longrun: ZAI_API_KEY is not set (or run with FAKE=1)" >&2; exit 2; }
  [ -n "${ANTHROPIC_API_KEY:-}" ] || { echo "longrun: ANTHROPIC_API_KEY is not set: the sonnet turns need your Anthropic key (or run with FAKE=1)" >&2; exit 2; }
  client_key="$ANTHROPIC_API_KEY"
  port="${SOAK_PORT:-${MITM_PORT:-8082}}"
fi

base="http://127.0.0.1:$port"
if [ "${FAKE:-0}" != 1 ] && curl -fsS -m 2 "$base/healthz" >/dev/null 2>&1; then
  echo "longrun: using the proxy already answering on $base"
else
  out=$("$cc" on "$port" --metrics-port 0 --json) || exit 2
  case "$out" in *'"started":true'*) started_here=1;; esac
  if [ "${FAKE:-0}" = 1 ] && [ "$started_here" != 1 ]; then
    echo "longrun: a proxy was already running for $CCP_LOG_DIR; FAKE=1 sends only into a proxy it started (cc off first)" >&2
    exit 2
  fi
fi

haiku="${HAIKU_MODEL:-claude-haiku-4-5}"
sonnet="${SONNET_MODEL:-claude-sonnet-4-5}"
end=$((SECONDS + seconds))
n=0 ok=0 failed=0
echo "longrun: alternating $haiku / $sonnet through $base for ${seconds}s"
while [ "$SECONDS" -lt "$end" ]; do
  if [ $((n % 2)) = 0 ]; then model=$haiku; else model=$sonnet; fi
  if [ $((n / 2 % 2)) = 0 ]; then stream=false; else stream=true; fi
  code=$(curl -sS -m 120 -o /dev/null -w '%{http_code}' "$base/v1/messages?beta=true" \
      -H "x-api-key: $client_key" -H 'anthropic-version: 2023-06-01' -H 'content-type: application/json' \
      -d "{\"model\":\"$model\",\"max_tokens\":16,\"stream\":$stream,\"messages\":[{\"role\":\"user\",\"content\":\"Reply with the word ok.\"}]}" \
      2>/dev/null) || code=000
  n=$((n + 1))
  if [ "$code" = 200 ]; then ok=$((ok + 1)); else failed=$((failed + 1)); echo "longrun: request $n ($model, stream=$stream): HTTP $code" >&2; fi
done
echo "longrun: $n request(s), $ok ok, $failed failed"

if [ "$started_here" = 1 ]; then "$cc" off; started_here=0; fi
"$cc" summarize
"$cc" verify-routing
status=$?
if [ "$ok" = 0 ]; then echo "longrun: no request succeeded" >&2; [ "$status" = 0 ] && status=1; fi
exit "$status"
