package dev.ccp.proxy.upstream;

import dev.ccp.policy.catalog.Provider;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Method;
import io.helidon.webclient.api.ClientConnection;
import io.helidon.webclient.api.ClientRequest;
import io.helidon.webclient.api.HttpClient;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http2.Http2ClientResponse;

import io.helidon.common.uri.UriInfo;
import io.helidon.common.uri.UriPath;
import io.helidon.webclient.api.ClientUri;

import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Helidon WebClient per provider (keyed by name and base URL, so a reloaded catalog gets fresh ones).
 *
 * <p>A client whose provider a catalog reload removed or moved is closed once its last exchange ends
 * ({@link #retain}); {@link #close} closes every client, its pooled connections and the watchdog thread.
 *
 * <p>HTTP/1.1 exchanges are written by {@link Http1Exchange} on the connections of the provider's
 * {@link ConnectionPool} (the client only dials them); HTTP/2 goes through Helidon's client.
 *
 * <p>The request line carries the client's raw path and query exactly as received: Helidon's URI
 * types would decode the query into parameters and write them back re-encoded and grouped by name,
 * so the raw text is handed over as the path of a URI with no query.
 *
 * <p>Protocol: HTTP/2 where the provider offers it through ALPN on TLS; HTTP/1.1 for plain
 * {@code http://} providers (no h2c upgrade round trip) and whenever {@code MITM_FORCE_H1=1}. The
 * protocol used is reported per response. Redirects are never followed: a redirect could carry the
 * credential to another host.
 *
 * <p>Why one class of about 400 lines: the client cache, the lifecycle (reload, close) and the send path
 * share each client's count of exchanges in flight, which is what lets a reload close a client only
 * after its last exchange; split apart, that count would have to be exposed to every part.
 */
public final class UpstreamClients implements AutoCloseable {
    private final Timeouts timeouts;
    private final boolean forceH1;
    private final Map<String, ProviderClient> clients = new ConcurrentHashMap<>();
    /** Keeps the timeouts of HTTP/1.1 exchanges (see ExchangeWatch); one daemon thread. */
    private final Watchdog watchdogs;

    public UpstreamClients(Timeouts timeouts, boolean forceH1) {
        this.timeouts = timeouts;
        this.forceH1 = forceH1;
        this.watchdogs = new Watchdog(timeouts);
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    public boolean forceH1() {
        return forceH1;
    }

    /**
     * One provider's client and the exchanges using it, so that a client retired by a reload is
     * closed when its last exchange ends rather than under it.
     *
     * @param pool HTTP/1.1 only: the proxy's own keep-alive connections (null for a client that may use HTTP/2)
     */
    private record ProviderClient(WebClient web, HttpClient<?> client, ConnectionPool pool, Target target,
                                  AtomicInteger users, AtomicInteger retired) {
        ProviderClient(WebClient web, HttpClient<?> client, ConnectionPool pool, Target target) {
            this(web, client, pool, target, new AtomicInteger(), new AtomicInteger());
        }

        boolean use() {
            users.incrementAndGet();
            if (retired.get() != 0) {
                release();
                return false;
            }
            return true;
        }

        void release() {
            if (users.decrementAndGet() == 0 && retired.get() != 0) {
                closeNow();
            }
        }

        void retire() {
            retired.set(1);
            if (users.get() == 0) {
                closeNow();
            }
        }

        private void closeNow() {
            if (!retired.compareAndSet(1, 2)) {
                return;
            }
            if (pool != null) {
                pool.close();
            }
            web.closeResource();
        }
    }

    private static String key(Provider p) {
        return p.name() + " " + p.baseUrl();
    }

    /** Closes the clients of providers not in {@code current} (removed, or moved to another base URL) once idle. */
    public void retain(Collection<Provider> current) {
        Set<String> keep = current.stream().map(UpstreamClients::key).collect(Collectors.toSet());
        for (var e : clients.entrySet()) {
            if (!keep.contains(e.getKey()) && clients.remove(e.getKey(), e.getValue())) {
                e.getValue().retire();
            }
        }
    }

    /**
     * The protocol of an attempt on {@code p} that got no response head: {@code h1} where only
     * HTTP/1.1 is used, else null (ALPN's choice is not known without a head).
     */
    public String protocolBeforeHead(Provider p) {
        boolean tls = "https".equalsIgnoreCase(p.baseUrl().getScheme());
        return forceH1 || !tls ? "h1" : null;
    }

    /** Providers with a client now (for tests and /readyz). */
    public Set<String> clientKeys() {
        return Set.copyOf(clients.keySet());
    }

    /** Closes every client (their connections) and stops the watchdog thread. */
    @Override
    public void close() {
        closed = true;
        watchdogs.close();
        for (var e : clients.entrySet()) {
            if (clients.remove(e.getKey(), e.getValue())) {
                e.getValue().retire();
            }
        }
    }

    private volatile boolean closed;

    /** A client for {@code p}, counted as in use until {@link ProviderClient#release()}. */
    private ProviderClient use(Provider p) {
        while (true) {
            if (closed) {
                throw new IllegalStateException("the proxy is stopping");
            }
            ProviderClient pc = clientFor(p);
            if (pc.use()) {
                return pc;
            }
        }
    }

    private ProviderClient clientFor(Provider p) {
        return clients.computeIfAbsent(key(p), k -> {
            boolean tls = "https".equalsIgnoreCase(p.baseUrl().getScheme());
            boolean h1Only = forceH1 || !tls;
            Duration connect = timeouts.dial().plus(tls ? timeouts.tls() : Duration.ZERO);
            var builder = WebClient.builder();
            if (h1Only) {
                // The pool dials its connections with no proxy; telling the client so spares it a
                // system proxy lookup (a URI parse and a ProxySelector call) on every request.
                builder.proxy(io.helidon.webclient.api.Proxy.noProxy());
            }
            WebClient web = builder
                    .connectTimeout(connect)
                    .readTimeout(timeouts.sseIdle())
                    .followRedirects(false)
                    .keepAlive(true)
                    .sendExpectContinue(false)
                    .servicesDiscoverServices(false)
                    .dnsResolver(UnresolvedHostException.RESOLVER)
                    .shareConnectionCache(false)
                    .socketOptions(so -> so.connectTimeout(connect)
                            .readTimeout(timeouts.sseIdle())
                            .socketKeepAlive(!timeouts.keepAlive().isZero())
                            .tcpNoDelay(true))
                    .protocolPreference(h1Only ? List.of("http/1.1") : List.of("h2", "http/1.1"))
                    .build();
            if (!h1Only) {
                return new ProviderClient(web, web, null, null);
            }
            ConnectionPool pool = new ConnectionPool(web, p.baseUrl(), web.prototype().tls(), MAX_IDLE, VALIDATE_AFTER,
                    MAX_IDLE_CONNECTIONS, System::nanoTime);
            return new ProviderClient(web, web.client(Http1Client.PROTOCOL), pool, Target.of(p.baseUrl()));
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
        ProviderClient pc;
        try {
            pc = use(r.provider());
        } catch (RuntimeException e) {
            throw UpstreamException.classify(e, r.provider().name(), UpstreamException.Phase.CONNECT);
        }
        try {
            UpstreamResponse response = pc.pool() != null ? sendHttp1(pc, r) : sendHttp2(pc, r);
            response.onClose(pc::release);
            return response;
        } catch (UpstreamException | RuntimeException e) {
            pc.release();
            throw e;
        }
    }

    /**
     * HTTP/2 (or HTTP/1.1 through Helidon's client where ALPN may choose): the per-read timeout is the
     * socket's. A stream's head may take CCP_HEADER_TIMEOUT; when that is longer than
     * CCP_SSE_IDLE_TIMEOUT the per-read timeout is the longer one, or the head would be cut short.
     */
    private UpstreamResponse sendHttp2(ProviderClient pc, UpstreamRequest r) throws UpstreamException {
        Duration headWait = r.stream() ? timeouts.header() : timeouts.json();
        Duration readTimeout = r.stream() ? max(timeouts.sseIdle(), headWait) : timeouts.json();
        String provider = r.provider().name();
        if (headWait.compareTo(readTimeout) >= 0) {
            try {
                return wrap(submit(pc.client(), r, readTimeout, null), null);
            } catch (RuntimeException e) {
                throw UpstreamException.classify(e, provider, UpstreamException.Phase.EXCHANGE);
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
        Duration headWait = r.stream() ? timeouts.header() : timeouts.json();
        for (int attempt = 1; ; attempt++) {
            ConnectionPool.Lease lease;
            try {
                lease = attempt == 1 ? pc.pool().take() : pc.pool().fresh();
            } catch (RuntimeException e) {
                throw UpstreamException.classify(e, provider, UpstreamException.Phase.CONNECT);
            }
            ExchangeWatch watch = ExchangeWatch.start(watchdogs, lease, start + headWait.toNanos());
            UpstreamResponse.Direct res;
            try {
                res = exchange(pc.target(), r, lease);
            } catch (RuntimeException e) {
                watch.finish();
                if (watch.expired()) {
                    throw headTimeout(provider, headWait);
                }
                lease.discard();
                if (attempt == 1 && lease.reused() && closedByPeer(e)) {
                    continue;
                }
                throw UpstreamException.classify(e, provider, UpstreamException.Phase.EXCHANGE);
            }
            if (r.stream()) {
                watch.streaming(timeouts.sseIdle().toNanos());
            } else {
                watch.until(start + timeouts.json().toNanos());
            }
            return new UpstreamResponse(res, System.nanoTime(), watch);
        }
    }

    /** Where requests to one provider go: the request target's prefix and the {@code Host} value. */
    record Target(String basePath, String authority) {
        static Target of(java.net.URI base) {
            boolean https = "https".equalsIgnoreCase(base.getScheme());
            int port = base.getPort() > 0 ? base.getPort() : https ? 443 : 80;
            String basePath = base.getRawPath() == null ? "" : base.getRawPath();
            if (basePath.endsWith("/")) {
                basePath = basePath.substring(0, basePath.length() - 1);
            }
            String host = base.getHost();
            // As Helidon's client wrote it: host and port, an IPv6 literal in brackets.
            String authority = (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
            return new Target(basePath, authority);
        }
    }

    /**
     * Sends the request on the lent connection and reads the response head. The body is read by its
     * framing; read to its end, the connection goes back to the pool (unless the provider said
     * {@code Connection: close} or the body ran to the end of the connection); closed earlier, the
     * connection is closed.
     */
    private static UpstreamResponse.Direct exchange(Target target, UpstreamRequest r, ConnectionPool.Lease lease) {
        var connection = lease.pooled();
        Http1Exchange.write(connection.helidonSocket(), r.method(), target.basePath() + r.pathAndQuery(),
                target.authority(), r.headers(), r.body());
        var reader = lease.connection().reader();
        Http1Exchange.Head head = Http1Exchange.readHead(reader);
        Headers headers = head.headers();
        boolean hasBody = Http1Exchange.hasBody(r.method(), head.status(), headers);
        boolean reusable = Http1Exchange.keepAlive(headers) && (!hasBody || Http1Exchange.chunked(headers)
                || headers.contains(HeaderNames.CONTENT_LENGTH));
        boolean[] ended = {!hasBody};
        Runnable end = () -> {
            ended[0] = true;
            if (reusable) {
                connection.releaseResource();
            } else {
                lease.discard();
            }
        };
        InputStream body = hasBody ? Http1Exchange.body(reader, headers, end) : null;
        if (!hasBody) {
            end.run();
        }
        Runnable closer = () -> {
            if (!ended[0]) {
                // Not read to its end: the rest of the body is still coming on this connection.
                lease.discard();
            }
        };
        return new UpstreamResponse.Direct(head.status(), headers, body, closer);
    }

    /**
     * The failures of a connection the server had closed, by type: end of stream before the response
     * head (Helidon's {@code InsufficientDataAvailableException}, an {@code EOFException}) or a reset
     * or broken pipe ({@code SocketException}).
     */
    static boolean closedByPeer(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.SocketTimeoutException) {
                return false;
            }
            if (c instanceof java.io.EOFException || c instanceof java.net.SocketException
                    || c instanceof DataReader.InsufficientDataAvailableException) {
                return true;
            }
        }
        return false;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
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
            throw UpstreamException.classify(e.getCause(), provider, UpstreamException.Phase.EXCHANGE);
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

    /**
     * The provider's address with the base URL's raw path and the client's raw path and query as one
     * raw path: written to the request line (or h2 {@code :path}) as is.
     */
    private static ClientUri rawUri(UpstreamRequest r) {
        java.net.URI base = r.provider().baseUrl();
        boolean https = "https".equalsIgnoreCase(base.getScheme());
        int port = base.getPort() > 0 ? base.getPort() : https ? 443 : 80;
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        if (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        return ClientUri.create(UriInfo.builder().scheme(base.getScheme()).host(base.getHost()).port(port)
                .path(UriPath.create(basePath + r.pathAndQuery())).build());
    }

    /** @param connection the pooled HTTP/1.1 connection to use, or null to let the client choose */
    private static HttpClientResponse submit(HttpClient<?> client, UpstreamRequest r, Duration readTimeout,
                                             ClientConnection connection) {
        ClientRequest<?> req = client.method(Method.create(r.method()))
                .uri(rawUri(r))
                .skipUriEncoding(false)
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
