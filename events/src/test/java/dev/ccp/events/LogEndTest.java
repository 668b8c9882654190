package dev.ccp.events;

import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The log end read from the files' headers answers what Chronicle answers, or nothing. */
class LogEndTest {
    @TempDir
    Path dir;

    @Test
    void aLogWithoutFilesIsEmpty() {
        assertEquals(-1, LogEnd.read(dir.resolve("none")).lastIndex());
        assertEquals(-1, LogEnd.read(dir).lastIndex());
        assertEquals(0, LogEnd.read(dir).countAfter(-1).orElseThrow());
    }

    @Test
    void lastIndexAndCountsMatchTheQueueAfterEachAppend() {
        try (EventLog log = EventLog.open(dir)) {
            List<Long> indexes = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                indexes.add(log.appendEncoded(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
                LogEnd end = LogEnd.read(dir);
                assertNotNull(end, "readable after " + (i + 1) + " event(s)");
                assertEquals(log.lastIndex(), end.lastIndex());
                assertEquals(log.countAfter(-1), end.countAfter(-1).orElseThrow());
                long mid = indexes.get(i / 2);
                assertEquals(log.countAfter(mid), end.countAfter(mid).orElseThrow());
                assertEquals(0, end.countAfter(log.lastIndex()).orElseThrow());
            }
        }
    }

    @Test
    void countsSpanTheDailyFiles() {
        SetTimeProvider clock = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000)).autoIncrement(0, TimeUnit.NANOSECONDS);
        List<Long> indexes = new ArrayList<>();
        try (ChronicleQueue q = ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.FAST_DAILY).timeProvider(clock).build();
             ExcerptAppender a = q.createAppender()) {
            for (int day = 0; day < 4; day++) {
                for (int i = 0; i < 5 + day * 7; i++) {
                    try (DocumentContext dc = a.writingDocument()) {
                        dc.wire().bytes().write(("{\"d\":" + day + "}").getBytes(StandardCharsets.UTF_8));
                    }
                    indexes.add(a.lastIndexAppended());
                }
                clock.advanceMillis(TimeUnit.DAYS.toMillis(day == 1 ? 2 : 1));
            }
        }
        try (EventLog log = EventLog.open(dir)) {
            LogEnd end = LogEnd.read(dir);
            assertNotNull(end);
            assertEquals(4, end.cyclesForTest());
            assertEquals(log.lastIndex(), end.lastIndex());
            assertEquals(indexes.getLast(), end.lastIndex());
            assertEquals(log.countAfter(-1), end.countAfter(-1).orElseThrow());
            for (long index : indexes) {
                assertEquals(log.countAfter(index), end.countAfter(index).orElseThrow(), "after " + Long.toHexString(index));
            }
        }
    }

    @Test
    void anIndexOfAFileNoLongerThereGivesNoAnswer() throws Exception {
        SetTimeProvider clock = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000)).autoIncrement(0, TimeUnit.NANOSECONDS);
        long first;
        try (ChronicleQueue q = ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.FAST_DAILY).timeProvider(clock).build();
             ExcerptAppender a = q.createAppender()) {
            a.writeText("a");
            first = a.lastIndexAppended();
            clock.advanceMillis(TimeUnit.DAYS.toMillis(1));
            a.writeText("b");
        }
        assertEquals(1, LogEnd.read(dir).countAfter(first).orElseThrow());
        try (var files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().startsWith("20241004")).forEach(f -> f.toFile().delete());
        }
        assertEquals(true, LogEnd.read(dir).countAfter(first).isEmpty());
    }

    @Test
    void aFileOfAnotherShapeGivesNoAnswer() throws Exception {
        Files.write(dir.resolve("20260101F.cq4"), new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertNull(LogEnd.read(dir));
        Files.delete(dir.resolve("20260101F.cq4"));
        Files.write(dir.resolve("2026-01-01.cq4"), new byte[16]);
        assertNull(LogEnd.read(dir));
    }
}
