package dev.ccp.events;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The event log: a Chronicle Queue of JSON events, one document per event, rolled daily.
 *
 * <p>One process writes (the proxy, or {@code cc db import}); any number of processes read. A
 * reader opens the queue read-write too, because a named tailer keeps its position in the queue's
 * metadata. Each event's queue index is its position: stable, increasing, usable as a checkpoint.
 *
 * <p>{@link #append} is synchronous and may block (for example while Chronicle recovers the write
 * lock of a writer that was killed mid-write): callers on a latency path hand events to a writer
 * thread instead of calling it directly.
 */
public final class EventLog implements AutoCloseable {
    private final Path dir;
    private final SingleChronicleQueue queue;
    private final long maxDocumentBytes;
    private ExcerptAppender appender;

    private EventLog(Path dir, SingleChronicleQueue queue) {
        this.dir = dir;
        this.queue = queue;
        this.maxDocumentBytes = queue.overlapSize();
    }

    /**
     * How much of the queue file the long-running writer maps at a time. Chronicle maps a cycle
     * file in blocks of this size plus a quarter of it, and a process keeps resident every page it
     * wrote in the blocks it has mapped: the block holding the file's header and first index stays
     * mapped as long as the file is open, and the block being appended to fills up as it goes. With
     * Chronicle's default of 64 MiB that was up to ~160 MiB of the proxy's resident set (117 MiB
     * measured in {@code make bench}) for pages the proxy never reads again; 16 MiB blocks bound it
     * to ~40 MiB. A document must fit in a quarter of a block: {@link #MAX_DOCUMENT_BYTES}.
     */
    static final long WRITER_BLOCK_SIZE = 16L << 20;

    /** The largest encoded event the writer's log takes (Chronicle: a quarter of its block size). */
    public static final int MAX_DOCUMENT_BYTES = (int) (WRITER_BLOCK_SIZE / 4);

    /** Opens (creating if needed) the queue in {@code dir}. */
    public static EventLog open(Path dir) {
        return open(dir, null);
    }

    private static EventLog open(Path dir, Long blockSize) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the event log folder " + dir, e);
        }
        var builder = ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.FAST_DAILY);
        if (blockSize != null) {
            builder.blockSize(blockSize);
        }
        return new EventLog(dir, builder.build());
    }

    /**
     * Opens the log for its one long-running writer (the proxy), first releasing the write locks
     * of a writer that died holding them. Chronicle would otherwise find a lock held by a dead
     * process only when its lock timeout runs out (about 15 s), and that wait would fall on the
     * first requests served. The writer maps the file in smaller blocks ({@link #WRITER_BLOCK_SIZE});
     * readers keep Chronicle's default, which reads a large backlog with fewer mappings.
     */
    public static EventLog openForWriting(Path dir) {
        EventLog log = open(dir, WRITER_BLOCK_SIZE);
        log.releaseLocksOfDeadWriters();
        return log;
    }

    private void releaseLocksOfDeadWriters() {
        queue.appendLock().forceUnlockIfProcessIsDead();
        try {
            // Chronicle keeps the queue's write lock package-private; it is the one a killed
            // appender holds, and it checks itself that the holder's process is gone.
            java.lang.reflect.Method writeLock = SingleChronicleQueue.class.getDeclaredMethod("writeLock");
            writeLock.setAccessible(true);
            ((net.openhft.chronicle.queue.impl.single.WriteLock) writeLock.invoke(queue)).forceUnlockIfProcessIsDead();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot check the event log's write lock in " + dir + ": " + e, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Appends one event and returns its queue index. Thread-safe; blocks while the write lock is held. */
    public synchronized long append(Event event) {
        return appendEncoded(EventCodec.encode(event));
    }

    /**
     * Appends an already encoded document, as is. Used to write an event exactly as encoded
     * elsewhere, and by tests to plant unreadable documents.
     */
    public synchronized long appendEncoded(byte[] json) {
        // Refused before a document is opened, so that the log is left as it was and the next
        // event is appended as usual.
        if (json.length > maxDocumentBytes) {
            throw new IllegalArgumentException("an event of " + json.length + " bytes is larger than the log takes ("
                    + maxDocumentBytes + " bytes)");
        }
        if (appender == null) {
            appender = queue.createAppender();
            appender.singleThreadedCheckDisabled(true);
        }
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(json);
        }
        return appender.lastIndexAppended();
    }

    /** A tailer from the first event, with no saved position: a replay. */
    public EventTailer fromStart() {
        return new EventTailer(queue.createTailer().toStart());
    }

    /** A tailer that continues after {@code index}; a negative index means from the first event. */
    public EventTailer after(long index) {
        EventTailer tailer = fromStart();
        if (index >= 0) {
            tailer.skipTo(index);
        }
        return tailer;
    }

    /**
     * A tailer whose next entry is the one at {@code index}, or empty when the log does not hold it
     * (pruned, or never written). Readers that know where a request's events start (a sample's
     * {@code first_idx}) read its trail from there instead of from the first event.
     */
    public Optional<EventTailer> at(long index) {
        ExcerptTailer t = queue.createTailer();
        if (index < 0 || !t.moveToIndex(index)) {
            t.close();
            return Optional.empty();
        }
        return Optional.of(new EventTailer(t));
    }

    /**
     * A named tailer: Chronicle stores its position in the queue's metadata as it reads, so a new
     * tailer of the same name (in this or another process) resumes after the last event read.
     */
    public EventTailer named(String checkpointName) {
        return new EventTailer(queue.createTailer(checkpointName));
    }

    /** Index of the last event, or -1 when the log is empty. */
    public long lastIndex() {
        long last = queue.lastIndex();
        return last == Long.MAX_VALUE || last < 0 ? -1 : last;
    }

    /** Index of the first event, or -1 when the log is empty. */
    public long firstIndex() {
        long first = queue.firstIndex();
        return first == Long.MAX_VALUE || first < 0 ? -1 : first;
    }

    /** How many events come after {@code index} (all of them for a negative index). */
    public long countAfter(long index) {
        long last = lastIndex();
        if (last < 0) {
            return 0;
        }
        if (index < 0) {
            return queue.countExcerpts(firstIndex(), last) + 1;
        }
        if (index >= last) {
            return 0;
        }
        return Math.max(0, queue.countExcerpts(index, last));
    }

    @Override
    public synchronized void close() {
        if (appender != null) {
            appender.close();
            appender = null;
        }
        queue.close();
    }
}
