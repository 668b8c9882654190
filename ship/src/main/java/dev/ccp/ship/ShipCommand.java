package dev.ccp.ship;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.Members;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/** The shipper's command line. Exit status: 0 stopped, 1 cannot go on, 2 bad usage or I/O (one line, no trace). */
@Command(name = "ccp-ship", mixinStandardHelpOptions = true, version = "ccp-ship 0.1.0",
        description = {"Ships the local event log (CCP_LOG_DIR/queue) to a Kafka topic, exactly once,",
                "for team projections. While Kafka is unreachable the local log keeps every event and",
                "the shipper retries with backoff. See docs/TEAM.md."})
final class ShipCommand implements Callable<Integer> {
    private static final Pattern BOOTSTRAP = Pattern.compile("[^\\s,:]+:\\d{1,5}(,[^\\s,:]+:\\d{1,5})*");
    /** Kept referenced: java.util.logging holds loggers weakly, and a collected one forgets its level. */
    private static final Logger KAFKA_LOGGER = Logger.getLogger("org.apache.kafka");

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,HOST:PORT]", defaultValue = "${env:CCP_KAFKA_BOOTSTRAP}",
            description = "Kafka bootstrap servers (default CCP_KAFKA_BOOTSTRAP)")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "${env:CCP_KAFKA_TOPIC:-ccp.events}",
            description = "the events topic (default CCP_KAFKA_TOPIC, else ccp.events); positions go to TOPIC.shipped")
    String topic;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:CCP_KAFKA_CONFIG}",
            description = "Kafka client properties (TLS, SASL, …) passed through as they are (default CCP_KAFKA_CONFIG)")
    Path kafkaConfig;

    @Option(names = "--member", paramLabel = "NAME", defaultValue = "${env:CCP_MEMBER}",
            description = "the member named on every record (default CCP_MEMBER, else user@host)")
    String member;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:CCP_SHIP_PORT:-8084}",
            description = "port of GET /readyz on 127.0.0.1 (0 = off; default CCP_SHIP_PORT, else 8084)")
    int port;

    static int execute(String[] args) {
        KAFKA_LOGGER.setLevel(Level.SEVERE);
        CommandLine cl = new CommandLine(new ShipCommand());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("ccp-ship: " + Shipper.oneLine(e));
            return e instanceof ShipException ? 1 : 2;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("ccp-ship: " + e.getMessage() + " (see --help)");
            return 2;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        if (bootstrap == null || bootstrap.isBlank()) {
            System.err.println("ccp-ship: no Kafka to ship to: give --bootstrap HOST:PORT or set CCP_KAFKA_BOOTSTRAP");
            return 2;
        }
        if (!BOOTSTRAP.matcher(bootstrap.strip()).matches()) {
            System.err.println("ccp-ship: --bootstrap must be HOST:PORT[,HOST:PORT…], not '" + bootstrap + "'");
            return 2;
        }
        Properties props = clientProperties(kafkaConfig, bootstrap.strip());
        String who = member == null || member.isBlank() ? Members.fromEnvironment() : member.strip();
        CcpPaths paths = CcpPaths.fromEnvironment();
        Shipper shipper = new Shipper(paths.logDir(), topic, who, props);
        StatusServer server = null;
        if (port > 0) {
            try {
                server = StatusServer.start(port, shipper.status());
            } catch (IOException e) {
                System.err.println("ccp-ship: cannot listen on 127.0.0.1:" + port + " for /readyz (" + e.getMessage()
                        + "); pick another with --port or CCP_SHIP_PORT, or 0 to turn it off");
                return 2;
            }
        }
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.set(true);
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ccp-ship-stop"));
        System.out.println("ccp-ship: shipping " + paths.queueDir() + " to " + topic + " at " + bootstrap.strip()
                + " as " + who + " (source " + shipper.source() + ")"
                + (server != null ? "; backlog on http://127.0.0.1:" + server.port() + "/readyz" : ""));
        System.out.flush();
        try {
            shipper.run(stop::get);
            return 0;
        } finally {
            if (server != null) {
                server.close();
            }
            stopped.countDown();
        }
    }

    /** The client properties file (if any) with the bootstrap servers set. */
    static Properties clientProperties(Path file, String bootstrap) throws IOException {
        Properties p = new Properties();
        if (file != null && !file.toString().isBlank()) {
            if (!Files.isReadable(file)) {
                throw new IOException("cannot read the Kafka client properties " + file);
            }
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
        }
        p.put("bootstrap.servers", bootstrap);
        return p;
    }
}
