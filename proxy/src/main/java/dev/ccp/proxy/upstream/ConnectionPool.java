package dev.ccp.proxy.upstream;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.ClientConnection;
import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Keep-alive HTTP/1.1 connections to one provider, lent to one exchange at a time.
 *
 * <p>Why not Helidon's own connection cache: it puts every returned connection in "idle monitoring",
 * a virtual thread blocked reading the socket so that a connection the server closed is noticed. The
 * next request then waits for that thread to hand over the first byte of its response (one more
 * thread hop before the first byte), starting the monitor is the last thing done before the end of a
 * relayed body can reach the client, and the monitor needs a socket read timeout, which makes every
 * read of a virtual thread arm a timer. Here a returned connection just goes back on a deque, and the
 * proxy's reads carry no socket timeout ({@link ExchangeWatch} enforces the timeouts instead).
 *
 * <p>What the monitor gave, noticing connections the server dropped, is done three ways: a connection
 * idle longer than {@code maxIdle} is closed instead of reused; one idle longer than
 * {@code validateAfter} is probed first (a read of at most 1 ms: end of stream or a reset means the
 * server closed it); and {@link UpstreamClients} sends a request once more, on a new connection, when
 * a reused connection was found closed before any byte of the response came.
 */
final class ConnectionPool implements AutoCloseable {
    /** A probe read this long tells an open idle connection from one the server closed. */
    private static final Duration PROBE = Duration.ofMillis(1);

    private final WebClient web;
    private final ConnectionKey key;
    private final long maxIdleNanos;
    private final long validateAfterNanos;
    private final int maxIdleConnections;
    private final LongSupplier nanoTime;
    private final ConcurrentLinkedDeque<PooledConnection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param maxIdle            a connection idle longer is closed rather than reused
     * @param validateAfter      a connection idle longer is probed before it is reused
     * @param maxIdleConnections connections kept beyond this are closed when returned
     * @param nanoTime           the clock of idle times (a test moves it)
     */
    ConnectionPool(WebClient web, URI baseUrl, Tls tls, Duration maxIdle, Duration validateAfter, int maxIdleConnections,
                   LongSupplier nanoTime) {
        this.web = web;
        boolean https = "https".equalsIgnoreCase(baseUrl.getScheme());
        int port = baseUrl.getPort() > 0 ? baseUrl.getPort() : https ? 443 : 80;
        this.key = ConnectionKey.create(https ? "https" : "http", baseUrl.getHost(), port,
                https ? tls : Tls.builder().enabled(false).build(),
                web.prototype().dnsResolver(), web.prototype().dnsAddressLookup(), Proxy.noProxy());
        this.maxIdleNanos = maxIdle.toNanos();
        this.validateAfterNanos = validateAfter.toNanos();
        this.maxIdleConnections = maxIdleConnections;
        this.nanoTime = nanoTime;
    }

    /**
     * One connection lent to one request. Its state counts the loans and says whether it is out: a
     * watch that fires late, after the connection came back and went out again, must not close it
     * under the next request, so {@link #expire()} only acts on the loan it was given for.
     */
    static final class Lease {
        private final PooledConnection pooled;
        private final long loan;
        private final boolean reused;
        private final ClientConnection lent;

        private Lease(PooledConnection pooled, long loan, boolean reused) {
            this.pooled = pooled;
            this.loan = loan;
            this.reused = reused;
            this.lent = new LentConnection(pooled.connection);
        }

        /** The connection as this request's exchange sees it: its own reader over the pooled socket. */
        ClientConnection connection() {
            return lent;
        }

        /** The pooled connection itself, the same across its loans. */
        TcpClientConnection pooled() {
            return pooled.connection;
        }

        /** Whether the connection served a request before this one. */
        boolean reused() {
            return reused;
        }

        /** Closes the connection if it is still out on this loan (a timeout fired). */
        boolean expire() {
            if (pooled.state.compareAndSet(loan, PooledConnection.CLOSED)) {
                pooled.connection.closeResource();
                return true;
            }
            return false;
        }

        /** Closes the connection: it failed under this request. */
        void discard() {
            pooled.state.set(PooledConnection.CLOSED);
            pooled.connection.closeResource();
        }
    }

    /**
     * A pooled connection with a reader of its own for one exchange. Helidon's {@link DataReader}
     * is a linked list of the buffers read from the socket, and a consumed node keeps its link to
     * the next one. The node at the head of an idle pooled connection's reader lives long enough to
     * be promoted to the old generation; once it is there, every buffer the next response is read
     * into stays reachable from it (through the links of consumed nodes) until a full collection:
     * a 300 MiB stream relayed on a reused connection promoted ~2.4 MB at every young collection
     * and grew the committed heap from 53 to 339 MiB (GC log, {@code make bench-large-stream}).
     * A reader made for each loan starts from a young node, so consumed buffers die young. Between
     * two exchanges an HTTP/1.1 connection holds no unread byte (a connection goes back to the pool
     * only after its response was read to the end), so nothing is lost by starting a new reader.
     */
    private static final class LentConnection implements ClientConnection {
        private final TcpClientConnection connection;
        private final DataReader reader;

