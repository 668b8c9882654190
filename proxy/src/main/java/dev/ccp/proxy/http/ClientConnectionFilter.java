package dev.ccp.proxy.http;

import dev.ccp.proxy.ProxyContext;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.Locale;

/**
 * Runs around every request, before routing.
 *
 * <p>A raw path that is not normalised ({@code ..}, {@code %2e%2e}, {@code //}) never reaches a route
 * chosen from its normalised form (Helidon routes on the decoded, normalised path, so
 * {@code /v1/%2e%2e/admin/state} would otherwise be served as {@code /admin/state}): it is refused
 * by the request path, which records it like any other refusal.
 *
 * <p>A client that sent {@code Connection: close} gets its answer and then the connection closed:
 * Helidon 4.5 answers {@code Connection: close} but keeps the socket open, waiting for a next request
 * that will not come, so the answer is committed here and the connection closed.
 */
public final class ClientConnectionFilter implements Filter {
    private final Forwarder forwarder;

    public ClientConnectionFilter(ProxyContext ctx) {
        this.forwarder = new Forwarder(ctx);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (RawPaths.problem(req.path().rawPath()) != null) {
            forwarder.handle(req, res, Forwarder.Endpoint.PASSTHROUGH);
        } else {
            chain.proceed();
        }
        if (asksToClose(req)) {
            res.commit();
            throw new CloseConnectionException("the client asked to close the connection after its answer");
        }
    }

    private static boolean asksToClose(RoutingRequest req) {
        return req.headers().first(HeaderNames.CONNECTION)
                .map(v -> v.toLowerCase(Locale.ROOT).contains("close")).orElse(false);
    }
}
