package dev.ccp.readmodel;

/**
 * One projection's checkpoint as {@code cc db status} shows it.
 *
 * @param name       projection (or {@code sqlite-rollups})
 * @param index      queue index of the last event applied, -1 before the first
 * @param events     entries applied so far
 * @param unreadable unreadable documents skipped so far
 * @param lastTsUs   event time of the last event applied (µs since the epoch), or null
 * @param lag        entries in the log after {@code index}
 */
public record ProjectionStatus(String name, long index, long events, long unreadable, Long lastTsUs, long lag) {
}
