package dev.ccp.proxy.upstream;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Checks the deadlines of the HTTP/1.1 exchanges in flight, every {@code tick}, on one daemon thread.
 *
 * <p>Why a sweep and not one scheduled check per exchange: a check scheduled earlier than every other
 * one in a scheduler's queue wakes the scheduler's thread to re-arm its wait, and at low concurrency
 * every exchange's check is the earliest, so each request cost that thread a wake-up (about one for
 * every one or two requests at one client, /proc context-switch counts), plus a queue insertion and
 * removal under a lock. Here starting and ending an exchange is a set insertion and removal; the
 * thread wakes once per tick while exchanges are in flight and not at all when there are none. A
 * deadline is kept within one tick (a tenth of the shortest timeout, at most 100 ms).
 */
final class Watchdog implements AutoCloseable {
    private final ScheduledThreadPoolExecutor executor;
    private final long tickNanos;
    private final Set<ExchangeWatch> watched = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    Watchdog(Timeouts timeouts) {
        this.tickNanos = tick(timeouts).toNanos();
        this.executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("ccp-exchange-watch").daemon(true).factory());
    }

    /** A tenth of the shortest timeout an exchange has, between 1 and 100 ms. */
    static Duration tick(Timeouts t) {
        Duration shortest = t.json();
        for (Duration d : new Duration[]{t.sseIdle(), t.header()}) {
            if (d.compareTo(shortest) < 0) {
                shortest = d;
            }
        }
        long nanos = shortest.toNanos() / 10;
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(TimeUnit.MILLISECONDS.toNanos(100), nanos)));
    }

    void watch(ExchangeWatch w) {
        watched.add(w);
        if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
            schedule();
        }
    }

    void unwatch(ExchangeWatch w) {
        watched.remove(w);
    }

    private void schedule() {
        try {
            executor.schedule(this::sweep, tickNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            sweeping.set(false);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (ExchangeWatch w : watched) {
            if (w.check(now)) {
                watched.remove(w);
            }
        }
        if (watched.isEmpty()) {
            sweeping.set(false);
            // An exchange that started after the look above saw the flag still up and scheduled nothing.
            if (watched.isEmpty() || !sweeping.compareAndSet(false, true)) {
                return;
            }
        }
        schedule();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
