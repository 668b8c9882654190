package dev.ccp.proxy.testing;

import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.events.EventTailer;
import dev.ccp.events.LogEntry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads every event from a real Chronicle queue folder. */
public final class EventReader {
    private EventReader() {
    }

    public static List<Event> all(Path queueDir) {
        List<Event> out = new ArrayList<>();
        try (EventLog log = EventLog.open(queueDir); EventTailer t = log.fromStart()) {
            LogEntry e;
            while ((e = t.next()) != null) {
                if (e instanceof LogEntry.Read r) {
                    out.add(r.event());
                }
            }
        }
        return out;
    }

    public static List<Event> forRequest(Path queueDir, String reqId) {
        return all(queueDir).stream().filter(e -> reqId.equals(e.reqId())).toList();
    }
}
