package dev.ccp.readmodel;

/**
 * A rollup row's key: its bucket's start (epoch seconds), model and lane, ordered as the rollup tables'
 * primary key, so the projector folding requests and a reader folding one member's samples walk buckets
 * in the same order.
 */
public record RollupKey(long start, String model, String lane) implements Comparable<RollupKey> {
    @Override
    public int compareTo(RollupKey o) {
        int c = Long.compare(start, o.start);
        if (c == 0) {
            c = model.compareTo(o.model);
        }
        return c != 0 ? c : lane.compareTo(o.lane);
    }
}
