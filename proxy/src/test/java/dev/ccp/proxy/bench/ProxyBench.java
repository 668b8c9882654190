package dev.ccp.proxy.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccp.events.CcpPaths;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code make bench}: the proxy's added latency and throughput, measured in one run against the
 * direct path to the same fast in-process fake upstream.
 *
 * <p>64 concurrent clients (platform threads, JDK HttpClient over HTTP/1.1 keep-alive) each send
 * requests back to back, in three modes: {@code stream} (an SSE answer of 14 events, each flushed,
 * with a pause between events as a provider generating tokens has), {@code stream-burst} (the same
 * events with no pause: CPU saturation) and {@code nonstream} (a ~600-byte JSON answer, no pause). For each path it records time to first body byte and total time per
 * request, then prints p50/p99 and requests/s, and the proxy's added latency (proxy percentile minus
 * direct percentile). The proxy writes its events to a real Chronicle queue in a temporary folder.
 *
 * <p>The proxy runs as its own JVM process ({@code dev.ccp.proxy.Main}) with the flags its launcher
 * uses ({@code configs/jvm.options}, {@code configs/proxy.jvm.options}), as in production where the
 * client and the provider live elsewhere: the bench JVM (client and fake provider) and the proxy no
 * longer share a heap, a GC and a JIT. {@code BENCH_IN_PROCESS=1} runs the proxy inside the bench JVM
 * as before; {@code BENCH_PROXY_OPTS} adds JVM flags to the proxy process (JFR, GC logs, another GC).
 * Per round it also reports the CPU time each process used per request. {@code BENCH_WARMUP} sets the
 * warm-up (requests per client, per path and mode; 300), {@code BENCH_STAGGER=1} spreads the paced
 * clients' starts over one stream's length, {@code BENCH_CLIENT_THREADS=virtual} runs the clients on
 * virtual threads. docs/BENCHMARKS.md has the figures and what they mean.
 * Results go to results/BENCH.json (CCP_RESULTS_DIR moves it). Arguments: [concurrency] [requests per client] [pause between events, ms].
 */
public final class ProxyBench {
    private static final byte[] JSON_ANSWER = ("{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"" + "lorem ipsum ".repeat(30) + "\"}],\"stop_reason\":\"end_turn\","
            + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":0,"
            + "\"cache_read_input_tokens\":0,\"output_tokens\":15}}").getBytes(StandardCharsets.UTF_8);
    private static final List<byte[]> SSE_EVENTS = sseEvents();
    private static final boolean STAGGER = System.getenv("BENCH_STAGGER") != null;

    /** Pause between SSE events in the paced stream mode, as a provider generating tokens would. */
    private static int gapMillis;
    private static final List<String> MODES = System.getenv("BENCH_MODES") != null
            ? List.of(System.getenv("BENCH_MODES").split(",")) : List.of("stream", "stream-burst", "nonstream");

    private ProxyBench() {
    }

    record Sample(long ttfbNanos, long totalNanos) {
    }

