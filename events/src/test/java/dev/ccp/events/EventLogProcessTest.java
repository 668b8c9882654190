package dev.ccp.events;

import dev.ccp.events.testing.ChildJvm;
import dev.ccp.events.testing.LogReaderMain;
import dev.ccp.events.testing.LogWriterMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log across real OS processes: one writer, other readers, and a writer killed mid-append. */
class EventLogProcessTest {

    @TempDir
    Path dir;

    @Test
    void aReaderProcessSeesWhatAWriterProcessAppendsInOrder() {
        Path queue = dir.resolve("queue");
        EventLog.open(queue).close();
        try (ChildJvm reader = ChildJvm.start(LogReaderMain.class, Map.of(), queue.toString(), "300");
             ChildJvm writer = ChildJvm.start(LogWriterMain.class, Map.of(), queue.toString(), "300", "w1")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> reader.stdout().contains("done"));
            List<String> reads = reader.stdout().stream().filter(l -> l.startsWith("read ")).toList();
            assertEquals(300, reads.size());
            for (int i = 0; i < 300; i++) {
                assertEquals("read ev-w1-" + i, reads.get(i));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> !writer.process().isAlive());
            assertEquals(0, writer.process().exitValue());
        }
    }

    @Test
    void everyEventAppendedBeforeASigkillIsReadBackOnceInOrderAndANewWriterCanAppend() {
        Path queue = dir.resolve("queue");
        long reported;
        try (ChildJvm writer = ChildJvm.start(LogWriterMain.class, Map.of(), queue.toString(), "-1", "doomed")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> appended(writer) >= 2_000);
            writer.kill();
            reported = appended(writer);
        }
        List<String> ids = new ArrayList<>();
        try (EventLog log = EventLog.open(queue); EventTailer tailer = log.fromStart()) {
            for (LogEntry e = tailer.next(); e != null; e = tailer.next()) {
                ids.add(assertInstanceOf(LogEntry.Read.class, e).event().id());
            }
        }
        // The kill may land after an append and before its line is printed, so the log can hold
        // more than was reported, never less, never a gap and never a repeat.
        assertTrue(ids.size() >= reported, ids.size() + " read, " + reported + " reported");
        for (int i = 0; i < ids.size(); i++) {
            assertEquals("ev-doomed-" + i, ids.get(i));
        }

        try (ChildJvm next = ChildJvm.start(LogWriterMain.class, Map.of(), queue.toString(), "5", "next")) {
            await().atMost(Duration.ofSeconds(90)).until(() -> next.stdout().contains("done"));
        }
        try (EventLog log = EventLog.open(queue); EventTailer tailer = log.after(-1)) {
            List<String> all = new ArrayList<>();
            for (LogEntry e = tailer.next(); e != null; e = tailer.next()) {
                all.add(((LogEntry.Read) e).event().id());
            }
            assertEquals(ids.size() + 5, all.size());
            assertEquals(List.of("ev-next-0", "ev-next-1", "ev-next-2", "ev-next-3", "ev-next-4"),
                    all.subList(ids.size(), all.size()));
        }
    }

    private static long appended(ChildJvm writer) {
        return writer.stdout().stream().filter(l -> l.startsWith("appended ")).count();
    }
}
