package dev.ccp.ship;

/** {@code bin/ccp-ship}: ships the local event log to a Kafka topic. See {@link ShipCommand}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(ShipCommand.execute(args));
    }
}
