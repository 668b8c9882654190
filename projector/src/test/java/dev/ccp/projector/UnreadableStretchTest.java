package dev.ccp.projector;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.EventLog;
import dev.ccp.events.testing.SampleEvents;
import dev.ccp.projector.follow.TailLoop;
import dev.ccp.projector.metrics.ProjectorMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A damaged stretch of the log (a disk-full episode) is counted and summed up, not logged once per event. */
class UnreadableStretchTest {
    private static final long T = 1_767_225_600_000_000L;

    @TempDir
    Path dir;

    @Test
    void aStretchOfUnreadableEventsLogsTheFirstOneAndOneSummaryAndCountsThemAll() {
        CcpPaths paths = CcpPaths.under(dir);
        try (EventLog log = EventLog.open(paths.queueDir())) {
            SampleEvents.oneOfEach(T).forEach(log::append);
            for (int i = 0; i < 352; i++) {
                log.appendEncoded("{\"type\":\"RequestReceived\",\"v\":1,\"id\":".getBytes(StandardCharsets.UTF_8));
            }
        }
        Logger tail = Logger.getLogger(TailLoop.class.getName());
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        tail.addHandler(capture);
        ProjectorMetrics metrics = new ProjectorMetrics(() -> 0);
        try {
            Projector.follow(paths, Set.of(), Settings.DEFAULTS.withRollupInterval(Duration.ZERO), false, Progress.NONE,
                    metrics, () -> metrics.unreadableCount() >= 352);
        } finally {
            tail.removeHandler(capture);
        }

        List<String> skips = records.stream().map(LogRecord::getMessage).filter(m -> m.contains("unreadable event")).toList();
        assertEquals(2, skips.size(), String.join("\n", skips));
        assertTrue(skips.get(0).startsWith("skipped an unreadable event at index 0x"), skips.get(0));
        assertTrue(skips.get(1).startsWith("skipped 351 more unreadable event(s), index 0x"), skips.get(1));
        assertEquals(352, metrics.unreadableCount());
        assertTrue(metrics.scrape().contains("ccp_projector_unreadable_events_total 352.0"), metrics.scrape());
    }

    @Test
    void theUnreadableCounterIsOnTheScrapeAtZero() {
        assertTrue(new ProjectorMetrics(() -> 0).scrape().contains("ccp_projector_unreadable_events_total 0.0"));
    }
}
