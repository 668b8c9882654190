package dev.ccp.projector.follow;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded hand-over from one producing thread (a reader, the join) to the one consuming it, so the
 * two run side by side on two cores and the heap stays bounded. A failure of the producer reaches the
 * consumer only after everything handed over before it has been taken.
 */
final class Handoff<T> {
    private final ArrayBlockingQueue<T> queue;
    private volatile boolean closed;
    private volatile RuntimeException failure;

    Handoff(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    boolean isClosed() {
        return closed;
    }

    /** Waits for room while the consumer is busy (committing); gives up once closed. */
    void put(T item) {
        try {
            while (!closed && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                // The consumer is busy; wait for room.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Records the producer's failure, then hands over {@code last} so that a waiting consumer wakes to it. */
    void fail(RuntimeException e, T last) {
        failure = e;
        put(last);
    }

    RuntimeException failure() {
        return failure;
    }

    /** The next item, or null when none came within the timeout; the producer's failure is thrown here. */
    T poll(long millis) {
        RuntimeException f = failure;
        if (f != null && queue.isEmpty()) {
            throw f;
        }
        try {
            return queue.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    void close() {
        closed = true;
        queue.clear();
    }

    /**
     * Closes, then waits (ten seconds at most) for the producing thread to notice and end, so that what
     * it reads from (a queue, a consumer, the join) is no longer in use when its owner releases it.
     */
    void closeAndJoin(Thread producer) {
        close();
        try {
            producer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
