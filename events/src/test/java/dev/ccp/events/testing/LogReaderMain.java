package dev.ccp.events.testing;

import dev.ccp.events.EventLog;
import dev.ccp.events.EventTailer;
import dev.ccp.events.LogEntry;

import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/** A reader process for the log tests: follows the log until it has read {@code count} events, printing each id. */
public final class LogReaderMain {
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long count = Long.parseLong(args[1]);
        try (EventLog log = EventLog.open(dir); EventTailer tailer = log.fromStart()) {
            System.out.println("ready");
            System.out.flush();
            long read = 0;
            while (read < count) {
                LogEntry entry = tailer.next();
                if (entry == null) {
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                if (entry instanceof LogEntry.Read r) {
                    System.out.println("read " + r.event().id());
                } else {
                    System.out.println("unreadable " + entry.index());
                }
                System.out.flush();
                read++;
            }
        }
        System.out.println("done");
        System.out.flush();
    }
}
