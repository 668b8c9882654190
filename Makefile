# ccp: make run (proxy + projector), make test (the whole suite). `make help` lists every target.
SHELL := /bin/bash
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
JAVA_HOME := $(shell $(ROOT)/bin/lib/find-jdk)
export JAVA_HOME
MVN := mvn -B -ntp
NEED_JDK = @test -n "$(JAVA_HOME)" || { echo "ccp needs a JDK 21 or newer: install one or set JAVA_HOME to it" >&2; exit 2; }

.PHONY: help build run mitm proxy projector ship kafka-dev bench-kafka test summarize verify-routing bundle repo-map repo-map-md \
        longrun-model-only tee-on tee-off bench bench-large-stream bench-replay bench-cc replay chaos clean

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-20s %s\n", $$1, $$2}'

build: ## compile and package the runnable jars (no tests), and the class cache that makes bin/cc start fast
	$(NEED_JDK)
	$(MVN) -q -DskipTests package
	@bin/lib/build-class-cache

run: build ## start proxy and projector as two processes (Ctrl-C stops both)
	@bin/ccp-run

mitm: build ## run, ready for both modes: base URL and HTTPS_PROXY with the local CA (honours MITM_PORT, FORCE_HAIKU_TO_ZAI, ZAI_HEADER_MODE, MITM_FORCE_H1, OFFLOAD_PAUSED)
	@if [ "$${FORCE_HAIKU_TO_ZAI:-1}" = 0 ]; then echo "[ccp] FORCE_HAIKU_TO_ZAI=0 changes nothing: haiku goes to Z.AI by the catalog's route; OFFLOAD_PAUSED=1 sends everything to Anthropic" >&2; fi
	@$(CC) ca >/dev/null
	@p="$${CCP_PORT:-$${MITM_PORT:-8082}}"; echo "[ccp] point Claude Code at it: source scripts/sub-env.sh $$p (base URL), or source scripts/sub-env.sh $$p --mitm (HTTPS_PROXY + the CA from bin/cc ca)" >&2
	@bin/ccp-run

proxy: build ## the proxy alone
	@bin/ccp-proxy

projector: build ## the projector alone
	@bin/ccp-projector

ship: build ## the shipper alone (team mode: CCP_KAFKA_BOOTSTRAP, docs/TEAM.md)
	@bin/ccp-ship

kafka-dev: build ## one Kafka broker (KRaft) on 127.0.0.1:9092 in the foreground for team mode (KAFKA_DEV_ARGS, e.g. --dir DIR)
	@bin/ccp-kafka-dev $(KAFKA_DEV_ARGS)

test: ## the whole test suite, the Kafka broker (-Pkafka) and headless-Chromium (-Pbrowser) tests included; writes results/TESTS.md
	$(NEED_JDK)
	@scripts/need-chromium.sh
	@set -o pipefail; status=0; $(MVN) verify -Pkafka,browser || status=$$?; scripts/tests-report.sh; exit $$status

chaos: ## the proxy kill -9 loop alone (8 SIGKILLs under load; also part of make test): 0 lost, 0 wrong outcome, 0 duplicated
	$(NEED_JDK)
	$(MVN) verify -pl cli -am -Dtest=ProxyKillLoopTest -Dsurefire.failIfNoSpecifiedTests=false

CC := $(ROOT)/bin/cc
TEE_FILE = $(or $(CCP_TEE_FILE),$(or $(XDG_CONFIG_HOME),$(HOME)/.config)/ccp/tee)

summarize: ## bring results/METRICS.json up to date with the log and print the scoreboard
	@$(CC) summarize

verify-routing: ## the traffic audit over logs/usage.jsonl (a violation fails it: make exits 2, bin/cc verify-routing exits 1)
	@$(CC) verify-routing

bundle: ## the review bundle in ~/Downloads/ccp-review-<timestamp>/ and .tgz (CCP_BUNDLE_DIR overrides), scanned for keys (a key found fails it: make exits 2, bin/cc bundle exits 1)
	@$(CC) bundle

