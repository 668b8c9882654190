package dev.ccp.projector.follow;

import dev.ccp.events.EventLog;
import dev.ccp.events.EventTailer;
import dev.ccp.events.LogEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads and decodes the log on its own thread and hands the entries over in chunks through a small
 * bounded queue, so decoding JSON runs beside projecting (two cores) and the heap stays bounded.
 * An empty chunk ({@link #CAUGHT_UP}) says the reader has reached the end of the log for now.
 */
final class LogReader implements EntryReader {
    static final List<LogEntry> CAUGHT_UP = List.of();
    private static final int CHUNK = 1024;

    private final Handoff<List<LogEntry>> handoff = new Handoff<>(32);
    private final Thread thread;

    LogReader(EventLog log, long after, boolean follow) {
        thread = Thread.ofPlatform().daemon().name("ccp-projector-reader").start(() -> run(log, after, follow));
    }

    private void run(EventLog log, long after, boolean follow) {
        try (EventTailer tailer = log.after(after)) {
            List<LogEntry> chunk = new ArrayList<>(CHUNK);
            while (!handoff.isClosed()) {
                LogEntry e = tailer.next();
                if (e != null) {
                    chunk.add(e);
                    if (chunk.size() == CHUNK) {
                        handoff.put(chunk);
                        chunk = new ArrayList<>(CHUNK);
                    }
                    continue;
                }
                if (!chunk.isEmpty()) {
                    handoff.put(chunk);
                    chunk = new ArrayList<>(CHUNK);
                }
                handoff.put(CAUGHT_UP);
                if (!follow) {
                    return;
                }
                LockSupport.parkNanos(20_000_000L);
            }
        } catch (RuntimeException e) {
            handoff.fail(e, CAUGHT_UP);
        }
    }

    /** The next chunk, {@link #CAUGHT_UP}, or null when nothing came within the timeout. */
    @Override
    public List<LogEntry> poll(long millis) {
        return handoff.poll(millis);
    }

    /** Not known here: the tail loop asks the log itself. */
    @Override
    public long lag() {
        return 0;
    }

    @Override
    public void close() {
        handoff.closeAndJoin(thread);
    }
}
