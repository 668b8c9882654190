package dev.ccp.proxy.events;

import dev.ccp.events.Event;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Appends events to the log from one background thread fed by a bounded queue.
 *
 * <p>{@code EventLog.append} may block for seconds (a write lock held by another live process, a
 * stalled disk), so a request thread never calls it: {@link #offer} only enqueues, and
 * {@link #offerAndWait} waits for the writer at most {@code waitBound}. When appending fails the
 * traffic keeps flowing, {@link #appendErrors()} rises and the failure is logged at most once a
 * minute; a full queue drops the event and counts it as an error for the same reason. A wait that
 * runs out is counted in {@link #waitTimeouts()}; while the writer stays stuck in one append longer
 * than the bound, later waits return at once instead of each costing the bound again.
 */
public final class AsyncEventWriter implements EventSink, AutoCloseable {
    /** Appends one event; the production one is {@code EventLog::append}. */
    @FunctionalInterface
    public interface Appender {
        void append(Event event) throws Exception;
    }

    /** The default bound of {@link #offerAndWait}. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(AsyncEventWriter.class.getName());
    private static final Duration LOG_EVERY = Duration.ofMinutes(1);
    private static final Object STOP = new Object();

    /** An event whose offering thread waits until the writer is past it. */
    private static final class Awaited {
        final Event event;
        final Thread waiter = Thread.currentThread();
        volatile boolean done;
        volatile boolean appended;

        Awaited(Event event) {
            this.event = event;
        }
    }

    private final Appender appender;
    private final InstantSource clock;
    private final long waitNanos;
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong waitTimeouts = new AtomicLong();
    private final AtomicLong lastAppendMillis = new AtomicLong(-1);
    private final AtomicLong lastErrorMillis = new AtomicLong(-1);
    /** System.nanoTime() when the append in progress began, or 0 between appends. */
    private volatile long appendStartedNanos;
    private volatile boolean closed;
    private Instant lastFailureLogged;
    private long failuresSinceLog;

    public AsyncEventWriter(Appender appender, InstantSource clock, int capacity) {
        this(appender, clock, capacity, DEFAULT_WAIT);
    }

    /** @param waitBound the longest {@link #offerAndWait} waits for the writer */
    public AsyncEventWriter(Appender appender, InstantSource clock, int capacity, Duration waitBound) {
        this.appender = appender;
        this.clock = clock;
        this.waitNanos = waitBound.toNanos();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = Thread.ofPlatform().name("ccp-event-writer").daemon(true).unstarted(this::run);
        this.thread.start();
    }

    @Override
    public void offer(Event event) {
        if (enqueue(event, event) && asleep) {
            LockSupport.unpark(thread);
        }
    }

    private boolean enqueue(Object item, Event event) {
        if (closed || !queue.offer(item)) {
            errors.incrementAndGet();
            lastErrorMillis.set(clock.millis());
            noteFailure("the event queue is full or closed; event " + event.getClass().getSimpleName() + " dropped");
            return false;
        }
        return true;
    }

    @Override
    public boolean offerAndWait(Event event) {
        Awaited awaited = new Awaited(event);
        if (!enqueue(awaited, event)) {
            return false;
        }
        // The writer may be napping between polls: wake it, the caller's answer waits for this event.
        LockSupport.unpark(thread);
        long deadline = System.nanoTime() + waitNanos;
        while (!awaited.done) {
            long left = deadline - System.nanoTime();
            long started = appendStartedNanos;
            boolean stuck = started != 0 && System.nanoTime() - started > waitNanos;
            if (left <= 0 || stuck) {
                waitTimeouts.incrementAndGet();
                return false;
            }
            LockSupport.parkNanos(awaited, left);
        }
        return awaited.appended;
    }

    /** Events appended to the log so far. */
    public long appends() {
        return appended.get();
    }

    /** Events that could not be appended (append failed, or dropped because the queue was full). */
    public long appendErrors() {
        return errors.get();
    }

    /** {@link #offerAndWait} calls that returned before their event was appended (slow or stuck log). */
    public long waitTimeouts() {
        return waitTimeouts.get();
    }

    /** Wall-clock millis of the last successful append, or -1. */
    public long lastAppendMillis() {
        return lastAppendMillis.get();
    }

    /** Wall-clock millis of the last failed append (or dropped event), or -1. */
    public long lastErrorMillis() {
        return lastErrorMillis.get();
    }

    /** Whether the writer is parked until the next offer (an idle proxy). */
    boolean asleep() {
        return asleep;
    }

    public int queued() {
        return queue.size();
    }

    /**
     * Between events the writer naps ({@link #NAP_NANOS}) instead of waiting to be woken: a writer
     * blocked on the queue must be woken by the request thread that offers the next event (a futex
     * call and a context switch on the request path, four times per request). A plain {@link #offer}
     * does not wake a napping writer: its event waits for the end of the nap, or for the request's
     * completion ({@link #offerAndWait}), which does wake it and comes after it in the queue. The
     * naps are long on purpose: with 1 ms polls the writer of a proxy serving one 140 ms stream at a
     * time woke ~140 times per stream (~2 ms of CPU per stream on the loaded 2-core bench machine),
     * with 50 ms naps 3 or 4 times (~0.2 ms); a plain event waits at most one nap. After {@link #NAPS} empty naps (an
     * idle proxy) the writer parks until the next offer wakes it ({@link #asleep}).
     */
    private static final long NAP_NANOS = 50_000_000;
    private static final int NAPS = 4;
    /** The writer is parked with no timeout: the next offer must wake it. */
    private volatile boolean asleep;

    private void run() {
        int naps = 0;
        while (true) {
            // One event at a time, never a batch taken out of the queue: the queue's capacity is
            // then the bound on events held in memory while the log is slow or stuck.
            Object item = queue.poll();
            if (item == null) {
                if (naps < NAPS) {
                    naps++;
                    LockSupport.parkNanos(this, NAP_NANOS);
                } else {
                    asleep = true;
                    // Checked again after the flag is up: an offer that saw it down did not wake us.
                    if (queue.isEmpty()) {
                        LockSupport.park(this);
                    }
                    asleep = false;
                }
                if (Thread.interrupted()) {
                    return;
                }
                continue;
            }
            naps = 0;
            if (item == STOP) {
                return;
            }
            if (item instanceof Awaited awaited) {
                awaited.appended = append(awaited.event);
                awaited.done = true;
                LockSupport.unpark(awaited.waiter);
            } else {
                append((Event) item);
            }
        }
    }

    private boolean append(Event event) {
        appendStartedNanos = System.nanoTime();
        try {
            appender.append(event);
            appended.incrementAndGet();
            lastAppendMillis.set(clock.millis());
            return true;
        } catch (Exception | Error e) {
            errors.incrementAndGet();
            lastErrorMillis.set(clock.millis());
            noteFailure("appending to the event log failed: " + e);
            return false;
        } finally {
            appendStartedNanos = 0;
        }
    }

    private synchronized void noteFailure(String message) {
        failuresSinceLog++;
        Instant now = clock.instant();
        if (lastFailureLogged == null || !now.isBefore(lastFailureLogged.plus(LOG_EVERY))) {
            LOG.log(System.Logger.Level.WARNING, message + " (" + failuresSinceLog + " failure(s) since the last report; traffic continues)");
            lastFailureLogged = now;
            failuresSinceLog = 0;
        }
    }

    /** Stops taking events, appends what is queued (waiting at most {@code wait}) and stops the thread. */
    public void close(Duration wait) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // Behind what is queued; a full queue of a stuck log must not hold the stop forever.
            queue.offer(STOP, wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            LockSupport.unpark(thread);
            thread.join(wait.toMillis());
            if (thread.isAlive()) {
                // The log is stuck: the thread must not outlive the proxy that owns it.
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(20));
    }
}
