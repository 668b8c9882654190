package dev.ccp.projector.follow;

import dev.ccp.events.LogEntry;

import java.util.List;

/** Where the tail loop's entries come from: the local log, or a team topic. */
interface EntryReader extends AutoCloseable {

    /** The next chunk, {@link LogReader#CAUGHT_UP}, or null when nothing came within the timeout. */
    List<LogEntry> poll(long millis);

    /**
     * The source's own position after the last chunk polled, saved with the checkpoint; null when the
     * entry index alone is the position (the local log).
     */
    default String positionAfterPolled() {
        return null;
    }

    /** Entries in the source not yet polled. */
    long lag();

    @Override
    void close();
}
