package dev.ccp.proxy.upstream;

import dev.ccp.policy.catalog.Provider;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.Header;
import io.helidon.http.Method;
import io.helidon.webclient.api.ClientConnection;
import io.helidon.webclient.api.ClientRequest;
import io.helidon.webclient.api.HttpClient;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http2.Http2ClientResponse;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Helidon WebClient per provider (keyed by name and base URL, so a reloaded catalog gets fresh ones).
 *
 * <p>Protocol: HTTP/2 where the provider offers it through ALPN on TLS; HTTP/1.1 for plain
 * {@code http://} providers (no h2c upgrade round trip) and whenever {@code MITM_FORCE_H1=1}. The
 * protocol used is reported per response. Redirects are never followed: a redirect could carry the
 * credential to another host.
 */
public final class UpstreamClients {
    private final Timeouts timeouts;
    private final boolean forceH1;
    private final Map<String, ProviderClient> clients = new ConcurrentHashMap<>();
    /** Keeps the timeouts of HTTP/1.1 exchanges (see ExchangeWatch); one daemon thread. */
    private final ScheduledThreadPoolExecutor watchdogs = watchdogs();

    public UpstreamClients(Timeouts timeouts, boolean forceH1) {
        this.timeouts = timeouts;
        this.forceH1 = forceH1;
    }

    private static ScheduledThreadPoolExecutor watchdogs() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("ccp-exchange-watch").daemon(true).factory());
        // A cancelled check (the exchange ended in time: nearly always) leaves the queue at once.
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    public boolean forceH1() {
        return forceH1;
    }

    /** @param pool HTTP/1.1 only: the proxy's own keep-alive connections (null for a client that may use HTTP/2) */
    private record ProviderClient(HttpClient<?> client, ConnectionPool pool) {
    }

    private ProviderClient clientFor(Provider p) {
        return clients.computeIfAbsent(p.name() + " " + p.baseUrl(), k -> {
            boolean tls = "https".equalsIgnoreCase(p.baseUrl().getScheme());
            boolean h1Only = forceH1 || !tls;
            Duration connect = timeouts.dial().plus(tls ? timeouts.tls() : Duration.ZERO);
            WebClient web = WebClient.builder()
                    .connectTimeout(connect)
                    .readTimeout(timeouts.sseIdle())
                    .followRedirects(false)
                    .keepAlive(true)
                    .sendExpectContinue(false)
                    .servicesDiscoverServices(false)
                    .shareConnectionCache(false)
                    .socketOptions(so -> so.connectTimeout(connect)
                            .readTimeout(timeouts.sseIdle())
                            .socketKeepAlive(!timeouts.keepAlive().isZero())
                            .tcpNoDelay(true))
                    .protocolPreference(h1Only ? List.of("http/1.1") : List.of("h2", "http/1.1"))
                    .build();
            if (!h1Only) {
                return new ProviderClient(web, null);
            }
            ConnectionPool pool = new ConnectionPool(web, p.baseUrl(), web.prototype().tls(), MAX_IDLE, VALIDATE_AFTER,
                    MAX_IDLE_CONNECTIONS, System::nanoTime);
            return new ProviderClient(web.client(Http1Client.PROTOCOL), pool);
        });
    }

    /** An idle connection older than this is closed rather than reused (servers drop idle ones after some seconds). */
    static final Duration MAX_IDLE = Duration.ofSeconds(30);
    /** An idle connection older than this is probed before it is reused. */
    static final Duration VALIDATE_AFTER = Duration.ofSeconds(2);
    static final int MAX_IDLE_CONNECTIONS = 256;

    /**
     * Sends the request and returns once the response head arrived.
     *
     * @throws UpstreamException when no head came: unreachable, timed out or broken; its message names the provider
     */
    public UpstreamResponse send(UpstreamRequest r) throws UpstreamException {
        ProviderClient pc = clientFor(r.provider());
        if (pc.pool() != null) {
            return sendHttp1(pc, r);
        }
        Duration readTimeout = r.stream() ? timeouts.sseIdle() : timeouts.json();
        Duration headWait = r.stream() ? timeouts.header() : timeouts.json();
        String provider = r.provider().name();
        if (headWait.compareTo(readTimeout) >= 0) {
            try {
                return wrap(submit(pc.client(), r, readTimeout, null), null);
            } catch (RuntimeException e) {
                throw UpstreamException.classify(e, provider, false);
            }
        }
        // The head must come sooner than the per-read timeout allows. Interrupting a thread waiting on
        // an h2 stream is not known to close that stream, so the request is sent from a thread of its
        // own and the head awaited here.
        return sendWaitingOnTheSide(pc, r, readTimeout, headWait, provider);
    }

    /**
     * HTTP/1.1 on a pooled connection, timeouts kept by an {@link ExchangeWatch}. A reused connection
     * found closed before any byte of the response came is replaced by a new one and the request sent
     * once more: the provider closed it while idle, so the request never reached it.
     */
    private UpstreamResponse sendHttp1(ProviderClient pc, UpstreamRequest r) throws UpstreamException {
        String provider = r.provider().name();
        long start = System.nanoTime();
        Duration headWait = r.stream() ? min(timeouts.header(), timeouts.sseIdle()) : timeouts.json();
        for (int attempt = 1; ; attempt++) {
            ConnectionPool.Lease lease;
            try {
                lease = attempt == 1 ? pc.pool().take() : pc.pool().fresh();
            } catch (RuntimeException e) {
                throw UpstreamException.classify(e, provider, false);
            }
            ExchangeWatch watch = ExchangeWatch.start(watchdogs, lease, start + headWait.toNanos());
            HttpClientResponse res;
            try {
                res = submit(pc.client(), r, Duration.ZERO, lease.connection());
            } catch (RuntimeException e) {
                watch.finish();
                if (watch.expired()) {
                    throw headTimeout(provider, headWait);
                }
                lease.discard();
                if (attempt == 1 && lease.reused() && closedByPeer(e)) {
                    continue;
                }
                throw UpstreamException.classify(e, provider, false);
            }
            if (r.stream()) {
                watch.streaming(timeouts.sseIdle().toNanos());
            } else {
                watch.until(start + timeouts.json().toNanos());
            }
            return wrap(res, watch);
        }
    }

    /** The failures of a connection the server had closed: end of stream or reset before the response head. */
    static boolean closedByPeer(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.SocketTimeoutException) {
                return false;
            }
            String m = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (c instanceof java.io.EOFException || c instanceof java.net.SocketException
                    || c instanceof DataReader.InsufficientDataAvailableException
                    || m.contains("reset") || m.contains("closed") || m.contains("broken pipe") || m.contains("end of stream")) {
                return true;
            }
        }
        return false;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Sends from a thread of its own and waits for the head here, at most {@code headWait}. */
    private static UpstreamResponse sendWaitingOnTheSide(ProviderClient pc, UpstreamRequest r, Duration readTimeout,
                                                         Duration headWait, String provider) throws UpstreamException {
        AtomicBoolean abandoned = new AtomicBoolean();
        CompletableFuture<HttpClientResponse> head = new CompletableFuture<>();
        Thread.ofVirtual().name("ccp-upstream-head").start(() -> {
            try {
                HttpClientResponse res = submit(pc.client(), r, readTimeout, null);
                if (!head.complete(res) || abandoned.get()) {
                    res.close();
                }
            } catch (Throwable t) {
                head.completeExceptionally(t);
            }
        });
        try {
            return wrap(head.get(headWait.toNanos(), TimeUnit.NANOSECONDS), null);
        } catch (TimeoutException e) {
            abandoned.set(true);
            head.thenAccept(HttpClientResponse::close);
            throw headTimeout(provider, headWait);
        } catch (ExecutionException e) {
            throw UpstreamException.classify(e.getCause(), provider, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandoned.set(true);
            head.thenAccept(HttpClientResponse::close);
            throw new UpstreamException(UpstreamException.Kind.IO, provider, "interrupted", e);
        }
    }

    private static UpstreamException headTimeout(String provider, Duration headWait) {
        return new UpstreamException(UpstreamException.Kind.TIMEOUT, provider,
                "provider " + provider + " sent no response head within " + headWait.toMillis() + " ms", null);
    }

    private static UpstreamResponse wrap(HttpClientResponse res, ExchangeWatch watch) {
        return new UpstreamResponse(res, res instanceof Http2ClientResponse ? "h2" : "h1", System.nanoTime(), watch);
    }

    /** @param connection the pooled HTTP/1.1 connection to use, or null to let the client choose */
    private static HttpClientResponse submit(HttpClient<?> client, UpstreamRequest r, Duration readTimeout,
                                             ClientConnection connection) {
        ClientRequest<?> req = client.method(Method.create(r.method()))
                .uri(URI.create(r.url()))
                .skipUriEncoding(true)
                .followRedirects(false)
                .readTimeout(readTimeout)
                .headers(h -> {
                    for (Header header : r.headers()) {
                        h.set(header);
                    }
                });
        if (connection != null) {
            req.connection(connection);
        }
        if (r.body().length == 0 && ("GET".equals(r.method()) || "HEAD".equals(r.method()))) {
            return req.request();
        }
        return req.submit(r.body());
    }
}
