package dev.ccp.kafkadev;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One Kafka broker in KRaft combined mode (broker and controller in this process), listening on
 * loopback only. The storage is formatted on first start (what {@code kafka-storage format} does);
 * the cluster id and controller port are kept in the folder, so a restart on the same folder
 * finds its topics again.
 */
final class DevBroker {
    private static final String SETTINGS = "ccp-kafka-dev.properties";

    private final KafkaRaftServer server;
    private final Path dataDir;
    private volatile boolean stopped;

    private DevBroker(KafkaRaftServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    static DevBroker start(Path dir, int port, int controllerPort, int partitions) throws Exception {
        Files.createDirectories(dir);
        Path settingsFile = dir.resolve(SETTINGS);
        Properties kept = new Properties();
        if (Files.exists(settingsFile)) {
            try (Reader r = Files.newBufferedReader(settingsFile)) {
                kept.load(r);
            }
        }
        String clusterId = kept.getProperty("cluster.id", Uuid.randomUuid().toString());
        int cport = controllerPort > 0 ? controllerPort
                : free(Integer.parseInt(kept.getProperty("controller.port", "0")));
        kept.setProperty("cluster.id", clusterId);
        kept.setProperty("controller.port", Integer.toString(cport));
        try (Writer w = Files.newBufferedWriter(settingsFile)) {
            kept.store(w, "kept by ccp-kafka-dev across restarts");
        }

        Path data = dir.resolve("data");
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + cport);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + cport);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", data.toString());
        props.put("num.partitions", Integer.toString(partitions));
        props.put("auto.create.topics.enable", "true");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // Small machine: fewer threads than the defaults.
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("background.threads", "2");
        Path config = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            props.store(w, "written by ccp-kafka-dev at each start");
        }

        if (!Files.exists(data.resolve("meta.properties"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            if (status != 0) {
                throw new IOException("cannot format the broker storage in " + data + ": "
                        + out.toString(StandardCharsets.UTF_8).trim());
            }
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        DevBroker broker = new DevBroker(server, data);
        broker.awaitReady(port);
        return broker;
    }

    Path dataDir() {
        return dataDir;
    }

    /** Waits until a client sees the node as the controller and the broker, so producers connect at once. */
    private void awaitReady(int port) throws Exception {
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = Admin.create(conf)) {
                if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                    admin.listTopics().names().get(10, TimeUnit.SECONDS);
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IOException("the broker did not become ready within 120 s"
                + (last == null ? "" : ": " + oneLine(last)));
    }

    void awaitShutdown() {
        server.awaitShutdown();
    }

    synchronized void stop() {
        if (!stopped) {
            stopped = true;
            server.shutdown();
            server.awaitShutdown();
        }
    }

    /** {@code preferred} when it is free (0: none), else any free port on loopback. */
    private static int free(int preferred) {
        if (preferred > 0) {
            try (ServerSocket s = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException busy) {
                // Taken since: pick another; the voters are in the configuration, not in the data.
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String oneLine(Throwable e) {
        Throwable t = e;
        while ((t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
