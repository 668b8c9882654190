package dev.ccp.proxy.http;

import dev.ccp.proxy.ProxyContext;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/** Every other path and method goes to the default provider unchanged (credentials per that provider). */
public final class PassthroughService implements HttpService {
    private final Forwarder forwarder;

    public PassthroughService(ProxyContext ctx) {
        this.forwarder = new Forwarder(ctx);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any((req, res) -> forwarder.handle(req, res, Forwarder.Endpoint.PASSTHROUGH));
    }
}
