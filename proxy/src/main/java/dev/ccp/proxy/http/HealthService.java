package dev.ccp.proxy.http;

import dev.ccp.proxy.ProxyContext;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /healthz}: liveness only (readiness, with provider probes, is /readyz). */
public final class HealthService implements HttpService {
    private final ProxyContext ctx;

    public HealthService(ProxyContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::health);
    }

    private void health(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send("{\"status\":\"ok\",\"instance\":\"" + ctx.instance() + "\",\"version\":\"" + ctx.version() + "\"}");
    }
}