    /**
     * @param benchCpuMicrosPerRequest CPU time of the bench JVM (client and fake provider, and the proxy
     *                                 when it runs in process) per request
     * @param serverCpuMicrosPerRequest CPU time of the process(es) between client and fake per request:
     *                                  the proxy's (0 in process) or nginx's master and worker; 0 direct
     * @param serverJitCpuMicrosPerRequest the part of it spent by the proxy's JIT compiler threads (0 for
     *                                     nginx): what the proxy pays while it is still compiling
     */
    record Stats(String path, String mode, int concurrency, int requests, double seconds, double rps,
                 double ttfbP50Ms, double ttfbP99Ms, double totalP50Ms, double totalP99Ms, int errors,
                 double benchCpuMicrosPerRequest, double serverCpuMicrosPerRequest, double serverJitCpuMicrosPerRequest) {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> concurrencies = args.length > 0 ? List.of(Integer.parseInt(args[0]))
                : Arrays.stream(env("BENCH_CONCURRENCY", "1,16,64").split(",")).map(String::trim).map(Integer::parseInt).toList();
        int maxConcurrency = concurrencies.stream().mapToInt(Integer::intValue).max().orElseThrow();
        int perClient = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        gapMillis = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        WebServer fake = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .connectionOptions(so -> so.tcpNoDelay(true))
                .routing(r -> r.post("/v1/messages", ProxyBench::answer)).build().start();
        Path tmp = Files.createTempDirectory("ccp-bench");
        Path catalog = dev.ccp.proxy.testing.OneProviderCatalog.write(tmp, "http://127.0.0.1:" + fake.port());
        Map<String, String> env = new HashMap<>();
        env.put("CCP_LOG_DIR", tmp.resolve("logs").toString());
        env.put("CCP_PROVIDERS_FILE", catalog.toString());
        List<Server> paths = new ArrayList<>();
        paths.add(Server.direct(fake.port()));
        Server nginx = System.getenv("BENCH_NO_NGINX") == null ? NginxReference.start(tmp.resolve("nginx"), fake.port()) : null;
        if (nginx != null) {
            paths.add(nginx);
        }
        ProxyUnderTest proxy = System.getenv("BENCH_IN_PROCESS") != null ? inProcess(env) : childProcess(env);
        paths.add(new Server("proxy", proxy.port(), proxy::cpuNanos, () -> proxy.cpuNanos() == 0 ? 0 : jitCpuNanos(proxy.pid()), proxy.describe(), proxy::stop));

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(clientThreads()).build();
        int warmup = System.getenv("BENCH_WARMUP") != null ? Integer.parseInt(System.getenv("BENCH_WARMUP")) : 300;
        System.out.printf("ccp proxy benchmark: concurrency %s, %d requests per client (at least %d per round in the unpaced modes)"
                        + " x %d alternating rounds per path and mode after %d warm-up requests per client, %d cores, %s%n",
                concurrencies, perClient, UNPACED_MIN_PER_ROUND, ROUNDS, warmup, Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        for (Server path : paths) {
            System.out.println(path.name() + ": " + path.describe());
        }
        if (nginx == null) {
            System.out.println("nginx: not measured (" + (System.getenv("BENCH_NO_NGINX") != null ? "BENCH_NO_NGINX"
                    : "no nginx binary; make bench installs Debian's nginx-light") + ")");
        }
        System.out.println("paced clients: " + (STAGGER ? "staggered over one stream (BENCH_STAGGER)" : "all started together"));
        System.out.println("client threads: " + ("virtual".equals(System.getenv("BENCH_CLIENT_THREADS")) ? "virtual" : "platform"));
        String loadBefore = loadAverage();
        System.out.println("load average (1, 5, 15 min) at start: " + loadBefore);
        // Warm-up: JIT, connection pools, the event log's first file. The proxy runs for hours in
        // production, so what counts is its compiled steady state: C2 compiles a method after some
        // thousands of calls, and a request-level method is called once per request. With a warm-up
        // of 10 requests per client the proxy's C2 compiler thread was still using ~45 % of the
        // proxy's CPU in the measured rounds (perf, jit+compilation log), on the cores the requests
        // share. BENCH_WARMUP sets the requests per client of the warm-up, per path and mode.
        for (String mode : MODES) {
            for (Server path : paths) {
                run(client, path.url(), mode, maxConcurrency, warmup);
            }
        }
        List<Stats> all = new ArrayList<>();
        double peakRss = 0;
        for (String mode : MODES) {
            for (int concurrency : concurrencies) {
                int requests = mode.equals("stream") ? perClient : Math.max(perClient, UNPACED_MIN_PER_ROUND / concurrency);
                // Alternate the paths in rounds so that a noisy neighbour hits them alike.
                Map<String, List<Raw>> rounds = new HashMap<>();
                for (int round = 0; round < ROUNDS; round++) {
                    for (Server path : paths) {
                        rounds.computeIfAbsent(path.name(), k -> new ArrayList<>())
                                .add(measured(path, () -> run(client, path.url(), mode, concurrency, requests)));
                    }
                }
                for (Server path : paths) {
                    all.add(merge(path.name(), mode, concurrency, rounds.get(path.name())));
                }
                double rss = rssMiB(proxy.pid());
                peakRss = Math.max(peakRss, rss);
                System.out.printf("proxy RSS after %s at c=%d: %.0f MiB%n", mode, concurrency, rss);
            }
        }
        System.out.println("upstream connections opened (all paths): " + PEERS.size());
        System.out.printf("proxy RSS, highest seen after a level: %.0f MiB%n", peakRss);
        String loadAfter = loadAverage();
        System.out.println("load average (1, 5, 15 min) at end: " + loadAfter);
        for (Server path : paths) {
            path.stop();
        }
        fake.stop();

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);
        ObjectNode out = json.createObjectNode();
        out.put("generated_at", Instant.now().toString());
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("java", Runtime.version().toString());
        out.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        out.set("concurrency", json.valueToTree(concurrencies));
        out.put("requests_per_client_per_round", perClient);
        out.put("unpaced_min_requests_per_round", UNPACED_MIN_PER_ROUND);
        out.put("rounds", ROUNDS);
        out.put("warmup_requests_per_client", warmup);
        out.put("paced_clients_staggered", STAGGER);
        out.put("client_threads", "virtual".equals(System.getenv("BENCH_CLIENT_THREADS")) ? "virtual" : "platform");
        out.put("stream_event_gap_ms", gapMillis);
        out.put("proxy", proxy.describe());
        out.put("nginx", nginx == null ? null : nginx.describe());
        out.put("proxy_peak_rss_mib", peakRss);
        out.put("load_average_start", loadBefore);
        out.put("load_average_end", loadAfter);
        out.set("runs", json.valueToTree(all));
        System.out.println();
        System.out.printf("%-6s %-12s %4s %8s %9s %9s %9s %9s %6s %11s %12s %9s%n", "path", "mode", "c", "req/s", "ttfb p50", "ttfb p99",
                "total p50", "total p99", "errors", "bench cpu/r", "server cpu/r", "of it JIT");
        for (Stats s : all) {
            System.out.printf("%-6s %-12s %4d %8.0f %9.3f %9.3f %9.3f %9.3f %6d %8.0f us %9.0f us %6.0f us%n", s.path(), s.mode(),
                    s.concurrency(), s.rps(), s.ttfbP50Ms(), s.ttfbP99Ms(), s.totalP50Ms(), s.totalP99Ms(), s.errors(),
                    s.benchCpuMicrosPerRequest(), s.serverCpuMicrosPerRequest(), s.serverJitCpuMicrosPerRequest());
        }
        System.out.println();
        ObjectNode added = out.putObject("added_latency_ms");
        ObjectNode versusNginx = out.putObject("proxy_versus_nginx");
        for (String mode : MODES) {
            for (int c : concurrencies) {
                Stats d = find(all, "direct", mode, c);
                for (Server path : paths.subList(1, paths.size())) {
                    Stats p = find(all, path.name(), mode, c);
                    ObjectNode m = added.with(path.name()).with(mode).putObject("c" + c);
                    m.put("ttfb_p50", p.ttfbP50Ms() - d.ttfbP50Ms());
                    m.put("ttfb_p99", p.ttfbP99Ms() - d.ttfbP99Ms());
                    m.put("total_p50", p.totalP50Ms() - d.totalP50Ms());
                    m.put("total_p99", p.totalP99Ms() - d.totalP99Ms());
                    m.put("throughput_ratio", p.rps() / d.rps());
                    System.out.printf("added by %-5s (%s, c=%d): ttfb p50 %+.3f ms, p99 %+.3f ms; total p50 %+.3f ms, p99 %+.3f ms; "
                                    + "throughput %.0f%% of direct; %.0f us CPU per request%n", path.name(), mode, c,
                            p.ttfbP50Ms() - d.ttfbP50Ms(), p.ttfbP99Ms() - d.ttfbP99Ms(), p.totalP50Ms() - d.totalP50Ms(),
                            p.totalP99Ms() - d.totalP99Ms(), 100 * p.rps() / d.rps(), p.serverCpuMicrosPerRequest());
                }
                if (nginx != null) {
                    Stats n = find(all, "nginx", mode, c);
                    Stats p = find(all, "proxy", mode, c);
                    ObjectNode v = versusNginx.with(mode).putObject("c" + c);
                    v.put("cpu_per_request_ratio", p.serverCpuMicrosPerRequest() / n.serverCpuMicrosPerRequest());
                    double compiled = p.serverCpuMicrosPerRequest() - p.serverJitCpuMicrosPerRequest();
                    v.put("cpu_per_request_ratio_without_jit", compiled / n.serverCpuMicrosPerRequest());
                    v.put("throughput_ratio", p.rps() / n.rps());
                    v.put("added_total_p50_minus_nginx_ms", p.totalP50Ms() - n.totalP50Ms());
                    v.put("added_total_p99_minus_nginx_ms", p.totalP99Ms() - n.totalP99Ms());
                    System.out.printf("proxy / nginx (%s, c=%d): CPU per request %.2fx (%.2fx without the proxy's JIT threads), "
                                    + "req/s %.2fx, total p50 %+.3f ms, p99 %+.3f ms%n",
                            mode, c, p.serverCpuMicrosPerRequest() / n.serverCpuMicrosPerRequest(), compiled / n.serverCpuMicrosPerRequest(),
                            p.rps() / n.rps(),
                            p.totalP50Ms() - n.totalP50Ms(), p.totalP99Ms() - n.totalP99Ms());
                }
            }
        }
        Path results = CcpPaths.fromEnvironment().resultsDir();
        Files.createDirectories(results);
        Path file = results.resolve("BENCH.json");
        json.writeValue(file.toFile(), out);
        System.out.println("written " + file);
        System.exit(0);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static Stats find(List<Stats> all, String path, String mode, int concurrency) {
        return all.stream().filter(s -> s.mode().equals(mode) && s.path().equals(path) && s.concurrency() == concurrency)
                .findFirst().orElseThrow();
    }

    /**
     * At concurrency 1 a round of 30 requests gives no p99 worth the name; the unpaced modes send at
     * least this many requests per round (spread over the clients), which costs a second or two.
     */
    private static final int UNPACED_MIN_PER_ROUND = 480;

    /** One path the clients can be pointed at: the fake itself, nginx in front of it, or the proxy. */
    record Server(String name, int port, java.util.function.LongSupplier cpu, java.util.function.LongSupplier jitCpu,
                  String describe, Stopper stopper) {
        Server(String name, int port, java.util.function.LongSupplier cpu, String describe, Stopper stopper) {
            this(name, port, cpu, () -> 0L, describe, stopper);
        }

        static Server direct(int port) {
            return new Server("direct", port, () -> 0L, "the fake provider itself, in the bench JVM", () -> { });
        }

        String url() {
            return "http://127.0.0.1:" + port + "/v1/messages";
        }

        long cpuNanos() {
            return cpu.getAsLong();
        }

        long jitCpuNanos() {
            return jitCpu.getAsLong();
        }

        void stop() throws Exception {
            stopper.stop();
        }
    }

    interface Stopper {
        void stop() throws Exception;
    }

    private static final int ROUNDS = 3;

    /** The proxy being measured: in this JVM, or its own process. */
    interface ProxyUnderTest {
        int port();

        /** CPU time the proxy's process used so far (0 when it shares this JVM). */
        long cpuNanos();

        /** The proxy's process id (this JVM's when it runs in process). */
        default long pid() {
            return ProcessHandle.current().pid();
        }

        String describe();

        void stop() throws Exception;
    }

    private static ProxyUnderTest inProcess(Map<String, String> env) {
        // BENCH_NO_EVENTS=1 replaces the event writer with a no-op (diagnosis only: what the event trail costs).
        boolean noEvents = System.getenv("BENCH_NO_EVENTS") != null;
        ProxyServer proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, env), java.time.InstantSource.system(),
                ctx -> noEvents ? ctx.toBuilder().events(e -> { }).build() : ctx);
        return new ProxyUnderTest() {
            public int port() {
                return proxy.port();
            }

            public long cpuNanos() {
                return 0;
            }

            public String describe() {
                return "in the bench JVM" + (noEvents ? " (events off)" : "");
            }

            public void stop() {
                proxy.stop("bench");
            }
        };
    }

    /** Starts dev.ccp.proxy.Main in its own JVM with the launcher's flags (see bin/lib/common.sh). */
    static ProxyUnderTest childProcess(Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ChildJvm.jvmFlags());
        Path root = ChildJvm.projectRoot();
        Path proxyOptions = root.resolve("configs/proxy.jvm.options");
        String extra = System.getenv("BENCH_PROXY_OPTS");
        // As bin/lib/common.sh: flags that name another collector replace the file's.
        if (Files.isRegularFile(proxyOptions) && (extra == null || !extra.matches(".*XX:\\+Use\\w*GC.*"))) {
            command.add("@" + proxyOptions);
        }
        command.add("-Djava.util.logging.config.file=" + root.resolve("configs/logging.properties"));
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.ccp.proxy.Main", "--port", "0"));
        ChildJvm child = ChildJvm.start(command, env);
        java.util.regex.Pattern listening = java.util.regex.Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        int port = -1;
        while (port < 0) {
            for (String line : child.stderr()) {
                java.util.regex.Matcher m = listening.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            if (port < 0) {
                if (!child.process().isAlive() || System.nanoTime() > deadline) {
                    child.close();
                    throw new IllegalStateException("the proxy process did not start:\n" + String.join("\n", child.stderr()));
                }
                Thread.sleep(50);
            }
        }
        int boundPort = port;
        String flags = String.join(" ", command.subList(1, command.indexOf("-cp")));
        return new ProxyUnderTest() {
            public int port() {
                return boundPort;
            }

            public long cpuNanos() {
                return child.process().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
            }

            public String describe() {
                return "own JVM process (pid " + child.pid() + "): " + flags.replace(root + "/", "");
            }

            public long pid() {
                return child.pid();
            }

            public void stop() throws Exception {
                child.terminate();
                if (!child.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    child.kill();
                }
            }
        };
    }

    /** One round's samples, and the CPU time each process used during it. */
    record Raw(long[] ttfb, long[] total, double seconds, int errors, long benchCpuNanos, long serverCpuNanos,
               long serverJitCpuNanos) {
        Raw withCpu(long bench, long proxy, long proxyJit) {
            return new Raw(ttfb, total, seconds, errors, bench, proxy, proxyJit);
        }
    }

    interface Round {
        Raw run() throws Exception;
    }

    private static Raw measured(Server proxy, Round round) throws Exception {
        long bench0 = benchCpuNanos();
        long proxy0 = proxy.cpuNanos();
        long jit0 = proxy.jitCpuNanos();
        Raw raw = round.run();
        return raw.withCpu(benchCpuNanos() - bench0, proxy.cpuNanos() - proxy0, proxy.jitCpuNanos() - jit0);
    }

    /**
     * CPU time of a JVM's JIT compiler threads (Linux: the {@code C1/C2 CompilerThread} tasks in /proc),
     * 0 when it cannot be read. On a loaded 2-core machine C2 may still be compiling request-level
     * methods well after the warm-up; this tells that cost from the compiled steady state's.
     */
    static long jitCpuNanos(long pid) {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    if (!comm.startsWith("C1 Compiler") && !comm.startsWith("C2 Compiler")) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return ticks * 10_000_000L; // USER_HZ = 100
    }

    /** A process's resident set size (Linux), in MiB; 0 when it cannot be read. */
    static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return 0;
    }

    /** The machine's load average (Linux), to tell a quiet run from a busy one. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static long benchCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static Stats merge(String path, String mode, int concurrency, List<Raw> rounds) {
        long[] ttfb = rounds.stream().flatMapToLong(r -> Arrays.stream(r.ttfb())).toArray();
        long[] total = rounds.stream().flatMapToLong(r -> Arrays.stream(r.total())).toArray();
        double seconds = rounds.stream().mapToDouble(Raw::seconds).sum();
        int errors = rounds.stream().mapToInt(Raw::errors).sum();
        double benchCpu = rounds.stream().mapToLong(Raw::benchCpuNanos).sum() / 1e3 / ttfb.length;
        double serverCpu = rounds.stream().mapToLong(Raw::serverCpuNanos).sum() / 1e3 / ttfb.length;
        double serverJitCpu = rounds.stream().mapToLong(Raw::serverJitCpuNanos).sum() / 1e3 / ttfb.length;
        return new Stats(path, mode, concurrency, ttfb.length, seconds, ttfb.length / seconds, pct(ttfb, 50), pct(ttfb, 99),
                pct(total, 50), pct(total, 99), errors, benchCpu, serverCpu, serverJitCpu);
    }

    private static Raw run(HttpClient client, String url, String mode, int concurrency, int perClient)
            throws Exception {
        boolean stream = mode.startsWith("stream");
        String model = mode.equals("stream") ? "claude-sonnet-4-5-paced" : "claude-sonnet-4-5";
        byte[] body = ("{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("content-type", "application/json").header("x-api-key", "sk-ant-bench")
                .header("anthropic-version", "2023-06-01").build();
        long[] ttfb = new long[concurrency * perClient];
        long[] total = new long[concurrency * perClient];
        int[] errors = new int[1];
        long start = System.nanoTime();
        try (ExecutorService pool = clientThreads()) {
            List<Future<?>> futures = new ArrayList<>();
            // BENCH_STAGGER=1: paced clients start spread over one stream's length, so requests and
            // events arrive evenly, as from independent sessions, instead of in bursts of 64.
            long spread = STAGGER && mode.equals("stream") ? TimeUnit.MILLISECONDS.toNanos((long) gapMillis * SSE_EVENTS.size()) : 0;
            for (int c = 0; c < concurrency; c++) {
                int base = c * perClient;
                long startDelay = spread * c / concurrency;
                futures.add(pool.submit(() -> {
                    byte[] buf = new byte[8192];
                    if (startDelay > 0) {
                        TimeUnit.NANOSECONDS.sleep(startDelay);
                    }
                    for (int i = 0; i < perClient; i++) {
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<InputStream> res = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                            long first = -1;
                            try (InputStream in = res.body()) {
                                int n;
                                while ((n = in.read(buf)) >= 0) {
                                    if (first < 0 && n > 0) {
                                        first = System.nanoTime();
                                    }
                                }
                            }
                            long end = System.nanoTime();
                            if (res.statusCode() != 200) {
                                synchronized (errors) {
                                    errors[0]++;
                                }
                            }
                            ttfb[base + i] = (first < 0 ? end : first) - t0;
                            total[base + i] = end - t0;
                        } catch (IOException | InterruptedException e) {
                            synchronized (errors) {
                                errors[0]++;
                            }
                            ttfb[base + i] = total[base + i] = System.nanoTime() - t0;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Raw(ttfb, total, seconds, errors[0], 0, 0, 0);
    }

    /**
     * The clients' threads: platform threads by default, so that the clients (Claude Code, elsewhere in
     * production) do not share the virtual-thread carriers of the fake provider living in the same JVM.
     * With virtual clients the direct path's client and fake queued behind each other on the same two
     * carriers while the proxied path had the proxy's scheduler in between: the direct path looked
     * slower than it is (direct TTFB p50 ~1.0 ms against ~0.6 ms) and the proxy's added latency came
     * out below zero. BENCH_CLIENT_THREADS=virtual brings the old way back.
     */
    private static ExecutorService clientThreads() {
        return "virtual".equals(System.getenv("BENCH_CLIENT_THREADS")) ? Executors.newVirtualThreadPerTaskExecutor()
                : Executors.newCachedThreadPool();
    }

    private static double pct(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static final java.util.Set<String> PEERS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static void answer(ServerRequest req, ServerResponse res) throws IOException {
        PEERS.add(req.remotePeer().address().toString());
        byte[] body = req.content().inputStream().readAllBytes();
        String text = new String(body, StandardCharsets.UTF_8);
        boolean stream = text.contains("\"stream\":true");
        boolean paced = text.contains("-paced");
        res.header("request-id", "req_bench");
        if (!stream) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(JSON_ANSWER);
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        try (OutputStream os = res.outputStream()) {
            for (byte[] event : SSE_EVENTS) {
                os.write(event);
                os.flush();
                if (paced && gapMillis > 0) {
                    try {
                        Thread.sleep(gapMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private static List<byte[]> sseEvents() {
        List<String> events = new ArrayList<>();
        events.add("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,"
                + "\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}\n\n");
        events.add("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        events.add("event: ping\ndata: {\"type\": \"ping\"}\n\n");
        for (int i = 0; i < 8; i++) {
            events.add("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"token " + i + " \"}}\n\n");
        }
        events.add("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        events.add("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                + "\"usage\":{\"output_tokens\":15}}\n\n");
        events.add("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        return events.stream().map(e -> e.getBytes(StandardCharsets.UTF_8)).toList();
    }
}
