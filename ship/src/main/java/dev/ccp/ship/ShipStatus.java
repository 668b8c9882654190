package dev.ccp.ship;

/** What {@code /readyz} shows: whether Kafka is reachable, the backlog, what was shipped. */
public final class ShipStatus {
    private volatile boolean connected;
    private volatile String problem = "connecting";
    private volatile long position = -1;
    private volatile long shipped;
    private volatile long backlog = -1;
    private volatile long retries;

    void connected(long position, long shipped, long backlog) {
        this.connected = true;
        this.problem = null;
        this.position = position;
        this.shipped = shipped;
        this.backlog = backlog;
    }

    void unreachable(String why) {
        connected = false;
        problem = why;
        retries++;
    }

    void shipped(long position, int n, long backlog) {
        this.position = position;
        this.shipped += n;
        this.backlog = backlog;
    }

    void backlog(long n) {
        backlog = n;
    }

    public boolean isConnected() {
        return connected;
    }

    /** Local queue index of the last event shipped (committed in Kafka), -1 before the first. */
    public long position() {
        return position;
    }

    /** Events shipped by this log over its life (committed in Kafka). */
    public long shipped() {
        return shipped;
    }

    /** Events in the local log not yet shipped; -1 until known. */
    public long backlog() {
        return backlog;
    }

    /** Failed attempts to reach Kafka since the start (each one retried after a backoff). */
    public long retries() {
        return retries;
    }

    String json() {
        var node = dev.ccp.events.EventCodec.mapper().createObjectNode();
        node.put("status", connected ? "shipping" : "kafka_unreachable");
        node.put("backlog", backlog);
        node.put("shipped", shipped);
        node.put("position", position);
        node.put("retries", retries);
        if (problem != null) {
            node.put("error", problem);
        }
        return node.toString();
    }
}
