package dev.ccp.kafkadev;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The command line of {@code bin/ccp-kafka-dev}. */
@Command(name = "ccp-kafka-dev", mixinStandardHelpOptions = true, version = "ccp-kafka-dev 0.1.0",
        description = {"Starts one Apache Kafka broker (KRaft: broker and controller in one process) on 127.0.0.1",
                "in the foreground, for trying team mode on one machine. Ctrl-C or SIGTERM stops it;",
                "started again on the same --dir it keeps its topics. See docs/TEAM.md."})
final class KafkaDevCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "the client port on 127.0.0.1 (default 9092)")
    int port;

    @Option(names = "--controller-port", paramLabel = "PORT", defaultValue = "0",
            description = "the KRaft controller port on 127.0.0.1 (default: the one this --dir used before, else a free one)")
    int controllerPort;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "${env:CCP_KAFKA_DEV_DIR:-logs/kafka-dev}",
            description = "where the broker keeps its data (default CCP_KAFKA_DEV_DIR, else logs/kafka-dev)")
    Path dir;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "3",
            description = "partitions of a topic created on first use (default 3)")
    int partitions;

    static int execute(String[] args) {
        CommandLine cl = new CommandLine(new KafkaDevCommand());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("ccp-kafka-dev: " + DevBroker.oneLine(e));
            return 2;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("ccp-kafka-dev: " + e.getMessage() + " (see --help)");
            return 2;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535) {
            System.err.println("ccp-kafka-dev: --port must be 1-65535, not " + port);
            return 2;
        }
        Path home = Path.of(System.getProperty("ccp.home", System.getProperty("user.dir")));
        DevBroker broker = DevBroker.start(home.resolve(dir).toAbsolutePath().normalize(), port, controllerPort, partitions);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "ccp-kafka-dev-stop"));
        System.out.println("ccp-kafka-dev: ready on 127.0.0.1:" + port + " (KRaft, one node, data in " + broker.dataDir()
                + "); Ctrl-C stops it");
        System.out.flush();
        broker.awaitShutdown();
        return 0;
    }
}
