package dev.ccp.proxy.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * The timeouts of one HTTP/1.1 exchange, kept without a socket read timeout.
 *
 * <p>A virtual thread's socket read with a timeout parks with a timer, and the bench counted about
 * twice the futex calls per relayed stream with one. Here reads wait without a timeout and the
 * {@link Watchdog} looks at the exchange's deadline once per tick; a read moves the deadline of a
 * stream, so a stream that keeps talking costs nothing per read. When a deadline passes the
 * connection is closed: the blocked read or write fails at once, and is reported as a timeout.
 *
 * <p>Phases: until the response head, the deadline is the head's (CCP_HEADER_TIMEOUT for streams,
 * CCP_JSON_TIMEOUT for the whole non-streaming exchange); then for a stream every read moves it to
 * now + CCP_SSE_IDLE_TIMEOUT, and a non-streaming body keeps the exchange's deadline.
 */
final class ExchangeWatch {
    private final Watchdog watchdog;
    private final ConnectionPool.Lease lease;
    private volatile long deadline;
    /** 0 while waiting for the head; then the stream's idle limit, or 0 for a fixed deadline. */
    private volatile long idleNanos;
    private volatile boolean done;
    private volatile boolean expired;

    private ExchangeWatch(Watchdog watchdog, ConnectionPool.Lease lease, long deadline) {
        this.watchdog = watchdog;
        this.lease = lease;
        this.deadline = deadline;
    }

    /** Watches {@code lease} until {@link #finish()}; first deadline in System.nanoTime() terms. */
    static ExchangeWatch start(Watchdog watchdog, ConnectionPool.Lease lease, long deadline) {
        ExchangeWatch w = new ExchangeWatch(watchdog, lease, deadline);
        watchdog.watch(w);
        return w;
    }

    /** The head came: a stream may now stay silent {@code idleNanos} between reads. */
    void streaming(long idleNanos) {
        this.idleNanos = idleNanos;
        this.deadline = System.nanoTime() + idleNanos;
    }

    /** The head came: the body must be complete by {@code deadline}. */
    void until(long deadline) {
        this.deadline = deadline;
    }

    /** The exchange is over (read to its end, failed or abandoned): the watch will not act. */
    void finish() {
        if (done) {
            return;
        }
        done = true;
        watchdog.unwatch(this);
    }

    /** Whether a deadline passed and the connection was closed for it. */
    boolean expired() {
        return expired;
    }

    /** The watchdog's look at {@code now}: true when the watch is over (finished, or expired now). */
    boolean check(long now) {
        if (done) {
            return true;
        }
        if (now - deadline < 0) {
            return false;
        }
        expired = true;
        if (!done) {
            lease.expire();
        }
        return true;
    }

    /** The body as the exchange reads it: each read moves a stream's deadline; a read cut by the watch says timeout. */
    InputStream watch(InputStream body) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n;
                try {
                    n = body.read(b, off, len);
                } catch (IOException | RuntimeException e) {
                    if (expired) {
                        throw timeout(e);
                    }
                    throw e;
                }
                if (n < 0) {
                    finish();
                } else {
                    long idle = idleNanos;
                    if (idle > 0) {
                        deadline = System.nanoTime() + idle;
                    }
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                body.close();
            }
        };
    }

    private static SocketTimeoutException timeout(Throwable cause) {
        SocketTimeoutException e = new SocketTimeoutException("the provider sent nothing within the timeout");
        e.initCause(cause);
        return e;
    }
}
