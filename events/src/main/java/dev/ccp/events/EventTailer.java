package dev.ccp.events;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads the log forward. Not thread-safe: one reading thread per tailer.
 * A document that cannot be decoded comes back as {@link LogEntry.Unreadable}, so the reader can
 * count it and go on to the ones after it.
 */
public final class EventTailer implements AutoCloseable {
    private final ExcerptTailer tailer;
    private byte[] buffer = new byte[4096];

    EventTailer(ExcerptTailer tailer) {
        this.tailer = tailer;
    }

    /** The next entry, or {@code null} when the reader has caught up with the writer. */
    public LogEntry next() {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return null;
            }
            long index = dc.index();
            Bytes<?> bytes = dc.wire().bytes();
            int length = (int) bytes.readRemaining();
            if (buffer.length < length) {
                buffer = new byte[Math.max(length, buffer.length * 2)];
            }
            bytes.read(buffer, 0, length);
            try {
                return new LogEntry.Read(index, EventCodec.decode(buffer, 0, length));
            } catch (UnreadableEventException e) {
                return new LogEntry.Unreadable(index, e.getMessage());
            }
        }
    }

    /** Index of the last entry returned, or -1 before the first. */
    public long lastReadIndex() {
        long index = tailer.lastReadIndex();
        return index == Long.MIN_VALUE ? -1 : index;
    }

    /** Positions the tailer so that the next entry is the one after {@code index}. */
    void skipTo(long index) {
        if (tailer.moveToIndex(index)) {
            try (DocumentContext dc = tailer.readingDocument()) {
                // Reading the checkpointed entry itself moves past it.
                dc.isPresent();
            }
        } else {
            throw new IndexNotInLogException(index, tailer.queue().fileAbsolutePath());
        }
    }

    @Override
    public void close() {
        tailer.close();
    }
}
