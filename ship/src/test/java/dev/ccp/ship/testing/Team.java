package dev.ccp.ship.testing;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.projector.Projector;
import dev.ccp.projector.Settings;
import dev.ccp.projector.Summary;
import dev.ccp.projector.TopicSource;
import dev.ccp.projector.metrics.ProjectorMetrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What the team tests share: a member's folders and processes, and the projections to compare. */
public final class Team {
    private Team() {
    }

    /** The environment of a process working on {@code root}'s folders (as CCP_LOG_DIR etc. set them). */
    public static Map<String, String> env(Path root, String member) {
        Map<String, String> env = new HashMap<>();
        env.put("CCP_HOME", root.toString());
        env.put("CCP_LOG_DIR", root.resolve("logs").toString());
        env.put("CCP_RESULTS_DIR", root.resolve("results").toString());
        env.put("CCP_MEMBER", member);
        env.put("CCP_SHIP_PORT", "0");
        env.put("CCP_PROJECTOR_METRICS_PORT", "0");
        return env;
    }

    /** Writes until {@link #stopWriter} (0 requests), or a number of requests. */
    public static ChildJvm writer(Path root, String member, int requests, int perSecond) {
        return ChildJvm.start(TrafficWriterMain.class, env(root, member), CcpPaths.under(root).queueDir().toString(), member,
                Integer.toString(requests), Integer.toString(perSecond));
    }

    public static ChildJvm shipper(Path root, String member, String bootstrap, String topic, String... more) {
        List<String> args = new ArrayList<>(List.of("--bootstrap", bootstrap, "--topic", topic));
        args.addAll(List.of(more));
        if (!args.contains("--port")) {
            args.addAll(List.of("--port", "0"));
        }
        return ChildJvm.start(dev.ccp.ship.Main.class, env(root, member), args.toArray(String[]::new));
    }

