package dev.ccp.events;

/** One document read from the log: a decoded event, or one that could not be read. */
public sealed interface LogEntry {

    /** The document's queue index: its position in the log, stable across readers and replays. */
    long index();

    /**
     * An event decoded (and upcast to the current schema where it was older). {@code member} is the
     * member the transport names for it (a team topic's {@code ccp-member} header), null from the local
     * log, where {@code ProxyStarted} says it.
     */
    record Read(long index, Event event, String member) implements LogEntry {

        public Read(long index, Event event) {
            this(index, event, null);
        }
    }

    /** A document that is not a readable event: unknown type, newer version, broken JSON. */
    record Unreadable(long index, String reason) implements LogEntry {
    }
}
