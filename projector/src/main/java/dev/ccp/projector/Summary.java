package dev.ccp.projector;

import java.util.List;

/**
 * What a run did.
 *
 * @param projections the projections it ran
 * @param applied     log entries it applied (counting each entry once, whatever the number of projections)
 * @param unreadable  of those, unreadable documents skipped
 * @param lastIndex   queue index of the last entry applied, -1 if none
 * @param orphaned    completions with no open request (late after proxy_lost, or begun before the log)
 * @param nanos       how long it took
 */
public record Summary(List<String> projections, long applied, long unreadable, long lastIndex, long orphaned, long nanos) {

    public double eventsPerSecond() {
        return nanos == 0 ? 0 : applied * 1e9 / nanos;
    }
}
