package dev.ccp.proxy.bench;

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
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code make bench-large-stream}: one very long SSE answer (500 MiB by default,
 * {@code BENCH_STREAM_MIB}) relayed by the proxy in its own process, with the proxy's heap after a
 * full collection printed before and after, and its resident set size. A relay that buffered the
 * answer, or leaked per event, would show it as a heap that grows with the stream.
 */
public final class LargeStreamBench {
    private static final byte[] DELTA = ("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + "x".repeat(4000) + "\"}}\n\n").getBytes(StandardCharsets.UTF_8);

    private LargeStreamBench() {
    }

    public static void main(String[] args) throws Exception {
        long mib = Long.parseLong(System.getenv().getOrDefault("BENCH_STREAM_MIB", "500"));
        long events = mib * 1024 * 1024 / DELTA.length;
        WebServer fake = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .routing(r -> r.post("/v1/messages", (req, res) -> stream(req, res, events))).build().start();
        Path tmp = Files.createTempDirectory("ccp-bench-large");
        Path catalog = dev.ccp.proxy.testing.OneProviderCatalog.write(tmp, "http://127.0.0.1:" + fake.port());
        Map<String, String> env = new HashMap<>();
        env.put("CCP_LOG_DIR", tmp.resolve("logs").toString());
        env.put("CCP_PROVIDERS_FILE", catalog.toString());
        ProxyBench.ProxyUnderTest proxy = ProxyBench.childProcess(env);
        System.out.println("proxy: " + proxy.describe());
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // A small answer first, so "before" is the heap of a proxy that has served, not of one just started.
        relay(client, proxy.port(), 0);
        Heap before = Heap.of(proxy.pid());
        System.out.printf("before: heap after full GC %.1f MiB (committed %.1f MiB), RSS %.1f MiB%n",
                before.usedMiB(), before.committedMiB(), before.rssMiB());
        // The resident set while the stream runs, not only after it: a heap that grows and is
        // collected at the end would show here.
        double[] peakRss = {before.rssMiB()};
        Thread watcher = Thread.ofPlatform().daemon(true).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakRss[0] = Math.max(peakRss[0], ProxyBench.rssMiB(proxy.pid()));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long t0 = System.nanoTime();
        long bytes = relay(client, proxy.port(), 1);
        double seconds = (System.nanoTime() - t0) / 1e9;
        watcher.interrupt();
        watcher.join();
        Heap after = Heap.of(proxy.pid());
        System.out.printf("relayed %.1f MiB in %.1f s (%.0f MiB/s)%n", bytes / 1048576.0, seconds, bytes / 1048576.0 / seconds);
        System.out.printf("after:  heap after full GC %.1f MiB (committed %.1f MiB), RSS %.1f MiB%n",
                after.usedMiB(), after.committedMiB(), after.rssMiB());
        System.out.printf("heap growth across the stream: %+.1f MiB after full GC, %+.1f MiB committed; RSS %+.1f MiB,"
                + " highest while relaying %.1f MiB%n", after.usedMiB() - before.usedMiB(), after.committedMiB() - before.committedMiB(),
                after.rssMiB() - before.rssMiB(), peakRss[0]);
        proxy.stop();
        fake.stop();
        System.exit(0);
    }

    private static long relay(HttpClient client, int port, int large) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-4-5\",\"stream\":true,\"large\":" + large
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .header("content-type", "application/json").header("x-api-key", "sk-ant-bench").build();
        HttpResponse<InputStream> res = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        long total = 0;
        byte[] buf = new byte[65536];
        try (InputStream in = res.body()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
            }
        }
        if (res.statusCode() != 200) {
            throw new IOException("the proxy answered " + res.statusCode());
        }
        return total;
    }

    private static void stream(ServerRequest req, ServerResponse res, long events) throws IOException {
        boolean large = new String(req.content().inputStream().readAllBytes(), StandardCharsets.UTF_8).contains("\"large\":1");
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        try (OutputStream os = res.outputStream()) {
            os.write(("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_large\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"usage\":{\"input_tokens\":10,"
                    + "\"output_tokens\":1}}}\n\n").getBytes(StandardCharsets.UTF_8));
            for (long i = 0, n = large ? events : 10; i < n; i++) {
                os.write(DELTA);
            }
            os.write(("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                    + "\"usage\":{\"output_tokens\":" + (large ? events : 10) + "}}\n\n"
                    + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The proxy's heap after a full collection (jcmd GC.run then GC.heap_info) and its resident set. */
    record Heap(double usedMiB, double committedMiB, double rssMiB) {
        private static final Pattern USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

        static Heap of(long pid) throws IOException, InterruptedException {
            jcmd(pid, "GC.run");
            String info = jcmd(pid, "GC.heap_info");
            long committed = 0;
            long used = 0;
            Matcher m = USED.matcher(info);
            while (m.find()) {
                committed += Long.parseLong(m.group(1));
                used += Long.parseLong(m.group(2));
            }
            return new Heap(used / 1024.0, committed / 1024.0, ProxyBench.rssMiB(pid));
        }

        private static String jcmd(long pid, String command) throws IOException, InterruptedException {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        }
    }
}