    /** Tells an endless writer to stop; returns how many requests it wrote. */
    public static int stopWriter(Path root, ChildJvm writer) {
        try {
            Files.writeString(CcpPaths.under(root).logDir().resolve("writer.stop"), "stop\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> writer.stdout().stream().anyMatch(l -> l.startsWith("wrote ")));
        return Integer.parseInt(writer.stdout().stream().filter(l -> l.startsWith("wrote ")).findFirst().orElseThrow()
                .substring("wrote ".length()));
    }

    /** The local projections of a member's log, brought up to date in this JVM. */
    public static List<String> localUsage(Path root) {
        CcpPaths paths = CcpPaths.under(root);
        Projector.catchUp(paths, Set.of("usage-jsonl"), Settings.fromEnvironment(), dev.ccp.projector.Progress.NONE);
        return lines(paths.usageJsonl());
    }

    /** The team projections of {@code topic}, brought up to date in this JVM (as --once does). */
    public static Summary teamOnce(Path teamRoot, String bootstrap, String topic, boolean rebuild) {
        CcpPaths paths = CcpPaths.under(teamRoot);
        TopicSource source = TopicSource.parse("kafka://" + bootstrap + "/" + topic, null);
        return Projector.fromTopic(source, paths, Set.of(), Settings.fromEnvironment(), rebuild, false,
                dev.ccp.projector.Progress.NONE, new ProjectorMetrics(() -> 0), () -> false);
    }

    public static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each line's request id, counted: every value must be 1 for exactly once. */
    public static Map<String, Integer> countByRequest(List<String> usageLines) {
        Map<String, Integer> n = new TreeMap<>();
        for (String l : usageLines) {
            int i = l.indexOf("\"req_id\":\"") + 10;
            n.merge(l.substring(i, l.indexOf('"', i)), 1, Integer::sum);
        }
        return n;
    }

    /** A free loopback port, for a process that must be told its port. */
    public static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The team projector as its own process, following the topic. */
    public static ChildJvm teamProjector(Path teamRoot, String bootstrap, String topic, String... more) {
        List<String> args = new ArrayList<>(List.of("--source", "kafka://" + bootstrap + "/" + topic, "--metrics-port", "0"));
        args.addAll(List.of(more));
        return ChildJvm.start(dev.ccp.projector.Main.class, env(teamRoot, "team"), args.toArray(String[]::new));
    }

    /** A number field of a JSON text, -1 when absent or not JSON. */
    public static long number(String json, String field) {
        try {
            return dev.ccp.events.EventCodec.mapper().readTree(json).path(field).asLong(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** GET a loopback URL: status and body; status 0 when nothing answers. */
    public static java.util.Map.Entry<Integer, String> get(int port, String path) {
        try {
            var c = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).build();
            var r = c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                            .timeout(java.time.Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return java.util.Map.entry(r.statusCode(), r.body());
        } catch (IOException e) {
            return java.util.Map.entry(0, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Map.entry(0, "");
        }
    }

    /** Sums of a numeric usage field grouped by a text field ("lane", "member"), with the request count. */
    public static Map<String, long[]> totalsBy(List<String> usageLines, String field) {
        Map<String, long[]> out = new TreeMap<>();
        for (String l : usageLines) {
            try {
                var n = dev.ccp.events.EventCodec.mapper().readTree(l);
                long[] t = out.computeIfAbsent(n.path(field).asText("?"), k -> new long[3]);
                t[0]++;
                t[1] += n.path("input_tokens").asLong();
                t[2] += n.path("output_tokens").asLong();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** A printable form of {@link #totalsBy}, for assertEquals. */
    public static String totalsText(List<String> usageLines, String field) {
        StringBuilder sb = new StringBuilder();
        totalsBy(usageLines, field).forEach((k, v) -> sb.append(k).append(": requests=").append(v[0])
                .append(" in=").append(v[1]).append(" out=").append(v[2]).append('\n'));
        return sb.toString();
    }
    /** The ccp threads of a stuck process, for the failure message. */
    public static String threads(long pid) {
        try {
            Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                    Long.toString(pid)).redirectErrorStream(true).start();
            String dump = new String(jstack.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder();
            for (String thread : dump.split("\n\n")) {
                if (thread.contains("dev.ccp")) {
                    sb.append(thread, 0, Math.min(thread.length(), 3000)).append('\n');
                }
            }
            return sb.toString();
        } catch (java.io.IOException e) {
            return "(no jstack: " + e.getMessage() + ")\n";
        }
    }

    /** Waits; on timeout fails with what the processes printed on stderr and where their threads stand. */
    public static void awaitOrShow(List<ChildJvm> processes, java.time.Duration atMost, java.util.concurrent.Callable<Boolean> until) {
        try {
            org.awaitility.Awaitility.await().atMost(atMost).until(until);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder sb = new StringBuilder(e.getMessage());
            for (ChildJvm p : processes) {
                sb.append("\n--- pid ").append(p.pid()).append(p.process().isAlive() ? " (alive)" : " (gone)").append(":\n");
                p.stdout().forEach(l -> sb.append("out: ").append(l).append('\n'));
                p.stderr().stream().filter(l -> l.contains("WARN") || l.contains("SEVERE") || l.contains("Exception")
                                || l.contains("ccp-") || l.startsWith("Caused")).limit(60)
                        .forEach(l -> sb.append("err: ").append(l).append('\n'));
                if (p.process().isAlive()) {
                    sb.append(threads(p.pid()));
                }
            }
            throw new AssertionError(sb.toString(), e);
        }
    }


    /** What a failed comparison shows: team lines absent from the local ones, and lines the team has twice. */
    public static String differences(List<String> local, List<String> team) {
        java.util.Set<String> localSet = new java.util.HashSet<>(local);
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<String> out = new java.util.ArrayList<>();
        for (String line : team) {
            if (!localSet.contains(line)) {
                out.add("not local: " + line);
            } else if (!seen.add(line)) {
                out.add("twice: " + line);
            }
        }
        return out.size() > 20 ? out.subList(0, 20) + " … (" + out.size() + ")" : out.toString();
    }

    /**
     * Event ids the topic holds more than once (committed records only): tells a shipper that shipped
     * twice from a projector that applied twice.
     */
    public static String eventsShippedTwice(String bootstrap, String topic) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        Map<String, Integer> seen = new HashMap<>();
        Map<String, List<String>> where = new HashMap<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(p)) {
            List<org.apache.kafka.common.TopicPartition> parts = new ArrayList<>();
            for (var info : consumer.partitionsFor(topic, java.time.Duration.ofSeconds(30))) {
                parts.add(new org.apache.kafka.common.TopicPartition(topic, info.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(parts, java.time.Duration.ofSeconds(30));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (var r : consumer.poll(java.time.Duration.ofMillis(200))) {
                    String v = new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
                    int at = v.indexOf("\"id\":\"");
                    String id = at < 0 ? v : v.substring(at + 6, v.indexOf('"', at + 6));
                    seen.merge(id, 1, Integer::sum);
                    where.computeIfAbsent(id, k -> new ArrayList<>()).add(r.partition() + "@" + r.offset());
                }
            }
        }
        long twice = seen.values().stream().filter(n -> n > 1).count();
        return seen.size() + " distinct events on the topic, " + twice + " of them more than once: "
                + where.entrySet().stream().filter(e -> e.getValue().size() > 1).map(e -> e.getKey() + "=" + e.getValue()).toList();
    }
}
