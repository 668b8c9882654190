package dev.ccp.projector.follow;

import dev.ccp.events.EventLog;
import dev.ccp.events.EventTailer;
import dev.ccp.events.LogEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads and decodes the log on its own thread and hands the entries over in chunks through a small
 * bounded queue, so decoding JSON runs beside projecting (two cores) and the heap stays bounded.
 * An empty chunk ({@link #CAUGHT_UP}) says the reader has reached the end of the log for now.
 */
final class LogReader implements EntryReader {
    static final List<LogEntry> CAUGHT_UP = List.of();
    private static final int CHUNK = 1024;

    private final ArrayBlockingQueue<List<LogEntry>> queue = new ArrayBlockingQueue<>(32);
    private final Thread thread;
    private volatile boolean closed;
    private volatile RuntimeException failure;

    LogReader(EventLog log, long after, boolean follow) {
        thread = Thread.ofPlatform().daemon().name("ccp-projector-reader").start(() -> run(log, after, follow));
    }

    private void run(EventLog log, long after, boolean follow) {
        try (EventTailer tailer = log.after(after)) {
            List<LogEntry> chunk = new ArrayList<>(CHUNK);
            while (!closed) {
                LogEntry e = tailer.next();
                if (e != null) {
                    chunk.add(e);
                    if (chunk.size() == CHUNK) {
                        put(chunk);
                        chunk = new ArrayList<>(CHUNK);
                    }
                    continue;
                }
                if (!chunk.isEmpty()) {
                    put(chunk);
                    chunk = new ArrayList<>(CHUNK);
                }
                put(CAUGHT_UP);
                if (!follow) {
                    return;
                }
                LockSupport.parkNanos(20_000_000L);
            }
        } catch (RuntimeException e) {
            failure = e;
            put(CAUGHT_UP);
        }
    }

    private void put(List<LogEntry> chunk) {
        try {
            while (!closed && !queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                // The projector is busy committing; wait for room.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** The next chunk, {@link #CAUGHT_UP}, or null when nothing came within the timeout. */
    @Override
    public List<LogEntry> poll(long millis) {
        RuntimeException f = failure;
        if (f != null && queue.isEmpty()) {
            throw f;
        }
        try {
            return queue.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Not known here: the tail loop asks the log itself. */
    @Override
    public long lag() {
        return 0;
    }

    @Override
    public void close() {
        closed = true;
        queue.clear();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
