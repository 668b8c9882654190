package dev.ccp.readmodel.dashboard;

/**
 * How far the projector has come: the queue index and newest event time the {@code sqlite}
 * projection has applied, and how far samples are folded into the rollups. All null when there is
 * no database or no checkpoint yet.
 */
public record Freshness(boolean database, Long samplesIndex, Long samplesTsUs, Long rollupsIndex) {
    public static final Freshness NONE = new Freshness(false, null, null, null);
}
