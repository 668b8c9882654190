package dev.ccp.proxy.upstream;

import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy's HTTP/1.1 connection pool against a real loopback server socket (the accepted sockets
 * are the provider's side of each connection), with the idle clock moved by the test.
 */
class ConnectionPoolTest {
    private ServerSocket provider;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private ConnectionPool pool;

    @BeforeEach
    void start() throws IOException {
        provider = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!provider.isClosed()) {
                try {
                    accepted.add(provider.accept());
                } catch (IOException e) {
                    return;
                }
            }
        });
        WebClient web = WebClient.builder().connectTimeout(Duration.ofSeconds(5)).build();
        pool = new ConnectionPool(web, URI.create("http://127.0.0.1:" + provider.getLocalPort()), Tls.builder().enabled(false).build(),
                Duration.ofSeconds(30), Duration.ofSeconds(2), 4, now::get);
    }

    @AfterEach
    void stop() throws IOException {
        pool.close();
        provider.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    /** What Helidon does when a response was read to its end. */
    private static void answered(ConnectionPool.Lease lease) {
        lease.connection().releaseResource();
    }

    private Socket providerSide() throws InterruptedException {
        Socket s = accepted.poll(10, TimeUnit.SECONDS);
        assertNotNull(s, "the pool opened no connection");
        return s;
    }

    /** Whether the proxy closed its end: the provider's side of the connection reads the end of the stream. */
    private static boolean closedByTheProxy(Socket providerSide) throws IOException {
        providerSide.setSoTimeout(5_000);
        return providerSide.getInputStream().read() == -1;
    }

    @Test
    void aReturnedConnectionServesTheNextRequest() throws Exception {
        ConnectionPool.Lease first = pool.take();
        assertFalse(first.reused());
        answered(first);
        ConnectionPool.Lease second = pool.take();
        assertTrue(second.reused());
        assertSame(first.pooled(), second.pooled());
        assertEquals(1, pool.opened());
    }

    @Test
    void eachLoanOfAReusedConnectionReadsItsResponseThroughAReaderOfItsOwn() throws Exception {
        ConnectionPool.Lease first = pool.take();
        Socket providerSide = providerSide();
        answered(first);
        ConnectionPool.Lease second = pool.take();
        assertSame(first.pooled(), second.pooled());
        // A reader shared across loans links the next response's buffers to nodes an idle connection
        // kept long enough to be promoted: they would stay in the heap until a full collection.
        assertNotSame(first.connection().reader(), second.connection().reader());
        providerSide.getOutputStream().write("HTTP/1.1 200 OK\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        providerSide.getOutputStream().flush();
        second.connection().readTimeout(Duration.ofSeconds(10));
        assertEquals("HTTP/1.1 200 OK", second.connection().reader().readLine());
    }

    @Test
    void aConnectionIdleLongerThanMaxIdleIsClosedNotReused() throws Exception {
        ConnectionPool.Lease first = pool.take();
        Socket firstProviderSide = providerSide();
        answered(first);
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        ConnectionPool.Lease second = pool.take();
        assertFalse(second.reused());
        assertNotSame(first.pooled(), second.pooled());
        assertTrue(closedByTheProxy(firstProviderSide));
    }

    @Test
    void aConnectionTheProviderClosedWhileIdleIsFoundByTheProbeAndReplaced() throws Exception {
        ConnectionPool.Lease first = pool.take();
        Socket providerSide = providerSide();
        answered(first);
        providerSide.close();
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        ConnectionPool.Lease second = pool.take();
        assertFalse(second.reused(), "the probe saw the provider's close");
        assertEquals(2, pool.opened());
    }

    @Test
    void anOpenConnectionIdleLongerThanValidateAfterPassesTheProbeAndIsReused() throws Exception {
        ConnectionPool.Lease first = pool.take();
        providerSide();
        answered(first);
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        ConnectionPool.Lease second = pool.take();
        assertTrue(second.reused());
        assertEquals(1, pool.opened());
    }

    @Test
    void aLateTimeoutDoesNotCloseTheConnectionUnderItsNextRequest() throws Exception {
        ConnectionPool.Lease first = pool.take();
        Socket providerSide = providerSide();
        answered(first);
        ConnectionPool.Lease second = pool.take();
        assertSame(first.pooled(), second.pooled());
        assertFalse(first.expire(), "the first loan is over");
        assertTrue(second.expire(), "the current loan can still be cut");
        assertTrue(closedByTheProxy(providerSide));
        answered(second);
        assertEquals(0, pool.idleConnections(), "a connection cut by its timeout never goes back to the pool");
    }

    @Test
    void connectionsBeyondTheIdleLimitAreClosedWhenReturned() throws Exception {
        ConnectionPool.Lease[] out = new ConnectionPool.Lease[6];
        Socket[] providerSides = new Socket[out.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = pool.take();
            providerSides[i] = providerSide();
        }
        for (ConnectionPool.Lease l : out) {
            answered(l);
        }
        assertEquals(4, pool.idleConnections());
        assertTrue(closedByTheProxy(providerSides[5]));
    }
}
