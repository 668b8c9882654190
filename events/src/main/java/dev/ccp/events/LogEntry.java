package dev.ccp.events;

/** One document read from the log: a decoded event, or one that could not be read. */
public sealed interface LogEntry {

    /** The document's queue index: its position in the log, stable across readers and replays. */
    long index();

    /** An event decoded (and upcast to the current schema where it was older). */
    record Read(long index, Event event) implements LogEntry {
    }

    /** A document that is not a readable event: unknown type, newer version, broken JSON. */
    record Unreadable(long index, String reason) implements LogEntry {
    }
}
