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
}
