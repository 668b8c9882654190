package dev.ccp.proxy.upstream;

import dev.ccp.proxy.routing.Provider;
import io.helidon.http.Header;
import io.helidon.http.Method;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
    /** Enforces CCP_HEADER_TIMEOUT on streaming requests; one daemon thread, started on first use. */
    private final ScheduledThreadPoolExecutor watchdogs = watchdogs();

    public UpstreamClients(Timeouts timeouts, boolean forceH1) {
        this.timeouts = timeouts;
        this.forceH1 = forceH1;
    }

    private static ScheduledThreadPoolExecutor watchdogs() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("ccp-head-watchdog").daemon(true).factory());
        // A cancelled check (the head came in time: nearly always) leaves the queue at once.
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    public boolean forceH1() {
        return forceH1;
    }

    private record ProviderClient(HttpClient<?> client, boolean h1Only) {
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
            HttpClient<?> client = h1Only ? web.client(Http1Client.PROTOCOL) : web;
            return new ProviderClient(client, h1Only);
        });
    }

    /**
     * Sends the request and returns once the response head arrived.
     *
     * @throws UpstreamException when no head came: unreachable, timed out or broken; its message names the provider
     */
    public UpstreamResponse send(UpstreamRequest r) throws UpstreamException {
        ProviderClient pc = clientFor(r.provider());
        Duration readTimeout = r.stream() ? timeouts.sseIdle() : timeouts.json();
        Duration headWait = r.stream() ? timeouts.header() : timeouts.json();
        String provider = r.provider().name();
        if (headWait.compareTo(readTimeout) >= 0) {
            try {
                return wrap(submit(pc, r, readTimeout));
            } catch (RuntimeException e) {
                throw UpstreamException.classify(e, provider, false);
            }
        }
        // The head must come sooner than the per-read timeout allows.
        if (!pc.h1Only() || !Thread.currentThread().isVirtual()) {
            return sendWaitingOnTheSide(pc, r, readTimeout, headWait, provider);
        }
        // HTTP/1.1: the request is sent from this thread and a watchdog interrupts it if the head is
        // late (interrupting a virtual thread blocked on a socket closes that socket, which also
        // cancels the request upstream). Sending from a thread of its own and waiting for it here
        // cost a thread start and two extra wake-ups before the first byte of every stream: the
        // bench measured ~0.5 ms of added time-to-first-byte at p50. HTTP/2 keeps that way, as
        // interrupting a thread waiting on an h2 stream is not known to close the stream.
        AtomicInteger state = new AtomicInteger(WAITING);
        Thread caller = Thread.currentThread();
        ScheduledFuture<?> watchdog = watchdogs.schedule(() -> {
            if (state.compareAndSet(WAITING, FIRING)) {
                caller.interrupt();
                state.set(FIRED);
            }
        }, headWait.toNanos(), TimeUnit.NANOSECONDS);
        HttpClientResponse res;
        try {
            res = submit(pc, r, readTimeout);
        } catch (RuntimeException e) {
            watchdog.cancel(false);
            if (!state.compareAndSet(WAITING, DONE)) {
                clearWatchdogInterrupt(state);
                throw headTimeout(provider, headWait);
            }
            throw UpstreamException.classify(e, provider, false);
        }
        watchdog.cancel(false);
        if (!state.compareAndSet(WAITING, DONE)) {
            // The head came as the watchdog fired: too late, as before.
            clearWatchdogInterrupt(state);
            try {
                res.close();
            } catch (RuntimeException ignored) {
                // Its socket may be closed already.
            }
            throw headTimeout(provider, headWait);
        }
        return wrap(res);
    }

    /** Sends from a thread of its own and waits for the head here, at most {@code headWait}. */
    private static UpstreamResponse sendWaitingOnTheSide(ProviderClient pc, UpstreamRequest r, Duration readTimeout,
                                                         Duration headWait, String provider) throws UpstreamException {
        AtomicBoolean abandoned = new AtomicBoolean();
        CompletableFuture<HttpClientResponse> head = new CompletableFuture<>();
        Thread.ofVirtual().name("ccp-upstream-head").start(() -> {
            try {
                HttpClientResponse res = submit(pc, r, readTimeout);
                if (!head.complete(res) || abandoned.get()) {
                    res.close();
                }
            } catch (Throwable t) {
                head.completeExceptionally(t);
            }
        });
        try {
            return wrap(head.get(headWait.toNanos(), TimeUnit.NANOSECONDS));
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

    private static final int WAITING = 0;
    private static final int DONE = 1;
    private static final int FIRING = 2;
    private static final int FIRED = 3;

    /** Waits for the watchdog's interrupt to land, then clears it: the thread goes on to answer the client. */
    private static void clearWatchdogInterrupt(AtomicInteger state) {
        while (state.get() != FIRED) {
            Thread.onSpinWait();
        }
        Thread.interrupted();
    }

    private static UpstreamException headTimeout(String provider, Duration headWait) {
        return new UpstreamException(UpstreamException.Kind.TIMEOUT, provider,
                "provider " + provider + " sent no response head within " + headWait.toMillis() + " ms", null);
    }

    private static UpstreamResponse wrap(HttpClientResponse res) {
        return new UpstreamResponse(res, res instanceof Http2ClientResponse ? "h2" : "h1", System.nanoTime());
    }

    private static HttpClientResponse submit(ProviderClient pc, UpstreamRequest r, Duration readTimeout) {
        ClientRequest<?> req = pc.client().method(Method.create(r.method()))
                .uri(URI.create(r.url()))
                .skipUriEncoding(true)
                .followRedirects(false)
                .readTimeout(readTimeout)
                .headers(h -> {
                    for (Header header : r.headers()) {
                        h.set(header);
                    }
                });
        if (r.body().length == 0 && ("GET".equals(r.method()) || "HEAD".equals(r.method()))) {
            return req.request();
        }
        return req.submit(r.body());
    }
}
