package dev.ccp.projector.follow;

import dev.ccp.projector.metrics.ProjectorMetrics;

import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * What the projector says about unreadable events it skips. A damaged stretch of the log (a disk that
 * filled up, say) can hold hundreds of them in a row: one warning each would bury everything else in
 * the log file. So every skip is counted ({@code ccp_projector_unreadable_events_total}), the first of a
 * stretch is logged in full, and the rest are summed up in one line when the projector reaches the end
 * of the log, stops, or has been skipping for a minute.
 */
final class SkipReport {
    static final long SUMMARY_EVERY_NANOS = 60_000_000_000L;

    private final Logger log;
    private final ProjectorMetrics metrics;
    private final LongSupplier nanos;
    private boolean stretch;
    private long unlogged;
    private long firstUnlogged = -1;
    private long lastUnlogged = -1;
    private String lastReason;
    private long lastSummaryNanos;

    SkipReport(Logger log, ProjectorMetrics metrics, LongSupplier nanos) {
        this.log = log;
        this.metrics = metrics;
        this.nanos = nanos;
    }

    void skipped(long index, String reason) {
        metrics.unreadable();
        if (!stretch) {
            stretch = true;
            lastSummaryNanos = nanos.getAsLong();
            log.warning("skipped an unreadable event at index 0x" + Long.toHexString(index) + " (" + index + "): " + reason
                    + "; further ones are counted (ccp_projector_unreadable_events_total) and summed up in one line");
            return;
        }
        if (unlogged++ == 0) {
            firstUnlogged = index;
        }
        lastUnlogged = index;
        lastReason = reason;
        if (nanos.getAsLong() - lastSummaryNanos >= SUMMARY_EVERY_NANOS) {
            summarise();
            lastSummaryNanos = nanos.getAsLong();
        }
    }

    /** The projector caught up or stops: sums up the skips not logged yet, and a new stretch starts afresh. */
    void endOfStretch() {
        if (stretch) {
            summarise();
            stretch = false;
        }
    }

    private void summarise() {
        if (unlogged == 0) {
            return;
        }
        log.warning("skipped " + unlogged + " more unreadable event(s), index 0x" + Long.toHexString(firstUnlogged)
                + " to 0x" + Long.toHexString(lastUnlogged) + "; the last one: " + lastReason);
        unlogged = 0;
    }
}
