# Sourced by the launchers in bin/: finds the checkout, a JDK 21+, the JVM flags and the jars.
CCP_ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
export CCP_ROOT

JAVA_HOME=$("$CCP_ROOT/bin/lib/find-jdk") || exit 2
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"

# The Chronicle flags are kept in configs/jvm.options; JDK 24+ also needs configs/jvm24.options.
# A module's own flags (the proxy's collector) are in configs/<module>.jvm.options when present;
# CCP_JAVA_OPTS comes last, and when it names a collector (-XX:+Use...GC) that file is left out,
# since two collectors stop the JVM.
# The JDK's feature version (21, 25, ...), from its release file: a JVM started only to ask would
# cost every command a tenth of a second.
ccp_java_feature() {
  local v=""
  [ -r "$JAVA_HOME/release" ] && v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" | head -n 1)
  [ -n "$v" ] || v=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
  echo "${v%%.*}"
}
JAVA_FEATURE=$(ccp_java_feature)

ccp_jvm_args() { # $1 = module (optional)
  JVM_ARGS=("@$CCP_ROOT/configs/jvm.options")
  if [ "$JAVA_FEATURE" -ge 24 ] 2>/dev/null; then JVM_ARGS+=("@$CCP_ROOT/configs/jvm24.options"); fi
  if [ -n "${1:-}" ] && [ -f "$CCP_ROOT/configs/$1.jvm.options" ] && ! [[ "${CCP_JAVA_OPTS:-}" =~ XX:[+]Use[A-Za-z0-9]*GC ]]; then
    JVM_ARGS+=("@$CCP_ROOT/configs/$1.jvm.options")
  fi
  JVM_ARGS+=("-Dccp.home=$CCP_ROOT" "-Djava.util.logging.config.file=$CCP_ROOT/configs/logging.properties")
  if [ -n "${CCP_JAVA_OPTS:-}" ]; then
    # shellcheck disable=SC2206
    JVM_ARGS+=($CCP_JAVA_OPTS)
  fi
}

# Builds the project once when the jar a launcher needs is missing.
ccp_ensure_built() { # $1 = module
  local jar="$CCP_ROOT/$1/target/ccp-$1.jar"
  if [ ! -f "$jar" ]; then
    echo "[ccp] building (first run): mvn package -DskipTests" >&2
    (cd "$CCP_ROOT" && mvn -B -q -ntp -DskipTests package >&2) || {
      echo "[ccp] the build failed; run 'make build' to see why" >&2
      exit 2
    }
    "$CCP_ROOT/bin/lib/build-class-cache"
  fi
  CCP_JAR=$jar
}

# A short-lived command spends most of its time loading and linking classes. `make build` records
# them once into an AOT cache (JDK 25+: loaded, linked and profiled classes) beside the jar;
# older JDKs keep a dynamic CDS archive that the first run writes. A cache that no longer
# matches its jar is refused by the JVM and the command runs as if there were none.
ccp_class_cache_args() { # $1 = module
  local base="$CCP_ROOT/$1/target/ccp-$1"
  if [ "$JAVA_FEATURE" -ge 25 ] 2>/dev/null; then
    [ -f "$base.aot" ] && CACHE_ARGS=("-XX:AOTCache=$base.aot" "-Xlog:aot=off" "-Xlog:cds=off")
  elif [ "$JAVA_FEATURE" -ge 19 ] 2>/dev/null; then
    CACHE_ARGS=("-XX:SharedArchiveFile=$base.jsa" "-XX:+AutoCreateSharedArchive" "-Xlog:cds=off")
  fi
}

ccp_exec() { # $1 = module, rest = arguments
  local module=$1; shift
  ccp_ensure_built "$module"
  ccp_jvm_args "$module"
  CACHE_ARGS=()
  if [ "$module" = cli ]; then
    ccp_class_cache_args "$module"
    # sqlite-jdbc's library copied out by make build (bin/lib/build-class-cache), when made from this jar.
    local sqlite="$CCP_ROOT/cli/target/native/sqlite.jvm.options"
    [ -f "$sqlite" ] && [ "$sqlite" -nt "$CCP_JAR" ] && JVM_ARGS+=("@$sqlite")
  fi
  exec "$JAVA" "${JVM_ARGS[@]}" "${CACHE_ARGS[@]}" -jar "$CCP_JAR" "$@"
}
