package dev.ccp.kafkadev;


/** {@code bin/ccp-kafka-dev}: one Apache Kafka broker in the foreground. Exit 2 on usage or I/O errors. */
public final class KafkaDevMain {
    private static final java.util.List<java.util.logging.Logger> QUIET = new java.util.ArrayList<>();

    private KafkaDevMain() {
    }

    public static void main(String[] args) {
        // The broker's INFO lines would bury the one line that matters; its warnings and errors stay.
        for (String name : new String[] {"kafka", "org.apache.kafka", "state.change.logger"}) {
            QUIET.add(java.util.logging.Logger.getLogger(name));
        }
        QUIET.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
        int status = KafkaDevCommand.execute(args);
        if (status != 0) {
            System.exit(status);
        }
    }
}
