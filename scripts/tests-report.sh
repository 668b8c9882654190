#!/usr/bin/env bash
# Writes results/TESTS.md from the Surefire reports: tests per module and every failure.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
out="${CCP_RESULTS_DIR:-$root/results}/TESTS.md"
mkdir -p "$(dirname "$out")"
{
  echo "# Test results"
  echo
  echo "Generated $(date -u +%Y-%m-%dT%H:%M:%SZ) by \`make test\`."
  echo
  echo "| module | tests | failures | errors | skipped |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  failures=""
  for module in events policy readmodel testkit projector proxy cli archtest; do
    dir="$root/$module/target/surefire-reports"
    t=0 f=0 e=0 s=0
    if compgen -G "$dir/TEST-*.xml" >/dev/null; then
      for x in "$dir"/TEST-*.xml; do
        head=$(grep -m1 -o '<testsuite [^>]*>' "$x")
        for k in tests failures errors skipped; do
          v=$(sed -n "s/.* $k=\"\([0-9]*\)\".*/\1/p" <<<"$head")
          case $k in tests) t=$((t + ${v:-0}));; failures) f=$((f + ${v:-0}));; errors) e=$((e + ${v:-0}));; skipped) s=$((s + ${v:-0}));; esac
        done
        # A failure or error element follows its testcase element, usually on the next line.
        failed=$(awk '
          /<testcase / {
            name = $0; sub(/.*<testcase name="/, "", name); sub(/".*/, "", name)
            cls = $0; sub(/.*classname="/, "", cls); sub(/".*/, "", cls)
          }
          /<(failure|error)[ >]/ { if (name != "") print cls "." name; name = "" }
        ' "$x")
        [ -n "$failed" ] && failures+=$'\n'"$failed"
      done
    fi
    echo "| $module | $t | $f | $e | $s |"
  done
  echo
  if [ -n "$failures" ]; then
    echo "## Failures"
    sed '/^$/d; s/^/- /' <<<"$failures"
  else
    echo "No failures."
  fi
} >"$out"
echo "[ccp] wrote $out"
