package dev.ccp.events.testing;

import dev.ccp.events.Event;
import dev.ccp.events.EventLog;

import java.nio.file.Path;

/**
 * A writer process for the log tests: appends {@code count} events (forever when count is -1),
 * printing {@code appended <seq> <index>} after each append returns.
 */
public final class LogWriterMain {
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long count = Long.parseLong(args[1]);
        String instance = args.length > 2 ? args[2] : "writer";
        try (EventLog log = EventLog.open(dir)) {
            System.out.println("ready");
            System.out.flush();
            for (long seq = 0; count < 0 || seq < count; seq++) {
                long index = log.append(new Event.ProxyStopped("ev-" + instance + "-" + seq, "req-" + seq,
                        1_700_000_000_000_000L + seq, instance, "seq " + seq));
                System.out.println("appended " + seq + " " + index);
                System.out.flush();
            }
        }
        System.out.println("done");
        System.out.flush();
    }
}
