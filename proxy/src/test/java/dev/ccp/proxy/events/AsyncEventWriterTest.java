package dev.ccp.proxy.events;

import dev.ccp.events.Event;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsyncEventWriterTest {
    private static Event event(int i) {
        return new Event.ProxyStopped("e" + i, null, i, "px", "test");
    }

    @Test
    void aLoneEventOfferedToAnIdleWriterReachesTheLogWithNoCompletionBehindIt() {
        List<Event> written = new CopyOnWriteArrayList<>();
        try (AsyncEventWriter w = new AsyncEventWriter(written::add, InstantSource.system(), 100)) {
            w.offer(event(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
            // Past its naps the writer parks with no timeout: only the next offer can wake it.
            await().atMost(Duration.ofSeconds(5)).until(w::asleep);
            w.offer(event(2));
            await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 2);
            assertEquals(List.of(event(1), event(2)), written);
        }
    }

    @Test
    void failingAppendsAreCountedAndLoggedOncePerMinute() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        InstantSource clock = now::get;
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(AsyncEventWriter.class.getName());
        logger.addHandler(handler);
        try (AsyncEventWriter w = new AsyncEventWriter(e -> {
            throw new IllegalStateException("disk full");
        }, clock, 100)) {
            for (int i = 0; i < 10; i++) {
                w.offer(event(i));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> w.appendErrors() == 10);
            assertEquals(1, logged.size(), "ten failures in the same minute are logged once");
            now.set(now.get().plusSeconds(61));
            w.offer(event(11));
            await().atMost(Duration.ofSeconds(5)).until(() -> logged.size() == 2);
            assertTrue(logged.get(1).getMessage().contains("disk full"));
            assertEquals(0, w.appends());
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void aBlockedLogNeverBlocksTheCallerAndAFullQueueDropsAndCounts() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        List<Event> written = new CopyOnWriteArrayList<>();
        AsyncEventWriter w = new AsyncEventWriter(e -> {
            unblock.await();
            written.add(e);
        }, InstantSource.system(), 4);
        for (int i = 0; i < 20; i++) {
            w.offer(event(i)); // returns at once even though the appender is stuck
        }
        assertTrue(w.appendErrors() >= 15, "overflow is counted: " + w.appendErrors());
        unblock.countDown();
        w.close(Duration.ofSeconds(5));
        assertEquals(20 - w.appendErrors(), written.size());
        assertEquals(written.size(), w.appends());
    }

    @Test
    void offerAndWaitReturnsOnceTheEventAndThoseBeforeItAreAppended() {
        List<Event> written = new CopyOnWriteArrayList<>();
        try (AsyncEventWriter w = new AsyncEventWriter(written::add, InstantSource.system(), 100, Duration.ofSeconds(30))) {
            for (int i = 0; i < 50; i++) {
                w.offer(event(i));
            }
            assertTrue(w.offerAndWait(event(50)));
            assertEquals(51, written.size(), "everything offered before it is in the log too");
            assertEquals("e50", written.getLast().id());
            assertEquals(0, w.waitTimeouts());
        }
    }

    @Test
    void aStuckLogDelaysAnAnswerByTheBoundOnceAndThenNotAtAll() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        AsyncEventWriter w = new AsyncEventWriter(e -> unblock.await(), InstantSource.system(), 100, Duration.ofMillis(300));
        try {
            long t0 = System.nanoTime();
            assertEquals(false, w.offerAndWait(event(1)), "the log is stuck: the answer goes out anyway");
            long waited = System.nanoTime() - t0;
            assertTrue(waited >= 300_000_000L && waited < 10_000_000_000L, "waited the bound: " + waited);
            assertEquals(1, w.waitTimeouts());
            // The writer has now been stuck in one append longer than the bound: no more waiting.
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                long t1 = System.nanoTime();
                boolean appended = w.offerAndWait(event(2));
                return !appended && System.nanoTime() - t1 < 100_000_000L;
            });
            assertTrue(w.waitTimeouts() >= 2);
        } finally {
            unblock.countDown();
            w.close(Duration.ofSeconds(5));
        }
    }
}
