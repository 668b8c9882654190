package dev.ccp.events;

/** A position (a checkpoint's queue index) that the log does not hold: the queue was deleted, replaced or cut. */
public final class IndexNotInLogException extends IllegalStateException {
    private final long index;

    public IndexNotInLogException(long index, String where) {
        super("index " + Long.toHexString(index) + " is not in the log at " + where);
        this.index = index;
    }

    public long index() {
        return index;
    }
}
