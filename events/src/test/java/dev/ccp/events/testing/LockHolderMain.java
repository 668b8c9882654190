package dev.ccp.events.testing;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A writer that dies holding the log's write lock: it opens a document (which takes the lock),
 * says {@code locked} and waits to be SIGKILLed, as a proxy killed in the middle of an append.
 */
public final class LockHolderMain {
    public static void main(String[] args) {
        ChronicleQueue queue = ChronicleQueue.singleBuilder(Path.of(args[0])).rollCycle(RollCycles.FAST_DAILY).build();
        ExcerptAppender appender = queue.createAppender();
        DocumentContext dc = appender.writingDocument();
        dc.wire().bytes().write("{\"half\":".getBytes());
        System.out.println("locked");
        System.out.flush();
        while (true) {
            LockSupport.parkNanos(1_000_000_000L);
        }
    }
}