        LentConnection(TcpClientConnection connection) {
            this.connection = connection;
            this.reader = DataReader.create(connection.helidonSocket());
        }

        @Override
        public DataReader reader() {
            return reader;
        }

        @Override
        public DataWriter writer() {
            return connection.writer();
        }

        @Override
        public String channelId() {
            return connection.channelId();
        }

        @Override
        public HelidonSocket helidonSocket() {
            return connection.helidonSocket();
        }

        @Override
        public void readTimeout(Duration timeout) {
            connection.readTimeout(timeout);
        }

        @Override
        public boolean allowExpectContinue() {
            return connection.allowExpectContinue();
        }

        @Override
        public void allowExpectContinue(boolean allow) {
            connection.allowExpectContinue(allow);
        }

        @Override
        public boolean isConnected() {
            return connection.isConnected();
        }

        @Override
        public ClientConnection connect() {
            return this;
        }

        @Override
        public void releaseResource() {
            connection.releaseResource();
        }

        @Override
        public void closeResource() {
            connection.closeResource();
        }
    }

    /** A connection and its loan state: odd while lent (2n - 1 on the n-th loan), even while idle, -1 closed. */
    private final class PooledConnection {
        static final long CLOSED = -1;
        final AtomicLong state = new AtomicLong();
        final TcpClientConnection connection;
        volatile long returnedNanos;

        PooledConnection() {
            connection = TcpClientConnection.create(web, key, List.of("http/1.1"), c -> giveBack(this),
                    c -> state.set(CLOSED));
        }

        long lend() {
            long s = state.get();
            return s >= 0 && (s & 1) == 0 && state.compareAndSet(s, s + 1) ? s + 1 : CLOSED;
        }
    }

    /** A connection for one request: the most recently returned one still fit for use, else a new one. */
    Lease take() {
        for (PooledConnection pc; (pc = idle.pollFirst()) != null; ) {
            idleCount.decrementAndGet();
            long idleFor = nanoTime.getAsLong() - pc.returnedNanos;
            if (idleFor <= maxIdleNanos && (idleFor <= validateAfterNanos || stillOpen(pc))) {
                long loan = pc.lend();
                if (loan != PooledConnection.CLOSED) {
                    return new Lease(pc, loan, true);
                }
            }
            pc.state.set(PooledConnection.CLOSED);
            pc.connection.closeResource();
        }
        return fresh();
    }

    /** A new connection, never a pooled one. */
    Lease fresh() {
        PooledConnection pc = new PooledConnection();
        pc.connection.connect();
        // Reads carry no socket timeout: ExchangeWatch keeps the timeouts (the client's socket options set one at connect).
        pc.connection.readTimeout(Duration.ZERO);
        opened.incrementAndGet();
        return new Lease(pc, pc.lend(), false);
    }

    /** Connections opened since start: pooling works when this stays near the concurrency. */
    int opened() {
        return opened.get();
    }

    int idleConnections() {
        return idleCount.get();
    }

    /** A 1 ms read: nothing comes on an open idle connection; the end of the stream or an error means it was closed. */
    private static boolean stillOpen(PooledConnection pc) {
        try {
            pc.connection.readTimeout(PROBE);
            pc.connection.helidonSocket().read(BufferData.create(1));
            // Either the end of the stream or bytes nobody asked for: not a connection to reuse.
            return false;
        } catch (RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof SocketTimeoutException) {
                    try {
                        pc.connection.readTimeout(Duration.ZERO);
                        return true;
                    } catch (RuntimeException closed) {
                        return false;
                    }
                }
            }
            return false;
        }
    }

    /** Called through the connection's {@code releaseResource()} when a response was read to its end; false closes the connection. */
    private boolean giveBack(PooledConnection pc) {
        long s = pc.state.get();
        if (closed || (s & 1) == 0 || !pc.state.compareAndSet(s, s + 1)) {
            return false;
        }
        if (idleCount.incrementAndGet() > maxIdleConnections) {
            idleCount.decrementAndGet();
            pc.state.set(PooledConnection.CLOSED);
            return false;
        }
        pc.returnedNanos = nanoTime.getAsLong();
        // Most recent first: the connection most likely still open on the server's side goes out next.
        idle.offerFirst(pc);
        return true;
    }

    @Override
    public void close() {
        closed = true;
        for (PooledConnection pc; (pc = idle.pollFirst()) != null; ) {
            idleCount.decrementAndGet();
            pc.state.set(PooledConnection.CLOSED);
            pc.connection.closeResource();
        }
    }
}