repo-map: ## file manifest (path, bytes, lines, sha256) in results/repo-map.json
	@$(CC) repo-map

repo-map-md: ## Markdown summary of the checkout in results/REPO-MAP.md
	@$(CC) repo-map --md

replay: ## rebuild every projection from the event log (stop the projector first)
	@$(CC) replay

longrun-model-only: build ## soak: alternate haiku/sonnet through the proxy for DURATION (FAKE=1: built-in fakes), then summarize + verify-routing
	@scripts/longrun-model-only.sh

tee-on: ## body sampling on: capped, credential-free BodySampled events (TEE_MAX_BYTES, default 16384); survives restarts
	@mkdir -p "$(dir $(TEE_FILE))" && echo "$(or $(TEE_MAX_BYTES),16384)" > "$(TEE_FILE)"
	@echo "[ccp] body sampling ON: $(TEE_FILE) (a running proxy notices within a second; make tee-off to stop)"

tee-off: ## body sampling off (the default)
	@rm -f "$(TEE_FILE)"
	@echo "[ccp] body sampling OFF ($(TEE_FILE) removed)"

clean: ## remove build output
	$(MVN) -q clean

JVM_FLAGS = @$(ROOT)/configs/jvm.options $(shell v=$$("$(JAVA_HOME)/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $$2; exit}'); [ "$${v%%.*}" -ge 24 ] 2>/dev/null && echo @$(ROOT)/configs/jvm24.options)
BENCH_CP = $(ROOT)/proxy/target/test-classes:$(ROOT)/proxy/target/classes:$$(cat $(ROOT)/proxy/target/bench.classpath)
define bench_compile
	$(MVN) -q -pl proxy -am -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
endef
define bench_java
	"$(JAVA_HOME)/bin/java" $(JVM_FLAGS) -Dccp.home=$(ROOT) -Djava.util.logging.config.file=$(ROOT)/configs/logging.properties -cp $(BENCH_CP)
endef

bench: ## proxy benchmark: added latency p50/p99, req/s and CPU per request, proxy vs direct vs nginx, at 1/16/64 clients (writes results/BENCH.json)
	$(NEED_JDK)
	@[ -x /usr/sbin/nginx ] || [ -n "$$BENCH_NO_NGINX" ] || { echo "[ccp] installing nginx-light, the bench's reference proxy" >&2; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null) \
	  || echo "[ccp] nginx could not be installed: the bench runs without its reference column" >&2; }
	$(bench_compile)
	$(bench_java) dev.ccp.proxy.bench.ProxyBench $(BENCH_ARGS)

bench-large-stream: ## one 500 MiB SSE answer through the proxy process: heap after GC, committed heap and RSS before and after, highest RSS while relaying (BENCH_STREAM_MIB)
	$(NEED_JDK)
	$(bench_compile)
	$(bench_java) dev.ccp.proxy.bench.LargeStreamBench

bench-kafka: ## team-mode benchmark: events/s shipped from a 1M-event backlog, end-to-end lag p50/p99 at 1k requests/s (real broker process)
	$(NEED_JDK)
	$(MVN) -q -pl ship -am -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
	cd $(ROOT)/ship && "$(JAVA_HOME)/bin/java" $(JVM_FLAGS) -Xmx2g -Dccp.home=$(ROOT) -Djava.util.logging.config.file=$(ROOT)/configs/logging.properties \
	  -cp $(ROOT)/ship/target/test-classes:$(ROOT)/ship/target/classes:$$(cat $(ROOT)/ship/target/bench.classpath) \
	  dev.ccp.ship.bench.KafkaBench

bench-cc: build ## bin/cc start-up: median wall and CPU time of every command in a scratch install (BENCH_CC_RUNS, default 5)
	@scripts/time-cc.sh

bench-replay: ## replay benchmark: 1M synthetic requests (4M+ events), timed --rebuild of every projection (BENCH_REQUESTS, BENCH_XMX)
	$(NEED_JDK)
	@scripts/bench-replay.sh
