package dev.ccp.proxy.events;

import dev.ccp.events.Event;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Appends events to the log from one background thread fed by a bounded queue.
 *
 * <p>{@code EventLog.append} may block for seconds (a killed writer's lock is recovered after
 * ~15 s), so no request thread ever calls it: {@link #offer} only enqueues. When appending fails
 * the traffic keeps flowing, {@link #appendErrors()} rises and the failure is logged at most once
 * a minute; a full queue drops the event and counts it as an error for the same reason.
 */
public final class AsyncEventWriter implements EventSink, AutoCloseable {
    /** Appends one event; the production one is {@code EventLog::append}. */
    @FunctionalInterface
    public interface Appender {
        void append(Event event) throws Exception;
    }

    private static final Logger LOG = Logger.getLogger(AsyncEventWriter.class.getName());
    private static final Duration LOG_EVERY = Duration.ofMinutes(1);
    private static final Event STOP = new Event.ProxyStopped("stop", null, 0, "", "writer stop");

    private final Appender appender;
    private final InstantSource clock;
    private final BlockingQueue<Event> queue;
    private final Thread thread;
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong lastAppendMillis = new AtomicLong(-1);
    private final AtomicLong lastErrorMillis = new AtomicLong(-1);
    private volatile boolean closed;
    private Instant lastFailureLogged;
    private long failuresSinceLog;

    public AsyncEventWriter(Appender appender, InstantSource clock, int capacity) {
        this.appender = appender;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = Thread.ofPlatform().name("ccp-event-writer").daemon(true).unstarted(this::run);
        this.thread.start();
    }

    @Override
    public void offer(Event event) {
        if (closed || !queue.offer(event)) {
            errors.incrementAndGet();
            lastErrorMillis.set(clock.millis());
            noteFailure("the event queue is full or closed; event " + event.getClass().getSimpleName() + " dropped");
        }
    }

    /** Events appended to the log so far. */
    public long appends() {
        return appended.get();
    }

    /** Events that could not be appended (append failed, or dropped because the queue was full). */
    public long appendErrors() {
        return errors.get();
    }

    /** Wall-clock millis of the last successful append, or -1. */
    public long lastAppendMillis() {
        return lastAppendMillis.get();
    }

    /** Wall-clock millis of the last failed append (or dropped event), or -1. */
    public long lastErrorMillis() {
        return lastErrorMillis.get();
    }

    public int queued() {
        return queue.size();
    }

    /**
     * While events keep coming, the writer polls the queue every {@link #LINGER_NANOS} instead of
     * waiting on it: a writer blocked in {@code take()} must be woken by the request thread that
     * offers the next event (a futex call and a context switch on the request path, four times per
     * request), while a polling writer costs the request nothing. After {@link #LINGER_POLLS} empty
     * polls (an idle proxy) it blocks again and the next offer wakes it.
     */
    private static final long LINGER_NANOS = 1_000_000;
    private static final int LINGER_POLLS = 50;

    private void run() {
        int idlePolls = 0;
        while (true) {
            // One event at a time, never a batch taken out of the queue: the queue's capacity is
            // then the bound on events held in memory while the log is slow or stuck.
            Event event = queue.poll();
            if (event == null) {
                try {
                    if (idlePolls < LINGER_POLLS) {
                        idlePolls++;
                        java.util.concurrent.locks.LockSupport.parkNanos(LINGER_NANOS);
                        continue;
                    }
                    event = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
            }
            idlePolls = 0;
            if (event == STOP) {
                return;
            }
            append(event);
        }
    }

    private void append(Event event) {
        try {
            appender.append(event);
            appended.incrementAndGet();
            lastAppendMillis.set(clock.millis());
        } catch (Exception | Error e) {
            errors.incrementAndGet();
            lastErrorMillis.set(clock.millis());
            noteFailure("appending to the event log failed: " + e);
        }
    }

    private synchronized void noteFailure(String message) {
        failuresSinceLog++;
        Instant now = clock.instant();
        if (lastFailureLogged == null || !now.isBefore(lastFailureLogged.plus(LOG_EVERY))) {
            LOG.log(Level.WARNING, message + " (" + failuresSinceLog + " failure(s) since the last report; traffic continues)");
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
            queue.put(STOP);
            thread.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(20));
    }
}
