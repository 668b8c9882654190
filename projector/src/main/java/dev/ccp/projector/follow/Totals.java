package dev.ccp.projector.follow;

/** What a run did over all its passes (a pass ends when a store failure reopens the projections). */
final class Totals {
    final SkipReport skips;
    long applied;
    long unreadable;
    long lastIndex = -1;

    Totals(SkipReport skips) {
        this.skips = skips;
    }
}
