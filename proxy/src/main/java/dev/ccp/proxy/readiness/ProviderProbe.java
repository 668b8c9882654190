package dev.ccp.proxy.readiness;

import dev.ccp.policy.catalog.Provider;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a provider's base URL answers: HEAD, then GET when HEAD did not count; any status from 200
 * to 405 counts as reachable (an API root often answers 404 or 405 to a bare HEAD or GET), with a
 * short reason when it is not 200. No credential is sent, redirects are not followed, and only the
 * catalog's base URLs are ever probed. Results are cached for {@code ttl} by base URL.
 */
public final class ProviderProbe {
    /** One probe's result. {@code status} 0 when no answer came. */
    public record Result(boolean reachable, int status, String reason, Instant at) {
    }

    private record Cached(CompletableFuture<Result> result, Instant started) {
    }

    /** A readiness probe must answer quickly: no single request waits longer than this. */
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http;
    private final InstantSource clock;
    private final Duration ttl;
    private final Duration timeout;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ProviderProbe(InstantSource clock, Duration ttl, Duration timeout) {
        this.clock = clock;
        this.ttl = ttl;
        this.timeout = timeout.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(this.timeout)
                .build();
    }

    /** The cached result, or a new probe when none is fresh; concurrent callers share one probe. */
    public CompletableFuture<Result> probe(Provider provider) {
        String url = provider.baseUrl().toString();
        Instant now = clock.instant();
        Cached c = cache.compute(url, (k, old) -> old != null && now.isBefore(old.started.plus(ttl))
                && !(old.result.isDone() && old.result.isCompletedExceptionally())
                ? old : new Cached(CompletableFuture.supplyAsync(() -> run(provider.baseUrl()),
                        r -> Thread.ofVirtual().name("ccp-probe").start(r)), now));
        return c.result;
    }

    private Result run(URI base) {
        Result head = once(base, "HEAD");
        if (head.reachable()) {
            return head;
        }
        Result get = once(base, "GET");
        return get.reachable() || get.status() != 0 || head.status() == 0 ? get : head;
    }

    private Result once(URI base, String method) {
        try {
            HttpResponse<Void> res = http.send(HttpRequest.newBuilder(base).timeout(timeout)
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            int s = res.statusCode();
            return new Result(s >= 200 && s <= 405, s, reason(s), clock.instant());
        } catch (HttpConnectTimeoutException e) {
            return new Result(false, 0, "connect_timeout", clock.instant());
        } catch (HttpTimeoutException e) {
            return new Result(false, 0, "timeout", clock.instant());
        } catch (ConnectException e) {
            return new Result(false, 0, "connect_error", clock.instant());
        } catch (IOException e) {
            return new Result(false, 0, "io_error: " + e.getClass().getSimpleName(), clock.instant());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, 0, "interrupted", clock.instant());
        }
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "ok";
            case 204 -> "no_content";
            case 301, 302, 303, 307, 308 -> "redirect";
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            default -> "http_" + status;
        };
    }
}
