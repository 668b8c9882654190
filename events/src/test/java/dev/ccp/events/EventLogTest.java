package dev.ccp.events;

import dev.ccp.events.testing.SampleEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLogTest {

    @TempDir
    Path dir;

    @Test
    void replayReturnsEveryEventInOrderWithIncreasingIndexes() {
        List<Event> written = SampleEvents.oneOfEach(1_700_000_000_000_000L);
        List<Long> indexes = new ArrayList<>();
        try (EventLog log = EventLog.open(dir)) {
            written.forEach(e -> indexes.add(log.append(e)));
        }
        try (EventLog log = EventLog.open(dir); EventTailer tailer = log.fromStart()) {
            List<LogEntry> read = drain(tailer);
            assertEquals(written.size(), read.size());
            for (int i = 0; i < written.size(); i++) {
                LogEntry.Read r = assertInstanceOf(LogEntry.Read.class, read.get(i));
                assertEquals(written.get(i), r.event());
                assertEquals(indexes.get(i), r.index());
            }
            assertEquals(indexes.getLast(), log.lastIndex());
            assertEquals(written.size(), log.countAfter(-1));
            assertEquals(3, log.countAfter(indexes.get(written.size() - 4)));
        }
    }

    @Test
    void tailerAfterAnIndexResumesWithTheNextEvent() {
        try (EventLog log = EventLog.open(dir)) {
            List<Event> written = SampleEvents.oneOfEach(1);
            long[] idx = written.stream().mapToLong(log::append).toArray();
            try (EventTailer tailer = log.after(idx[4])) {
                LogEntry.Read first = assertInstanceOf(LogEntry.Read.class, tailer.next());
                assertEquals(idx[5], first.index());
                assertEquals(written.get(5), first.event());
            }
            try (EventTailer tailer = log.after(idx[idx.length - 1])) {
                assertNull(tailer.next());
                Event later = new Event.ProxyStopped("late", null, 99, "i", "r");
                log.append(later);
                assertEquals(later, ((LogEntry.Read) tailer.next()).event());
            }
        }
    }

    @Test
    void namedTailerResumesWhereTheLastOneOfThatNameStopped() {
        try (EventLog log = EventLog.open(dir)) {
            SampleEvents.oneOfEach(1).forEach(log::append);
            try (EventTailer t = log.named("projector-a")) {
                for (int i = 0; i < 4; i++) {
                    t.next();
                }
            }
        }
        try (EventLog log = EventLog.open(dir); EventTailer t = log.named("projector-a")) {
            assertEquals("e05", ((LogEntry.Read) t.next()).event().id());
        }
        try (EventLog log = EventLog.open(dir); EventTailer t = log.named("another")) {
            assertEquals("e01", ((LogEntry.Read) t.next()).event().id());
        }
    }

    @Test
    void anUnreadableDocumentIsReportedAndTheOnesAfterItAreStillRead() {
        try (EventLog log = EventLog.open(dir)) {
            log.append(new Event.ProxyStopped("a", null, 1, "i", "r"));
            long bad = log.appendEncoded("{\"type\":\"Nope\",\"v\":1}".getBytes(StandardCharsets.UTF_8));
            log.appendEncoded("{broken".getBytes(StandardCharsets.UTF_8));
            log.append(new Event.ProxyStopped("b", null, 2, "i", "r"));
            List<LogEntry> read = drain(log.fromStart());
            assertEquals(4, read.size());
            LogEntry.Unreadable u = assertInstanceOf(LogEntry.Unreadable.class, read.get(1));
            assertEquals(bad, u.index());
            assertTrue(u.reason().contains("Nope"), u.reason());
            assertInstanceOf(LogEntry.Unreadable.class, read.get(2));
            assertEquals("b", ((LogEntry.Read) read.get(3)).event().id());
        }
    }

    @Test
    void theWritersLogRefusesAnEventLargerThanItTakesAndKeepsTheNextOne() {
        try (EventLog log = EventLog.openForWriting(dir)) {
            log.append(new Event.ProxyStopped("a", null, 1, "i", "r"));
            byte[] tooLarge = new byte[EventLog.MAX_DOCUMENT_BYTES + 1];
            java.util.Arrays.fill(tooLarge, (byte) ' ');
            IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> log.appendEncoded(tooLarge));
            assertTrue(refused.getMessage().contains("larger than the log takes"), refused.getMessage());
            Event largest = new Event.StreamPartial("big", "r1", 2, "i", 1, false,
                    "x".repeat(EventLog.MAX_DOCUMENT_BYTES - 200));
            log.append(largest);
            log.append(new Event.ProxyStopped("b", null, 3, "i", "r"));
        }
        try (EventLog log = EventLog.open(dir)) {
            List<String> ids = drain(log.fromStart()).stream().map(e -> ((LogEntry.Read) e).event().id()).toList();
            assertEquals(List.of("a", "big", "b"), ids);
        }
    }

    @Test
    void aLogWrittenInTheWritersSmallerBlocksReadsWholeAcrossBlocks() {
        // Each event is ~64 KiB: 600 of them span more than two of the writer's blocks.
        String text = "y".repeat(64 * 1024);
        try (EventLog log = EventLog.openForWriting(dir)) {
            for (int i = 0; i < 600; i++) {
                log.append(new Event.StreamPartial("p" + i, "r" + i, i, "i", i, false, text));
            }
        }
        try (EventLog log = EventLog.open(dir)) {
            List<LogEntry> read = drain(log.fromStart());
            assertEquals(600, read.size());
            for (int i = 0; i < 600; i++) {
                Event.StreamPartial p = assertInstanceOf(Event.StreamPartial.class, ((LogEntry.Read) read.get(i)).event());
                assertEquals("p" + i, p.id());
                assertEquals(text, p.data());
            }
        }
    }

    @Test
    void emptyLogHasNoIndexes() {
        try (EventLog log = EventLog.open(dir)) {
            assertEquals(-1, log.lastIndex());
            assertEquals(0, log.countAfter(-1));
            assertNull(log.fromStart().next());
        }
    }

    static List<LogEntry> drain(EventTailer tailer) {
        List<LogEntry> out = new ArrayList<>();
        for (LogEntry e = tailer.next(); e != null; e = tailer.next()) {
            out.add(e);
        }
        return out;
    }
}
